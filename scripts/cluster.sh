#!/usr/bin/env bash
# The docker-compose topology as local processes, for machines without a Docker engine: a throwaway
# PostgreSQL (scripts/postgres.sh) on a loopback port and three nodes of the API host on loopback
# ports. Logs, pid files and node folders live in .local/cluster/. `down` stops only processes whose
# pid files this script wrote (and PostgreSQL only if `up` started it).
#
#   scripts/cluster.sh up               build if needed, start PostgreSQL and the nodes, wait until ready
#   scripts/cluster.sh down             stop the nodes gracefully (SIGTERM: leave the cluster), then PostgreSQL
#   scripts/cluster.sh status           each node's pid and readiness
#   scripts/cluster.sh stop N           SIGTERM node N (graceful leave)
#   scripts/cluster.sh kill N           SIGKILL node N (a crash: the others down it and take over)
#   scripts/cluster.sh start N          start node N again (it rejoins)
#   scripts/cluster.sh token ARGS...    print a token the nodes accept (ARGS: --subject ID --role ROLE ...)
#   scripts/cluster.sh help             this text
#
# Node N (1-based) serves HTTP on 127.0.0.1:$((5080+N)) and Akka remoting on 127.0.0.1:$((4050+N)).
# Environment (optional): BANK_NODES (3), BANK_HTTP_BASE_PORT (5080), BANK_AKKA_BASE_PORT (4050),
# BANK_CONFIGURATION (Release), BANK_PG_PORT (55432), BANK_READY_TIMEOUT seconds (120),
# BANK_REMOTING_TLS=1 (remoting over mutual TLS with the cluster certificate in .local/cluster/certs, made by
# scripts/make-remoting-cert.sh on first use).
# All nodes share one token signing key, .local/cluster/jwt-signing-key.pem (the first node creates it).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nodes="${BANK_NODES:-3}"
http_base="${BANK_HTTP_BASE_PORT:-5080}"
akka_base="${BANK_AKKA_BASE_PORT:-4050}"
configuration="${BANK_CONFIGURATION:-Release}"
ready_timeout="${BANK_READY_TIMEOUT:-120}"
state="$repo/.local/cluster"
remoting_tls="${BANK_REMOTING_TLS:-0}"
certs="$state/certs"
dll="$repo/src/BankAccounts.Api/bin/$configuration/net10.0/BankAccounts.Api.dll"
signing_key="$state/jwt-signing-key.pem"
postgres="$repo/scripts/postgres.sh"

log() { echo "cluster.sh: $*" >&2; }
die() { log "$*"; exit 1; }
# The comment block at the top of this file, without its '#': the usage.
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }

http_port() { echo $((http_base + $1)); }
akka_port() { echo $((akka_base + $1)); }
pid_file() { echo "$state/node$1.pid"; }

# The pid in node N's pid file, if that process is still our node (not a recycled pid).
node_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "BankAccounts.Api.dll" || return 1
  echo "$pid"
}

# Whether the process in node N's pid file is alive (it may still be the shell about to exec dotnet).
pid_alive() {
  local file
  file="$(pid_file "$1")"
  [[ -f "$file" ]] && kill -0 "$(cat "$file")" 2>/dev/null
}

is_ready() {
  local url="http://127.0.0.1:$(http_port "$1")/health/ready"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 5 "$url" >/dev/null 2>&1
  else
    dotnet "$dll" --health-check "$url" >/dev/null 2>&1
  fi
}

tls_on() { [[ "$remoting_tls" == 1 || "$remoting_tls" == true ]]; }

# Seed nodes and, with BANK_REMOTING_TLS=1, the remoting TLS settings (TLS nodes have akka.ssl.tcp addresses).
cluster_env() {
  local i scheme=akka.tcp
  if tls_on; then
    scheme=akka.ssl.tcp
    echo "BankAccounts__Cluster__Tls__Enabled=true"
    echo "BankAccounts__Cluster__Tls__CertificatePath=$certs/remoting.pfx"
    echo "BankAccounts__Cluster__Tls__CertificatePasswordFile=$certs/remoting.password"
  fi
  for ((i = 1; i <= nodes; i++)); do
    echo "BankAccounts__Cluster__SeedNodes__$((i - 1))=$scheme://bank-accounts@127.0.0.1:$(akka_port "$i")"
  done
}

start_node() {
  local n="$1" pid
  if pid="$(node_pid "$n")"; then log "node$n already running (pid $pid)"; return 0; fi
  mkdir -p "$state/node$n"
  local -a environment
  if tls_on; then "$repo/scripts/make-remoting-cert.sh" "$certs"; fi
  mapfile -t environment < <(cluster_env)
  log "starting node$n: http://127.0.0.1:$(http_port "$n"), akka 127.0.0.1:$(akka_port "$n"), log $state/node$n.log"
  (
    cd "$state/node$n"
    exec env \
      ASPNETCORE_URLS="http://127.0.0.1:$(http_port "$n")" \
      BankAccounts__Journal__Provider=PostgreSql \
      BankAccounts__Journal__ConnectionString="$("$postgres" url bank_journal)" \
      BankAccounts__ReadModel__Provider=PostgreSql \
      BankAccounts__ReadModel__ConnectionString="$("$postgres" url bank_readmodel)" \
      BankAccounts__Cluster__Hostname=127.0.0.1 \
      BankAccounts__Cluster__Port="$(akka_port "$n")" \
      BankAccounts__Security__SigningKeyFile="$signing_key" \
      "${environment[@]}" \
      nohup dotnet "$dll" >>"$state/node$n.log" 2>&1 </dev/null
  ) &
  echo $! > "$(pid_file "$n")"
}

wait_ready_one() {
  local n="$1" deadline=$((SECONDS + ready_timeout))
  until is_ready "$n"; do
    pid_alive "$n" || die "node$n exited; see $state/node$n.log"
    ((SECONDS < deadline)) || die "node$n not ready after ${ready_timeout}s; see $state/node$n.log"
    sleep 0.5
  done
  log "node$n ready"
}

wait_ready() {
  local n
  for ((n = 1; n <= nodes; n++)); do wait_ready_one "$n"; done
}

stop_node() {
  local n="$1" signal="${2:-TERM}" pid waited=0
  if ! pid="$(node_pid "$n")"; then rm -f "$(pid_file "$n")"; return 0; fi
  log "node$n: SIG$signal (pid $pid)"
  kill -s "$signal" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 600)); then log "node$n did not leave within 60s: SIGKILL"; kill -s KILL "$pid" 2>/dev/null || true; fi
    sleep 0.1; waited=$((waited + 1))
  done
  rm -f "$(pid_file "$n")"
}

up() {
  mkdir -p "$state"
  if [[ ! -f "$dll" ]]; then
    log "building src/BankAccounts.Api ($configuration)"
    dotnet build "$repo/src/BankAccounts.Api/BankAccounts.Api.csproj" -c "$configuration" -nologo -v quiet >&2
  fi
  if ! "$postgres" status >/dev/null 2>&1; then
    "$postgres" start
    touch "$state/postgres.started-by-cluster"
  else
    "$postgres" start # makes sure the role and databases exist
  fi
  local n
  for ((n = 1; n <= nodes; n++)); do start_node "$n"; done
  wait_ready
  status
}

down() {
  local n
  for ((n = nodes; n >= 1; n--)); do stop_node "$n" TERM; done
  if [[ -f "$state/postgres.started-by-cluster" ]]; then
    "$postgres" stop
    rm -f "$state/postgres.started-by-cluster"
  fi
}

status() {
  local n pid
  for ((n = 1; n <= nodes; n++)); do
    if pid="$(node_pid "$n")"; then
      if is_ready "$n"; then echo "node$n pid $pid ready    http://127.0.0.1:$(http_port "$n")"
      else echo "node$n pid $pid starting http://127.0.0.1:$(http_port "$n")"; fi
    else
      echo "node$n stopped"
    fi
  done
  "$postgres" status || true
}

node_arg() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= nodes)) || die "expected a node number 1..$nodes"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  stop) node_arg "${2:-}"; stop_node "$2" TERM ;;
  kill) node_arg "${2:-}"; stop_node "$2" KILL ;;
  start) node_arg "${2:-}"; mkdir -p "$state"; start_node "$2"; wait_ready_one "$2" ;;
  token) shift; mkdir -p "$state"; BankAccounts__Security__SigningKeyFile="$signing_key" dotnet "$dll" token "$@" ;;
  help | -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
