#!/usr/bin/env bash
# make bench: serve the app and a bare Flask app under the same gunicorn settings,
# load both with wrk, and report requests/s, p99 and the ratio to hello-world.
#   GUNICORN_ARGS   (default "-w 2 -k gthread --threads 4")
#   WRK_ARGS        (default "-t2 -c32"), DURATION (default 10s)
#   BENCH_GROUPS / BENCH_PRODUCTS / BENCH_ORDERS (default 500 / 10000 / 100000)
#   BENCH_SECTIONS  (default "public checkout monitoring upload": which rows to measure)
#   MONEV_WRK_ARGS  (default "-t1 -c4 --timeout 10s": wrk for the coordinator rows)
#   UPLOAD_ROUNDS / UPLOAD_COUNT / UPLOAD_CHECKOUT_SECONDS (default 3 / 5 / 5): the
#                   upload section (bench/upload.py): rounds, sequential uploads per
#                   round, seconds of each checkout window (alone, with uploads)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
OUT=$ROOT/bench/out
mkdir -p "$OUT"
GUNICORN_ARGS=${GUNICORN_ARGS:--w 2 -k gthread --threads 4}
WRK_ARGS=${WRK_ARGS:--t2 -c32}
DURATION=${DURATION:-10s}
SECTIONS=${BENCH_SECTIONS:-public checkout monitoring upload}
section() { [[ " $SECTIONS " == *" $1 "* ]]; }
export DATABASE_URL=${DATABASE_URL:-sqlite:///$OUT/bench.db}
export MEDIA_ROOT=$OUT/media
export ETALASE_ENV=development
# One load generator on 127.0.0.1 is every buyer at once: lift the per-IP limit.
export CHECKOUT_RATE_LIMIT="1000000 per minute"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

"$VENV/bin/python" bench/generate.py --groups "${BENCH_GROUPS:-500}" --products "${BENCH_PRODUCTS:-10000}"
# Orders over 18 months for the monitoring pages, and two coordinators.
"$VENV/bin/python" bench/generate_orders.py --orders "${BENCH_ORDERS:-100000}" --months 18
PRODUCT_PATH=$("$VENV/bin/python" - <<'PY'
from shop import create_app
from shop.extensions import db
from sqlalchemy import text
app = create_app()
with app.app_context():
    row = db.session.execute(text(
        "SELECT g.slug, p.slug FROM product p JOIN \"group\" g ON g.id = p.group_id "
        "WHERE p.status = 'published' ORDER BY p.id LIMIT 1 OFFSET 100")).one()
    print(f"/k/{row[0]}/{row[1]}")
PY
)
GROUP_PATH=${PRODUCT_PATH%/*}

PORT=8123
serve() {  # serve MODULE:APP DIR
  "$VENV/bin/gunicorn" --chdir "$2" -b 127.0.0.1:$PORT --log-level warning $GUNICORN_ARGS "$1" \
    > "$OUT/gunicorn.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && return 0; sleep 0.1; done
  echo "server did not start:"; tail -20 "$OUT/gunicorn.log"; exit 1
}
stop() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
WORKER="" REDIS=""
cleanup() {
  stop
  for pid in $WORKER $REDIS; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

measure() {  # measure LABEL PATH [wrk header args] -> prints "label req/s p99"
  local label=$1 url="http://127.0.0.1:$PORT$2"; shift 2
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")
  [ "$code" = "${EXPECT:-200}" ] || { echo "$url answered $code"; exit 1; }
  wrk -t1 -c4 -d2s "$@" "$url" > /dev/null
  wrk ${WRK:-$WRK_ARGS} -d"$DURATION" --latency "$@" "$url" > "$OUT/wrk-$label.txt"
  set -- "$label"
  local rps p99 errors
  rps=$(awk '/Requests\/sec/{print $2}' "$OUT/wrk-$1.txt")
  p99=$(awk '/ 99%/{print $2}' "$OUT/wrk-$1.txt")
  errors=$(grep -E 'Non-2xx|Socket errors' "$OUT/wrk-$1.txt" | tr -s ' ' || true)
  echo "$1 $rps $p99 ${errors:+($errors)}"
}

# The median latency of one request on one connection, in ms (the upload
# section's unit: its times are reported as multiples of it).
latency_ms() {  # latency_ms LABEL PATH
  wrk -t1 -c1 -d3s --latency "http://127.0.0.1:$PORT$2" > "$OUT/wrk-$1.txt"
  awk '/ 50%/{v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0;
       else if (v ~ /s$/) v = v * 1000; printf "%.3f", v}' "$OUT/wrk-$1.txt"
}

echo "gunicorn $GUNICORN_ARGS; wrk $WRK_ARGS -d$DURATION; $(nproc) cores; database ${DATABASE_URL%%:*}"
serve hello:app "$ROOT/bench"
HELLO=$(measure hello /)
section upload && HELLO_MS=$(latency_ms hello-latency /)
stop

serve app:app "$ROOT"
RESULTS=()
CHECKOUT="(not measured)"
if section public; then
RESULTS+=("$(measure home /)")
RESULTS+=("$(measure catalogue-filtered '/katalog?kategori=makanan-ringan&urut=price_asc&page=2')")
RESULTS+=("$(measure search '/katalog?q=keripik+pedas')")
RESULTS+=("$(measure group "$GROUP_PATH")")
RESULTS+=("$(measure product "$PRODUCT_PATH")")
# The same pages rendered by Flask every time: a (meaningless) session cookie
# keeps the page cache out of the way, as for a visitor with a cart.
NOCACHE=(-H "Cookie: session=bench")
RESULTS+=("$(measure catalogue-uncached '/katalog?kategori=makanan-ringan&urut=price_asc&page=2' "${NOCACHE[@]}")")
RESULTS+=("$(measure search-uncached '/katalog?q=keripik+pedas' "${NOCACHE[@]}")")
RESULTS+=("$(measure product-uncached "$PRODUCT_PATH" "${NOCACHE[@]}")")
fi
if section monitoring; then
  # Coordinators logged in through the real form; the page and the XLSX of
  # the default filters (last 12 months over 100,000 orders). A few
  # coordinators at once, not 32 buyers: MONEV_WRK_ARGS (default -t1 -c4).
  BASE="http://127.0.0.1:$PORT"
  export WRK=${MONEV_WRK_ARGS:--t1 -c4 --timeout 10s}
  OPERATOR=(-H "Cookie: $("$VENV/bin/python" bench/login.py --base "$BASE" --phone +6281900000001)")
  SCOPED=(-H "Cookie: $("$VENV/bin/python" bench/login.py --base "$BASE" --phone +6281900000002)")
  RESULTS+=("$(measure monev-operator /koordinator/monev "${OPERATOR[@]}")")
  RESULTS+=("$(measure monev-operator-groups '/koordinator/monev?per=group' "${OPERATOR[@]}")")
  RESULTS+=("$(measure monev-operator-months '/koordinator/monev?per=month' "${OPERATOR[@]}")")
  RESULTS+=("$(measure monev-scoped /koordinator/monev "${SCOPED[@]}")")
  # The XLSX is an export: with jobs in-process (no Redis here) each request
  # records it, renders it and answers 303 to the file, so this row is the
  # whole cost of making one (wrk counts the 303s as "Non-2xx or 3xx").
  RESULTS+=("$(EXPECT=303 measure monev-xlsx /koordinator/monev.xlsx "${OPERATOR[@]}")")
  unset WRK
fi
if section checkout; then
CHECKOUT=$("$VENV/bin/python" bench/checkout.py --base "http://127.0.0.1:$PORT" \
  --seconds "${DURATION%s}" --threads 8 2>/dev/null | tail -1)
fi
stop

if section upload; then
  # Photo uploads (bench/upload.py). First with the job queue: a redis-server
  # of the bench's own on a free port (never the machine's 6379) and one
  # `flask jobs worker` making the variants; then the same uploads with jobs
  # in-process (no Redis), where the web process makes the variants after the answer.
  UPLOAD_ARGS=(--base "http://127.0.0.1:$PORT" --rounds "${UPLOAD_ROUNDS:-3}"
    --uploads "${UPLOAD_COUNT:-5}" --checkout-seconds "${UPLOAD_CHECKOUT_SECONDS:-5}")
  unset REDIS_URL ETALASE_REDIS_URL JOBS_REDIS_URL ETALASE_JOBS_REDIS_URL
  REDIS_PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    > "$OUT/redis.log" 2>&1 &
  REDIS=$!
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  export ETALASE_JOBS_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  serve app:app "$ROOT"
  # Niced, as deploy/systemd/etalase-worker.service runs it: on a machine that
  # also serves pages, Pillow waits for the requests, not they for Pillow.
  nice -n 10 "$VENV/bin/flask" --app app jobs worker > "$OUT/worker.log" 2>&1 &
  WORKER=$!
  "$VENV/bin/python" bench/upload.py "${UPLOAD_ARGS[@]}" --mode queue \
    --redis-url "$ETALASE_JOBS_REDIS_URL" 2> "$OUT/upload-queue.log" > "$OUT/upload.txt" \
    || { echo "upload (queue) failed:"; tail -5 "$OUT/upload-queue.log"; exit 1; }
  stop
  kill "$WORKER"; wait "$WORKER" 2>/dev/null || true; WORKER=""
  kill "$REDIS"; wait "$REDIS" 2>/dev/null || true; REDIS=""
  unset ETALASE_JOBS_REDIS_URL
  serve app:app "$ROOT"
  "$VENV/bin/python" bench/upload.py "${UPLOAD_ARGS[@]}" --mode inprocess \
    2> "$OUT/upload-inprocess.log" >> "$OUT/upload.txt" \
    || { echo "upload (in-process) failed:"; tail -5 "$OUT/upload-inprocess.log"; exit 1; }
  stop
fi

# hello again: the machine's speed drifts; the ratio uses the mean of both runs.
serve hello:app "$ROOT/bench"
HELLO2=$(measure hello /)
section upload && HELLO2_MS=$(latency_ms hello-latency2 /)
stop

hello_rps=$(echo "$HELLO $HELLO2" | awk '{printf "%.2f", ($2 + $5) / 2}')
printf '\n%-20s %10s %10s %8s\n' page req/s p99 ratio
printf '%-20s %10s %10s %8s\n' $(echo "$HELLO" | awk '{print $1, $2, $3}') "-"
printf '%-20s %10s %10s %8s\n' $(echo "$HELLO2" | awk '{print $1, $2, $3}') "-"
printf '%-20s %10s %10s %8s\n' "hello (mean)" "$hello_rps" "" "1.00"
echo "checkout (orders placed per second, latency of the place-order POST):"
echo "  $CHECKOUT"
for row in "${RESULTS[@]}"; do
  set -- $row
  printf '%-20s %10s %10s %8s %s\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$hello_rps" 'BEGIN{r = a/b; printf (r < 0.1 ? "%.4f" : "%.2f"), r}')" "${*:4}"
done
if section upload; then
  # Ratio = a time of the upload section ÷ the hello app's median request
  # latency on one connection (mean of both hello runs): how many hello
  # requests one upload answer is worth, on this machine, in this run.
  hello_ms=$(awk -v a="$HELLO_MS" -v b="$HELLO2_MS" 'BEGIN{printf "%.3f", (a + b) / 2}')
  echo "upload (min/median/max of ${UPLOAD_ROUNDS:-3} rounds; ratio = time ÷ hello latency," \
    "one connection, $HELLO_MS / $HELLO2_MS ms, mean $hello_ms ms):"
  printf '  %-34s %26s %24s\n' figure "ms min/median/max" "ratio min/median/max"
  while read -r label unit values; do
    if [ "$label" = "#" ]; then echo "  $unit $values"; continue; fi
    echo "$values" | tr ' ' '\n' | sort -g | awk -v label="$label" -v unit="$unit" -v h="$hello_ms" '
      { v[NR] = $1 }
      END {
        lo = v[1]; hi = v[NR]; med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        if (unit == "ms")
          printf "  %-34s %8.1f %8.1f %8.1f %8.0f %7.0f %7.0f\n", label, lo, med, hi, lo / h, med / h, hi / h
        else
          printf "  %-34s %8.2f %8.2f %8.2f %8s %7s %7s  (with uploads ÷ alone)\n", label, lo, med, hi, "", "", ""
      }'
  done < "$OUT/upload.txt"
  cat <<'EOF'
  upload-answer: a photo's POST to its answer, one upload at a time, worker idle (goal < 150 ms);
  upload-ready: the same until the photo is ready (the worker's variants), polled in the database;
  checkout-*-alone / -uploads: the place-order POST of 8 buyers alone, then with 2 members
    uploading continuously (each sends its next photo once the last is ready), same round;
  upload-answer-checkout: the uploads' answers in those windows;
  *-inprocess: the same with no Redis: the web process makes the variants once the answer is sent.
EOF
fi
