# congvu — two commands do all set-up: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
CONGVU := $(VENV)/bin/congvu
PYTEST := $(VENV)/bin/pytest
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := DJANGO_SETTINGS_MODULE=congvu.settings.demo

.PHONY: check-install demo bootstrap bootstrap-test demo-setup serve test lint test-sqlite test-pg test-faults test-e2e messages clean

bootstrap:
	@bin/bootstrap

bootstrap-test:
	@bin/bootstrap --test

## Set up congvu on SQLite with the Thạnh Phú demo data and serve it.
demo: bootstrap demo-setup serve

demo-setup:
	@$(DEMO_ENV) $(CONGVU) migrate --noinput -v 0
	@$(DEMO_ENV) $(CONGVU) collectstatic --noinput -v 0
	@$(DEMO_ENV) $(CONGVU) load_demo

## The periodic jobs (remote-signature answers, exchange, reminders…) run beside the
## server in one `run_periodic --loop` process, the embedded stand-in for Celery beat.
serve:
	@echo "congvu: http://$(HOST):$(PORT)/  (Ctrl-C to stop; periodic jobs log to var/periodic.log)"
	@mkdir -p var; $(DEMO_ENV) $(CONGVU) run_periodic --loop >>var/periodic.log 2>&1 & periodic=$$!; \
		trap 'kill $$periodic 2>/dev/null' EXIT INT TERM; \
		$(DEMO_ENV) $(VENV)/bin/gunicorn congvu.wsgi:application --bind $(HOST):$(PORT) \
		--workers 2 --threads 4 --access-logfile - --forwarded-allow-ips=127.0.0.1

## Lint, Django checks, and the whole suite on SQLite and on PostgreSQL.
test: bootstrap-test check-install lint test-sqlite test-pg test-faults

## A fresh clone installs with the interpreter's bundled pip (a brand-new venv, then removed).
check-install:
	@bin/check-install

lint:
	@$(VENV)/bin/ruff check src tests $(wildcard bench)
	@$(VENV)/bin/ruff format --check src tests $(wildcard bench)
	@DJANGO_SETTINGS_MODULE=congvu.settings.test $(CONGVU) check --fail-level WARNING
	@DJANGO_SETTINGS_MODULE=congvu.settings.test $(CONGVU) makemigrations --check --dry-run
	@DJANGO_SETTINGS_MODULE=congvu.settings.production SECRET_KEY=lint-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
		AUDIT_ANCHOR_KEY=lint-only-anchor-key-not-a-real-key-0123456789 \
		REDIS_URL=redis://127.0.0.1:6379/0 \
		ALLOWED_HOSTS=congvu.example.vn EMAIL_URL="smtp://mail.congvu.example.vn:587?tls=1" $(CONGVU) check --deploy --fail-level WARNING

test-sqlite:
	@echo "==> pytest on SQLite"
	@env -u DATABASE_URL $(PYTEST) -p no:cacheprovider -n 2 --dist worksteal -m "not faults"

test-pg:
	@echo "==> pytest on PostgreSQL"
	@bin/with-postgres $(PYTEST) -p no:cacheprovider -n 2 --dist worksteal --require-postgres -m "not faults"

## Kill the app, the worker and PostgreSQL mid-operation (tests/faults, own throwaway cluster).
test-faults:
	@echo "==> fault tests (real gunicorn, Celery and PostgreSQL processes)"
	@tests/faults/run $(PYTEST) -p no:cacheprovider --require-postgres -m faults tests/faults

## Refresh the catalogues after changing UI text (Vietnamese is the source language).
messages:
	@DJANGO_SETTINGS_MODULE=congvu.settings.test $(CONGVU) sync_catalogues
	@cd src/congvu && ../../$(CONGVU) compilemessages -v 0

## Benchmarks on PostgreSQL (docs/benchmarks.md): `make bench-data SIZE=small|full SEED=n`, `make bench`.
## DATABASE_URL selects the database (default postgres://postgres@127.0.0.1:5432/congvu_bench).
## SIZE=full: 1,000,000 documents and 200,000 one-stop dossiers; `make bench` generates them
## when absent (older data without dossiers counts as absent), then measures every operation.
SIZE ?= small
SEED ?= 1
.PHONY: bench bench-data

bench-data:
	@$(VENV)/bin/python -m bench.generate --size $(SIZE) --seed $(SEED)

bench:
	@$(VENV)/bin/python -m bench.generate --size full --seed $(SEED) --if-absent
	@$(VENV)/bin/python -m bench.run
	@$(VENV)/bin/python -m bench.signing
	@$(MAKE) --no-print-directory bench-fulltext SIZE=full

## Full-text search over ~20,000-character attachments, beside tantivy (docs/benchmarks-fulltext.md,
## docs/adr/0006-search-engine.md), in its own database FULLTEXT_DATABASE_URL.
## `make bench-data-fulltext SIZE=10000`; `make bench-fulltext` (generates SIZE when absent).
FULLTEXT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/congvu_bench_fulltext
ATTACHMENT_CHARS ?= 20000
.PHONY: bench-data-fulltext bench-fulltext
bench-data-fulltext:
	@DATABASE_URL=$(FULLTEXT_DATABASE_URL) $(VENV)/bin/python -m bench.generate --size $(SIZE) \
		--seed $(SEED) --dossiers 0 --attachment-chars $(ATTACHMENT_CHARS)

bench-fulltext:
	@DATABASE_URL=$(FULLTEXT_DATABASE_URL) $(VENV)/bin/python -m bench.generate --size $(SIZE) \
		--seed $(SEED) --dossiers 0 --attachment-chars $(ATTACHMENT_CHARS) --if-absent
	@DATABASE_URL=$(FULLTEXT_DATABASE_URL) $(VENV)/bin/python -m bench.search_fulltext

## Load test (docs/load.md): Locust, headless and bounded, on loopback, against gunicorn,
## PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/congvu_load) and Celery.
## `make load LOAD_ARGS="--users 60 --user-rps 4 --duration 60 --workers 4"`.
.PHONY: load
load:
	@$(VENV)/bin/python -m bench.load.run $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
