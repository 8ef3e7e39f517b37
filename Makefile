# payroll-sync: the one entry point for building, running and checking.
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never
# Snapshot tests never write snapshots here: a changed text is a failure to review.
export INSTA_UPDATE ?= no

.PHONY: help build run test lint fmt ci bench

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

build: ## Build the binary (debug)
	$(CARGO) build --locked --bin payroll-sync

run: build ## The main job on the fixtures, against the local ChartHop emulator
	./scripts/demo.sh

test: ## The whole test suite (unit, emulator, integration, mapping self-tests)
	$(CARGO) test --locked --workspace --all-targets

lint: ## rustfmt and clippy, warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all

ci: lint test run ## What CI runs (.ci/run)

bench: ## Benchmarks in release mode: one table, and target/bench/results.json (see BENCHMARKS.md)
	$(CARGO) bench --locked --bench bench -- $(BENCH_ARGS)
