# Two commands for a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell command -v python3.12 || command -v python3)
HOST ?= 127.0.0.1:8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-fast lint check system-packages serve-prod clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Set everything up and serve the application with demo data (SQLite by default).
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD),)
	@echo "Open http://$(HOST)/ and log in with an account printed above."
	$(PY) manage.py runserver $(HOST)

## Debian packages the tests use: chromium (browser tests), nginx (the proxy in deploy/),
## LibreOffice Calc and a Japanese font (the yearly workbook rendered to PDF).
SYSTEM_PACKAGES := $(if $(wildcard $(CHROMIUM)),,chromium) $(if $(wildcard /usr/sbin/nginx),,nginx-light) \
	$(if $(wildcard /usr/bin/soffice),,libreoffice-calc) \
	$(if $(wildcard /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc),,fonts-noto-cjk)
system-packages:
	@test -z "$(strip $(SYSTEM_PACKAGES))" || { \
	  echo "Installing $(strip $(SYSTEM_PACKAGES)) for the tests"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES); }

## Run the whole test suite (unit, views, permissions, browser).
test: $(VENV)/.installed-dev system-packages
	$(PY) -m pytest -n 2 --durations=10 $(PYTEST_ARGS)

## Everything but the browser tests.
test-fast: $(VENV)/.installed-dev
	$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check: $(VENV)/.installed-dev
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

## Production mode on PostgreSQL: set DATABASE_URL, DJANGO_SECRET_KEY, ALLOWED_HOSTS first.
serve-prod: $(VENV)/.installed
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput
	HOST=$(HOST) DJANGO_DEBUG=0 $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py hikikomori.wsgi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
