# payroll-sync: the one entry point for building, running and checking.
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never
# Snapshot tests never write snapshots here: a changed text is a failure to review.
export INSTA_UPDATE ?= no

.PHONY: help build release run test lint fmt ci fuzz audit bench

# Fuzzing: each target runs FUZZ_SECONDS. cargo-fuzz needs nightly compiler flags; this
# machine has stable only, so RUSTC_BOOTSTRAP=1 lets stable rustc take them. No sanitizer:
# the code is safe Rust (no C dependency to instrument). New inputs go to fuzz/new-corpus/,
# crashes to fuzz/artifacts/; promote interesting ones to fuzz/corpus/<target>/ by hand.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := csv_reader spreadsheet mapping envelope

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

build: ## Build the binary (debug)
	$(CARGO) build --locked --bin payroll-sync

# The Dockerfile's build stage runs this same command (a test checks they agree).
release: ## Build the release binary (what the container image ships)
	$(CARGO) build --release --locked --bin payroll-sync

# The demo asks cargo where the binary is, so CARGO_TARGET_DIR (or build.target-dir) is honoured.
run: build ## The main job on the fixtures, against the local ChartHop emulator
	CARGO="$(CARGO)" ./scripts/demo.sh

# The conformance tests read ChartHop's OpenAPI files, which are not in the repository: from
# CHARTHOP_OPENAPI_DIR, else ../shared/charthop-openapi beside it; with neither they are skipped
# with one line each. Setting CHARTHOP_OPENAPI_DIR makes them required (.ci/run sets it).
test: ## The whole test suite (unit, emulator, integration, mapping self-tests)
	$(CARGO) test --locked --workspace --all-targets

lint: ## rustfmt and clippy, warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all

ci: lint test run ## What CI runs (.ci/run)

fuzz: ## Run every fuzz target for FUZZ_SECONDS (30) each; installs cargo-fuzz if missing
	@$(CARGO) fuzz --version >/dev/null 2>&1 || $(CARGO) install --locked cargo-fuzz
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p new-corpus/$$t && \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run --sanitizer none $$t new-corpus/$$t corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=1024 -print_final_stats=1 || exit 1; \
	done

audit: ## Dependency checks: cargo-deny bans/licenses/sources (offline), then advisories (needs the RustSec DB)
	@$(CARGO) deny --version >/dev/null 2>&1 || $(CARGO) install --locked cargo-deny
	$(CARGO) deny --offline check bans licenses sources
	@$(CARGO) deny check advisories || { \
	  echo "make audit: the RustSec advisory database could not be fetched (it lives on github.com, which this machine cannot reach); the advisory check did NOT run" >&2; exit 1; }

bench: ## Benchmarks in release mode, judged by same-run ratios: one table, and <target dir>/bench/results.json (see BENCHMARKS.md)
	$(CARGO) bench --locked --bench bench -- $(BENCH_ARGS)
