# Etalase: `make run` serves the demo site, `make test` runs the whole suite.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app app
STAMP  := $(VENV)/.installed-stamp
MO     := shop/i18n/translations/id/LC_MESSAGES/messages.mo
PO     := shop/i18n/translations/id/LC_MESSAGES/messages.po

.PHONY: run test bench translations extract browser-deps lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(MO): $(PO) $(STAMP)
	$(VENV)/bin/pybabel compile -d shop/i18n/translations

translations: $(MO)

# Re-extract the source strings and merge them into the catalogues.
extract: $(STAMP)
	$(VENV)/bin/pybabel extract --ignore-dirs='.*' -F babel.cfg -k _l -k lazy_gettext -k _ln:1,2 -o shop/i18n/messages.pot .
	$(VENV)/bin/pybabel update -i shop/i18n/messages.pot -d shop/i18n/translations --no-fuzzy-matching

# `make run PORT=8000` serves on another port.
PORT ?= 5000
run: $(STAMP) $(MO)
	$(FLASK) db upgrade
	$(FLASK) demo load --once
	NOTIFY_IN_PROCESS=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Chromium for the browser tests (Debian's package; Playwright never downloads one);
# nginx and redis-server for the many-machines test (it starts its own of each).
browser-deps:
	@{ test -x /usr/bin/chromium && command -v pdfinfo >/dev/null && command -v zbarimg >/dev/null \
	  && test -x /usr/sbin/nginx && command -v redis-server >/dev/null \
	  && ls /usr/lib/*/libharfbuzz-subset.so.0 >/dev/null 2>&1; } || { \
	  echo "Installing Debian's chromium, poppler-utils (pdfinfo), zbar-tools (zbarimg, decodes QR codes), nginx, redis-server and libharfbuzz-subset0 (for WeasyPrint) for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils zbar-tools nginx redis-server libharfbuzz-subset0 >/dev/null; }

# Prints the coverage of shop/ (files fully covered left out); no threshold.
# `make test COV=` runs without measuring it (CI measures it once, on SQLite).
COV ?= --cov=shop --cov-report=term:skip-covered
test: $(STAMP) $(MO) browser-deps
	COVERAGE_FILE=$(VENV)/.coverage $(VENV)/bin/pytest $(COV)

lint: $(STAMP)
	$(VENV)/bin/ruff check shop tests bench app.py
	$(VENV)/bin/ruff format --check shop tests bench app.py
	$(VENV)/bin/lint-imports

bench: $(STAMP) $(MO)
	bench/run.sh

clean:
	rm -rf $(VENV) instance/etalase.db* instance/media
