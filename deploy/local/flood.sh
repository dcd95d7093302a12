#!/usr/bin/env bash
# A flood against one node, with the real jars: 3 nodes, a cluster token made for the run and one
# read-write API key. For SECONDS (default 30) the first node (the victim) gets, all at once, idle
# GET /ring/events streams (FLOOD_STREAMS, default 4000; FLOOD_ANONYMOUS_STREAMS of them, default a
# quarter, without a credential, the others with the API key; each behaves as a browser's EventSource:
# refused with a status it gives up, after a network error or the end of its stream it reconnects
# after 3 s) and connections sending key requests as fast as they are answered
# (FLOOD_CONNECTIONS, default 500; random keys, FLOOD_PUT_PERCENT PUTs, default 30, the rest GETs),
# while FLOOD_WRITERS writers (default 8) write their own keys round after round through the two other
# nodes. The load is one Java program (flood/Flood.java), which also watches the victim and reads every
# acknowledged write back afterwards.
#
# Targets (exit 1 when one is missed; exit 2 when the test could not run):
#   - the victim is never declared dead: the registry's GET /nodes (polled every 250 ms) lists it
#     UP throughout, no ring event of the other nodes says it is dead, down or gone, and
#     their logs declare no death;
#   - internal calls to the victim keep succeeding, measured three ways over the run:
#     (a) the victim's own count of requests to /internal/** (http_server_requests_seconds_count,
#         /actuator/prometheus before and after) answered 429 or 5xx: 0. A request a limit refuses
#         before it reaches a controller is counted under uri UNKNOWN (shown, with the clients'), or
#         not at all when the limit runs before Spring's observation: hence (b) and (c);
#     (b) the other nodes' calls to the victim through their circuit breaker to it
#         (resilience4j_circuitbreaker_calls_seconds_count{name="peer-<victim>"}): 0 failed
#         (timeouts, refused connections, 5xx) and 0 not permitted (breaker open);
#     (c) a canary: every 500 ms an internal call with the cluster token (GET /internal/neighbors)
#         on a new connection, as a peer opens one when its pooled one is gone, with a node's timeouts
#         (1 s to connect, 5 s to answer): every one answered 2xx;
#   - no acknowledged write lost: every key with a 2xx write reads back, through the other nodes,
#     with that write's value or a later attempt's;
#   - clients beyond the limit get 429: at least one 429 among the flood's answers.
# Figures only: the flood clients' statuses, streams accepted and refused, writes acknowledged and
# their p50/p99 through the healthy nodes, a liveness canary (0.5 s, as the failure detector probes),
# and the CPU each process used (2 cores: a saturated machine shows in these figures).
# The nodes probe each other every DHT_PROBE_INTERVAL (here 500 ms, timeout DHT_PROBE_TIMEOUT 500 ms,
# DHT_FAILURE_THRESHOLD 3 misses), so that a wrongly declared death shows within the run.
#
# Uses its own ports (default 53000+) and run folder (deploy/local/run/flood: logs, figures, the
# writes), binds and calls 127.0.0.1 only, and stops everything it started. Needs the jars built.
#   deploy/local/flood.sh [SECONDS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-30}
[[ $seconds =~ ^[0-9]+$ ]] && ((seconds >= 5 && seconds <= 600)) || { echo "usage: $0 [SECONDS], 5 to 600" >&2; exit 2; }
streams=${FLOOD_STREAMS:-4000}
anonymous_streams=${FLOOD_ANONYMOUS_STREAMS:-$((streams / 4))}
connections=${FLOOD_CONNECTIONS:-500}
put_percent=${FLOOD_PUT_PERCENT:-30}
writers=${FLOOD_WRITERS:-8}
keys_per_writer=${FLOOD_KEYS_PER_WRITER:-50}
settle=5
export DHT_REGISTRY_PORT=${DHT_REGISTRY_PORT:-53000}
export DHT_FIRST_NODE_PORT=${DHT_FIRST_NODE_PORT:-53001}
export DHT_RUN_DIR=${DHT_RUN_DIR:-$here/run/flood}
export DHT_PROBE_INTERVAL=${DHT_PROBE_INTERVAL:-500ms}
export DHT_PROBE_TIMEOUT=${DHT_PROBE_TIMEOUT:-500ms}
export DHT_FAILURE_THRESHOLD=${DHT_FAILURE_THRESHOLD:-3}
registry=http://127.0.0.1:$DHT_REGISTRY_PORT
victim=$DHT_FIRST_NODE_PORT
healthy=($((victim + 1)) $((victim + 2)))
nodes=("$victim" "${healthy[@]}")
victim_address=localhost:$victim
work=$DHT_RUN_DIR/flood
flood_pid=
started=$SECONDS

# shellcheck source=find-java.sh
. "$here/find-java.sh"

log() { printf '%s\n' "$*" >&2; }

cleanup() {
  if [[ -n $flood_pid ]] && kill -0 "$flood_pid" 2>/dev/null; then
    kill -TERM "$flood_pid" 2>/dev/null || true
    wait "$flood_pid" 2>/dev/null || true
  fi
  "$here/cluster.sh" stop >/dev/null 2>&1 || true
}

# a secret of 48 hex digits, new for each run
secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

prometheus() { # port file
  curl -fsS --max-time 10 "http://127.0.0.1:$1/actuator/prometheus" >"$2" || : >"$2"
}

served_by_status() { # file uri-pattern: "status count" of the requests to those URIs the node served, summed
  awk -v uri="$2" '/^http_server_requests_seconds_count\{/ && match($0, /uri="[^"]*"/) && substr($0, RSTART + 5, RLENGTH - 6) ~ uri {
         match($0, /status="[^"]*"/); n[substr($0, RSTART + 8, RLENGTH - 9)] += $NF }
       END { for (s in n) print s, n[s] }' "$1"
}

breaker_calls() { # file address: "kind count" of the calls through the circuit breaker to that peer
  awk -v name="name=\"peer-$2\"" 'index($0, name) && /^resilience4j_circuitbreaker_(calls_seconds_count|not_permitted_calls_total)\{/ {
         match($0, /kind="[^"]*"/); n[substr($0, RSTART + 6, RLENGTH - 7)] += $NF }
       END { for (k in n) print k, n[k] }' "$1"
}

delta() { # before after: "name count" lines, after minus before, the non-zero ones
  awk 'FILENAME == ARGV[1] { before[$1] = $2; next } { d = $2 - before[$1]; if (d != 0) printf "%s %d\n", $1, d }' "$1" "$2" | sort
}

sum_of() { # "name count" lines on stdin, awk condition on the name ($1): the sum
  awk "$1 { n += \$2 } END { print n + 0 }"
}

inline() { # "name count" lines on stdin: "name count, name count" or "none"
  awk 'BEGIN { s = "" } { s = s (s == "" ? "" : ", ") $1 " " $2 } END { print (s == "" ? "none" : s) }'
}

cpu_seconds() { # port: CPU seconds the process used between the two snapshots
  awk '/^process_cpu_time_ns_total / { t[FILENAME == ARGV[1]] = $2 } END { printf "%.1f", (t[0] - t[1]) / 1e9 }' \
    "$work/prometheus-before-$1.txt" "$work/prometheus-after-$1.txt"
}

fig() { grep -m1 "^$1=" "$work/figures.properties" | cut -d= -f2-; }

# --- before the run: jars, nothing left running, file descriptors --------------------------------
if ! compgen -G "$root/registry-service/target/registry-service-*-exec.jar" >/dev/null \
    || ! compgen -G "$root/dht-node-service/target/dht-node-service-*-exec.jar" >/dev/null; then
  log "the jars are not built: run ./mvnw package -DskipTests first"
  exit 2
fi
command -v curl >/dev/null || { log "curl is needed (Debian: apt-get install curl)"; exit 2; }
for pidfile in "$DHT_RUN_DIR"/pids/*; do
  if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "a cluster of an earlier run still runs in $DHT_RUN_DIR; stop it: DHT_RUN_DIR=$DHT_RUN_DIR $here/cluster.sh stop"
    exit 2
  fi
done
# the victim holds every stream and connection, the flood program their other ends
need=$((streams + connections + 2000))
if (($(ulimit -n) < need)); then
  hard=$(ulimit -Hn)
  if [[ $hard != unlimited ]] && ((hard < need)); then
    log "needs $need open files, the hard limit is $hard: raise it (ulimit -Hn, limits.conf) or set FLOOD_STREAMS lower"
    exit 2
  fi
  ulimit -n "$need"
fi

trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$DHT_RUN_DIR"
mkdir -p "$work"
DHT_SECURITY_CLUSTER_TOKEN=$(secret)
DHT_SECURITY_APIKEYS_READWRITE=flood-$(secret)
export DHT_SECURITY_CLUSTER_TOKEN DHT_SECURITY_APIKEYS_READWRITE
((${#DHT_SECURITY_CLUSTER_TOKEN} >= 32)) || { log "could not make a cluster token"; exit 2; }
token=$DHT_SECURITY_CLUSTER_TOKEN
api_key=$DHT_SECURITY_APIKEYS_READWRITE

jars_built() { stat -c '%y' "$root"/registry-service/target/registry-service-*-exec.jar "$root"/dht-node-service/target/dht-node-service-*-exec.jar | cut -c1-19 | sort | tail -1; }
jars_at_start=$(jars_built)
echo "starting the registry ($DHT_REGISTRY_PORT) and 3 nodes ($victim-${healthy[1]}) from the jars built $jars_at_start, cluster token and API key made for this run"
"$here/cluster.sh" start 3 >"$work/cluster.log" 2>&1 || { cat "$work/cluster.log"; exit 2; }
deadline=$((SECONDS + 60))
until [[ $(curl -fsS --max-time 2 "$registry/nodes" | grep -o '"state":"UP"' | wc -l) == 3 ]]; do
  ((SECONDS < deadline)) || { log "the registry did not list 3 UP nodes within 60 s"; exit 2; }
  sleep 0.5
done

# the credentials bind as meant: /keys needs the API key, the cluster calls the token
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
checks="$(code -X PUT --data-binary x "http://127.0.0.1:$victim/keys/flood-setup")"
checks+=" $(code -X PUT --data-binary x -H "Authorization: Bearer $api_key" "http://127.0.0.1:$victim/keys/flood-setup")"
checks+=" $(code "http://127.0.0.1:$victim/actuator/ring")"
checks+=" $(code -H "Authorization: Bearer $token" "http://127.0.0.1:$victim/actuator/ring")"
if [[ $checks != "401 201 401 200" ]]; then
  log "the credentials did not bind as expected (PUT without key, with key, /actuator/ring without and with the token: $checks; wanted 401 201 401 200)"
  exit 2
fi
echo "credentials checked: PUT /keys without the API key 401, with it 201; /actuator/ring without the token 401, with it 200"

for port in "$DHT_REGISTRY_PORT" "${nodes[@]}"; do prometheus "$port" "$work/prometheus-before-$port.txt"; done
window_started=$SECONDS

FLOOD_API_KEY=$api_key FLOOD_CLUSTER_TOKEN=$token "$java" -Xmx1g "$here/flood/Flood.java" \
  --victim "$victim" --victim-address "$victim_address" --healthy "${healthy[0]},${healthy[1]}" \
  --registry "$DHT_REGISTRY_PORT" --out "$work" --seconds "$seconds" --streams "$streams" \
  --anonymous-streams "$anonymous_streams" --connections "$connections" --put-percent "$put_percent" \
  --writers "$writers" --keys-per-writer "$keys_per_writer" --settle-seconds "$settle" &
flood_pid=$!
flood_status=0
wait "$flood_pid" || flood_status=$?
flood_pid=
if ((flood_status != 0)) || [[ ! -f $work/figures.properties ]]; then
  log "the flood program failed (exit $flood_status)"
  exit 2
fi

for port in "$DHT_REGISTRY_PORT" "${nodes[@]}"; do prometheus "$port" "$work/prometheus-after-$port.txt"; done
window=$((SECONDS - window_started))

# --- figures -------------------------------------------------------------------------------------
served_delta() { # port uri-pattern: "status count" of the requests to those URIs it served during the run
  delta <(served_by_status "$work/prometheus-before-$1.txt" "$2") <(served_by_status "$work/prometheus-after-$1.txt" "$2")
}
victim_internal=$(served_delta "$victim" '^/internal/')
victim_internal_bad=$(sum_of '$1 == 429 || $1 ~ /^5/' <<<"$victim_internal")
breaker_failed=0
breaker_lines=()
for port in "${healthy[@]}"; do
  calls=$(delta <(breaker_calls "$work/prometheus-before-$port.txt" "$victim_address") \
    <(breaker_calls "$work/prometheus-after-$port.txt" "$victim_address"))
  breaker_failed=$((breaker_failed + $(sum_of '$1 == "failed" || $1 == "not_permitted"' <<<"$calls")))
  breaker_lines+=("$(printf '  %-44s %s' "node $port's calls to the victim (breaker)" "$(inline <<<"$calls")")")
  if ! grep -q "peer-$victim_address" "$work/prometheus-after-$port.txt"; then
    breaker_lines+=("  (node $port shows no circuit breaker for $victim_address: this measure is missing)")
  fi
done
missed_probes=0
near_misses=0
dead_in_logs=0
for port in "${healthy[@]}"; do
  missed_probes=$((missed_probes + $(grep -c "@$victim_address missed" "$DHT_RUN_DIR/logs/node-$port.log" || true)))
  near_misses=$((near_misses + $(grep -c "@$victim_address answered a last probe" "$DHT_RUN_DIR/logs/node-$port.log" || true)))
  dead_in_logs=$((dead_in_logs + $(grep -c "@$victim_address is dead" "$DHT_RUN_DIR/logs/node-$port.log" || true)))
done
if [[ $(fig victim.declared-dead) == false ]]; then declared_dead=0; else declared_dead=1; fi
canary_sent=$(fig canary.internal.sent)
canary_ok=$(fig canary.internal.ok)
lost=$(($(fig readback.lost) + $(fig readback.unreadable)))
four_twenty_nines=$(($(fig keys.429) + $(fig streams.refused.429)))

echo
echo "== the victim (node $victim) =="
printf '  %-44s %s\n' \
  "declared dead or down" "$( ((declared_dead)) && echo "yes: $(fig victim.declared-how)" || echo no)" \
  "registry polls: its state (polls)" "$(fig registry.victim-states), $(fig registry.poll-failures) polls unanswered" \
  "ring events about it at the other nodes" "$(fig events.about-victim)" \
  "other nodes' logs about its probes" "$missed_probes missed, $near_misses times only the last (5 s) probe saved it, $dead_in_logs declared dead"
echo "== internal calls to the victim =="
printf '  %-44s %s\n' "victim served /internal/** (status count)" "$(inline <<<"$victim_internal")" \
  "  answered before routing (uri UNKNOWN)" "$(served_delta "$victim" '^UNKNOWN$' | inline)  (clients' and peers' alike)"
printf '%s\n' "${breaker_lines[@]}"
printf '  %-44s %s\n' \
  "canary internal call, new connection, 1+5 s" "$canary_sent sent, $canary_ok 2xx; $(fig canary.internal.outcomes); p99 $(fig canary.internal.p99-ms) ms, max $(fig canary.internal.max-ms) ms" \
  "canary liveness probe, new connection, 0.5 s" "$(fig canary.liveness.sent) sent, $(fig canary.liveness.ok) 2xx; $(fig canary.liveness.outcomes); p99 $(fig canary.liveness.p99-ms) ms"
for port in "${healthy[@]}"; do
  printf '  %-44s %s\n' "  node $port served /internal/** (compare)" "$(served_delta "$port" '^/internal/' | inline)"
done
echo "== the flood's answers =="
printf '  %-44s %s\n' \
  "key requests answered (connections opened)" "$(fig keys.answers) ($(fig keys.connections))" \
  "  by status" "200 $(fig keys.200), 201 $(fig keys.201), 404 $(fig keys.404), 429 $(fig keys.429), 503 $(fig keys.503), other $(fig keys.other)  $(fig keys.by-status)" \
  "  no answer in 10 s, reset, no connection" "$(fig keys.no-answer), $(fig keys.reset), $(fig keys.no-connection)" \
  "stream attempts (reconnects among them)" "$(fig streams.attempts) ($(fig streams.reconnects))" \
  "  accepted (anonymous, API key)" "$(fig streams.accepted) ($(fig streams.accepted.anonymous), $(fig streams.accepted.api-key)); open at peak $(fig streams.open-peak), at the end $(fig streams.open-at-end); closed by the node $(fig streams.closed-by-node)" \
  "  refused (anonymous, API key)" "$(fig streams.refused) ($(fig streams.refused.anonymous), $(fig streams.refused.api-key)): $(fig streams.refused-by-status)" \
  "  no connection in 5 s, no answer in 10 s, reset" "$(fig streams.no-connection), $(fig streams.no-answer), $(fig streams.reset)"
echo "== writers through nodes ${healthy[0]} and ${healthy[1]} =="
printf '  %-44s %s\n' \
  "writes attempted, acknowledged, failed" "$(fig writes.attempted), $(fig writes.acknowledged), $(fig writes.failed) ($(fig writes.no-answer) unanswered)  $(fig writes.by-status)" \
  "acknowledged writes p50, p99, max (ms)" "$(fig writes.acknowledged.p50-ms), $(fig writes.acknowledged.p99-ms), $(fig writes.acknowledged.max-ms)" \
  "all attempts p99 (ms)" "$(fig writes.all.p99-ms)" \
  "keys read back: ok (newer), lost, unreadable" "$(fig readback.keys): $(fig readback.ok) ($(fig readback.newer)), $(fig readback.lost), $(fig readback.unreadable)"
echo "== CPU, from before the flood to after the read-back: ${window} s on $(nproc 2>/dev/null || echo ?) cores =="
printf '  %-44s %s\n' "CPU seconds used" \
  "victim $(cpu_seconds "$victim"), node ${healthy[0]} $(cpu_seconds "${healthy[0]}"), node ${healthy[1]} $(cpu_seconds "${healthy[1]}"), registry $(cpu_seconds "$DHT_REGISTRY_PORT"), flood program $(fig flood.cpu-seconds)"

echo "== targets =="
missed=0
target() { # arithmetic condition, description
  if (($1)); then echo "  PASS  $2"; else echo "  FAIL  $2"; missed=$((missed + 1)); fi
}
read_back_keys=$(fig readback.keys)
target "declared_dead == 0 && dead_in_logs == 0" "the victim is never declared dead"
target "victim_internal_bad == 0" "the victim answered no /internal/** call 429 or 5xx ($victim_internal_bad)"
target "breaker_failed == 0" "no call of the other nodes to the victim failed or was not permitted ($breaker_failed)"
target "canary_sent > 0 && canary_ok == canary_sent" "every canary internal call was answered 2xx ($canary_ok of $canary_sent)"
target "read_back_keys > 0 && lost == 0" "no acknowledged write lost ($lost of $read_back_keys keys)"
target "four_twenty_nines > 0" "clients beyond the limit get 429 ($four_twenty_nines 429s)"
echo "(run took $((SECONDS - started)) s before stopping the cluster; figures, writes and metrics in $work)"
if [[ $(jars_built) != "$jars_at_start" ]]; then
  echo "WARNING: the jars were rebuilt during the run (now $(jars_built)); the running processes may have read the new files: run again"
fi
if ((missed > 0)); then
  echo "FAILED: $missed target(s) missed"
  exit 1
fi
echo "OK: every target met"
