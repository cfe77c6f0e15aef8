# microcred: `make demo` runs it, `make test` tests it. See README.md.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test test-fast bench bench-bulk bench-audit load cluster lint typecheck clean venv messages native

$(PY):
	@py=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,native]'
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

# The credential core's hot modules compiled to C with mypyc (same source, ~1.3x faster
# verification; docs/performance.md). Without a C compiler it records pure Python and goes on.
NATIVE_SOURCES := src/microcred/vc/_internal/fastld.py src/microcred/vc/_internal/rdfc10.py \
	src/microcred/vc/_internal/nquads.py src/microcred/vc/multibase.py
NATIVE := src/microcred/vc/_native.json
$(NATIVE): $(STAMP) $(NATIVE_SOURCES) scripts/build_native.py
	$(PY) scripts/build_native.py $(NATIVE_SOURCES)

native: $(NATIVE)

# Debug is on for the demo only (MICROCRED_DEBUG); production leaves it unset.
demo: $(STAMP) $(NATIVE)
	$(BIN)/microcred migrate --noinput
	MICROCRED_DEBUG=1 $(BIN)/microcred demo
	MICROCRED_DEBUG=1 $(BIN)/microcred serve --host 127.0.0.1 --port 8000

# The whole suite on SQLite; then the database tests again on PostgreSQL when
# MICROCRED_TEST_POSTGRES_URL is set (.ci/run sets it).
# One pytest-xdist worker per core; a test module stays on one worker (its module fixtures, such
# as the browser tests' server, start once).
XDIST := -n auto --dist loadscope

test: $(STAMP) $(NATIVE)
	$(PY) -m pytest $(XDIST)
	@if [ -n "$$MICROCRED_TEST_POSTGRES_URL" ]; then \
	  echo "== database tests again on PostgreSQL ($$MICROCRED_TEST_POSTGRES_URL)"; \
	  MICROCRED_TEST_DATABASE=postgres $(PY) -m pytest $(XDIST) -m "django_db or postgres" -p no:cacheprovider; \
	else echo "MICROCRED_TEST_POSTGRES_URL is not set: the PostgreSQL run was skipped"; fi

# The inner loop: everything but the browser, Node and PostgreSQL tests, stopping at the first
# failure, with Hypothesis's dev profile (a twentieth of each property test's examples;
# tests/profiles.py). `make test` and CI use the ci profile: every example.
test-fast: $(STAMP) $(NATIVE)
	HYPOTHESIS_PROFILE=dev $(PY) -m pytest $(XDIST) -x -q -m "not browser and not node and not postgres"

# Throughput of signing and verifying (one core) against pyld, raw Ed25519 and, when node and
# npm are present, Digital Bazaar's JS stack; writes benchmarks/results.json. Then the catalog's
# search and filter pages over 10,000 micro-credentials on SQLite and, when
# MICROCRED_BENCH_POSTGRES_URL or MICROCRED_TEST_POSTGRES_URL is set, PostgreSQL (p50/p95 per
# case; writes benchmarks/catalog_results.json; see docs/catalog.md). Then the web: a
# credential's public page and POST /credentials/verify under Locust load against the
# framework's floor (/healthz) on `microcred serve` (writes benchmarks/web.json).
bench: $(STAMP) $(NATIVE)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/catalog.py
	$(PY) benchmarks/web.py

# Issue 8's load test (not part of `make test`): 200 Locust users (learners autosaving and
# submitting, assessors scoring, visitors verifying) against `microcred serve` on PostgreSQL
# (MICROCRED_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/, database
# microcred_bench_load created and dropped), then a check that no acknowledged write was lost.
# Writes benchmarks/load.json; see docs/performance.md.
load: $(STAMP) $(NATIVE)
	$(PY) benchmarks/load.py --users 200 --seconds 60 --workers 4

# Issue 22's cluster test (not part of `make test`): two `microcred serve` web nodes behind a
# round-robin proxy and two `microcred worker`s on one PostgreSQL (MICROCRED_BENCH_POSTGRES_URL,
# database microcred_cluster created and dropped), Redis (MICROCRED_CLUSTER_REDIS_URL, default
# redis://127.0.0.1:6379/12, emptied) and moto's S3 server, under the load test's 200 users; a
# worker and a web node are killed mid-run; then nothing lost, nothing issued twice, rate limits
# and lockouts shared. Writes benchmarks/cluster.json; see docs/scaling.md.
cluster: $(STAMP) $(NATIVE)
	$(PY) benchmarks/cluster.py --users 200 --seconds 60

# Issue 7's bulk issuance benchmark (not part of `make test`): one `microcred credentials
# issue-bulk` of 100,000 rows against PostgreSQL (BENCH_POSTGRES_URL, default
# postgres://postgres@127.0.0.1:5432/, database microcred_bench_bulk created and dropped): wall
# time, peak RSS, counts, a verified sample. Writes benchmarks/bulk.json; see docs/performance.md.
bench-bulk: $(STAMP) $(NATIVE)
	$(PY) benchmarks/bulk.py --rows 100000

# Issue 22's audited writes per second (not part of `make test`): 1 to 16 writer processes, each
# calling a real audited service, on PostgreSQL (MICROCRED_BENCH_POSTGRES_URL, default
# postgres://postgres@127.0.0.1:5432/, database microcred_bench_audit created and dropped) and
# on SQLite; then the chain must verify with every committed write in it. Writes
# benchmarks/audit_chain.json; see docs/performance.md.
bench-audit: $(STAMP)
	$(PY) benchmarks/audit_chain.py

# Message catalogs without GNU gettext: add new strings to every .po (then translate them),
# and compile the .mo files that ship (a test fails when they disagree). From the credential
# core only the sentences marked N_ (the verifier's MESSAGES) are extracted.
messages: $(STAMP)
	$(PY) -m tests.i18n_catalog update
	$(PY) -m tests.i18n_catalog compile

# ruff, then the layers of docs/architecture.md (import-linter's contracts in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports --no-cache

# The credential core, strictly and without Django; then the platform's services and
# selectors with django-stubs (mypy-platform.toml).
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --config-file mypy-platform.toml

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info $(NATIVE)
	find src -name '*.so' -delete
