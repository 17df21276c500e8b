# Doorstep: everything a newcomer needs is a make target.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# The suite runs in this many processes (pytest-xdist, work stealing: a few long browser tests
# would otherwise leave one process idle at the end).
TEST_WORKERS ?= 2
export FLASK_APP := wsgi

ASSET_SOURCES := $(wildcard app/assets/*) scripts/build_assets.py package-lock.json

.PHONY: run test install assets translations compile-translations bench lint format browser-deps redis-deps wrk-deps worker scheduler clean

## install: Python packages into .venv and front-end packages into node_modules
install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Doorstep needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## assets: compile, fingerprint and compress the front end into app/static
assets: app/static/manifest.json

app/static/manifest.json: node_modules/.installed $(VENV)/.installed $(ASSET_SOURCES)
	$(BIN)/python scripts/build_assets.py

## compile-translations: build the Welsh catalogue the app reads
compile-translations: translations/cy/LC_MESSAGES/messages.mo

translations/cy/LC_MESSAGES/messages.mo: translations/cy/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

## translations: extract new strings, merge them into the Welsh catalogue, compile
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project=Doorstep --copyright-holder="Doorstep contributors" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/pybabel compile --statistics -d translations

build: install assets compile-translations

## run: install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)
run: build
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	PORT=$(PORT) scripts/dev_server.sh

## worker: send queued emails and text messages (the scheduler does this too; extra workers are safe)
worker: build
	$(BIN)/flask messages send --loop

## scheduler: every scheduled job (messages, payment checks, reminders, clean-ups), on its own
scheduler: build
	$(BIN)/flask scheduler run

## browser-deps: Debian Chromium and ChromeDriver for the browser tests
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian chromium and chromium-driver for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else \
		echo "The browser tests need Chromium and ChromeDriver. Install them with:"; \
		echo "    sudo apt-get install chromium chromium-driver"; \
		exit 1; \
	fi

## redis-deps: Debian redis-server, which the test of several processes starts on a free port
redis-deps:
	@if command -v redis-server >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian redis-server for the test of several processes"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	else \
		echo "The test of several processes needs redis-server. Install it with:"; \
		echo "    sudo apt-get install redis-server"; \
		exit 1; \
	fi

## wrk-deps: Debian wrk, the HTTP load generator `make bench` runs against gunicorn
wrk-deps:
	@if command -v wrk >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian wrk for the HTTP load test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else \
		echo "The HTTP load test needs wrk. Install it with:"; \
		echo "    sudo apt-get install wrk"; \
		exit 1; \
	fi

## test: the whole suite, browser accessibility tests included
test: build browser-deps redis-deps lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

## bench: page weights, server timings, the inbox with many cases, booked collections, API key checks,
## council tax import, street reports near a point and Open311's list of requests, the channel-shift figures, and an HTTP load test of gunicorn in the production configuration (wrk, PostgreSQL, Redis).
## On SQLite, or PostgreSQL with BENCH_DATABASE_URL=postgresql+psycopg://... make bench
bench: build redis-deps wrk-deps
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_bookings.py
	$(BIN)/python scripts/bench_api_keys.py
	$(BIN)/python scripts/bench_parking.py
	$(BIN)/python scripts/bench_council_tax.py
	$(BIN)/python scripts/bench_street_reports.py
	$(BIN)/python scripts/bench_channel_figures.py
	$(BIN)/python scripts/bench_assisted.py
	$(BIN)/python scripts/bench_http.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules app/static translations/*/LC_MESSAGES/*.mo accessibility/reports .pytest_cache
