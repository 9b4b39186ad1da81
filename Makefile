# Daily loop. `make run` and `make test` each do all the set-up a fresh machine needs.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast lint fmt bench messages catalogs sysdeps check clean-db stop-db mutate fuzz

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

# Schemathesis against our own OpenAPI schema on a live gunicorn with an enterprise's API key
# (tests/fuzz.py): fails on a server error, a schema mismatch or an undocumented status.
# About a minute; the seed is fixed, so `make fuzz` replays a failure. CI runs it.
fuzz: $(VENV)/.installed
	$(PY) -m tests.fuzz

bench: $(VENV)/.installed
	DEBUG=1 $(PY) -m bench

# Mutation testing of common/ and every */rules.py against their unit tests (tests/common,
# tests/*/test_rules.py), in a copy of the tree under var/mutate; prints the score per module.
# A few minutes on 2 cores; not in CI. Survivors: `cd var/mutate && mutmut show NAME`.
# The DATABASE_URL points nowhere: a selected test that needs the database fails loudly.
MUTATE_DIR := var/mutate
mutate: $(VENV)/.installed
	@for f in */rules.py; do app=$${f%%/*}; grep -q "\"$$app\"" pyproject.toml || \
	  { echo "mutate: add \"$$app\" to source_paths in [tool.mutmut] (pyproject.toml)"; exit 1; }; done
	rm -rf $(MUTATE_DIR) && mkdir -p $(MUTATE_DIR)
	tar -c --exclude=./.venv --exclude=./var --exclude=./.git --exclude=./mutants \
	  --exclude=__pycache__ . | tar -x -C $(MUTATE_DIR)
	cd $(MUTATE_DIR) && DATABASE_URL=postgres://mutmut@127.0.0.1:9/no_database_here \
	  PORTAL_VAR_DIR=$(CURDIR)/$(MUTATE_DIR)/var timeout 1200 $(CURDIR)/$(VENV)/bin/mutmut run \
	  --max-children 2 >mutmut.log 2>&1 || { tail -40 mutmut.log; exit 1; }
	@cd $(MUTATE_DIR) && $(CURDIR)/$(VENV)/bin/mutmut results --all true | awk -F': ' '\
	  { m = $$1; sub(/^ +/, "", m); sub(/\.x[^.]*__mutmut_[0-9]+$$/, "", m); total[m]++; \
	    if ($$2 == "killed" || $$2 == "timeout") killed[m]++; \
	    else if ($$2 == "no tests") untested[m]++; \
	    else if ($$2 != "skipped") { alive[m]++; names = names "  " $$2 ": " $$1 "\n" } } \
	  END { printf "%-22s %7s %8s %8s %6s %6s\n", "module", "killed", "survived", "no tests", \
	      "total", "score"; \
	    for (m in total) printf "%-22s %7d %8d %8d %6d %5.1f%%\n", m, killed[m], alive[m], \
	      untested[m], total[m], 100 * killed[m] / total[m] | "sort"; close("sort"); \
	    printf "\nsurvivors (mutmut show NAME in $(MUTATE_DIR)):\n%s", names }'

stop-db:
	$(PY) -m config.embedded_db stop
