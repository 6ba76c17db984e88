# Two commands on a fresh machine: `make run` (embedded site with a demo campaign) and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install install-dev run test lint migrate demo worker sender beat web clean messages

# Runtime packages only (requirements.txt): what `make run`, web, worker and beat need.
install: $(VENV)/.installed

# Plus the tests and tooling (requirements-dev.txt) and axe-core: what test, lint and bench need.
install-dev: $(VENV)/.installed-dev node_modules/.installed

# axe-core for the accessibility browser tests (package.json). Skipped where npm is not installed:
# those tests are then skipped too (or fail under CAMPAIGN_STRICT=1).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: skipping axe-core (accessibility tests will be skipped)"; fi

$(VENV)/.installed: requirements.txt
	@python=$$(PYTHON="$(PYTHON)" scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# The embedded default: SQLite in var/, tasks in-process, emails printed in this terminal.
run: export DJANGO_DEBUG ?= 1
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo "Open http://127.0.0.1:$(PORT)/ (emails appear in this terminal; Ctrl-C stops)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

# Uses PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, SQLite otherwise.
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

web: install
	$(VENV)/bin/gunicorn campaign.wsgi --bind 127.0.0.1:$(PORT) --workers 4 --no-control-socket

worker: install
	$(VENV)/bin/celery -A campaign worker --loglevel INFO

# The outbox senders: Celery tasks on the "outbox" queue, one process per sender (OUTBOX_SENDERS
# for mail, one for webhooks).
sender: install
	$(VENV)/bin/celery -A campaign worker --queues outbox --concurrency 3 --loglevel INFO -n sender@%h

beat: install
	@mkdir -p var
	$(VENV)/bin/celery -A campaign beat --loglevel INFO --schedule var/celerybeat-schedule

# Load figures for the signing path with this machine's ceilings, on loopback (see bench/run.py):
# uses PostgreSQL and Redis on 127.0.0.1 (database campaign_bench, Redis db 9, both reset each run).
bench: install-dev
	$(PY) bench/run.py

# The organisers' API phase alone (bench/api.py): its own database campaign_bench_api and gunicorn.
.PHONY: bench-api
bench-api: install-dev
	$(PY) bench/api.py

clean:
	rm -rf $(VENV) var .pytest_cache

# Fault tests (tests/chaos, also part of `make test`): Redis stopped during a signing burst, a worker
# killed with SIGKILL mid-batch, PostgreSQL restarted under load, beat running twice, then a full
# recount. They start their own PostgreSQL (initdb, with the server binaries of Debian's postgresql
# package) and redis-server on free loopback ports, and never touch running ones: DATABASE_URL and
# REDIS_URL only switch on the tests that need services. Prints the figures (outage, duplicates).
.PHONY: chaos
chaos: install-dev
	CAMPAIGN_STRICT=1 DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/campaign_chaos} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/14} $(PY) -m pytest tests/chaos -q -s -p no:cacheprovider

# The "moderator" group with least-privilege permissions (idempotent; run after migrate).
.PHONY: moderators
moderators: migrate
	$(PY) manage.py setup_moderators

# Spanish: collect new strings into locale/es (fill in their msgstr), then compile the committed .mo.
# Needs gettext (apt-get install gettext); running the site does not.
messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es --no-location --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests --ignore=var
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages -l es --ignore=.venv --ignore=node_modules

# The ceilings and the signing surge with py-spy on the web workers: bench/profile/sign-top.txt.
.PHONY: profile
profile: install-dev
	$(PY) bench/run.py --signing --profile
