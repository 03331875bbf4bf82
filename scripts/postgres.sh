#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the room server's tests, in a folder of its own:
#   scripts/postgres.sh start DIR   starts one (trust auth, loopback only, no fsync) and prints
#                                   its URL, also written to DIR/url
#   scripts/postgres.sh stop DIR    stops it
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user (Debian's
# package creates it) or else `nobody`, and DIR's parent folders must let that user through
# (a folder in target/ does; one from mktemp does not).
set -euo pipefail
cmd=${1:?start or stop}
dir=$(realpath -m "${2:?a folder}")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $bin/pg_ctl ]] || { echo "postgres.sh: no PostgreSQL server (Debian's postgresql package)" >&2; exit 1; }

as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  owner=postgres
  id "$owner" >/dev/null 2>&1 || owner=nobody
  as_owner=(runuser -u "$owner" --)
fi

case $cmd in
start)
  mkdir -p "$dir"
  [[ -z ${owner:-} ]] || chown "$owner" "$dir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U worktogether --auth=trust -E UTF8 --no-sync >"$dir/initdb.log"
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
    "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=400" \
    start >/dev/null
  echo "postgres://worktogether@127.0.0.1:$port/postgres" | tee "$dir/url"
  ;;
stop)
  [[ -d $dir/data ]] && "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
  ;;
*) echo "postgres.sh: start or stop" >&2; exit 2 ;;
esac
