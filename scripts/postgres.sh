#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the room server's tests, in a folder of its own:
#   scripts/postgres.sh start DIR   starts one (trust auth, loopback only, no fsync) and prints
#                                   its URL, also written to DIR/url
#   scripts/postgres.sh stop DIR    stops it
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user (Debian's
# package creates it) or else `nobody`. When DIR's parent folders keep that user out (a checkout
# inside a folder from mktemp, mode 0700), the cluster lives in a folder of its own under /tmp
# instead, named in DIR/home and removed by `stop`.
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
  home=$dir
  if [[ -n ${owner:-} ]]; then
    chown "$owner" "$dir"
    if ! "${as_owner[@]}" test -w "$dir"; then
      home=$(mktemp -d /tmp/worktogether-postgres.XXXXXX)
      chown "$owner" "$home"
    fi
  fi
  echo "$home" >"$dir/home"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_owner[@]}" "$bin/initdb" -D "$home/data" -U worktogether --auth=trust -E UTF8 --no-sync >"$dir/initdb.log"
  "${as_owner[@]}" "$bin/pg_ctl" -D "$home/data" -l "$home/server.log" -w -o \
    "-p $port -k $home -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=400" \
    start >/dev/null
  echo "postgres://worktogether@127.0.0.1:$port/postgres" | tee "$dir/url"
  ;;
stop)
  home=$(cat "$dir/home" 2>/dev/null || echo "$dir")
  [[ -d $home/data ]] && "${as_owner[@]}" "$bin/pg_ctl" -D "$home/data" -m immediate -w stop >/dev/null || true
  # The server's log stays in DIR for whoever looks into a failed run.
  [[ $home == "$dir" ]] || { cp "$home/server.log" "$dir/" 2>/dev/null || true; rm -rf "$home"; }
  ;;
*) echo "postgres.sh: start or stop" >&2; exit 2 ;;
esac
