#!/usr/bin/env bash
# Runs every http-examples/*.http file with httpyac against a real local cluster, so that an example
# that drifts from the API fails; then http-examples/leave/leave.http, which makes the third node
# leave the ring (only against a cluster started by these checks); then checks that every metric
# deploy/grafana/dht-dashboard.json queries is exported by the running apps' /actuator/prometheus.
#   deploy/checks/http-examples.sh
# Uses the cluster already running on ports 50000-50003, or starts one (deploy/local/cluster.sh,
# which builds the jars if needed) and stops it at the end. Output: target/httpyac/output.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

install_tools
use_cluster
cd "$root"
mkdir -p target/httpyac
status=0
: >target/httpyac/output.txt
run_httpyac() { # file...
  "$checks_dir/node_modules/.bin/httpyac" send "$@" --all --env local -o short 2>&1 \
    | tee -a target/httpyac/output.txt || status=$?
}
run_httpyac http-examples/*.http
# the dashboard's metrics, now that requests went through every node (leave.http takes one away)
metrics=$(for url in "$registry_url" "${node_urls[@]}"; do curl -fsS "$url/actuator/prometheus"; done)
if [[ $DHT_CHECKS_CLUSTER == started-here-* ]]; then
  run_httpyac http-examples/leave/leave.http
else
  log "note: skipped http-examples/leave/leave.http: it makes a node leave, and this cluster was not started by the checks"
fi
passed=0 failed=0
while read -r line; do
  n=$(grep -oE '[0-9]+ succeeded' <<<"$line" | grep -oE '[0-9]+' || true)
  passed=$((passed + ${n:-0}))
  n=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true)
  failed=$((failed + ${n:-0}))
done < <(grep -E 'requests? processed' target/httpyac/output.txt)
if ((status != 0 && failed == 0)); then
  failed=1 # httpyac stopped before its summary (10: a server could not be reached)
fi
echo "http-examples: $passed requests passed, $failed failed"

# the dashboard's metrics, against what the apps really exported
missing=()
queried=$(node -e 'const d = require(process.argv[1]);
  for (const p of d.panels) for (const t of p.targets || []) console.log(t.expr);' "$root/deploy/grafana/dht-dashboard.json" \
  | grep -oE '\b(dht|http_server)_[a-z_]+' | sort -u)
for name in $queried; do
  if ! grep -qE "^${name}(\{| )" <<<"$metrics"; then
    if [[ $name == http_server_requests_seconds_bucket && $DHT_CHECKS_CLUSTER != started-here-* ]]; then
      log "note: $name needs MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS=true, which the running cluster was not started with"
      continue
    fi
    missing+=("$name")
  fi
done
if ((${#missing[@]} > 0)); then
  log "the Grafana dashboard queries metrics the apps do not export: ${missing[*]}"
  status=1
else
  echo "grafana-dashboard: every metric it queries is exported"
fi
exit "$status"
