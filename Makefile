# Two commands set everything up on a fresh machine: `make run` (the demo) and `make test` (the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

CHROMIUM := /usr/bin/chromium

.PHONY: install chromium run serve migrate demo test lint format clean backup restore

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
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

# Backup and restore: pg_dump / pg_restore on PostgreSQL, a consistent file copy on SQLite.
backup: install
	$(BIN)/python manage.py backup_db $(if $(FILE),--output $(FILE),)

restore: install
	@test -n "$(FILE)" || { echo "Dùng: make restore FILE=backups/llct-....backup"; exit 2; }
	$(BIN)/python manage.py restore_db "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
