# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

LOCAL_ENV ?= .make-run.env

.PHONY: run test serve e2e-deps lint bench bench-1m loadtest local-env worker

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## run: the workbench on SQLite with the demo article, at http://127.0.0.1:8000/
run: export DEBUG ?= 1
run: $(VENV)/.runtime local-env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_local_user --url http://127.0.0.1:$(PORT)/
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# What `make run` runs with, kept for every other command in this clone (manage.py reads it;
# the environment wins): DEBUG on, and the port in permalinks and exports.
local-env:
	@printf '%s\n' '# Written by make run: local development settings for manage.py in this clone.' \
	  'DEBUG=1' 'PUBLIC_BASE_URL=http://127.0.0.1:$(PORT)' 'FACTCHECK_ORG_URL=http://127.0.0.1:$(PORT)/' > $(LOCAL_ENV)

## test: lint, checks and the whole test suite (browser tests included)
test: export DEBUG ?= 0
test: export SECRET_KEY ?= make-test-only-secret
test: $(VENV)/.dev e2e-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# One pytest worker per core (pytest-xdist): the suite is CPU-bound, each worker has its own
# test database. `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto

# Browser tests drive Debian's Chromium and PDF exports need Pango (WeasyPrint); install them
# when we can (root), else the browser tests skip with a message naming the missing browser.
e2e-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ldconfig -p | grep -q libpangoft2-1.0; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else echo "chromium or Pango not found and not root: browser tests will be skipped"; fi; \
	fi

## serve: production-style serving with gunicorn + whitenoise (needs DATABASE_URL, SECRET_KEY)
serve: export DEBUG ?= 0
serve: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	$(VENV)/bin/gunicorn factcheck.wsgi --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-3} \
	  --timeout $${WEB_WORKER_TIMEOUT:-30} --access-logfile -

## worker: a Celery worker with beat (feed polling) against CELERY_BROKER_URL, e.g.
## CELERY_BROKER_URL=redis://127.0.0.1:6379/0; more workers: `celery -A factcheck worker`
worker: $(VENV)/.runtime
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0): without a broker, tasks run inline and no worker is needed."; exit 1; }
	$(VENV)/bin/celery -A factcheck worker --beat --schedule $(VENV)/celerybeat-schedule --loglevel INFO

## bench: page latency (median, p95) and query counts at 1k and 13k claims, on SQLite and
## PostgreSQL (127.0.0.1:5432), with the 13k/1k ratio per page: benchmarks/web.py
bench: $(VENV)/.runtime
	$(PY) benchmarks/web.py $(BENCH_ARGS)

## bench-1m: the same pages on PostgreSQL at 13k, 130k and 1M claims (LIAR grown by
## near-copies, benchmarks/archive.py), with each size's ratio to 13k; about 25 minutes
## and 4 GB of disk on two cores, the throwaway databases dropped at the end
bench-1m: $(VENV)/.runtime
	$(PY) benchmarks/web.py --sizes 12836,128360,1000000 --dbs postgres --repeat 9 $(BENCH_ARGS)

## loadtest: `make serve` on a throwaway PostgreSQL database under locust (mixed traffic),
## set-up to teardown within 60 s: benchmarks/load.sh
loadtest: $(VENV)/.dev
	bash benchmarks/load.sh
