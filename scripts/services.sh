#!/usr/bin/env bash
# Wick's local services: a 6-node Valkey 8 cluster and a MySQL-compatible server.
#   services.sh up       start whatever is not running (idempotent), wait until ready, print where
#   services.sh down     stop the Valkey nodes this script started (by PID file, nothing else)
#   services.sh status   print what answers
#   services.sh valkey-up | valkey-down   only the Valkey cluster (with VALKEY_PORT_BASE, a private one)
# Env: DATABASE_URL (use this server as is), VALKEY_PORT_BASE (default 7000).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.services"
port_base=${VALKEY_PORT_BASE:-7000}
ports=()
for i in 0 1 2 3 4 5; do ports+=($((port_base + i))); done

log() { printf '[services] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_valkey_installed() {
  command -v valkey-server >/dev/null && command -v valkey-cli >/dev/null && return
  log "installing valkey-server and valkey-tools from bookworm-backports"
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo 'deb http://deb.debian.org/debian bookworm-backports main' |
      as_root tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
    apt_updated=0
  fi
  apt_install -t bookworm-backports valkey-server valkey-tools
}

node_up() { valkey-cli -p "$1" ping 2>/dev/null | grep -q PONG; }

cluster_ok() {
  local p
  for p in "${ports[@]}"; do
    valkey-cli -p "$p" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
  done
  [ "$(valkey-cli -p "${ports[0]}" cluster info | awk -F: '/cluster_known_nodes/ {print $2+0}')" -eq 6 ]
}

replicas_synced() {
  local p role
  for p in "${ports[@]}"; do
    role=$(valkey-cli -p "$p" info replication 2>/dev/null | tr -d '\r')
    if grep -q '^role:slave' <<<"$role"; then grep -q '^master_link_status:up' <<<"$role" || return 1; fi
  done
}

start_node() {
  local p=$1 dir="$state/valkey/$1"
  mkdir -p "$dir"
  # No persistence: a restarted node comes back empty and resyncs from its peers.
  valkey-server --port "$p" --bind 127.0.0.1 --daemonize yes \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --save '' --appendonly no --repl-diskless-sync yes --repl-diskless-sync-delay 0 --dir "$dir" --pidfile "$dir/valkey.pid" --logfile "$dir/valkey.log" \
    --maxmemory 512mb --maxmemory-policy allkeys-lru
}

valkey_up() {
  ensure_valkey_installed
  if cluster_ok; then log "valkey cluster already up"; return; fi
  local p
  for p in "${ports[@]}"; do node_up "$p" || start_node "$p"; done
  for p in "${ports[@]}"; do
    for _ in $(seq 50); do node_up "$p" && break; sleep 0.1; done
    node_up "$p" || { log "valkey node $p did not start; see $state/valkey/$p/valkey.log"; exit 1; }
  done
  # Fresh nodes know only themselves: create the cluster. Nodes restarted with their nodes.conf rejoin.
  if [ "$(valkey-cli -p "${ports[0]}" cluster info | awk -F: '/cluster_known_nodes/ {print $2+0}')" -lt 6 ]; then
    local all_fresh=1
    for p in "${ports[@]}"; do
      [ "$(valkey-cli -p "$p" cluster info | awk -F: '/cluster_known_nodes/ {print $2+0}')" -eq 1 ] || all_fresh=0
    done
    if [ $all_fresh -eq 0 ]; then
      log "valkey nodes disagree about the cluster; resetting them"
      for p in "${ports[@]}"; do valkey-cli -p "$p" flushall >/dev/null 2>&1 || true; valkey-cli -p "$p" cluster reset hard >/dev/null; done
    fi
    local hosts=()
    for p in "${ports[@]}"; do hosts+=("127.0.0.1:$p"); done
    valkey-cli --cluster create "${hosts[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
  fi
  for _ in $(seq 150); do cluster_ok && break; sleep 0.1; done
  cluster_ok || { log "valkey cluster did not reach cluster_state:ok"; exit 1; }
  # A replica that has not finished its first sync cannot take over: wait for every link, so a
  # primary killed right after start-up fails over as it would later.
  for _ in $(seq 200); do replicas_synced && break; sleep 0.1; done
  replicas_synced || { log "valkey replicas did not finish their first sync"; exit 1; }
  log "valkey cluster ok"
}

valkey_down() {
  local p pidfile pids=()
  for p in "${ports[@]}"; do
    pidfile="$state/valkey/$p/valkey.pid"
    [ -f "$pidfile" ] || continue
    pids+=("$(cat "$pidfile")")
  done
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  for p in "${ports[@]}"; do rm -rf "$state/valkey/$p"; done
  log "valkey cluster stopped"
}

# --- MySQL --------------------------------------------------------------------------------------
# mysql_args prints client flags for DATABASE_URL (mysql://user:pass@host:port/db) or the local default.
mysql_args() {
  local url=${DATABASE_URL:-mysql://root@127.0.0.1:3306/wick}
  node -e '
    const u = new URL(process.argv[1]);
    const a = ["-h", u.hostname, "-P", u.port || "3306", "-u", decodeURIComponent(u.username || "root")];
    if (u.password) a.push("-p" + decodeURIComponent(u.password));
    console.log(a.join("\n"));' "$url"
}

mysql_client() { command -v mariadb || command -v mysql; }

mysql_answers() {
  local client; client=$(mysql_client) || return 1
  mapfile -t args < <(mysql_args)
  "$client" "${args[@]}" --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1
}

mysql_up() {
  if mysql_answers; then log "mysql answers at ${DATABASE_URL:-127.0.0.1:3306}";
  elif [ -n "${DATABASE_URL:-}" ]; then log "DATABASE_URL is set but its server does not answer"; exit 1;
  else
    if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
      log "installing mariadb-server from Debian"
      apt_install mariadb-server
    fi
    log "starting mariadbd"
    as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql \
      --bind-address=127.0.0.1 --port=3306 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
    for _ in $(seq 100); do [ -S /run/mysqld/mysqld.sock ] && break; sleep 0.2; done
    # Debian's root uses unix_socket auth; let root in over TCP without a password too (local dev only).
    mariadb -uroot -e "ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')" 2>/dev/null || true
    for _ in $(seq 50); do mysql_answers && break; sleep 0.2; done
    mysql_answers || { log "mariadbd did not answer on 127.0.0.1:3306"; exit 1; }
  fi
  local client; client=$(mysql_client)
  mapfile -t args < <(mysql_args)
  "$client" "${args[@]}" -e "CREATE DATABASE IF NOT EXISTS wick CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE DATABASE IF NOT EXISTS wick_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    SET GLOBAL local_infile = 1;" 2>/dev/null ||
    "$client" "${args[@]}" -e "CREATE DATABASE IF NOT EXISTS wick CHARACTER SET utf8mb4; CREATE DATABASE IF NOT EXISTS wick_test CHARACTER SET utf8mb4;"
}

status() {
  local p
  for p in "${ports[@]}"; do
    if node_up "$p"; then
      printf 'valkey 127.0.0.1:%s %s\n' "$p" "$(valkey-cli -p "$p" role | head -1)"
    else
      printf 'valkey 127.0.0.1:%s down\n' "$p"
    fi
  done
  if mysql_answers; then echo "mysql ${DATABASE_URL:-mysql://root@127.0.0.1:3306/wick} up"; else echo "mysql down"; fi
}

case "${1:-up}" in
  up)
    started=$(date +%s%N)
    mysql_up
    valkey_up
    ms=$(( ($(date +%s%N) - started) / 1000000 ))
    nodes=$(printf '127.0.0.1:%s,' "${ports[@]}"); nodes=${nodes%,}
    echo "DATABASE_URL=${DATABASE_URL:-mysql://root@127.0.0.1:3306/wick}"
    echo "VALKEY_NODES=$nodes"
    log "services ready in ${ms} ms"
    ;;
  down) valkey_down ;;
  # Only the Valkey cluster, e.g. a private one for tests that kill nodes: VALKEY_PORT_BASE=7100 services.sh valkey-up
  valkey-up) valkey_up ;;
  valkey-down) valkey_down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status|valkey-up|valkey-down" >&2; exit 2 ;;
esac
