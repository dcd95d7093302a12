#!/usr/bin/env bash
# Faults under load, with the real jars: 5 nodes (3 copies of each key), writers running throughout.
#   deploy/local/chaos.sh [crash] [SECONDS]   (the default) after SECONDS of load (20) one node is
#       killed with SIGKILL; once the registry removed it (DOWN past dht.down-removal-timeout, 5 s
#       here unless DHT_DOWN_REMOVAL_TIMEOUT says otherwise) and its keys are on three nodes again, a
#       second. Then every acknowledged write is read back,
#       and the first node restarts on its data dir and is read from alone (?r=1). Prints writes
#       acknowledged and failed, keys lost, and how long the registry took to stop listing each dead
#       node as up.
#   deploy/local/chaos.sh pause             one node stopped with SIGSTOP for 20 s, then SIGCONT: a
#       process that hangs (a long GC pause, a frozen VM) without closing its connections.
#   deploy/local/chaos.sh partition         (root, iptables) packets to one node's port on lo dropped
#       for 20 s, then let through again: a node cut off from its peers and its clients.
#   deploy/local/chaos.sh rolling-restart   each node in turn: SIGTERM, started again on the same
#       address and data dir, awaited until ready, as a rolling update does; 3,000 values written
#       before it that do not change, and 600 keys written throughout.
#   deploy/local/chaos.sh kill-restart      one node killed with SIGKILL and kept down for
#       DHT_CHAOS_KILL_SECONDS (120), then started again on its address and data dir; the same load as
#       rolling-restart. The registry keeps it a DOWN member all along (dht.down-removal-timeout set well
#       above the kill): the others keep the writes it misses as hints and hand them to it once it is
#       back, and it pulls only the arcs of its ranges that changed.
# The four last send values of about 2 KiB, each writer reading back what it just wrote, and print:
# the requests entering through the healthy nodes (clients never use the faulty node, or the one
# restarting) that succeeded, and the p99 latency of those, over the whole run and during the fault;
# reads right after an acknowledged write that answered an older value; acknowledged writes lost or
# stale when every key is read back at the end (must be 0: exit 1 otherwise); for rolling-restart
# and kill-restart also the keys moved by key transfer (the nodes' dht.keys.transferred counters,
# direction in) against the number of keys. A restart in place moves only what changed while the
# node was away. kill-restart also prints the registry's state of the node while it was down, the
# hints kept for it (dht.hints.pending), those handed over after the restart (dht.hints.delivered)
# and to whom, and how long until none was pending; it exits 1 as well when the registry removed
# the node or a hint for it went to other replicas instead.
# Uses its own ports (default 52000+, or DHT_REGISTRY_PORT / DHT_FIRST_NODE_PORT / DHT_RUN_DIR), stops
# everything it started, and removes the iptables rule it added, also when interrupted.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
writers=4
keys_per_writer=250
fault_seconds=20
kill_seconds=${DHT_CHAOS_KILL_SECONDS:-120}
export DHT_REGISTRY_PORT=${DHT_REGISTRY_PORT:-52000}
export DHT_FIRST_NODE_PORT=${DHT_FIRST_NODE_PORT:-52001}
export DHT_RUN_DIR=${DHT_RUN_DIR:-$here/run/chaos}
registry=http://localhost:$DHT_REGISTRY_PORT
work=$DHT_RUN_DIR/chaos
last_node=$((DHT_FIRST_NODE_PORT + 4))
paused_pid=
dropped_port=

usage() {
  echo "usage: $0 [crash] [SECONDS] | pause | partition | rolling-restart | kill-restart" >&2
  echo "  DHT_CHAOS_KILL_SECONDS: how long kill-restart keeps its node down (120)" >&2
  exit 2
}

cleanup() {
  touch "$work/stop" 2>/dev/null || true
  # a stopped process would take the SIGTERM only once continued
  if [[ -n $paused_pid ]]; then kill -CONT "$paused_pid" 2>/dev/null || true; fi
  if [[ -n $dropped_port ]]; then heal_partition; fi
  wait 2>/dev/null || true
  "$here/cluster.sh" stop >/dev/null 2>&1 || true
}

now() { date +%s.%N; }
elapsed() { awk -v from="$1" -v to="$2" 'BEGIN { printf "%.1f", to - from }'; }

# --- the cluster -----------------------------------------------------------------------------------

start_cluster() {
  rm -rf "$DHT_RUN_DIR"
  mkdir -p "$work"
  : >"$work/excluded"
  for ((i = 0; i < 5; i++)); do echo $((DHT_FIRST_NODE_PORT + i)); done >"$work/ports"
  "$here/cluster.sh" start 5 >"$work/cluster.log" 2>&1 || { cat "$work/cluster.log"; exit 1; }
}

# the nodes clients send requests to: all but those excluded (dead, faulty, restarting)
client_ports() { grep -v -x -F -f "$work/excluded" "$work/ports" || true; }
exclude() { echo "$1" >>"$work/excluded"; }
include() {
  grep -v -x "$1" "$work/excluded" >"$work/excluded.next" || true
  mv "$work/excluded.next" "$work/excluded"
}

registry_state() { # port: the node's state as the registry lists it, "absent" when it is no member ("unanswered": no list)
  local nodes
  nodes=$(curl -fsS --max-time 5 "$registry/nodes") || { echo unanswered; return; }
  grep -Eo "\"address\":\"localhost:$1\",\"state\":\"[A-Z]+\"" <<<"$nodes" | cut -d'"' -f8 | grep . || echo absent
}
listed_up() { [[ $(registry_state "$1") == UP ]]; }

await_settled() { # nodes: the registry lists that many up, and each client node has reconciled its range with its replicas
  local count=$1 deadline=$((SECONDS + 120)) port settled
  while ((SECONDS < deadline)); do
    settled=1
    [[ $(curl -fsS --max-time 5 "$registry/nodes" | grep -Eo '"state":"UP"' | wc -l) == "$count" ]] || settled=0
    for port in $(client_ports); do
      curl -fsS --max-time 5 "http://localhost:$port/actuator/ring" | grep -q '"replicasInSync":true' || settled=0
    done
    ((settled)) && return 0
    sleep 0.5
  done
  echo "the ring did not settle within 120 s" >&2
  return 1
}

start_again() { # count port: cluster.sh start COUNT after PORT's node stopped; again when its port was taken
  local count=$1 port=$2 attempt
  # the ports lie in the kernel's range for outgoing connections: one may hold the node's port for a
  # moment, and the start finds it taken; then it is started again, three times at most
  for attempt in 1 2 3; do
    "$here/cluster.sh" start "$count" >"$work/cluster.log" 2>&1 && return 0
    if ((attempt == 3)) || ! grep -q 'already in use' "$DHT_RUN_DIR/logs/node-$port.log"; then
      cat "$work/cluster.log"
      exit 1
    fi
    echo "  port $port was taken by another connection; starting the node again"
    sleep 2
  done
}

meter() { # port series [tag]: the sum of that Prometheus series' samples with the tag, since the node started (0 when it does not answer)
  { curl -fsS --max-time 5 "http://localhost:$1/actuator/prometheus" 2>/dev/null || true; } |
    awk -v series="$2" -v tag="${3:-}" '(index($0, series "{") == 1 || index($0, series " ") == 1) && (tag == "" || index($1, tag)) { n += $NF }
      END { printf "%d\n", n }'
}

meter_sum() { # series tag ports...: meter over these nodes
  local series=$1 tag=$2 port total=0
  shift 2
  for port in "$@"; do total=$((total + $(meter "$port" "$series" "$tag"))); done
  echo "$total"
}

transferred_in() { # port: keys the node received by key transfer since it started
  meter "$1" dht_keys_transferred_total 'direction="in"'
}

# --- the load ----------------------------------------------------------------------------------------

# worker id value-bytes reads: overwrites its own keys round after round through random client nodes
# until told to stop; with reads, reads each acknowledged write back at once through another random
# client node. One line per request: kind key value status seconds port started (status 200-stale:
# a read that answered another value)
worker() {
  local id=$1 padding='' reads=$3 n=0 port key value out body started
  local -a ports
  if (($2 > 0)); then padding=$(head -c "$2" /dev/zero | tr '\0' x); fi
  while [[ ! -f $work/stop ]] && ((n < 100000)); do
    mapfile -t ports < <(client_ports)
    port=${ports[RANDOM % ${#ports[@]}]}
    key=chaos-$id-$((n % keys_per_writer))
    value=$id-$n
    started=$EPOCHREALTIME
    out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 -X PUT -H 'Content-Type: text/plain' \
      --data-binary "$value:$padding" "http://localhost:$port/keys/$key" || true)
    echo "PUT $key $value ${out:-000 10} $port $started" >>"$work/requests-$id"
    n=$((n + 1))
    if ((reads)) && [[ $out == 2* ]]; then
      mapfile -t ports < <(client_ports)
      port=${ports[RANDOM % ${#ports[@]}]}
      started=$EPOCHREALTIME
      body=$(curl -s -w '\n%{http_code} %{time_total}' --max-time 10 "http://localhost:$port/keys/$key" || true)
      out=${body##*$'\n'}
      if [[ $out == 200* && ${body%%:*} != "$value" ]]; then out=200-stale${out#200}; fi
      echo "GET $key $value ${out:-000 10} $port $started" >>"$work/requests-$id"
    fi
  done
}

start_load() { # value-bytes reads
  : >"$work/fault"
  rm -f "$work/stop"
  for ((w = 0; w < writers; w++)); do worker "$w" "$1" "$2" & done
}

stop_load() {
  touch "$work/stop"
  wait
  cat "$work"/requests-* >"$work/requests"
  # per key: the last acknowledged value, and the values of failed writes after it (they may have applied)
  awk '$1 == "PUT" && $4 ~ /^2/ { ack[$2] = $3; extra[$2] = ""; next }
       $1 == "PUT" { extra[$2] = extra[$2] " " $3 }
       END { for (k in ack) print k, ack[k], ack[k] extra[k] }' "$work/requests" >"$work/expected"
  # the values written once before the load, read back with the rest
  if [[ -f $work/static ]]; then cat "$work/static" >>"$work/expected"; fi
}

preload() { # count value-bytes: writes that many values once, 8 at a time, each retried until acknowledged (bounded)
  local count=$1 padding
  padding=$(head -c "$2" /dev/zero | tr '\0' x)
  export padding work
  seq 0 $((count - 1)) | xargs -P 8 -I{} bash -c '
    for attempt in 1 2 3 4 5; do
      port=$(shuf -n 1 "$work/ports")
      status=$(curl -s -o /dev/null -w "%{http_code}" --max-time 10 -X PUT -H "Content-Type: text/plain" \
        --data-binary "static-{}:$padding" "http://localhost:$port/keys/static-{}" || true)
      if [[ $status == 2* ]]; then echo "static-{} static-{} static-{}"; exit 0; fi
    done' >"$work/static"
  echo "$(wc -l <"$work/static") of $count values written before the load"
}

fault_begins() { echo "$EPOCHREALTIME" >"$work/fault"; }
fault_ends() { echo "$EPOCHREALTIME" >>"$work/fault"; }

read_back() { # phase, copies to read (empty: the node's read quorum), ports to enter through...: prints "checked lost stale"
  local phase=$1 query=${2:+?r=$2} key ack allowed body status checked=0 lost=0 stale=0
  shift 2
  local ports=("$@")
  while read -r key ack allowed; do
    body=$(curl -s -w '\n%{http_code}' --max-time 10 "http://localhost:${ports[RANDOM % ${#ports[@]}]}/keys/$key$query" || true)
    status=${body##*$'\n'}
    body=${body%$'\n'*}
    body=${body%%:*} # the value's name, without its padding
    checked=$((checked + 1))
    if [[ " $allowed " == *" $body "* ]]; then
      continue
    elif [[ $status == 200 ]]; then
      stale=$((stale + 1))
    else
      lost=$((lost + 1))
    fi
    (((lost + stale) <= 5)) && echo "  $phase: $key answered $status '$body', last acknowledged '$ack'" >&2
  done <"$work/expected"
  echo "$checked $lost $stale"
}

# --- figures ---------------------------------------------------------------------------------------

requests_summary() { # from to (seconds since the epoch; empty: unbounded): "count succeeded-% p99-ms" of the requests begun then
  local from=${1:-0} to=${2:-1e18}
  awk -v from="$from" -v to="$to" '$7 >= from && $7 < to { n++; if ($4 ~ /^2[0-9][0-9]$/) { ok++; print $5 > "/dev/stderr" } }
       END { printf "%d %.2f ", n, n ? 100 * ok / n : 0 }' "$work/requests" 2>"$work/latencies"
  sort -n "$work/latencies" | awk '{ l[NR] = $1 } END { i = int(NR * 0.99); if (i < NR * 0.99) i++; printf "%.0f\n", NR ? 1000 * l[i] : 0 }'
}

print_figures() { # scenario: the requests' figures, the read-back, and exit 1 when an acknowledged write was lost
  local from to count ok p99 checked lost stale healthy
  read -r count ok p99 < <(requests_summary)
  printf '%-58s %s\n' "requests through the healthy nodes (PUT and GET)" "$count, $ok% succeeded, p99 $p99 ms"
  from=$(sed -n 1p "$work/fault")
  to=$(sed -n 2p "$work/fault")
  read -r count ok p99 < <(requests_summary "$from" "$to")
  printf '%-58s %s\n' "  begun during the fault" "$count, $ok% succeeded, p99 $p99 ms"
  printf '%-58s %s\n' "  failed, by status (000: no answer in 10 s)" \
    "$(awk '$4 !~ /^2[0-9][0-9]$/ { n[$1 " " $4]++ } END { for (s in n) printf "%s %d, ", s, n[s] }' "$work/requests" | sed 's/, $//')"
  printf '%-58s %s\n' "reads right after an acknowledged write answering older" "$(grep -c ' 200-stale ' "$work/requests" || true)"
  await_settled 5 || echo "  (reading back anyway)"
  mapfile -t healthy < <(client_ports)
  read -r checked lost stale < <(read_back "read back" "" "${healthy[@]}")
  printf '%-58s %s\n' "acknowledged writes read back at the end" "$checked keys: $lost lost, $stale stale"
  if ((lost + stale > 0)); then
    echo "FAILED ($1): acknowledged writes were lost or stale"
    exit 1
  fi
}

# --- scenarios -------------------------------------------------------------------------------------

crash() { # warmup seconds
  local warmup=$1 first_victim=$((DHT_FIRST_NODE_PORT + 3)) second_victim=$last_node
  local first_detection second_detection acknowledged failed checked lost stale checked_restarted lost_restarted healthy
  # a killed node is DOWN, not gone: the registry removes it after this, and its replicas copy its keys
  # to a third node again before the second kill (two replicas of a key DOWN at once leave one copy)
  export DHT_DOWN_REMOVAL_TIMEOUT=${DHT_DOWN_REMOVAL_TIMEOUT:-5s}
  start_cluster
  echo "5 nodes up (ports $DHT_FIRST_NODE_PORT-$last_node); $writers writers over $((writers * keys_per_writer)) keys"
  start_load 0 0
  sleep "$warmup"
  echo "SIGKILL node $first_victim"
  first_detection=$(kill_node "$first_victim")
  echo "  no longer listed as up by the registry after $first_detection s"
  await_removed "$first_victim"
  await_settled 4
  echo "  removed after dht.down-removal-timeout ($DHT_DOWN_REMOVAL_TIMEOUT), its keys on three nodes again"
  echo "SIGKILL node $second_victim"
  second_detection=$(kill_node "$second_victim")
  echo "  no longer listed as up by the registry after $second_detection s"
  sleep 10
  stop_load
  acknowledged=$(awk '$1 == "PUT" && $4 ~ /^2/' "$work/requests" | wc -l)
  failed=$(awk '$1 == "PUT" && $4 !~ /^2/' "$work/requests" | wc -l)
  echo "writes: $acknowledged acknowledged, $failed failed (no answer in time or 5xx while a node was dying); $(wc -l <"$work/expected") keys"

  await_settled 3
  mapfile -t healthy < <(client_ports)
  read -r checked lost stale < <(read_back "after two crashes" 2 "${healthy[@]}")
  lost=$((lost + stale))
  echo "after two crashes: $checked keys read, $lost lost"

  echo "restarting node $first_victim on its data dir"
  include "$first_victim"
  start_again 4 "$first_victim"
  await_settled 4
  # /actuator/ring gives the node's ownedKeys first, then each virtual position's
  echo "  $(grep -o 'opened .* with [0-9]* keys' "$DHT_RUN_DIR/logs/node-$first_victim.log" | head -1 | sed 's|.*with|found|') on disk at restart;" \
    "owns $(curl -fsS "http://localhost:$first_victim/actuator/ring" | grep -o '"ownedKeys":[0-9]*' | head -1 | cut -d: -f2) keys now"
  read -r checked_restarted lost_restarted stale < <(read_back "through the restarted node, one copy" 1 "$first_victim")
  lost_restarted=$((lost_restarted + stale))
  echo "through the restarted node alone, one copy read: $checked_restarted keys, $lost_restarted lost"

  echo
  printf '%-44s %s\n' "acknowledged writes" "$acknowledged" "failed writes" "$failed" "keys lost after two crashes" "$lost" \
    "keys lost reading the restarted node (?r=1)" "$lost_restarted" \
    "failure detection, first kill (s)" "$first_detection" "failure detection, second kill (s)" "$second_detection"
  if ((lost > 0 || lost_restarted > 0)); then
    echo "FAILED: acknowledged writes were lost"
    exit 1
  fi
  echo "OK: no acknowledged write lost"
}

await_removed() { # port: until the registry lists the node in no state at all (bounded)
  local deadline=$((SECONDS + 60))
  while curl -fsS --max-time 5 "$registry/nodes" | grep -q "\"address\":\"localhost:$1\""; do
    if ((SECONDS > deadline)); then
      echo "the registry still lists node $1 after 60 s" >&2
      return 1
    fi
    sleep 0.2
  done
}

kill_node() { # port: SIGKILL, then wait until the registry no longer lists it as up; prints the seconds taken
  local port=$1 pid started deadline
  pid=$(cat "$DHT_RUN_DIR/pids/node-$port")
  started=$(now)
  kill -KILL "$pid"
  exclude "$port"
  deadline=$((SECONDS + 60))
  while listed_up "$port"; do
    if ((SECONDS > deadline)); then
      echo "timeout"
      return
    fi
    sleep 0.1
  done
  elapsed "$started" "$(now)"
}

pause() {
  local victim=$last_node pid
  start_cluster
  pid=$(cat "$DHT_RUN_DIR/pids/node-$victim")
  exclude "$victim"
  echo "5 nodes up; $writers writers over $((writers * keys_per_writer)) keys, values of 2 KiB, through all nodes but $victim"
  start_load 2048 1
  sleep 10
  echo "SIGSTOP node $victim (pid $pid) for $fault_seconds s"
  fault_begins
  paused_pid=$pid
  kill -STOP "$pid"
  sleep "$fault_seconds"
  kill -CONT "$pid"
  paused_pid=
  fault_ends
  echo "SIGCONT node $victim; the registry lists it $(listed_up "$victim" && echo up || echo "not up")"
  sleep 10
  stop_load
  echo
  print_figures pause
  echo "OK (pause): no acknowledged write lost or stale"
}

partition_rule() { # -I or -D: the rule that drops what reaches the node's port over lo
  iptables "$1" INPUT -i lo -p tcp --dport "$dropped_port" -j DROP
}
heal_partition() {
  partition_rule -D 2>/dev/null || true
  dropped_port=
}

partition() {
  local victim=$last_node
  if ((EUID != 0)) || ! command -v iptables >/dev/null; then
    echo "partition needs root and iptables (Debian: apt-get install iptables)" >&2
    exit 2
  fi
  start_cluster
  exclude "$victim"
  echo "5 nodes up; $writers writers over $((writers * keys_per_writer)) keys, values of 2 KiB, through all nodes but $victim"
  start_load 2048 1
  sleep 10
  echo "dropping every packet to port $victim on lo for $fault_seconds s"
  fault_begins
  dropped_port=$victim
  partition_rule -I
  sleep "$fault_seconds"
  heal_partition
  fault_ends
  echo "healed; the registry lists node $victim $(listed_up "$victim" && echo up || echo "not up")"
  sleep 10
  stop_load
  echo
  print_figures partition
  echo "OK (partition): no acknowledged write lost or stale"
}

rolling_restart() {
  local port before_load=0 moved=0 at_end=0 started nodes
  keys_per_writer=150
  start_cluster
  mapfile -t nodes <"$work/ports"
  preload 3000 2048
  echo "5 nodes up; $writers writers over $((writers * keys_per_writer)) keys, values of 2 KiB"
  start_load 2048 1
  sleep 10
  for port in "${nodes[@]}"; do before_load=$((before_load + $(transferred_in "$port"))); done
  fault_begins
  for port in "${nodes[@]}"; do
    # a restarted node counts from 0 again: what it received before, it reports now
    moved=$((moved + $(transferred_in "$port")))
    exclude "$port"
    started=$(now)
    "$here/cluster.sh" restart "$port" >>"$work/cluster.log" 2>&1 || start_again 5 "$port"
    include "$port"
    echo "node $port: SIGTERM, started again on its data dir, ready after $(elapsed "$started" "$(now)") s"
  done
  fault_ends
  sleep 10
  stop_load
  for port in "${nodes[@]}"; do at_end=$((at_end + $(transferred_in "$port"))); done
  moved=$((moved + at_end - before_load))
  echo
  printf '%-58s %s\n' "keys moved by key transfer during the restarts" "$moved (of $(wc -l <"$work/expected") keys written)"
  print_figures rolling-restart
  echo "OK (rolling-restart): no acknowledged write lost or stale"
}

await_no_hints() { # ports...: writes to $work/no-hints the seconds until these nodes keep no hint (gives up after 180 s or at the load's end)
  local started deadline=$((SECONDS + 180))
  started=$(now)
  rm -f "$work/no-hints"
  while ((SECONDS < deadline)) && [[ ! -f $work/stop ]]; do
    if (($(meter_sum dht_hints_pending '' "$@") == 0)); then
      elapsed "$started" "$(now)" >"$work/no-hints"
      return
    fi
    sleep 0.2
  done
}

kill_restart() {
  local victim=$last_node port others killed deadline included removed started up_at poller
  local stored_before stored pending delivered_before delivered to_it to_replicas drained on_disk held moved logs=()
  keys_per_writer=150
  # removed from the ring, the node would come back as a new member and pull its ranges whole: the
  # registry must keep it DOWN at its positions for longer than the kill, whatever the environment says
  export DHT_DOWN_REMOVAL_TIMEOUT=$((kill_seconds + 600))s
  start_cluster
  mapfile -t others < <(grep -v -x "$victim" "$work/ports")
  for port in "${others[@]}"; do logs+=("$DHT_RUN_DIR/logs/node-$port.log"); done
  preload 3000 2048
  echo "5 nodes up; $writers writers over $((writers * keys_per_writer)) keys, values of 2 KiB;" \
    "dht.down-removal-timeout $DHT_DOWN_REMOVAL_TIMEOUT"
  start_load 2048 1
  sleep 10
  stored_before=$(meter_sum dht_hints_stored_total '' "${others[@]}")
  echo "SIGKILL node $victim for $kill_seconds s, its data dir kept"
  fault_begins
  killed=$(now)
  deadline=$((SECONDS + kill_seconds))
  echo "  no longer listed as up by the registry after $(kill_node "$victim") s"
  : >"$work/registry-states"
  while ((SECONDS < deadline)); do
    registry_state "$victim" >>"$work/registry-states"
    sleep 1
  done
  pending=$(meter_sum dht_hints_pending '' "${others[@]}")
  stored=$(($(meter_sum dht_hints_stored_total '' "${others[@]}") - stored_before))
  delivered_before=$(meter_sum dht_hints_delivered_total '' "${others[@]}")
  # the new process writes a new log: the killed one's stays beside it
  mv "$DHT_RUN_DIR/logs/node-$victim.log" "$DHT_RUN_DIR/logs/node-$victim.killed.log"
  started=$(now)
  await_no_hints "${others[@]}" &
  poller=$!
  start_again 5 "$victim"
  echo "node $victim started again on its data dir, ready after $(elapsed "$started" "$(now)") s"
  deadline=$((SECONDS + 60))
  until listed_up "$victim"; do
    if ((SECONDS > deadline)); then
      echo "the registry does not list node $victim as up 60 s after it turned ready" >&2
      exit 1
    fi
    sleep 0.1
  done
  up_at=$(now)
  include "$victim"
  included=$SECONDS
  fault_ends
  on_disk=$(grep -o 'opened .* with [0-9]* keys' "$DHT_RUN_DIR/logs/node-$victim.log" | head -1 | grep -o '[0-9]* keys$' || echo '? keys')
  wait "$poller"
  drained=$(cat "$work/no-hints" 2>/dev/null || echo "more than 180")
  delivered=$(($(meter_sum dht_hints_delivered_total '' "${others[@]}") - delivered_before))
  # a hint goes to its replica, or, once the replica is no longer a member, to the key's replicas as they are then
  to_it=$({ grep -ho "handed [0-9]* hints to [0-9a-f]*@localhost:$victim;" "${logs[@]}" || true; } | awk '{ n += $2 } END { print n + 0 }')
  to_replicas=$({ grep -ho "localhost:$victim is no longer a member: handed its [0-9]* hints" "${logs[@]}" || true; } |
    awk '{ n += $(NF - 1) } END { print n + 0 }')
  if ((included + 10 > SECONDS)); then sleep $((included + 10 - SECONDS)); fi
  stop_load
  moved=$(transferred_in "$victim")
  held=$(curl -fsS --max-time 5 "http://localhost:$victim/actuator/ring" | grep -o '"keys":[0-9]*' | head -1 | cut -d: -f2 || echo '?')
  removed=0
  grep -q -x absent "$work/registry-states" && removed=1
  echo
  printf '%-58s %s\n' "node $victim down (SIGKILL until listed up again)" "$(elapsed "$killed" "$up_at") s"
  printf '%-58s %s\n' "its state at the registry during the kill, once a second" \
    "$(uniq -c "$work/registry-states" | awk '{ printf "%s%s x%d", (NR > 1 ? ", then " : ""), $2, $1 }')"
  printf '%-58s %s\n' "hints kept for it on the others just before the restart" "$pending pending ($stored stored during the kill)"
  printf '%-58s %s\n' "hints handed over after the restart (dht.hints.delivered)" \
    "$delivered: $to_it to it, $to_replicas to the keys' replicas as to a removed node"
  printf '%-58s %s\n' "  none pending on the others" "$drained s after it was started again, listed up after $(elapsed "$started" "$up_at") s"
  printf '%-58s %s\n' "keys moved into it by key transfer" \
    "$moved (it found $on_disk on disk, holds $held now; $(wc -l <"$work/expected") keys written)"
  print_figures kill-restart
  if ((removed)); then
    echo "FAILED (kill-restart): the registry removed the node while it was down"
    exit 1
  fi
  if ((to_replicas > 0)); then
    echo "FAILED (kill-restart): $to_replicas hints for the node, which stayed a member, went to other replicas instead of to it"
    exit 1
  fi
  echo "OK (kill-restart): no acknowledged write lost or stale"
}

case ${1:-} in
  '' | [0-9]*) scenario=crash ;;
  crash) scenario=crash; shift ;;
  pause | partition) scenario=$1; shift ;;
  rolling-restart) scenario=rolling_restart; shift ;;
  kill-restart) scenario=kill_restart; shift ;;
  *) usage ;;
esac
if [[ $scenario == crash ]]; then
  if (($# > 1)) || ! [[ ${1:-20} =~ ^[0-9]+$ ]]; then usage; fi
  warmup=${1:-20}
else
  (($# == 0)) || usage
fi
[[ $kill_seconds =~ ^[0-9]+$ ]] || usage
mkdir -p "$work"
trap cleanup EXIT
trap 'exit 130' INT TERM
if [[ $scenario == crash ]]; then crash "$warmup"; else "$scenario"; fi
