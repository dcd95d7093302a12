#!/usr/bin/env bash
# Crashes under load, with the real jars: 5 nodes (3 copies of each key), writers running
# throughout; one node is killed with SIGKILL, ten seconds later a second. Then every acknowledged
# write is read back, and the first node restarts on its data dir and is read from alone (?r=1).
# Prints writes acknowledged and failed, keys lost, and how long the registry took to drop each
# dead node. Uses its own ports (default 52000+) and stops everything it started.
#   deploy/local/chaos.sh [SECONDS_OF_LOAD_BEFORE_THE_FIRST_KILL]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
warmup=${1:-20}
writers=4
keys_per_writer=250
export DHT_REGISTRY_PORT=${DHT_REGISTRY_PORT:-52000}
export DHT_FIRST_NODE_PORT=${DHT_FIRST_NODE_PORT:-52001}
export DHT_RUN_DIR=${DHT_RUN_DIR:-$here/run/chaos}
registry=http://localhost:$DHT_REGISTRY_PORT
work=$DHT_RUN_DIR/chaos
first_victim=$((DHT_FIRST_NODE_PORT + 3))
second_victim=$((DHT_FIRST_NODE_PORT + 4))

cleanup() {
  touch "$work/stop" 2>/dev/null || true
  wait 2>/dev/null || true
  "$here/cluster.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v from="$1" -v to="$2" 'BEGIN { printf "%.1f", to - from }'; }

live_ports() { grep -v -x -F -f "$work/dead" "$work/ports" || true; }

writer() { # id: overwrites its own keys round after round through random live nodes until told to stop
  local id=$1 n=0 port status ports
  while [[ ! -f $work/stop ]] && ((n < 100000)); do
    mapfile -t ports < <(live_ports)
    port=${ports[RANDOM % ${#ports[@]}]}
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PUT -H 'Content-Type: text/plain' \
      --data-binary "$id-$n" "http://localhost:$port/keys/chaos-$id-$((n % keys_per_writer))" || true)
    echo "chaos-$id-$((n % keys_per_writer)) $id-$n $status" >>"$work/writes-$id"
    n=$((n + 1))
  done
}

kill_node() { # port: SIGKILL, then wait until the registry no longer lists it; prints the seconds taken
  local port=$1 pid started
  pid=$(cat "$DHT_RUN_DIR/pids/node-$port")
  started=$(now)
  kill -KILL "$pid"
  echo "$port" >>"$work/dead"
  local deadline=$((SECONDS + 60))
  while curl -fsS "$registry/nodes" | grep -q "\"localhost:$port\""; do
    if ((SECONDS > deadline)); then
      echo "timeout"
      return
    fi
    sleep 0.1
  done
  elapsed "$started" "$(now)"
}

await_settled() { # nodes: the registry lists that many, and each has reconciled its range with its replicas
  local count=$1 deadline=$((SECONDS + 120)) port settled
  while ((SECONDS < deadline)); do
    settled=1
    [[ $(curl -fsS "$registry/nodes" | grep -o '"address"' | wc -l) == "$count" ]] || settled=0
    for port in $(live_ports); do
      curl -fsS "http://localhost:$port/actuator/ring" | grep -q '"replicasInSync":true' || settled=0
    done
    ((settled)) && return 0
    sleep 0.5
  done
  echo "the ring did not settle within 120 s" >&2
  return 1
}

read_back() { # phase, copies to read, ports to enter through...: prints "checked lost"
  local phase=$1 copies=$2 key ack allowed body checked=0 lost=0
  shift 2
  local ports=("$@")
  while read -r key ack allowed; do
    body=$(curl -s --max-time 10 "http://localhost:${ports[RANDOM % ${#ports[@]}]}/keys/$key?r=$copies" || true)
    checked=$((checked + 1))
    if [[ " $allowed " != *" $body "* ]]; then
      lost=$((lost + 1))
      ((lost <= 5)) && echo "  $phase: $key answered '$body', last acknowledged '$ack'" >&2
    fi
  done <"$work/expected"
  echo "$checked $lost"
}

rm -rf "$DHT_RUN_DIR"
mkdir -p "$work"
: >"$work/dead"
for ((i = 0; i < 5; i++)); do echo $((DHT_FIRST_NODE_PORT + i)); done >"$work/ports"

"$here/cluster.sh" start 5 >"$work/cluster.log" 2>&1 || { cat "$work/cluster.log"; exit 1; }
echo "5 nodes up (ports $DHT_FIRST_NODE_PORT-$second_victim); $writers writers over $((writers * keys_per_writer)) keys"
for ((w = 0; w < writers; w++)); do writer "$w" & done

sleep "$warmup"
echo "SIGKILL node $first_victim"
first_detection=$(kill_node "$first_victim")
echo "  dropped from the registry's ring after $first_detection s"
sleep $((10 - ${first_detection%.*} > 0 ? 10 - ${first_detection%.*} : 0))
echo "SIGKILL node $second_victim"
second_detection=$(kill_node "$second_victim")
echo "  dropped from the registry's ring after $second_detection s"
sleep 10
touch "$work/stop"
wait

# per key: the last acknowledged value, and the values of failed writes after it (they may have applied)
cat "$work"/writes-* | awk '
  $3 ~ /^2/ { ack[$1] = $2; extra[$1] = ""; next }
  { extra[$1] = extra[$1] " " $2 }
  END { for (k in ack) print k, ack[k], ack[k] extra[k] }' >"$work/expected"
acknowledged=$(cat "$work"/writes-* | awk '$3 ~ /^2/' | wc -l)
failed=$(cat "$work"/writes-* | awk '$3 !~ /^2/' | wc -l)
echo "writes: $acknowledged acknowledged, $failed failed (no answer in time or 5xx while a node was dying); $(wc -l <"$work/expected") keys"

await_settled 3
read -r checked lost < <(read_back "after two crashes" 2 $(live_ports))
echo "after two crashes: $checked keys read, $lost lost"

echo "restarting node $first_victim on its data dir"
grep -v -x "$first_victim" "$work/dead" >"$work/dead.next" || true
mv "$work/dead.next" "$work/dead"
# the ports lie in the kernel's range for outgoing connections: one may hold the dead node's port
# for a moment, and the restart finds it taken; then it is started again, three times at most
for attempt in 1 2 3; do
  "$here/cluster.sh" start 4 >"$work/cluster.log" 2>&1 && break
  if ((attempt == 3)) || ! grep -q 'already in use' "$DHT_RUN_DIR/logs/node-$first_victim.log"; then
    cat "$work/cluster.log"
    exit 1
  fi
  echo "  port $first_victim was taken by another connection; starting the node again"
  sleep 2
done
await_settled 4
echo "  $(grep -o 'opened .* with [0-9]* keys' "$DHT_RUN_DIR/logs/node-$first_victim.log" | head -1 | sed 's|.*with|found|') on disk at restart;" \
  "owns $(curl -fsS "http://localhost:$first_victim/actuator/ring" | grep -o '"ownedKeys":[0-9]*' | cut -d: -f2) keys now"
read -r checked_restarted lost_restarted < <(read_back "through the restarted node, one copy" 1 "$first_victim")
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
