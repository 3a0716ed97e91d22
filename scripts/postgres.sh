#!/usr/bin/env bash
# A throwaway PostgreSQL server for the cluster (scripts/cluster.sh) and its tests: its own data
# folder, its own loopback port, never the machine's system cluster. Installs PostgreSQL with apt
# when no server binaries are found. `stop` and `purge` only touch a server this script started.
#
#   scripts/postgres.sh start            initdb (first time) and start; creates role and databases
#   scripts/postgres.sh stop             stop the server this script started (data is kept)
#   scripts/postgres.sh purge            stop it and delete its data folder
#   scripts/postgres.sh status           running or not (exit code 0 when running)
#   scripts/postgres.sh url [database]   print an Npgsql connection string
#   scripts/postgres.sh help             this text
#
# Environment (all optional):
#   BANK_PG_PORT      loopback port                    default 55432
#   BANK_PG_DIR       data folder                      default <repo>/.local/postgres-<port>
#                     (a temp folder when running as root and the postgres user cannot reach it)
#   BANK_PG_DATABASES databases created at start       default "bank_journal bank_readmodel"
#   BANK_PG_USER / BANK_PG_PASSWORD  the owner role    default bank / bank
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${BANK_PG_PORT:-55432}"
pg_user="${BANK_PG_USER:-bank}"
pg_password="${BANK_PG_PASSWORD:-bank}"
databases="${BANK_PG_DATABASES:-bank_journal bank_readmodel}"

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }
# The comment block at the top of this file, without its '#': the usage.
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }

# Where the server binaries (initdb, pg_ctl, psql) live; Debian keeps them off PATH.
find_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else die "PostgreSQL is not installed and installing it needs root: run 'apt-get install -y postgresql' first."
  fi
}

ensure_installed() {
  if bin_dir="$(find_bin_dir)"; then return 0; fi
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available: install PostgreSQL 15+ first."
  log "PostgreSQL not found: installing it with apt-get (the system service is not started)."
  export DEBIAN_FRONTEND=noninteractive
  # Keep the package's own service from starting (we only want the binaries): a temporary
  # policy-rc.d answering "not allowed", unless the machine already has one.
  local policy=/usr/sbin/policy-rc.d guarded=""
  if [[ ! -e "$policy" ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && guarded=1
  fi
  local status=0
  if ! as_root apt-get install -y --no-install-recommends postgresql >&2; then
    as_root apt-get update >&2 && as_root apt-get install -y --no-install-recommends postgresql >&2 || status=$?
  fi
  if [[ -n "$guarded" ]]; then as_root rm -f "$policy"; fi
  ((status == 0)) || die "apt-get install postgresql failed ($status)."
  bin_dir="$(find_bin_dir)" || die "PostgreSQL was installed but initdb was not found."
}

# PostgreSQL refuses to run as root: as root, the server runs as the 'postgres' account.
run_as_owner() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

resolve_data_dir() {
  if [[ -n "${BANK_PG_DIR:-}" ]]; then data_dir="$BANK_PG_DIR"; return; fi
  data_dir="$repo/.local/postgres-$port"
  if [[ $EUID -eq 0 ]] && id postgres >/dev/null 2>&1; then
    # Probe without creating .local (status must leave no trace); a new .local is as reachable as its parent.
    local probe="$repo/.local"
    [[ -d "$probe" ]] || probe="$repo"
    if ! runuser -u postgres -- test -x "$probe"; then
      data_dir="${TMPDIR:-/tmp}/bankaccounts-postgres-$port"
    fi
  fi
}

# The marker says "this script initialised and started the server in this folder".
marker() { echo "$data_dir/.started-by-bankaccounts-scripts"; }

is_running() {
  [[ -f "$data_dir/postmaster.pid" ]] && run_as_owner "$bin_dir/pg_ctl" status -D "$data_dir" >/dev/null 2>&1
}

psql_admin() {
  "$bin_dir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

start() {
  ensure_installed
  resolve_data_dir
  if is_running; then
    log "already running on 127.0.0.1:$port (data: $data_dir)"
    create_databases
    return 0
  fi
  if [[ ! -f "$data_dir/PG_VERSION" ]]; then
    mkdir -p "$data_dir"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$data_dir"; fi
    chmod 700 "$data_dir"
    log "initdb into $data_dir"
    run_as_owner "$bin_dir/initdb" -D "$data_dir" -U postgres --auth=trust --encoding=UTF8 --no-sync >/dev/null
  fi
  touch "$(marker)"
  log "starting on 127.0.0.1:$port (data: $data_dir, log: $data_dir/server.log)"
  # Loopback only, the socket in the data folder (no /var/run/postgresql needed), room for 3 nodes' pools.
  run_as_owner "$bin_dir/pg_ctl" start -D "$data_dir" -l "$data_dir/server.log" -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$data_dir' -c max_connections=300" >/dev/null
  create_databases
}

create_databases() {
  if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$pg_user'")" != "1" ]]; then
    psql_admin -c "CREATE ROLE \"$pg_user\" LOGIN CREATEDB PASSWORD '$pg_password'"
  fi
  local db
  for db in $databases; do
    if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]]; then
      psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$pg_user\""
    fi
  done
}

stop() {
  bin_dir="$(find_bin_dir)" || { log "PostgreSQL is not installed: nothing to stop"; return 0; }
  resolve_data_dir
  if [[ ! -f "$(marker)" ]]; then
    log "no server started by this script in $data_dir: nothing to stop"
    return 0
  fi
  if is_running; then
    log "stopping the server in $data_dir"
    run_as_owner "$bin_dir/pg_ctl" stop -D "$data_dir" -m fast -w -t 60 >/dev/null
  fi
}

purge() {
  stop
  resolve_data_dir
  if [[ -f "$(marker)" ]]; then
    log "deleting $data_dir"
    rm -rf "$data_dir"
  fi
}

status() {
  bin_dir="$(find_bin_dir)" || { echo "not installed"; return 1; }
  resolve_data_dir
  if is_running; then echo "running on 127.0.0.1:$port (data: $data_dir)"; else echo "stopped (data: $data_dir)"; return 1; fi
}

url() {
  local db="${1:-bank_journal}"
  echo "Host=127.0.0.1;Port=$port;Database=$db;Username=$pg_user;Password=$pg_password"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  purge) purge ;;
  status) status ;;
  url) url "${2:-}" ;;
  help | -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
