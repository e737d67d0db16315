# The two commands: `make run` sets everything up and serves the app; `make test` is the gate.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test lint format test-postgres bench bench-plan clean

# Re-install only when the package's declaration changes.
$(BIN)/productorg: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	test -x $(BIN)/productorg
	touch $(BIN)/productorg

venv: $(BIN)/productorg

# The worker runs plans in the background beside the server and is stopped with it.
run: $(BIN)/productorg
	$(BIN)/productorg migrate
	$(BIN)/productorg demo --if-empty
	$(BIN)/productorg worker & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(BIN)/productorg serve --host $(HOST) --port $(PORT)

lint: $(BIN)/productorg
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/productorg
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Two processes or more: the suite takes half the time on these 2-core machines.
PYTEST_WORKERS ?= auto

test: lint
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# The suite against PostgreSQL: DATABASE_URL must name a database the user may create.
test-postgres: $(BIN)/productorg
	@test -n "$(DATABASE_URL)" || (echo "set DATABASE_URL=postgres://..." && exit 2)
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# Every benchmark; or one with its options:
# make bench BENCH="load --users 50 --seconds 60".
bench: $(BIN)/productorg
	$(BIN)/python -m bench $(BENCH)

# The planner on synthetic portfolios S, M and L (about four minutes; `make bench` runs S only);
# options as make bench-plan BENCH_PLAN="--sizes S,M --time-limit 30 --seed 2".
bench-plan: $(BIN)/productorg
	$(BIN)/python -m bench plan $(BENCH_PLAN)

clean:
	rm -rf $(VENV) var/productorg.sqlite3* .pytest_cache .ruff_cache
