# One command for every check: `make test` (what CI runs through .ci/run).
# `make run` builds and starts the app; `make e2e` runs only the end-to-end tests.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

CARGO ?= cargo
NPM ?= npm

.PHONY: help deps ui run build fmt fmt-check clippy rust-test schedule-reference bindings-check ui-check ui-test \
  e2e test bench package package-test

help:
	@echo "make deps    install Debian packages and ui/node_modules (only what is missing)"
	@echo "make ui      build the web UI into ui/dist (the Rust build needs it)"
	@echo "make run     build and start the app"
	@echo "make test    fmt, clippy, Rust tests, schedule reference, bindings check, UI check and tests, e2e, package test"
	@echo "make e2e     the end-to-end tests only (real app under Xvfb, tauri-driver)"
	@echo "make fmt     format the Rust code;  make clippy  lint it"
	@echo "make bench   start-up, memory and idle CPU of a release build (docs/benchmarks.md)"
	@echo "make package the release .deb → target/package/ (Tauri CLI, then xz)"
	@echo "make package-test  install the debug .deb and use it; the room server's systemd unit"
	@echo "make schedule-reference  rules and calendar export against python-dateutil, recurring-ical-events (in make test)"
	@echo "make room-fuzz   schemathesis against the room server's OpenAPI document (in make test)"
	@echo "make bench-room  room server load: event latency, memory and CPU (docs/benchmarks.md)"

deps:
	scripts/install-deps.sh

# tauri-build checks `frontendDist` at compile time, so ui/dist must exist before any
# cargo build, clippy or test of the root package.
ui:
	$(NPM) --prefix ui run build

# Debug, not release: the first build takes about 2.5 min instead of 4.5 min here, and it
# shares its artifacts with `make e2e` and `cargo test`. Use `cargo build --release` for
# measurements.
run: deps ui
	$(CARGO) build --locked -p worktogether
	./target/debug/worktogether

build: ui
	$(CARGO) build --locked -p worktogether

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all --check

clippy: ui
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

rust-test: ui
	$(CARGO) test --workspace --locked
	$(MAKE) room-postgres-test

# The room server's handler, live and attack tests again, on PostgreSQL: a throw-away cluster (Debian's
# postgresql, run as an unprivileged user) in target/room-postgres, stopped afterwards (also when a
# test fails: the recipe runs under `set -e`, hence `|| status=`). Selected
# from the whole workspace, as `rust-test` builds it: `-p worktogether-room-server` alone would
# unify dependencies' features differently and compile ~80 crates again (1.5 min in CI).
.PHONY: room-postgres-test
room-postgres-test:
	scripts/postgres.sh stop target/room-postgres; rm -rf target/room-postgres
	url=$$(scripts/postgres.sh start target/room-postgres) && \
	  status=0; ROOM_TEST_POSTGRES=$$url $(CARGO) test --locked --workspace --test api --test live --test attacks \
	    || status=$$?; scripts/postgres.sh stop target/room-postgres; exit $$status

# The starts of a few hundred generated RFC 5545 rules (clock changes in Berlin and New York,
# month ends, leap days, n-th weekdays and working days, COUNT and UNTIL) against
# python-dateutil, and the calendar export (.ics) against icalendar and recurring-ical-events,
# installed from PyPI into target/schedule-venv. A few seconds when the venv exists.
schedule-reference:
	scripts/schedule-reference.sh

# `cargo test` regenerates ui/src/bindings (the IPC contract, types, limits) and
# ui/src/fixtures (the rules and sessions the UI's tests and mock replay); the checked-in
# copies must match.
GENERATED := ui/src/bindings ui/src/fixtures
bindings-check:
	@git diff --exit-code --stat -- $(GENERATED) || { \
	  echo "$(GENERATED) are stale: run 'cargo test' and commit the regenerated files" >&2; exit 1; }
	@untracked=$$(git status --porcelain --untracked-files=all -- $(GENERATED)); \
	if [[ -n "$$untracked" ]]; then \
	  echo "$$untracked" >&2; \
	  echo "$(GENERATED) have files git does not know: commit or delete them" >&2; exit 1; fi

ui-check:
	$(NPM) --prefix ui run check

ui-test:
	$(NPM) --prefix ui test

e2e: deps ui
	scripts/e2e.sh --split

# The Debian package, built by the Tauri CLI (ui/node_modules/.bin/tauri) from tauri.conf.json's
# `bundle` section and packaging/, then packed again with xz: target/package/worktogether_<version>_<arch>.deb.
# A release build: about 13 min from scratch here, under a minute when target/release is fresh.
package: deps ui
	packaging/build-deb.sh

# The debug package (reusing target/debug) installed with apt-get and used as a person would:
# the app under Xvfb, a session on the command line, the desktop database, apt-get remove; plus
# the room server's systemd unit (systemd-analyze, its system calls under strace). Needs root
# or sudo. About 25 s when target/debug is fresh (scripts/package-test.sh).
package-test: deps ui
	scripts/package-test.sh

# Prerequisites run left to right (.NOTPARALLEL) and each once: cheap checks first, the
# bindings check only after `cargo test` regenerated them, the slow e2e tests last, then the
# package test on the debug build e2e left fresh.
test: deps ui fmt-check clippy rust-test schedule-reference bindings-check ui-check ui-test e2e package-test room-fuzz
	@echo "make test: all checks passed"

# Release builds of the app, the empty-window fixture (bench/empty-window, built into our
# target/ so shared dependencies compile once) and the session seeder, then the driver, which
# measures both in one run and rewrites docs/benchmarks.md. Measurement only: never fails on
# a missed target. About 10 min from scratch here, 5 min when the builds are fresh.
bench: deps ui
	$(CARGO) build --release --locked -p worktogether
	packaging/build-deb.sh
	CARGO_TARGET_DIR="$(CURDIR)/target" $(CARGO) build --release --locked --manifest-path bench/empty-window/Cargo.toml
	$(CARGO) build --release --locked -p worktogether-core --example seed_session --example history_bench \
	  --example seed_schedule
	$(CARGO) build --release --locked -p worktogether-room-server --bin worktogether-room
	$(CARGO) build --release --locked -p worktogether-sync --example seed_rooms
	python3 bench/run.py

# The room server (crates/room-server). Its handler and live tests run in `rust-test`.
.PHONY: room-fuzz bench-room

# schemathesis (PyPI, into target/room-fuzz-venv) against a running debug server: at least
# 1,000 generated requests, no 5xx, every answer as documented. About a minute here.
room-fuzz:
	scripts/room-fuzz.sh
	scripts/room-fuzz.sh --postgres

# Release server and load generator, three deployments in one run (then the figures go into
# docs/benchmarks.md between the room-bench markers): 10,000 member streams over 1,000 rooms on
# one instance with SQLite; 6,000 over 600 on one instance with PostgreSQL and on three behind
# HAProxy (a throw-away cluster in target/bench-postgres). Measurement only. About 6 min from
# scratch here (the release build), then 3 min.
bench-room: deps
	$(CARGO) build --release --locked -p worktogether-room-server --bin worktogether-room --example room_load
	scripts/postgres.sh stop target/bench-postgres; rm -rf target/bench-postgres
	url=$$(scripts/postgres.sh start target/bench-postgres) && ulimit -n "$$(ulimit -Hn)" && \
	  status=0; ./target/release/examples/room_load --server target/release/worktogether-room --postgres "$$url" \
	    --doc docs/benchmarks.md || status=$$?; scripts/postgres.sh stop target/bench-postgres; exit $$status
