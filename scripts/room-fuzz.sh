#!/usr/bin/env bash
# Fuzzes the room server against its own OpenAPI document with schemathesis (installed from
# PyPI into target/room-fuzz-venv): every answer must be a documented status with a body that
# matches the document, and none a 5xx. Fails below MIN_REQUESTS generated requests.
#   scripts/room-fuzz.sh              the server on a SQLite file
#   scripts/room-fuzz.sh --postgres   the server on PostgreSQL (a throw-away cluster)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
MIN_REQUESTS=${MIN_REQUESTS:-1000}
EXAMPLES=${EXAMPLES:-60}
venv=target/room-fuzz-venv
if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != *"$SCHEMATHESIS_VERSION"* ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

scripts/debug-build.sh -q
work=$(mktemp -d)
stop_postgres=:
db="$work/rooms.sqlite3"
store=SQLite
if [[ ${1:-} == --postgres ]]; then
  store=PostgreSQL
  # In target/: the cluster's user must reach its folder (mktemp's is private to us).
  pg=target/room-fuzz-postgres
  scripts/postgres.sh stop "$pg"; rm -rf "$pg"
  db=$(scripts/postgres.sh start "$pg")
  stop_postgres="scripts/postgres.sh stop $pg"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Limits high enough that the fuzzer tests the API, not the rate limiter (tested elsewhere).
WT_ROOM_REQUESTS_PER_SECOND=100000 WT_ROOM_JOINS_PER_MINUTE=100000 WT_ROOM_ROOMS_PER_HOUR=100000 \
  WT_ROOM_FAILED_AUTHS_PER_MINUTE=100000 RUST_LOG=warn target/debug/worktogether-room --listen "127.0.0.1:$port" --db "$db" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; $stop_postgres; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fs "$base/health" >/dev/null && break; sleep 0.1; done

# A room with a second member, a running session, a commitment and a question about it, for
# the fuzzer's paths.
eval "$(python3 - "$base" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    return json.load(urllib.request.urlopen(req))
room = call("POST", "/v1/rooms", {"name": "Fuzz", "hostName": "Host"})
code, token = room["state"]["room"]["code"], room["token"]
call("POST", f"/v1/rooms/{code}/members", {"displayName": "Member"})
session = call("POST", f"/v1/rooms/{code}/sessions", {"templateName": "Fuzz", "phases": [{"kind": "commitment", "durationSecs": 3600}, {"kind": "closing", "durationSecs": 3600}]}, token)
commitment = call("POST", f"/v1/rooms/{code}/sessions/{session['id']}/commitments", {"text": "Fuzz"}, token)
question = call("POST", f"/v1/rooms/{code}/commitments/{commitment['id']}/questions", {"text": "Fuzz?"}, token)
print(f"export ROOM_CODE={code} ROOM_TOKEN={token} SESSION_ID={session['id']} COMMITMENT_ID={commitment['id']} QUESTION_ID={question['id']}")
PY
)"

# Not fuzzed: the event stream (never ends), changing the room's code (the fuzzer's joins
# with the exported code would then all be 404) and deleting the room (every later request
# would be 401 or 404); tests/api.rs and tests/attacks.rs cover them.
# Run in the temporary folder: schemathesis keeps a crash cache in ./.schemathesis.
root=$PWD
(cd "$work" && "$root/$venv/bin/schemathesis" --config-file "$root/crates/room-server/fuzz/schemathesis.toml" run "$base/v1/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
  --exclude-path '/v1/rooms/{code}/events' \
  --exclude-path '/v1/rooms/{code}/code' \
  --exclude-operation-id delete_room \
  --max-examples "$EXAMPLES" --seed "${SEED:-20261125}" --workers 1 --no-color \
  --generation-database none) | tee "$work/output"
# One worker: hypothesis' lambda descriptions call ast.parse, which CPython 3.11 does not
# make thread-safe (seen here as "AST constructor recursion depth mismatch").
requests=$(awk '/^Test cases:/ { getline; print $1; exit }' "$work/output")
echo "room-fuzz: ${requests:-0} generated requests on $store, every answer documented, none a 5xx"
if (( ${requests:-0} < MIN_REQUESTS )); then
  echo "room-fuzz: expected at least $MIN_REQUESTS generated requests" >&2
  exit 1
fi
