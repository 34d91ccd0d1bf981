# Two commands set everything up on a fresh machine: `make run` (the demo) and `make test` (the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

CHROMIUM := /usr/bin/chromium

BENCH_DB ?= postgres://postgres@127.0.0.1:5432/llct_bench
LOAD_PORT ?= 8765
# Sync workers: cores + 1. The pages are CPU-bound (templates, figures), so more workers only queue on the cores:
# on 2 cores, 5 workers gave p95 570 ms, 3 workers 320-370 ms, 2 workers 860 ms (24/11, same load); at 150 users
# with writes, 4 workers served 44 req/s against 50 for 3 (06/12).
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
# The suite runs on every core (pytest-xdist: one test database per worker); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= $(shell nproc)

.PHONY: install chromium run serve migrate demo test lint format clean backup restore bench benchdb loadtest

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@echo ""
	@echo "Mở http://$(HOST):$(PORT)/ và đăng nhập bằng một tài khoản ở trên."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install chromium
	$(BIN)/ruff check .
	$(BIN)/python .ci/layers.py
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# Backup and restore: pg_dump / pg_restore on PostgreSQL, a consistent file copy on SQLite.
backup: install
	$(BIN)/python manage.py backup_db $(if $(FILE),--output $(FILE),)

restore: install
	@test -n "$(FILE)" || { echo "Dùng: make restore FILE=backups/llct-....backup"; exit 2; }
	$(BIN)/python manage.py restore_db "$(FILE)"

# National-scale data on PostgreSQL (generated once, about 5,8 million enrolments), then the benchmark table.
benchdb: install
	@psql "$(dir $(BENCH_DB))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$(notdir $(BENCH_DB))'" | grep -q 1 \
		|| psql "$(dir $(BENCH_DB))postgres" -c "CREATE DATABASE $(notdir $(BENCH_DB))"
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py migrate --noinput

bench: benchdb
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py bench --generate-if-empty

# gunicorn on 127.0.0.1 with production settings, then USERS signed-in users for DURATION seconds (locust,
# headless): the users sign in SPAWN_RATE a second (a password check costs about 0,5 s of CPU by design), the
# statistics are reset once all are in, and the next DURATION seconds are measured. WRITES=1: center staff also
# record results in their open quarter (real writes, which the dashboards of that quarter then count again).
# LOCUST_PROCESSES=N runs the load generator in N processes (it shares the machine's cores with the app).
USERS ?= 50
SPAWN_RATE ?= 2
DURATION ?= 60
LOCUST_PROCESSES ?=
LOAD_RUN_TIME := $(shell echo $$(( $(USERS) / $(SPAWN_RATE) + $(DURATION) + 5 )))

loadtest: benchdb
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py prepare_loadtest --output /tmp/llct-loadtest.json
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=loadtest-only-secret-key-0123456789abcdefghijklmnopqrstuv $(BIN)/python manage.py collectstatic --noinput -v0
	@DATABASE_URL=$(BENCH_DB) DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 \
		DJANGO_SECRET_KEY=loadtest-only-secret-key-0123456789abcdefghijklmnopqrstuv DJANGO_LOG_LEVEL=WARNING \
		AXES_FAILURE_LIMIT=1000 $(BIN)/gunicorn config.wsgi --workers $(WORKERS) --bind 127.0.0.1:$(LOAD_PORT) \
		--pid /tmp/llct-gunicorn.pid --daemon --log-level warning --error-logfile /tmp/llct-gunicorn.log
	@sleep 3
	LOADTEST_PLAN=/tmp/llct-loadtest.json $(BIN)/locust -f reports/demo/benchmarks/locustfile.py --headless -u $(USERS) \
		-r $(SPAWN_RATE) -t $(LOAD_RUN_TIME)s $(if $(LOCUST_PROCESSES),--processes $(LOCUST_PROCESSES),) --reset-stats --host http://127.0.0.1:$(LOAD_PORT) --only-summary $(if $(WRITES),,--exclude-tags writes) \
		--csv reports/demo/benchmarks/results/loadtest$(if $(WRITES),-writes,); \
		status=$$?; kill $$(cat /tmp/llct-gunicorn.pid); exit $$status

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
