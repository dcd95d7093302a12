#!/usr/bin/env bash
# Checks a real cluster built from the jars: 4 nodes, 1000 keys written through random nodes, every
# key read back from every node with the owner the registry names, through a join (a 5th node) and
# a graceful leave. Uses its own ports (default 51000+) and stops everything it started.
#   deploy/local/verify.sh [KEYS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
keys=${1:-1000}
export DHT_REGISTRY_PORT=${DHT_REGISTRY_PORT:-51000}
export DHT_FIRST_NODE_PORT=${DHT_FIRST_NODE_PORT:-51001}
export DHT_RUN_DIR=${DHT_RUN_DIR:-$here/run/verify}
registry=http://localhost:$DHT_REGISTRY_PORT
failures=0

cleanup() { "$here/cluster.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

node_url() { echo "http://localhost:$((DHT_FIRST_NODE_PORT + $1))"; }

running_nodes() {
  local pidfile
  for pidfile in "$DHT_RUN_DIR"/pids/node-*; do
    [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && echo "http://localhost:${pidfile##*/node-}"
  done
}

check_all() { # phase
  local phase=$1 key owner url headers body checked=0 bad=0
  mapfile -t urls < <(running_nodes)
  for ((i = 0; i < keys; i++)); do
    key="verify-$i"
    owner=$(curl -fsS "$registry/nodes/owner?key=$key" | sed -E 's/.*"owner":\{"id":"([0-9a-f]{16})".*/\1/')
    for url in "${urls[@]}"; do
      headers=$(mktemp)
      body=$(curl -sS -D "$headers" "$url/keys/$key")
      if [[ $body != "value-$i" ]] || ! grep -qi "^x-dht-owner: $owner" "$headers"; then
        bad=$((bad + 1))
        ((bad <= 5)) && echo "  $phase: $url/keys/$key answered '$body' (owner should be $owner)" >&2
      fi
      rm -f "$headers"
      checked=$((checked + 1))
    done
  done
  echo "$phase: $checked reads from ${#urls[@]} nodes, $bad wrong"
  failures=$((failures + bad))
}

"$here/cluster.sh" start 4 >/dev/null
echo "cluster of 4 nodes up; writing $keys keys through random nodes"
for ((i = 0; i < keys; i++)); do
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: text/plain' \
    --data-binary "value-$i" "$(node_url $((RANDOM % 4)))/keys/verify-$i")
  [[ $status == 201 ]] || { echo "PUT verify-$i answered $status" >&2; failures=$((failures + 1)); }
done
check_all "4 nodes"

"$here/cluster.sh" start 5 >/dev/null
check_all "after a 5th node joined"

# POST /admin/leave: SIGTERM would stop the node without leaving the ring
"$here/cluster.sh" leave $((DHT_FIRST_NODE_PORT + 1))
check_all "after node $((DHT_FIRST_NODE_PORT + 1)) left gracefully"

echo "ring: $(curl -fsS "$registry/nodes")"
if ((failures > 0)); then
  echo "FAILED: $failures wrong answers"
  exit 1
fi
echo "OK: every key readable from every node with the right owner"
