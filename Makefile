# Daily loop. `make run` and `make test` each do all the set-up a fresh machine needs.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast lint fmt bench messages catalogs sysdeps check clean-db stop-db

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian packages the browser tests and PDFs need (Chromium, CJK fonts). Root only.
sysdeps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wenquanyi; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-wqy-microhei fonts-arphic-uming gettext >/dev/null; \
	  else echo "Install as root: apt-get install chromium fonts-wqy-microhei fonts-arphic-uming gettext"; fi; \
	fi

# After changing UI text: refresh both catalogs, then fill the new English msgstr entries.
catalogs: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore ".venv" --ignore "var" \
	  --ignore "bench" --no-location --no-wrap -v0

messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans -l en --ignore ".venv" --ignore "var" -v0

run: $(VENV)/.installed messages
	DEBUG=1 $(PY) manage.py runportal

test: $(VENV)/.installed sysdeps messages
	$(PY) -m pytest -n 2

# Skip the browser journeys for a quick local loop; CI always runs them.
test-fast: $(VENV)/.installed messages
	$(PY) -m pytest -n 2 -m "not browser"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=portal.example.cn \
	  $(PY) manage.py check --deploy --fail-level WARNING

bench: $(VENV)/.installed
	DEBUG=1 $(PY) -m bench

stop-db:
	$(PY) -m config.embedded_db stop
