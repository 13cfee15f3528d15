# The two set-up commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit redis-server chromium promtool clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing redis-server with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null \
	  || { echo "could not install redis-server; install it and re-run" >&2; exit 1; }; }

# The sandbox's browser test drives Debian's chromium (Playwright never downloads a browser);
# the emoji font makes the page read like Slack.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    fonts-noto-color-emoji) >/dev/null \
	  || { echo "could not install chromium; install it and re-run" >&2; exit 1; }; }

# promtool (Debian's prometheus package) checks docs/monitoring/alerts.yml in the tests. Debian
# ships promtool only in that package, whose install also starts a Prometheus server on :9090
# where systemd runs: `sudo systemctl disable --now prometheus` stops it (README, The two commands).
promtool:
	@command -v promtool >/dev/null 2>&1 || { \
	  echo "installing promtool (prometheus) with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends prometheus) >/dev/null \
	  || { echo "could not install promtool; install prometheus and re-run" >&2; exit 1; }; }

# lint-imports: the import contracts in pyproject.toml (imports flow one way).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# One pytest worker per core; `make test TEST_WORKERS=0` runs the suite in one process.
TEST_WORKERS ?= auto

unit: $(STAMP) redis-server chromium promtool
	$(BIN)/pytest -q -n $(TEST_WORKERS)

test: lint typecheck unit

# Benchmarks (figures, never pass/fail): `make bench`, or `make bench ARGS=--quick`.
.PHONY: bench
bench: $(STAMP) redis-server
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
