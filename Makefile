# KOSMO Web — `make run` serves the demo portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test lint migrations-check bench bench-frontend serve worker beat clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# seed_demo ends with the portals' addresses (http://kosmo.localhost:8000/, …): the server
# listens on 127.0.0.1, which browsers reach by those names. The address runserver prints
# (127.0.0.1, no union's host name) shows the rich demo union too, where passkeys cannot work.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-true} KOSMO_DEFAULT_UNION=$${KOSMO_DEFAULT_UNION:-kosmo} \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

test: lint migrations-check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install bench-frontend
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Page weight and Lighthouse for a signed-in member (bench/frontend.py); Lighthouse is pinned
# by bench/package-lock.json and runs Debian's Chromium.
bench-frontend: install bench/node_modules/.package-lock.json
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python bench/frontend.py

bench/node_modules/.package-lock.json: bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund

# The compose services' commands, runnable outside Docker (worker and beat against REDIS_URL;
# beat keeps no file: kosmo/beat.py holds a lock and the last runs in Redis, so a second beat
# stands by).
serve: install
	$(BIN)/gunicorn --config docker/gunicorn.conf.py kosmo.wsgi

worker: install
	$(BIN)/celery -A kosmo worker --loglevel=INFO

beat: install
	$(BIN)/celery -A kosmo beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache bench/node_modules
