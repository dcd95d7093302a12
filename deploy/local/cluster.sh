#!/usr/bin/env bash
# Runs a local DHT: the registry and N nodes on localhost, logs and RocksDB data under one folder.
#   deploy/local/cluster.sh start [N]   build if needed, start registry + N nodes (default 3), wait until ready
#   deploy/local/cluster.sh stop        SIGTERM to the nodes, then the registry; a node stops without leaving
#                                       the ring (it is DOWN, not gone: started again it takes its positions back)
#   deploy/local/cluster.sh leave PORT...   the nodes on these ports leave the ring gracefully (POST /admin/leave:
#                                       each hands its keys over and deregisters), one after the other, and stop
#   deploy/local/cluster.sh restart PORT    SIGTERM to that node, then start it again on the same port and data dir
#   deploy/local/cluster.sh status      what runs, with its URL, and whether a cluster token is in use
# Environment: DHT_REGISTRY_PORT (50000), DHT_FIRST_NODE_PORT (50001), DHT_RUN_DIR (deploy/local/run).
# The processes inherit the rest of the environment, so Spring Boot's variables configure them, e.g.
#   DHT_SECURITY_CLUSTER_TOKEN=$(openssl rand -hex 32)     the token nodes and registry present to each
#                                                          other (at least 32 characters); without one
#                                                          they take cluster calls from this machine only
#   DHT_SECURITY_APIKEYS_READWRITE=key1,key2               API keys for /keys (comma-separated);
#   DHT_SECURITY_APIKEYS_READONLY=key3                     with any set, /keys needs one
# Readiness is polled without a credential (health probes take none), so a token changes nothing here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
run_dir=${DHT_RUN_DIR:-$here/run}
registry_port=${DHT_REGISTRY_PORT:-50000}
first_node_port=${DHT_FIRST_NODE_PORT:-50001}
version=0.1.0-SNAPSHOT
registry_jar=$root/registry-service/target/registry-service-$version-exec.jar
node_jar=$root/dht-node-service/target/dht-node-service-$version-exec.jar

# shellcheck source=find-java.sh
. "$here/find-java.sh"
# shellcheck source=node-memory.sh
. "$here/node-memory.sh"

log() { printf '%s\n' "$*" >&2; }

count_list() { # comma-separated values: how many are not blank
  local -a items=()
  local item n=0
  IFS=, read -ra items <<<"$1"
  for item in "${items[@]}"; do
    if [[ -n ${item// /} ]]; then n=$((n + 1)); fi
  done
  echo "$n"
}

security_mode() { # one line about the credentials in this environment, never a secret itself
  local token=${DHT_SECURITY_CLUSTER_TOKEN:-} read_write read_only
  read_write=$(count_list "${DHT_SECURITY_APIKEYS_READWRITE:-${DHT_SECURITY_API_KEYS_READ_WRITE:-}}")
  read_only=$(count_list "${DHT_SECURITY_APIKEYS_READONLY:-${DHT_SECURITY_API_KEYS_READ_ONLY:-}}")
  if [[ -n ${token// /} ]]; then
    printf 'cluster token: in use (DHT_SECURITY_CLUSTER_TOKEN, %d characters)' "${#token}"
  else
    printf 'cluster token: none (protected mode: cluster calls from this machine only)'
  fi
  if ((read_write + read_only > 0)); then
    printf '; API keys for /keys: %d read-write, %d read-only\n' "$read_write" "$read_only"
  else
    printf '; /keys open (no API keys)\n'
  fi
}

build_if_needed() {
  if [[ -f $registry_jar && -f $node_jar ]]; then
    return
  fi
  log "Building the jars (first run only; ./mvnw package -DskipTests)..."
  (cd "$root" && JAVA_HOME=$java_home ./mvnw -q -B package -DskipTests)
}

wait_ready() { # name url: until it answers, it exits, or 90 s pass; on failure its log's last lines
  local name=$1 url=$2 deadline=$((SECONDS + 90)) pid
  pid=$(cat "$run_dir/pids/$name")
  until curl -fs -o /dev/null --max-time 2 "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) exited before it became ready; the end of $run_dir/logs/$name.log:"
      tail -n 40 "$run_dir/logs/$name.log" >&2 || true
      return 1
    fi
    if ((SECONDS > deadline)); then
      log "$name (pid $pid) did not become ready within 90 s ($url); the end of $run_dir/logs/$name.log:"
      tail -n 40 "$run_dir/logs/$name.log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

start_node() { # port: with the same arguments on every start, so that a restarted node finds its data
  start_process "node-$1" "$1" "$node_jar" --dht.registry-url="http://localhost:$registry_port" \
    --dht.data-dir="$run_dir/data/node-$1"
}

start_process() { # name port jar args...
  # The registry answers a few calls a second: C1 alone brings it up sooner. Nodes serve the load and
  # get the full JIT: with C1 alone a warmed 3-node cluster served 1,700 GET/s, with C2 4,300.
  local name=$1 port=$2 jar=$3 launcher=("$java" -XX:TieredStopAtLevel=1)
  shift 3
  if [[ $jar == "$node_jar" ]]; then
    launcher=(env "${node_env[@]}" "$java" "${node_jvm_options[@]}")
  fi
  if [[ -f $run_dir/pids/$name ]] && kill -0 "$(cat "$run_dir/pids/$name")" 2>/dev/null; then
    log "$name already runs (pid $(cat "$run_dir/pids/$name"))"
    return
  fi
  if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is taken; stop what uses it or set DHT_REGISTRY_PORT / DHT_FIRST_NODE_PORT"
    exit 1
  fi
  nohup "${launcher[@]}" -Xss512k -jar "$jar" --server.port="$port" --server.address=127.0.0.1 "$@" \
    >"$run_dir/logs/$name.log" 2>&1 &
  echo $! >"$run_dir/pids/$name"
}

start() {
  local count=${1:-3}
  [[ $count =~ ^[1-9][0-9]*$ ]] || { log "usage: $0 start [N], N >= 1"; exit 2; }
  command -v curl >/dev/null || { log "curl is needed to see when the processes are ready (Debian: apt-get install curl)"; exit 1; }
  build_if_needed
  mkdir -p "$run_dir/logs" "$run_dir/pids"
  if ! [[ -f $run_dir/pids/registry ]] || ! kill -0 "$(cat "$run_dir/pids/registry")" 2>/dev/null; then
    # what the processes started now run with, for status (which may run in another environment)
    security_mode >"$run_dir/security"
  fi
  start_process registry "$registry_port" "$registry_jar"
  wait_ready registry "http://localhost:$registry_port/actuator/health/readiness"
  for ((i = 0; i < count; i++)); do
    local port=$((first_node_port + i))
    start_node "$port"
  done
  for ((i = 0; i < count; i++)); do
    local port=$((first_node_port + i))
    wait_ready "node-$port" "http://localhost:$port/actuator/health/readiness"
  done
  status
  # the credentials by the variables' names, never their values (this output may end up in a CI log)
  local write_auth='' read_auth=''
  if (($(count_list "${DHT_SECURITY_APIKEYS_READWRITE:-${DHT_SECURITY_API_KEYS_READ_WRITE:-}}") > 0)); then
    write_auth=' -H "Authorization: Bearer ${DHT_SECURITY_APIKEYS_READWRITE%%,*}"'
    read_auth=$write_auth
  elif (($(count_list "${DHT_SECURITY_APIKEYS_READONLY:-${DHT_SECURITY_API_KEYS_READ_ONLY:-}}") > 0)); then
    write_auth=' -H "Authorization: Bearer $DHT_SECURITY_CLUSTER_TOKEN"'
    read_auth=' -H "Authorization: Bearer ${DHT_SECURITY_APIKEYS_READONLY%%,*}"'
  fi
  cat <<MSG

Try it:
  curl -i -X PUT --data-binary 'hello' -H 'Content-Type: text/plain'$write_auth http://localhost:$first_node_port/keys/greeting
  curl -i$read_auth http://localhost:$((first_node_port + count - 1))/keys/greeting
  curl -s http://localhost:$registry_port/nodes
Stop it:  $0 stop
MSG
}

await_exit() { # name pid seconds: until the process is gone; fails when it outlives the bound
  local name=$1 pid=$2 deadline=$((SECONDS + $3))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      log "$name (pid $pid) still runs after $3 s"
      return 1
    fi
    sleep 0.2
  done
}

stop_process() { # name: SIGTERM, and SIGKILL when it has not stopped within 120 s
  local name=$1 pidfile=$run_dir/pids/$1 pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    if ! await_exit "$name" "$pid" 120; then
      log "killing $name"
      kill -KILL "$pid" 2>/dev/null || true
      await_exit "$name" "$pid" 10 || true
    fi
  fi
  rm -f "$pidfile"
}

stop() {
  [[ -d $run_dir/pids ]] || { log "nothing runs"; return; }
  local pidfile
  # nodes first, then the registry they tell that they are going down
  for pidfile in $(ls "$run_dir/pids"/node-* 2>/dev/null | sort -r) "$run_dir/pids/registry"; do
    if [[ -f $pidfile ]]; then stop_process "$(basename "$pidfile")"; fi
  done
  rm -f "$run_dir/security"
}

running_node() { # port: the pid of the node this script started on that port, or a message and failure
  local port=$1 pidfile=$run_dir/pids/node-$1
  [[ $port =~ ^[0-9]+$ ]] || { log "$port is no port"; return 1; }
  if ! [[ -f $pidfile ]] || ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "no node of this cluster runs on port $port (see $0 status)"
    return 1
  fi
  cat "$pidfile"
}

leave() { # ports...: one at a time, as the registry orders leaves; the hand-over is bounded by the node
  (($# > 0)) || { log "usage: $0 leave PORT..."; exit 2; }
  local port pid status started auth=()
  # /admin/** is a cluster call: the token when there is one, else protected mode lets this machine in
  if [[ -n ${DHT_SECURITY_CLUSTER_TOKEN:-} ]]; then auth=(-H "Authorization: Bearer $DHT_SECURITY_CLUSTER_TOKEN"); fi
  for port in "$@"; do
    pid=$(running_node "$port") || exit 1
    started=$SECONDS
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST ${auth[@]+"${auth[@]}"} \
      "http://localhost:$port/admin/leave") || true
    if [[ $status != 202 ]]; then
      log "node-$port refused to leave: POST /admin/leave answered ${status:-nothing}"
      exit 1
    fi
    log "node-$port (pid $pid) is leaving the ring"
    # its keys are handed over before it stops (dht.leave-timeout, within Spring's 90 s shutdown phase)
    if ! await_exit "node-$port" "$pid" 150; then
      log "node-$port has not finished its leave; it still runs"
      exit 1
    fi
    rm -f "$run_dir/pids/node-$port"
    log "node-$port left the ring and stopped after $((SECONDS - started)) s"
  done
}

restart() { # port: stop it (SIGTERM, which keeps its place in the ring) and start it again as it was
  (($# == 1)) || { log "usage: $0 restart PORT"; exit 2; }
  local port=$1
  running_node "$port" >/dev/null || exit 1
  stop_process "node-$port"
  start_node "$port"
  wait_ready "node-$port" "http://localhost:$port/actuator/health/readiness"
  log "node-$port runs again (pid $(cat "$run_dir/pids/node-$port")) on $run_dir/data/node-$port"
}

status() {
  local pidfile name pid port
  printf '%-12s %-8s %-8s %s\n' NAME PID STATE URL
  for pidfile in "$run_dir/pids/registry" $(ls "$run_dir/pids"/node-* 2>/dev/null | sort); do
    [[ -f $pidfile ]] || continue
    name=$(basename "$pidfile")
    pid=$(cat "$pidfile")
    if [[ $name == registry ]]; then port=$registry_port; else port=${name#node-}; fi
    if kill -0 "$pid" 2>/dev/null; then state=running; else state=dead; fi
    printf '%-12s %-8s %-8s %s\n' "$name" "$pid" "$state" "http://localhost:$port  (Swagger UI: http://localhost:$port/swagger-ui.html)"
  done
  if [[ -f $run_dir/security ]]; then
    cat "$run_dir/security"
  fi
  log "logs: $run_dir/logs"
}

case ${1:-} in
  start) shift; start "$@" ;;
  stop) stop ;;
  leave) shift; leave "$@" ;;
  restart) shift; restart "$@" ;;
  status) status ;;
  *) log "usage: $0 start [N] | stop | leave PORT... | restart PORT | status"; exit 2 ;;
esac
