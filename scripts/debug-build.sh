#!/usr/bin/env bash
# The debug app, room server, tests and examples, built as `make rust-test` builds them: one
# cargo invocation over the whole workspace, so every later step (e2e, the debug package,
# room-fuzz, the schedule reference) uses the binaries the tests were built with. A narrower
# `cargo build -p …` would unify the dependencies' features differently (tauri's `test`, the
# room server's hyper and tokio features…) and compile up to 80 crates a second time: ~2.5 min
# of `make test` on 2 cores. Arguments go to cargo (e.g. -q). The binaries:
# target/debug/worktogether, target/debug/worktogether-room, target/debug/examples/*.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --workspace --locked --no-run "$@"
