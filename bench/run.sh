#!/usr/bin/env bash
# The DHT benchmark: builds what it needs, runs every measurement on this machine and prints one table.
#   bench/run.sh            the full run (about 30-40 minutes)
#   bench/run.sh --quick    smaller and shorter, to try it out (about 7 minutes)
#   bench/run.sh --no-build use the jars already built (bench/README.md has the build command)
# Environment: BENCH_MAVEN_ARGS (extra Maven arguments, e.g. -o), BENCH_JAVA_OPTS (JVM options for
# every JVM it starts; the nodes run with deploy/local/node-memory.sh's settings before them),
# JAVA_HOME (a JDK >= 21; otherwise the newest under the usual folders).
# Uses TCP ports 53000-53999 on 127.0.0.1 only. Everything it starts is stopped when it ends, fails
# or is interrupted. The table also lands in bench/results/, the logs in bench/results/<run>/logs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
version=0.1.0-SNAPSHOT
registry_jar=$root/registry-service/target/registry-service-$version-exec.jar
node_jar=$root/dht-node-service/target/dht-node-service-$version-exec.jar
trivial_jar=$here/trivial-endpoint/target/bench-trivial-endpoint-$version-exec.jar
ring_jar=$here/ring-bench/target/bench-ring-$version-exec.jar
client_jar=$here/client-bench/target/bench-client-$version-exec.jar
lua=$here/lua/kv.lua

quick=false
build=true
for arg in "$@"; do
  case $arg in
    --quick) quick=true ;;
    --no-build) build=false ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

if $quick; then
  mode=quick
  wrk_seconds=5 warmup_round_seconds=3 warmup_max_rounds=2 kv_keys=2000
  ring_sizes=1,2,4,5,8 ring_keys=1000
  client_keys=2000 client_seconds=5 client_warmup_seconds=3
  transfer_mib=32 memory_values=100000
  sequential_values=10000 sequential_max_seconds=120
else
  mode=full
  wrk_seconds=20 warmup_round_seconds=10 warmup_max_rounds=8 kv_keys=10000
  ring_sizes=1,2,4,5,8,16,32 ring_keys=5000
  client_keys=10000 client_seconds=20 client_warmup_seconds=10
  transfer_mib=256 memory_values=1000000
  sequential_values=100000 sequential_max_seconds=600
fi
value_bytes=100          # values of the throughput runs and the memory run
transfer_value_bytes=4096
wrk_threads=3            # one per node of the 3-node cluster: each thread enters at its own node
wrk_connections=24
paced_connections=24     # at a fixed rate: one connection per wrk thread, each on its own schedule
jvm_opts=${BENCH_JAVA_OPTS:--XX:+ExitOnOutOfMemoryError}

# ports: 53000-53999 only
cluster_registry_port=53000 cluster_first_node_port=53001
single_registry_port=53010 single_node_port=53011
trivial_port=53020
etcd_client_port=53030 etcd_peer_port=53031
etcd3_first_client_port=53040 etcd3_first_peer_port=53043 # 53040-53042 and 53043-53045
ring_first_port=53100 ring_last_port=53199
transfer_registry_port=53200 transfer_source_port=53201 transfer_joiner_port=53202
memory_registry_port=53300 memory_node_port=53301
client_registry_port=53400 client_first_node_port=53401 # 53401-53405

started=$SECONDS
log() { printf '[%4ds] %s\n' "$((SECONDS - started))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results_dir=$here/results
run_dir=$results_dir/$stamp
logs=$run_dir/logs
mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/dht-bench.XXXXXX")

# ---------------------------------------------------------------------------------------------
# processes: every one is recorded and stopped at the end, also on failure or Ctrl-C

pids=()
names=()

track() { # pid name
  pids+=("$1")
  names+=("$2")
}

# only a child of this script that still runs: a recorded pid that ended may since belong to another process
is_running_child() { [[ $(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ') == "$$" ]]; }

stop_pid() { # pid name grace-seconds
  local pid=$1 name=$2 grace=${3:-10} deadline
  is_running_child "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if is_running_child "$pid"; then
    log "$name (pid $pid) did not stop within $grace s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    stop_pid "${pids[$i]}" "${names[$i]}" 10
  done
  pids=()
  names=()
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((${#pids[@]} > 0)); then
    log "stopping what the benchmark started"
    stop_all
  fi
  rm -rf "$work"
  if ((status != 0)); then
    log "the benchmark did not finish (exit $status); logs are in $logs"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The ports lie in the kernel's range for outgoing connections too, so a closed client connection
# may hold one for a while (TIME_WAIT, up to 60 s): wait until no socket of any state uses it.
await_port_free() { # port
  local port=$1 deadline=$((SECONDS + 90))
  while ! port_free "$port" || { command -v ss >/dev/null && [[ -n $(ss -Htan "( sport = :$port )" 2>/dev/null) ]]; }; do
    ((SECONDS < deadline)) || die "port $port stays taken; the benchmark uses 53000-53999"
    sleep 1
  done
}

declare -A commands server_pid server_ports starts

# starts a server in the background, its output in logs/NAME.log; wait_http restarts it when a
# connection took its port in the meantime
launch() { # name "port port..." command...
  local name=$1 port
  commands[$name]=$(printf '%q ' "${@:3}")
  server_ports[$name]=$2
  starts[$name]=0
  for port in $2; do
    await_port_free "$port"
  done
  relaunch "$name"
}

relaunch() { # name
  local name=$1
  starts[$name]=$((${starts[$name]} + 1))
  # exec: the recorded pid is the server's own, not that of a shell around it
  eval "exec ${commands[$name]}" >"$logs/$name.log" 2>&1 &
  server_pid[$name]=$!
  track $! "$name"
}

start_java() { # name port jar args...
  local name=$1 port=$2 jar=$3 launcher=("$java")
  if [[ $jar == "$node_jar" ]]; then
    # what a user's node runs with (deploy/local/node-memory.sh); BENCH_JAVA_OPTS, after it, can override
    launcher=(env "${node_env[@]}" "$java" "${node_jvm_options[@]}")
  fi
  # shellcheck disable=SC2086
  launch "$name" "$port" "${launcher[@]}" $jvm_opts -jar "$jar" --server.port="$port" --server.address=127.0.0.1 "${@:4}"
}

wait_http() { # name url seconds [status [progress-command]]: until the url answers that status (200)
  local name=$1 url=$2 limit=${3:-120} expected=${4:-200} progress=${5:-} deadline port next_report
  deadline=$((SECONDS + limit))
  next_report=$((SECONDS + 10))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url") == "$expected" ]]; do
    if ! kill -0 "${server_pid[$name]}" 2>/dev/null; then
      wait "${server_pid[$name]}" 2>/dev/null || true
      if grep -qiE 'already in use|address in use' "$logs/$name.log" && ((${starts[$name]} < 3)); then
        log "  $name found its port taken by a passing connection; starting it again"
        mv "$logs/$name.log" "$logs/$name.failed-start-${starts[$name]}.log"
        for port in ${server_ports[$name]}; do
          await_port_free "$port"
        done
        relaunch "$name"
        deadline=$((SECONDS + limit))
      else
        die "$name exited; see $logs/$name.log"
      fi
    fi
    ((SECONDS < deadline)) || die "$name did not answer $url within $limit s; see $logs"
    if [[ -n $progress ]] && ((SECONDS >= next_report)); then
      $progress
      next_report=$((SECONDS + 10))
    fi
    sleep 0.3
  done
}

start_registry() { # name port
  start_java "$1" "$2" "$registry_jar" --spring.main.banner-mode=off
  wait_http "$1" "http://127.0.0.1:$2/actuator/health/readiness"
}

start_node() { # name port registry-port args...
  local name=$1 port=$2 registry_port=$3
  shift 3
  start_java "$name" "$port" "$node_jar" --spring.main.banner-mode=off \
    --dht.registry-url="http://127.0.0.1:$registry_port" --dht.advertised-address="127.0.0.1:$port" \
    --dht.data-dir="$work/data/$name" "$@"
}

wait_ready() { # name port seconds
  wait_http "$1" "http://127.0.0.1:$2/actuator/health/readiness" "${3:-120}"
}

# one of the benchmark's own Java programs, in the background (so that Ctrl-C reaches the trap), its
# progress shown indented and kept in logs/NAME.progress.log
run_bench_jar() { # name max-seconds java-args...
  local name=$1 max_seconds=$2 pid deadline
  # shellcheck disable=SC2086
  "$java" $jvm_opts "${@:3}" >"$logs/$name.log" 2> >(tee "$logs/$name.progress.log" | sed -u 's/^/         /' >&2) &
  pid=$!
  track "$pid" "$name"
  deadline=$((SECONDS + max_seconds))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || die "$name did not finish within $max_seconds s"
    sleep 1
  done
  wait "$pid" || die "$name failed; see $logs/$name.log and $name.progress.log"
}

# each node's view of the ring catches up within its refresh interval
await_ring_view() { # node-count first-port: until each of the nodes on consecutive ports knows all of them
  local count=$1 first_port=$2 deadline=$((SECONDS + 60)) i
  for ((i = 0; i < count; i++)); do
    until [[ $(curl -fs "http://127.0.0.1:$((first_port + i))/actuator/ring" | grep -o '"knownNodes":[0-9]*') == "\"knownNodes\":$count" ]]; do
      ((SECONDS < deadline)) || die "the nodes did not all see a ring of $count within 60 s"
      sleep 0.3
    done
  done
}

prometheus() { # port metric [tag]: sums the samples of a metric, of those with the tag (name="value") if given
  curl -fs --max-time 5 "http://127.0.0.1:$1/actuator/prometheus" 2>/dev/null |
    awk -v m="$2" -v t="${3:-}" '{ name = $1; sub(/\{.*/, "", name) }
      name == m && (t == "" || index($0, t) > 0) { s += $NF } END { printf "%.0f", s }'
}

# ---------------------------------------------------------------------------------------------
# wrk

declare -A result

# random keys for some seconds; runs wrk in the background so that Ctrl-C reaches the trap, and
# stores its BENCH line in result[label.op.*]. With a rate, at that fixed rate: one connection per
# thread, each sending on its own schedule (lua/kv.lua's delay())
run_wrk() { # label op(get|put) seconds api hosts out-file [requests-per-second]
  local label=$1 op=$2 seconds=$3 api=$4 hosts=$5 out=$6 rate=${7:-} pid line threads=$wrk_threads connections=$wrk_connections
  if [[ -n $rate ]]; then
    threads=$paced_connections connections=$paced_connections
  fi
  BENCH_API=$api BENCH_MODE=$op BENCH_HOSTS=$hosts BENCH_THREADS=$threads BENCH_KEYS=$kv_keys BENCH_PREFIX=k \
    BENCH_VALUE_BYTES=$value_bytes BENCH_RATE=$rate wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s \
    -s "$lua" "http://${hosts%%,*}" >"$out" 2>&1 &
  pid=$!
  track "$pid" wrk
  wait "$pid" || true
  line=$(grep '^BENCH ' "$out") || die "wrk gave no result; see $out"
  parse_into "$label.$op" "$line"
}

# the value of one k=v field of a result line
field() { sed -nE "s/.* $2=([^ ]+).*/\1/p" <<<"$1"; }

parse_into() { # prefix "BENCH k=v ...": stores result[prefix.k]=v
  local prefix=$1 pair
  for pair in $2; do
    [[ $pair == *=* ]] || continue
    result[$prefix.${pair%%=*}]=${pair#*=}
  done
}

# writes keys 0..n-1 once each, in order, the wrk threads entering at the given hosts in turn;
# bounded by max-seconds; stores wrk's BENCH line in result[load.label.*]
run_load() { # label api hosts keys prefix value-bytes max-seconds threads connections [progress-port]
  local label=$1 api=$2 hosts=$3 keys=$4 prefix=$5 bytes=$6 max_seconds=$7 threads=$8 connections=$9 progress_port=${10:-}
  local done_file=$work/load-$label.done out=$logs/wrk-load-$label.txt pid deadline next_report line
  rm -f "$done_file"
  BENCH_API=$api BENCH_MODE=load BENCH_HOSTS=$hosts BENCH_THREADS=$threads BENCH_KEYS=$keys BENCH_PREFIX=$prefix \
    BENCH_VALUE_BYTES=$bytes BENCH_DONE_FILE=$done_file \
    wrk -t"$threads" -c"$connections" -d"${max_seconds}s" --timeout 10s -s "$lua" "http://${hosts%%,*}" >"$out" 2>&1 &
  pid=$!
  track "$pid" wrk-load
  deadline=$((SECONDS + max_seconds + 5))
  next_report=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null; do
    if [[ -f $done_file ]] && (($(wc -l <"$done_file") >= threads)); then
      kill -INT "$pid" 2>/dev/null || true
      break
    fi
    ((SECONDS < deadline)) || break
    if ((SECONDS >= next_report)) && [[ -n $progress_port ]]; then
      log "  $label: $(prometheus "$progress_port" dht_keys) of $keys keys stored"
      next_report=$((SECONDS + 15))
    fi
    sleep 0.2
  done
  wait "$pid" || true
  line=$(grep '^BENCH ' "$out") || die "loading $label gave no result; see $out"
  parse_into "load.$label" "$line"
}

# writes keys 0..n-1 once each, 8 connections per host (2 hosts' worth at least), all of them or fails
load_keys() { # label api hosts keys prefix value-bytes max-seconds [progress-port]
  local label=$1 keys=$4 max_seconds=$7 threads out=$logs/wrk-load-$1.txt
  threads=$(tr ',' '\n' <<<"$3" | wc -l)
  ((threads >= 2)) || threads=2
  run_load "$label" "$2" "$3" "$keys" "$5" "$6" "$max_seconds" "$threads" $((threads * 8)) "${8:-}"
  ((${result[load.$label.answered]} >= keys)) ||
    die "loading $label: only ${result[load.$label.answered]} of $keys keys answered within $max_seconds s"
  ((${result[load.$label.non2xx]} == 0 && ${result[load.$label.errors]} == 0)) ||
    die "loading $label: ${result[load.$label.non2xx]} non-2xx answers, ${result[load.$label.errors]} errors; see $out"
  log "  $label: $keys keys written in ${result[load.$label.seconds]} s (${result[load.$label.rps]} per second)"
}

int() { awk -v n="$1" 'BEGIN {printf "%.0f", n}'; }
ms() { awk -v u="$1" 'BEGIN {printf (u < 10000 ? "%.2f" : "%.1f"), u / 1000}'; }

# rounds of PUT and GET until the GET rate settles (within 5% of the round before), at most
# warmup_max_rounds: three JVMs compiling their hot code on two shared cores take minutes, not seconds
warm_up() { # label api hosts
  local label=$1 api=$2 hosts=$3 round=0 rate previous=0
  while ((round < warmup_max_rounds)); do
    round=$((round + 1))
    run_wrk "warmup-$label" put "$warmup_round_seconds" "$api" "$hosts" "$logs/wrk-$label-warmup-$round-put.txt"
    run_wrk "warmup-$label" get "$warmup_round_seconds" "$api" "$hosts" "$logs/wrk-$label-warmup-$round-get.txt"
    rate=$(int "${result[warmup-$label.get.rps]}")
    log "$label: warm-up round $round: PUT $(int "${result[warmup-$label.put.rps]}")/s, GET $rate/s"
    if ((previous > 0 && rate * 100 >= previous * 95 && rate * 100 <= previous * 105)); then
      break
    fi
    previous=$rate
  done
  result[$label.warmup_seconds]=$((round * 2 * warmup_round_seconds))
}

# requests the nodes at hosts served whose uri tag begins with prefix (their http.server.requests counts)
served() { # hosts uri-prefix
  local host sum=0
  for host in ${1//,/ }; do
    sum=$((sum + $(prometheus "${host##*:}" http_server_requests_seconds_count "uri=\"$2")))
  done
  echo "$sum"
}

# loads the keys, warms up, then measures GET and PUT against the target: their peak rate, then
# their latency at half that rate
measure_kv() { # label api hosts
  local label=$1 api=$2 hosts=$3 op internal client rate
  log "$label: writing $kv_keys keys of $value_bytes bytes"
  load_keys "$label" "$api" "$hosts" "$kv_keys" k "$value_bytes" 300
  warm_up "$label" "$api" "$hosts"
  for op in get put; do
    log "$label: measuring ${op^^} for $wrk_seconds s ($wrk_threads threads, $wrk_connections connections, random keys)"
    local cluster=false
    [[ $api == dht && $hosts == *,* ]] && cluster=true
    if $cluster; then
      internal=$(served "$hosts" /internal) client=$(served "$hosts" /keys)
    fi
    run_wrk "$label" "$op" "$wrk_seconds" "$api" "$hosts" "$logs/wrk-$label-$op.txt"
    if $cluster; then
      # the calls between nodes that one client request costs
      result[$label.$op.internal_per_request]=$(awk -v i="$(($(served "$hosts" /internal) - internal))" \
        -v c="$(($(served "$hosts" /keys) - client))" 'BEGIN {printf "%.2f", (c > 0 ? i / c : 0)}')
    fi
    log "  $label ${op^^}: ${result[$label.$op.rps]} requests/s, p99 $((${result[$label.$op.p99_us]} / 1000)) ms"
  done
  for op in get put; do
    rate=$(awk -v r="${result[$label.$op.rps]}" 'BEGIN {r = int(r / 2); print (r > 0 ? r : 1)}')
    log "$label: ${op^^} at $rate requests/s, half its peak, for $wrk_seconds s ($paced_connections connections, each on its own schedule)"
    run_wrk "$label-half" "$op" "$wrk_seconds" "$api" "$hosts" "$logs/wrk-$label-$op-half.txt" "$rate"
    log "  $label ${op^^} at $rate/s: p50 $(ms "${result[$label-half.$op.due_p50_us]}") ms, p99 $(ms "${result[$label-half.$op.due_p99_us]}") ms, p99.9 $(ms "${result[$label-half.$op.due_p999_us]}") ms from when each request was due; ${result[$label-half.$op.late]} of ${result[$label-half.$op.answered]} sent more than 1 ms late"
  done
}

# writes keys s0..s<n-1> one at a time through one connection (wrk -t1 -c1) entering at the first
# host: each write waits for the answer to the one before
sequential_writes() { # label api hosts
  local label=$1 p=load.sequential-$1
  log "$label: writing $sequential_values values of $value_bytes bytes one at a time through one connection (at most $sequential_max_seconds s)"
  run_load "sequential-$label" "$2" "${3%%,*}" "$sequential_values" s "$value_bytes" "$sequential_max_seconds" 1 1
  ((${result[$p.non2xx]} == 0 && ${result[$p.errors]} == 0)) ||
    die "writing one at a time to $label: ${result[$p.non2xx]} non-2xx answers, ${result[$p.errors]} errors; see $logs/wrk-load-sequential-$label.txt"
  # from the first request sent to the last answer (wrk's own duration runs on until it is stopped)
  result[$label.sequential.rps]=$(awk -v n="${result[$p.answered]}" -v s="${result[$p.span_seconds]}" 'BEGIN {printf "%.1f", (s > 0 ? n / s : 0)}')
  log "  $label: ${result[$p.answered]} of $sequential_values values written in ${result[$p.span_seconds]} s, ${result[$label.sequential.rps]} per second"
}

# ---------------------------------------------------------------------------------------------
# preparation

# shellcheck source-path=SCRIPTDIR source=../deploy/local/find-java.sh
. "$root/deploy/local/find-java.sh"
# shellcheck source-path=SCRIPTDIR source=../deploy/local/node-memory.sh
. "$root/deploy/local/node-memory.sh"

need() { # command debian-package
  command -v "$1" >/dev/null && return
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing $2 (for $1)"
    apt-get install -y -q "$2" >"$logs/apt-$2.log" 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$2" >>"$logs/apt-$2.log" 2>&1; } ||
      die "could not install $2; see $logs/apt-$2.log"
  else
    die "$1 is missing: install the Debian package $2 (apt-get install $2)"
  fi
}
need wrk wrk
need etcd etcd-server
need curl curl

if $build; then
  log "building the node, the registry and the benchmark's own apps (Maven, tests skipped)"
  # shellcheck disable=SC2086
  (cd "$root" && JAVA_HOME=$java_home ./mvnw -B -q ${BENCH_MAVEN_ARGS:-} -P bench \
    -pl registry-service,dht-node-service,bench/trivial-endpoint,bench/ring-bench,bench/client-bench -am package -DskipTests) \
    >"$logs/build.log" 2>&1 || die "the build failed; see $logs/build.log"
fi
for jar in "$registry_jar" "$node_jar" "$trivial_jar" "$ring_jar" "$client_jar"; do
  [[ -f $jar ]] || die "$jar is missing: run without --no-build"
done

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  commit="$commit (with uncommitted changes)"
fi
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)
[[ -n $cpu ]] || cpu=$(lscpu 2>/dev/null | awk -F': +' '/Model name/ {print $2; exit}')
machine="$(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), Linux $(uname -r)"
jdk=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.vm.vendor/ {v = $2} /java.runtime.version/ {r = $2} END {print v " " r}')
tools="wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}'), etcd $(etcd --version 2>/dev/null | awk '/etcd Version/ {print $3}')"
log "$mode run on $machine; JDK $jdk; $tools; commit $commit"

# ---------------------------------------------------------------------------------------------
# 1. throughput and latency: the trivial endpoint, one node, three nodes, etcd with one and three
# members; each at its peak, then at half of it; and writes one at a time through one connection

log "== throughput: trivial Spring Boot endpoint"
start_java trivial "$trivial_port" "$trivial_jar"
# a ready trivial endpoint answers 404 for a key it does not hold
wait_http trivial "http://127.0.0.1:$trivial_port/keys/ready" 60 404
measure_kv trivial dht "127.0.0.1:$trivial_port"
stop_all

log "== throughput: one node (RocksDB, defaults)"
start_registry single-registry "$single_registry_port"
start_node single-node "$single_node_port" "$single_registry_port"
wait_ready single-node "$single_node_port"
measure_kv single dht "127.0.0.1:$single_node_port"
sequential_writes single dht "127.0.0.1:$single_node_port"
stop_all

log "== throughput: three nodes (RocksDB, replication factor 3 with write and read quorum 2, the defaults)"
start_registry cluster-registry "$cluster_registry_port"
cluster_hosts=
for i in 0 1 2; do
  port=$((cluster_first_node_port + i))
  start_node "cluster-node-$i" "$port" "$cluster_registry_port"
  cluster_hosts+=${cluster_hosts:+,}127.0.0.1:$port
done
for i in 0 1 2; do
  wait_ready "cluster-node-$i" $((cluster_first_node_port + i))
done
await_ring_view 3 "$cluster_first_node_port"
measure_kv cluster dht "$cluster_hosts"
sequential_writes cluster dht "$cluster_hosts"
stop_all

start_etcd() { # name client-port peer-port data-dir initial-cluster
  launch "$1" "$2 $3" etcd --name "$1" --data-dir "$4" \
    --listen-client-urls "http://127.0.0.1:$2" --advertise-client-urls "http://127.0.0.1:$2" \
    --listen-peer-urls "http://127.0.0.1:$3" --initial-advertise-peer-urls "http://127.0.0.1:$3" \
    --initial-cluster "$5" --initial-cluster-state new
}

log "== throughput: etcd's HTTP API (one member, its defaults)"
start_etcd etcd1 "$etcd_client_port" "$etcd_peer_port" "$work/etcd1" "etcd1=http://127.0.0.1:$etcd_peer_port"
wait_http etcd1 "http://127.0.0.1:$etcd_client_port/health" 60
measure_kv etcd1 etcd "127.0.0.1:$etcd_client_port"
sequential_writes etcd1 etcd "127.0.0.1:$etcd_client_port"
stop_all

log "== throughput: etcd's HTTP API (three members, their defaults; loaded like the three nodes)"
etcd3_cluster='' etcd3_hosts=''
for i in 0 1 2; do
  etcd3_cluster+=${etcd3_cluster:+,}e$i=http://127.0.0.1:$((etcd3_first_peer_port + i))
  etcd3_hosts+=${etcd3_hosts:+,}127.0.0.1:$((etcd3_first_client_port + i))
done
for i in 0 1 2; do
  start_etcd "e$i" $((etcd3_first_client_port + i)) $((etcd3_first_peer_port + i)) "$work/etcd3/e$i" "$etcd3_cluster"
done
# a member answers 200 once the three have elected a leader
for i in 0 1 2; do
  wait_http "e$i" "http://127.0.0.1:$((etcd3_first_client_port + i))/health" 60
done
measure_kv etcd3 etcd "$etcd3_hosts"
sequential_writes etcd3 etcd "$etcd3_hosts"
stop_all

# ---------------------------------------------------------------------------------------------
# 2. hops and balance, rings of 1 to 32 nodes in one JVM

log "== hops and keys per node: rings of $ring_sizes nodes in one JVM (keys in memory), $ring_keys PUTs and GETs each"
ring_result=$work/ring.txt
run_bench_jar ring-bench 900 -Xmx3g -jar "$ring_jar" --sizes="$ring_sizes" --keys="$ring_keys" \
  --first-port="$ring_first_port" --last-port="$ring_last_port" --result="$ring_result"
cp "$ring_result" "$run_dir/ring.txt"

# ---------------------------------------------------------------------------------------------
# 3. key transfer: a node joins a node that holds the data

transfer_keys=$((transfer_mib * 1048576 / transfer_value_bytes))
log "== key transfer: one node with $transfer_mib MiB ($transfer_keys values of $transfer_value_bytes bytes), then a node joins"
start_registry transfer-registry "$transfer_registry_port"
# pinned IDs at one position each: the joiner sits right after the first node, so that it takes over
# (almost) the whole range in one transfer (at the default of 8 positions it would pull 8 ranges, and
# the transfer log line the rate is read from covers one)
start_node transfer-source "$transfer_source_port" "$transfer_registry_port" --dht.node-id=0000000000000000 --dht.virtual-nodes=1
wait_ready transfer-source "$transfer_source_port"
load_keys transfer dht "127.0.0.1:$transfer_source_port" "$transfer_keys" t "$transfer_value_bytes" 900 "$transfer_source_port"
start_node transfer-joiner "$transfer_joiner_port" "$transfer_registry_port" --dht.node-id=0000000000000001 --dht.virtual-nodes=1
joiner_progress() { log "  joining: $(prometheus "$transfer_joiner_port" dht_keys_transferred_total) keys received so far"; }
wait_http transfer-joiner "http://127.0.0.1:$transfer_joiner_port/actuator/health/readiness" 600 200 joiner_progress
joiner_log=$logs/transfer-joiner.log
pull_start=$(grep -m1 'TransferService.*: pulling ' "$joiner_log" | awk '{print $1}')
pull_end_line=$(grep -m1 'TransferService.*: pulled ' "$joiner_log")
[[ -n $pull_start && -n $pull_end_line ]] || die "the joiner's log shows no finished transfer; see $joiner_log"
pull_end=$(awk '{print $1}' <<<"$pull_end_line")
transferred=$(sed -E 's/.*: ([0-9]+) keys$/\1/' <<<"$pull_end_line")
transfer_seconds=$(awk -v a="$(date -d "$pull_start" +%s.%N)" -v b="$(date -d "$pull_end" +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
transferred_metric=$(prometheus "$transfer_joiner_port" dht_keys_transferred_total 'direction="in"')
transfer_mb=$(awk -v k="$transferred" -v b="$transfer_value_bytes" 'BEGIN {printf "%.1f", k * b / 1e6}')
transfer_rate=$(awk -v mb="$transfer_mb" -v s="$transfer_seconds" 'BEGIN {printf "%.1f", (s > 0 ? mb / s : 0)}')
log "  $transferred keys ($transfer_mb MB of values) in $transfer_seconds s: $transfer_rate MB/s (metric: $transferred_metric keys in)"
stop_all

# ---------------------------------------------------------------------------------------------
# 4. memory of a node holding many small values

log "== memory: one node (RocksDB, defaults) holding $memory_values values of $value_bytes bytes"
start_registry memory-registry "$memory_registry_port"
gc_log=$logs/memory-node-gc.log
jvm_opts_saved=$jvm_opts
jvm_opts="$jvm_opts -Xlog:gc:file=$gc_log"
start_node memory-node "$memory_node_port" "$memory_registry_port"
jvm_opts=$jvm_opts_saved
wait_ready memory-node "$memory_node_port"
memory_pid=${server_pid[memory-node]}
load_keys memory dht "127.0.0.1:$memory_node_port" "$memory_values" m "$value_bytes" 1200 "$memory_node_port"
memory_keys=$(prometheus "$memory_node_port" dht_keys)
"$java_home/bin/jcmd" "$memory_pid" GC.run >/dev/null 2>&1 || log "  jcmd GC.run failed; heap after GC is what the last GC left"
sleep 1
heap_after_gc=$(prometheus "$memory_node_port" jvm_memory_used_bytes 'area="heap"')
peak_rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$memory_pid/status")
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$memory_pid/status")
# the heap peaks right before a collection: the largest "before" of the GC log's "123M->45M(512M)"
read -r peak_heap_mib peak_committed_mib < <(grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)' "$gc_log" |
  awk -F'[M>()-]+' '{ if ($1 > h) h = $1; if ($3 > c) c = $3 } END {print h + 0, c + 0}')
# shellcheck disable=SC2086
max_heap_mib=$(( $("$java" "${node_jvm_options[@]}" $jvm_opts -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {print $4}') / 1048576 ))
disk_mib=$(du -sm "$work/data/memory-node" | awk '{print $1}')
log "  $memory_keys keys; peak RSS $((peak_rss_kib / 1024)) MiB; peak heap used $peak_heap_mib MiB; after GC $((heap_after_gc / 1048576)) MiB"
stop_all

# ---------------------------------------------------------------------------------------------
# 5. client routing: one 5-node ring, entered through the Java client and at random nodes

log "== client routing: a ring of 5 nodes, $client_keys keys, the Java client against random entry nodes ($wrk_connections workers each)"
start_registry client-registry "$client_registry_port"
client_nodes=
for i in 0 1 2 3 4; do
  port=$((client_first_node_port + i))
  start_node "client-node-$i" "$port" "$client_registry_port"
  client_nodes+=${client_nodes:+,}127.0.0.1:$port
done
for i in 0 1 2 3 4; do
  wait_ready "client-node-$i" $((client_first_node_port + i))
done
await_ring_view 5 "$client_first_node_port"
client_result=$work/client.txt
run_bench_jar client-bench 600 -jar "$client_jar" --registry="http://127.0.0.1:$client_registry_port" \
  --nodes="$client_nodes" --keys="$client_keys" --value-bytes="$value_bytes" --workers="$wrk_connections" \
  --seconds="$client_seconds" --warmup-seconds="$client_warmup_seconds" --result="$client_result"
while read -r line; do
  parse_into "client-$(field "$line" way).$(field "$line" op)" "$line"
done < <(grep '^CLIENT ' "$client_result")
stop_all

# ---------------------------------------------------------------------------------------------
# the table

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
met() { awk -v v="$1" -v t="$2" 'BEGIN {print (v >= t ? "met" : "missed")}'; }
percent() { awk -v f="$1" 'BEGIN {printf "%.2f", f * 100}'; }

kv_row() { # label title op
  local p="$1.$3" hops=""
  if [[ ${result[$p.hops_mean]:-n/a} != n/a ]]; then
    hops=", mean hops ${result[$p.hops_mean]}"
  fi
  if [[ -n ${result[$p.internal_per_request]:-} ]]; then
    hops+=", ${result[$p.internal_per_request]} internal requests served per request"
  fi
  printf '| %s | %s | %s req/s | p50 %s ms, p99 %s ms, p99.9 %s ms; %s requests, %s errors, %s non-2xx%s; after %s s of warm-up |\n' \
    "${3^^}" "$2" "$(int "${result[$p.rps]}")" "$(ms "${result[$p.p50_us]}")" "$(ms "${result[$p.p99_us]}")" \
    "$(ms "${result[$p.p999_us]}")" "$(int "${result[$p.requests]}")" "${result[$p.errors]}" "${result[$p.non2xx]}" "$hops" \
    "${result[$1.warmup_seconds]}"
}

# latency at a fixed rate, half the peak: counted from when each request was due (and wrk's own,
# from when it was sent)
half_row() { # label title op
  local p="$1-half.$3"
  printf '| %s at half the peak | %s | p99 %s ms | %s req/s asked (half of %s), %s held; from when each request was due: p50 %s ms, p99 %s ms, p99.9 %s ms; from when it was sent (wrk): p50 %s ms, p99 %s ms, p99.9 %s ms; %s of %s requests sent more than 1 ms late, %s errors, %s non-2xx |\n' \
    "${3^^}" "$2" "$(ms "${result[$p.due_p99_us]}")" "$(int "${result[$p.rate]}")" "$(int "${result[$1.$3.rps]}")" \
    "$(int "$(ratio "${result[$p.answered]}" "${result[$p.span_seconds]}")")" "$(ms "${result[$p.due_p50_us]}")" \
    "$(ms "${result[$p.due_p99_us]}")" "$(ms "${result[$p.due_p999_us]}")" "$(ms "${result[$p.p50_us]}")" \
    "$(ms "${result[$p.p99_us]}")" "$(ms "${result[$p.p999_us]}")" "${result[$p.late]}" "$(int "${result[$p.answered]}")" \
    "${result[$p.errors]}" "${result[$p.non2xx]}"
}

sequential_row() { # label title
  local p="load.sequential-$1" bound=""
  if ((${result[$p.answered]} < sequential_values)); then
    bound="; stopped at the bound of $sequential_max_seconds s"
  fi
  printf '| PUT one at a time, one connection | %s | %s writes/s | %s of %s values of %s bytes in %s s (wrk -t1 -c1, entering at the first node or member); wrk'"'"'s latency: p50 %s ms, p99 %s ms, p99.9 %s ms%s |\n' \
    "$2" "$(int "${result[$1.sequential.rps]}")" "$(int "${result[$p.answered]}")" "$(int "$sequential_values")" \
    "$value_bytes" "${result[$p.span_seconds]}" "$(ms "${result[$p.p50_us]}")" "$(ms "${result[$p.p99_us]}")" \
    "$(ms "${result[$p.p999_us]}")" "$bound"
}

etcd_version=$(etcd --version 2>/dev/null | awk '/etcd Version/ {print $3}')
declare -A title=(
  [trivial]="trivial Spring Boot endpoint (same HTTP stack, values in a map)"
  [single]="DHT, 1 node"
  [cluster]="DHT, 3 nodes, replication factor 3"
  [etcd1]="etcd $etcd_version HTTP API, 1 member"
  [etcd3]="etcd $etcd_version HTTP API, 3 members"
)

{
  echo "DHT benchmark, $mode run, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
  echo "Machine: $machine; JDK $jdk; $tools; everything (wrk included) on this one machine"
  echo
  echo "| measurement | setup | result | details |"
  echo "| --- | --- | --- | --- |"
  for label in trivial single cluster etcd1 etcd3; do
    for op in get put; do
      kv_row "$label" "${title[$label]}" "$op"
    done
  done
  for label in trivial single cluster etcd1 etcd3; do
    for op in get put; do
      half_row "$label" "${title[$label]}" "$op"
    done
  done
  for label in single cluster etcd1 etcd3; do
    sequential_row "$label" "${title[$label]}"
  done
  hops_ok=true
  # shellcheck disable=SC2094 # reads the ring benchmark's result, writes the table
  while read -r line; do
    case $line in
      RING*)
        n=$(field "$line" n)
        ((n <= 1 || $(field "$line" hops_max) <= 1)) || hops_ok=false
        vnodes="n/a (not implemented)"
        if vline=$(grep "^VNODES vnodes=[0-9]* n=$n " "$ring_result"); then
          ((n <= 1 || $(field "$vline" hops_max) <= 1)) || hops_ok=false
          vnodes="$(field "$vline" max_over_mean)x max, $(field "$vline" p99_over_mean)x p99 node, $(field "$vline" min_over_mean)x min (with $(field "$vline" vnodes) positions per node; mean $(field "$vline" hops_mean) hops, max $(field "$vline" hops_max), $(field "$vline" failed) of $(field "$vline" requests) requests failed)"
        fi
        printf '| hops, keys per node | N = %s | mean %s hops, max %s | %s requests (%s failed), hops %s; keys per node: max %sx mean, p99 node %sx mean, min %sx mean (%s keys); with virtual nodes: %s |\n' \
          "$n" "$(field "$line" hops_mean)" "$(field "$line" hops_max)" "$(field "$line" requests)" "$(field "$line" failed)" \
          "$(field "$line" hops | tr ',' ' ')" "$(field "$line" max_over_mean)" "$(field "$line" p99_over_mean)" \
          "$(field "$line" min_over_mean)" "$(field "$line" keys)" "$vnodes"
        ;;
    esac
  done <"$ring_result"
  printf '| key transfer | a node joins one holding %s MiB (%s values of %s bytes) | %s MB/s | %s keys, %s MB of values in %s s (from the joiner'"'"'s transfer log; dht.keys.transferred in: %s) |\n' \
    "$transfer_mib" "$(int "$transfer_keys")" "$transfer_value_bytes" "$transfer_rate" "$(int "$transferred")" "$transfer_mb" \
    "$transfer_seconds" "$(int "$transferred_metric")"
  printf '| memory | 1 node (RocksDB) holding %s values of %s bytes | peak RSS %s MiB | peak heap used %s MiB (committed %s, max %s); heap after a full GC %s MiB; RSS at the end %s MiB; %s MiB on disk; %s keys stored |\n' \
    "$(int "$memory_values")" "$value_bytes" "$((peak_rss_kib / 1024))" "$peak_heap_mib" "$peak_committed_mib" "$max_heap_mib" \
    "$((heap_after_gc / 1048576))" "$((rss_kib / 1024))" "$disk_mib" "$(int "$memory_keys")"
  printf '| target | a node holding %s values of %s bytes peaks under 512 MiB RSS | %s | peak RSS %s MiB |\n' \
    "$(int "$memory_values")" "$value_bytes" "$(awk -v k="$peak_rss_kib" 'BEGIN {print (k < 512 * 1024 ? "met" : "missed")}')" \
    "$((peak_rss_kib / 1024))"
  r=$(ratio "${result[single.get.rps]}" "${result[trivial.get.rps]}")
  printf '| target | a node serves at least 0.7x the GET throughput of the trivial endpoint | %s | node %s / trivial %s = %s |\n' \
    "$(met "$r" 0.7)" "$(int "${result[single.get.rps]}")" "$(int "${result[trivial.get.rps]}")" "$r"
  for op in get put; do
    r=$(ratio "${result[cluster.$op.rps]}" "${result[etcd1.$op.rps]}")
    printf '| target | the 3-node cluster beats the 1-member etcd on %s | %s | cluster %s / etcd-1 %s = %s |\n' \
      "${op^^}" "$(awk -v r="$r" 'BEGIN {print (r > 1 ? "met" : "missed")}')" "$(int "${result[cluster.$op.rps]}")" \
      "$(int "${result[etcd1.$op.rps]}")" "$r"
  done
  for op in get put; do
    r=$(ratio "${result[cluster.$op.rps]}" "${result[etcd3.$op.rps]}")
    printf '| target | the 3-node cluster serves at least 1.0x the 3-member etcd on %s | %s | cluster %s / etcd-3 %s = %s |\n' \
      "${op^^}" "$(met "$r" 1.0)" "$(int "${result[cluster.$op.rps]}")" "$(int "${result[etcd3.$op.rps]}")" "$r"
    r=$(ratio "${result[cluster.$op.rps]}" "${result[etcd1.$op.rps]}")
    printf '| target | the 3-node cluster serves at least 0.5x the 1-member etcd on %s | %s | cluster %s / etcd-1 %s = %s |\n' \
      "${op^^}" "$(met "$r" 0.5)" "$(int "${result[cluster.$op.rps]}")" "$(int "${result[etcd1.$op.rps]}")" "$r"
  done
  for op in get put; do
    printf '| target | the 3-node cluster answers %s with p99 under 10 ms at half its peak rate | %s | p99 %s ms at %s req/s, from when each request was due (1 node: %s ms at %s req/s) |\n' \
      "${op^^}" "$(awk -v u="${result[cluster-half.$op.due_p99_us]}" 'BEGIN {print (u < 10000 ? "met" : "missed")}')" \
      "$(ms "${result[cluster-half.$op.due_p99_us]}")" "$(int "${result[cluster-half.$op.rate]}")" \
      "$(ms "${result[single-half.$op.due_p99_us]}")" "$(int "${result[single-half.$op.rate]}")"
  done
  printf '| target | the 3-node cluster takes 1,000 or more writes/s one at a time through one connection | %s | %s writes/s (1 node %s, etcd-1 %s, etcd-3 %s) |\n' \
    "$(met "${result[cluster.sequential.rps]}" 1000)" "$(int "${result[cluster.sequential.rps]}")" \
    "$(int "${result[single.sequential.rps]}")" "$(int "${result[etcd1.sequential.rps]}")" "$(int "${result[etcd3.sequential.rps]}")"
  printf '| target | key transfer at 50 MB/s or more | %s | %s MB/s |\n' "$(met "$transfer_rate" 50)" "$transfer_rate"
  printf '| target | at most 1 hop in a stable ring of any size | %s | largest X-DHT-Hops seen over all ring sizes, with and without virtual nodes |\n' \
    "$($hops_ok && echo met || echo missed)"
  if vline=$(grep "^VNODES vnodes=[0-9]* n=5 " "$ring_result"); then
    most=$(field "$vline" max_over_mean)
    printf '| target | with 8 or more positions per node no node of a 5-node ring holds more than 1.25x the mean | %s | fullest node %sx the mean with %s positions per node (%sx without) |\n' \
      "$(awk -v m="$most" 'BEGIN {print (m <= 1.25 ? "met" : "missed")}')" "$most" "$(field "$vline" vnodes)" \
      "$(field "$(grep '^RING n=5 ' "$ring_result")" max_over_mean)"
  elif grep -q '^VNODES vnodes' "$ring_result"; then
    echo "| target | with 8 or more positions per node no node of a 5-node ring holds more than 1.25x the mean | not measured | no 5-node ring in this run (--quick and full runs have one) |"
  else
    echo "| target | with 8 or more positions per node no node of a 5-node ring holds more than 1.25x the mean | n/a (not implemented) | the node has no dht.virtual-nodes setting |"
  fi
  for op in get put; do
    printf '| %s through the Java client | DHT, 5 nodes, replication factor 3 | %s req/s | %sx the %s req/s of requests entering at a random node; hops 0 for %s%% (mean %s) against %s%% (mean %s) at random nodes; p99 %s ms against %s ms; %s and %s errors; %s workers each |\n' \
      "${op^^}" "$(int "${result[client-client.$op.rps]}")" \
      "$(ratio "${result[client-client.$op.rps]}" "${result[client-random.$op.rps]}")" "$(int "${result[client-random.$op.rps]}")" \
      "$(percent "${result[client-client.$op.hops0]}")" "${result[client-client.$op.hops_mean]}" \
      "$(percent "${result[client-random.$op.hops0]}")" "${result[client-random.$op.hops_mean]}" \
      "$(ms "${result[client-client.$op.p99_us]}")" "$(ms "${result[client-random.$op.p99_us]}")" \
      "${result[client-client.$op.errors]}" "${result[client-random.$op.errors]}" "$wrk_connections"
  done
  hops0=$(awk -v g="${result[client-client.get.hops0]}" -v p="${result[client-client.put.hops0]}" 'BEGIN {print (g < p ? g : p)}')
  printf '| target | through the Java client, a stable 5-node ring answers 99%% or more of requests with X-DHT-Hops 0 | %s | %s%% of GETs, %s%% of PUTs |\n' \
    "$(met "$hops0" 0.99)" "$(percent "${result[client-client.get.hops0]}")" "$(percent "${result[client-client.put.hops0]}")"
} >"$run_dir/table.md"

cp "$run_dir/table.md" "$results_dir/latest.md"
log "done in $((SECONDS - started)) s; table in ${run_dir#"$root"/}/table.md, logs in ${logs#"$root"/}"
echo
cat "$run_dir/table.md"
