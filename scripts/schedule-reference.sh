#!/usr/bin/env bash
# Checks the schedule against reference implementations (PyPI, into target/schedule-venv):
# the app's starts for a few hundred RFC 5545 rules against python-dateutil, and its calendar
# export against icalendar and recurring-ical-events (tests/schedule/reference.py, which says
# what is compared). A few seconds once the venv and the example are built.
set -euo pipefail
cd "$(dirname "$0")/.."

# icalendar 7 is within recurring-ical-events 3.8.2's range (>=6.1, <8).
REQUIREMENTS=(python-dateutil==2.9.0.post0 icalendar==7.3.0 recurring-ical-events==3.8.2)
venv=target/schedule-venv
if [[ "$(cat "$venv/requirements.txt" 2>/dev/null)" != "${REQUIREMENTS[*]}" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "${REQUIREMENTS[@]}"
  echo "${REQUIREMENTS[*]}" >"$venv/requirements.txt"
fi

# The workspace build `make rust-test` made (see scripts/debug-build.sh).
scripts/debug-build.sh -q
corpus=$(mktemp)
trap 'rm -f "$corpus"' EXIT
target/debug/examples/schedule_corpus >"$corpus"
"$venv/bin/python" tests/schedule/reference.py "$corpus"
