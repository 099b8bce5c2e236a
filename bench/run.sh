#!/usr/bin/env bash
# make bench: serve the app and a bare Flask app under the same gunicorn settings,
# load both with wrk, and report requests/s, p99 and the ratio to hello-world,
# min/median/max of ROUNDS rounds (each round measures hello, then every page).
#   BENCH_SCALE     10k (default: 500 groups, 10,000 products, 100,000 orders),
#                   100k (5,000 / 100,000 / 300,000) or 1m (50,000 / 1,000,000 /
#                   1,000,000); each scale has its own SQLite file in bench/out,
#                   generated once and reused. With DATABASE_URL (PostgreSQL),
#                   use one database per scale: the generators refuse another's.
#   BENCH_GROUPS / BENCH_PRODUCTS / BENCH_ORDERS  override the scale's numbers
#   GUNICORN_ARGS   (default "-w 2 -k gthread --threads 4 --keep-alive 75")
#   CHECKOUT_GUNICORN_ARGS  gunicorn for the checkout section (default GUNICORN_ARGS
#                   on SQLite, which has one writer; "-w 4 -k gthread --threads 4
#                   --keep-alive 75" on PostgreSQL, where more workers place orders at once)
#   WRK_ARGS        (default "-t2 -c32"), DURATION (default 8s), ROUNDS (default 3)
#   BENCH_PORT      (default 8123)
#   SEARCH_CHECK_PAGES  pages per query, sort and filter set that bench/search_check.py
#                   compares with the joined search before measuring (default 3; 1 at
#                   1m; 0 skips the check)
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
# --keep-alive: gunicorn closes a kept-alive connection on which no request
# came for that many seconds (default 2). wrk sends a connection's next
# request as soon as it has the answer, but on a machine shared with other
# work wrk can be held up for a moment; past 2 s gunicorn has closed the idle
# connections, and wrk counts each as a read error ("Socket errors": up to one
# per connection, 32, at each hold-up). 75 s, as deploy/systemd/etalase-web.service.
GUNICORN_ARGS=${GUNICORN_ARGS:--w 2 -k gthread --threads 4 --keep-alive 75}
if [[ ${DATABASE_URL:-sqlite} == postgresql* ]]; then
  CHECKOUT_GUNICORN_ARGS=${CHECKOUT_GUNICORN_ARGS:--w 4 -k gthread --threads 4 --keep-alive 75}
else
  CHECKOUT_GUNICORN_ARGS=${CHECKOUT_GUNICORN_ARGS:-$GUNICORN_ARGS}
fi
WRK_ARGS=${WRK_ARGS:--t2 -c32}
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
SECTIONS=${BENCH_SECTIONS:-public checkout monitoring upload}
section() { [[ " $SECTIONS " == *" $1 "* ]]; }
SCALE=${BENCH_SCALE:-10k}
case $SCALE in
  10k) SCALE_NUMBERS="500 10000 100000" ;;
  100k) SCALE_NUMBERS="5000 100000 300000" ;;
  1m) SCALE_NUMBERS="50000 1000000 1000000" ;;
  *) echo "BENCH_SCALE is 10k, 100k or 1m, not $SCALE"; exit 2 ;;
esac
read -r N_GROUPS N_PRODUCTS N_ORDERS <<< "$SCALE_NUMBERS"
N_GROUPS=${BENCH_GROUPS:-$N_GROUPS}
N_PRODUCTS=${BENCH_PRODUCTS:-$N_PRODUCTS}
N_ORDERS=${BENCH_ORDERS:-$N_ORDERS}
DB_NAME=bench-$SCALE
[ "$N_GROUPS $N_PRODUCTS $N_ORDERS" = "$SCALE_NUMBERS" ] \
  || DB_NAME=bench-g$N_GROUPS-p$N_PRODUCTS-o$N_ORDERS
export DATABASE_URL=${DATABASE_URL:-sqlite:///$OUT/$DB_NAME.db}
export MEDIA_ROOT=$OUT/media
export ETALASE_ENV=development
# One load generator on 127.0.0.1 is every buyer at once: lift the per-IP limit.
export CHECKOUT_RATE_LIMIT="1000000 per minute"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

"$VENV/bin/python" bench/generate.py --groups "$N_GROUPS" --products "$N_PRODUCTS"
# Orders over 18 months for the monitoring pages, and two coordinators.
"$VENV/bin/python" bench/generate_orders.py --orders "$N_ORDERS" --months 18
# The search lists what the joined search listed, on this scale's catalogue
# (bench/search_check.py; SEARCH_CHECK_PAGES=0 skips it).
SEARCH_CHECK_PAGES=${SEARCH_CHECK_PAGES:-$([ "$SCALE" = 1m ] && echo 1 || echo 3)}
if [ "$SEARCH_CHECK_PAGES" != 0 ]; then
  "$VENV/bin/python" bench/search_check.py --pages "$SEARCH_CHECK_PAGES"
fi
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

PORT=${BENCH_PORT:-8123}
serve() {  # serve MODULE:APP DIR
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "something already answers on port $PORT (BENCH_PORT)"; exit 1
  fi
  "$VENV/bin/gunicorn" --chdir "$2" -b 127.0.0.1:$PORT --log-level warning $GUNICORN_ARGS "$1" \
    > "$OUT/gunicorn.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && return 0
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start:"; tail -20 "$OUT/gunicorn.log"; exit 1
}
stop() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
WORKER="" REDIS=""
cleanup() {
  stop
  for pid in $WORKER $REDIS; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# One line per round and row: round, label, req/s, p99 in ms, socket errors
# (connect + read + write: connections the server refused or closed), wrk's
# timeouts (requests older than wrk's --timeout, 2 s by default), non-2xx/3xx.
ROWS=$OUT/rows.txt
: > "$ROWS"
# WRK_SCRIPT: a wrk Lua script for the measured requests (bench/fresh.lua).
measure() {  # measure LABEL PATH [wrk header args]: a line of round $ROUND in $ROWS
  local label=$1 url="http://127.0.0.1:$PORT$2"; shift 2
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")
  [ "$code" = "${EXPECT:-200}" ] || { echo "$url answered $code"; exit 1; }
  local script=(); [ -n "${WRK_SCRIPT:-}" ] && script=(-s "$WRK_SCRIPT")
  wrk -t1 -c4 -d1s "${script[@]}" "$@" "$url" > /dev/null
  local file="$OUT/wrk-$label-$ROUND.txt"
  wrk ${WRK:-$WRK_ARGS} -d"$DURATION" --latency "${script[@]}" "$@" "$url" > "$file"
  awk -v round="$ROUND" -v label="$label" '
    /Requests\/sec/ { rps = $2 }
    / 99%/ { v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0;
             else if (v ~ /m$/) v = v * 60000; else if (v ~ /s$/) v = v * 1000; p99 = v }
    /Socket errors/ { gsub(/,/, ""); sock = $4 + $6 + $8; late = $10 }
    /Non-2xx/ { non = $NF }
    END { printf "%s %s %s %.3f %d %d %d\n", round, label, rps, p99, sock, late, non }' "$file" >> "$ROWS"
}

# The median latency of one request on one connection, in ms (the upload
# section's unit: its times are reported as multiples of it).
latency_ms() {  # latency_ms LABEL PATH
  wrk -t1 -c1 -d3s --latency "http://127.0.0.1:$PORT$2" > "$OUT/wrk-$1.txt"
  awk '/ 50%/{v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0;
       else if (v ~ /s$/) v = v * 1000; printf "%.3f", v}' "$OUT/wrk-$1.txt"
}

echo "gunicorn $GUNICORN_ARGS; wrk $WRK_ARGS -d$DURATION; $ROUNDS rounds; $(nproc) cores;" \
  "database ${DATABASE_URL%%:*} ($N_GROUPS groups, $N_PRODUCTS products, $N_ORDERS orders)"
# Each round: hello alone, then the app's rows, so a round's ratio compares
# numbers taken a minute apart (the machine's speed drifts).
for ROUND in $(seq "$ROUNDS"); do
  echo "round $ROUND of $ROUNDS"
  serve hello:app "$ROOT/bench"
  measure hello /
  if section upload; then
    [ "$ROUND" = 1 ] && HELLO_MS=$(latency_ms hello-latency /)
    [ "$ROUND" = "$ROUNDS" ] && HELLO2_MS=$(latency_ms hello-latency2 /)
  fi
  stop

  serve app:app "$ROOT"
  if section public; then
    measure home /
    measure catalogue-filtered '/katalog?kategori=makanan-ringan&urut=price_asc&page=2'
    measure search '/katalog?q=keripik+pedas'
    measure group "$GROUP_PATH"
    measure product "$PRODUCT_PATH"
    # Buyers in the middle of shopping: the cached page with their own parts
    # (cart count; who is logged in) put in on the way out (shop/core/personal.py).
    CART=(-H "Cookie: $("$VENV/bin/python" bench/login.py --base "http://127.0.0.1:$PORT" --cart "$PRODUCT_PATH")")
    LOGIN=(-H "Cookie: $("$VENV/bin/python" bench/login.py --base "http://127.0.0.1:$PORT" --phone +6281300000001 --cart "$PRODUCT_PATH")")
    measure catalogue-cart '/katalog?kategori=makanan-ringan&urut=price_asc&page=2' "${CART[@]}"
    measure product-cart "$PRODUCT_PATH" "${CART[@]}"
    measure catalogue-login '/katalog?kategori=makanan-ringan&urut=price_asc&page=2' "${LOGIN[@]}"
    measure search-login '/katalog?q=keripik+pedas' "${LOGIN[@]}"
    measure product-login "$PRODUCT_PATH" "${LOGIN[@]}"
    # Cache misses: every request a URL never asked before (bench/fresh.lua),
    # so Flask renders the whole page each time.
    export WRK_SCRIPT=bench/fresh.lua
    measure catalogue-render '/katalog?kategori=makanan-ringan&urut=price_asc&page=2'
    measure search-render '/katalog?q=keripik+pedas'
    measure group-render "$GROUP_PATH"
    measure product-render "$PRODUCT_PATH"
    unset WRK_SCRIPT
  fi
  if section monitoring; then
    # Coordinators logged in through the real form; the page and the XLSX of
    # the default filters (last 12 months of the scale's orders). A few
    # coordinators at once, not 32 buyers: MONEV_WRK_ARGS (default -t1 -c4).
    BASE="http://127.0.0.1:$PORT"
    export WRK=${MONEV_WRK_ARGS:--t1 -c4 --timeout 10s}
    OPERATOR=(-H "Cookie: $("$VENV/bin/python" bench/login.py --base "$BASE" --phone +6281900000001)")
    SCOPED=(-H "Cookie: $("$VENV/bin/python" bench/login.py --base "$BASE" --phone +6281900000002)")
    measure monev-operator /koordinator/monev "${OPERATOR[@]}"
    measure monev-operator-groups '/koordinator/monev?per=group' "${OPERATOR[@]}"
    measure monev-operator-months '/koordinator/monev?per=month' "${OPERATOR[@]}"
    measure monev-scoped /koordinator/monev "${SCOPED[@]}"
    # The XLSX is an export: with jobs in-process (no Redis here) each request
    # records it, renders it and answers 303 to the file, so this row is the
    # whole cost of making one (wrk counts the 303s as "Non-2xx or 3xx").
    EXPECT=303 measure monev-xlsx /koordinator/monev.xlsx "${OPERATOR[@]}"
    unset WRK
  fi
  stop
done

# Checkout places orders: once, after the rounds, so every round read the same data.
CHECKOUT="(not measured)"
if section checkout; then
  GUNICORN_ARGS=$CHECKOUT_GUNICORN_ARGS serve app:app "$ROOT"
  CHECKOUT=$("$VENV/bin/python" bench/checkout.py --base "http://127.0.0.1:$PORT" \
    --seconds "${DURATION%s}" --threads 8 2>/dev/null | tail -1)
  stop
fi

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

# Ratio of a round = the row's req/s ÷ hello's req/s of the same round.
printf '\n%-22s %9s %9s %22s  %s\n' page "req/s" "p99 ms" "ratio min/median/max" \
  "socket errors per round"
"$VENV/bin/python" - "$ROWS" <<'PY'
import statistics
import sys

rows = [line.split() for line in open(sys.argv[1])]
hello = {r[0]: float(r[2]) for r in rows if r[1] == "hello"}
for label in dict.fromkeys(r[1] for r in rows):
    mine = [r for r in rows if r[1] == label]
    ratios = sorted(float(r[2]) / hello[r[0]] for r in mine)
    shown = "/".join(f"{x:.4f}" if x < 0.1 else f"{x:.2f}" for x in
                     (ratios[0], statistics.median(ratios), ratios[-1]))
    sockets = "/".join(r[4] for r in mine)
    late = "/".join(r[5] for r in mine)
    non2xx = sum(int(r[6]) for r in mine)
    print(f"{label:<22} {statistics.median(float(r[2]) for r in mine):9.1f} "
          f"{statistics.median(float(r[3]) for r in mine):9.1f} {shown:>22}  {sockets}"
          + (f"  (wrk timeouts: {late})" if late.strip("/0") else "")
          + (f"  (non-2xx/3xx: {non2xx})" if non2xx else ""))
PY
echo "(req/s and p99: median of the rounds; wrk-<row>-<round>.txt in bench/out)"
echo "checkout (orders placed per second, latency of the place-order POST; gunicorn $CHECKOUT_GUNICORN_ARGS):"
echo "  $CHECKOUT"
if section upload; then
  # Ratio = a time of the upload section ÷ the hello app's median request
  # latency on one connection (mean of the first and last rounds' hello):
  # how many hello requests one upload answer is worth, on this machine, in
  # this run.
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
