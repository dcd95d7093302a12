#!/usr/bin/env bash
# Runs every http-examples/*.http file with httpyac against a real local cluster, so that an example
# that drifts from the API fails; then http-examples/leave/leave.http, which makes the third node
# leave the ring (only against a cluster started by these checks); then checks that every metric
# deploy/grafana/dht-dashboard.json queries is exported by the running apps' /actuator/prometheus.
# All that twice: against a plain cluster (environment `local`), then against a fresh one with a
# cluster token and API keys, generated for the run (environment `local-secured`).
#   deploy/checks/http-examples.sh
# Uses the cluster already running on ports 50000-50003, or starts one (deploy/local/cluster.sh,
# which builds the jars if needed) and stops it at the end. Handed a cluster by deploy/checks/all.sh
# (DHT_CHECKS_CLUSTER set), it runs once, with the environment DHT_CHECKS_ENV names, and leaves
# leave.http to the caller when DHT_CHECKS_LEAVE=later (the Prism check runs it); with a cluster
# it did not start, it skips the second run (set DHT_CHECKS_ENV=local-secured and the
# DHT_SECURITY_* variables to run the examples against a cluster with credentials of your own).
# Output: target/httpyac/<environment>.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

status=0

run_examples() { # environment
  local env=$1 output=target/httpyac/$1.txt passed=0 failed=0 run_status=0 line n metrics name
  local missing=() queried
  : >"$output"
  run_httpyac() { # file...
    "$checks_dir/node_modules/.bin/httpyac" send "$@" --all --env "$env" -o short 2>&1 \
      | tee -a "$output" || run_status=$?
  }
  log "http-examples: environment $env"
  run_httpyac http-examples/*.http
  # the dashboard's metrics, now that requests went through every node (leave.http takes one away)
  metrics=$(for url in "$registry_url" "${node_urls[@]}"; do curl_as_member -fsS "$url/actuator/prometheus"; done) \
    || run_status=1
  if [[ ${DHT_CHECKS_LEAVE:-} == later ]]; then
    log "note: left http-examples/leave/leave.http to a later check (DHT_CHECKS_LEAVE=later)"
  elif [[ $DHT_CHECKS_CLUSTER == started-here-* ]]; then
    run_httpyac http-examples/leave/leave.http
  else
    log "note: skipped http-examples/leave/leave.http: it makes a node leave, and this cluster was not started by the checks"
  fi
  while read -r line; do
    n=$(grep -oE '[0-9]+ succeeded' <<<"$line" | grep -oE '[0-9]+' || true)
    passed=$((passed + ${n:-0}))
    n=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true)
    failed=$((failed + ${n:-0}))
  done < <(grep -E 'requests? processed' "$output")
  if ((run_status != 0 && failed == 0)); then
    failed=1 # httpyac stopped before its summary (10: a server could not be reached)
  fi
  echo "http-examples ($env): $passed requests passed, $failed failed"

  # the dashboard's metrics, against what the apps really exported
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
    run_status=1
  else
    echo "grafana-dashboard ($env): every metric it queries is exported"
  fi
  ((run_status == 0 && failed == 0)) || status=1
}

install_tools
cd "$root"
mkdir -p target/httpyac
if [[ -n ${DHT_CHECKS_CLUSTER:-} ]]; then
  # the cluster a calling check started or found, in the environment it says
  run_examples "${DHT_CHECKS_ENV:-local}"
else
  use_cluster
  run_examples "$DHT_CHECKS_ENV"
  if [[ $DHT_CHECKS_CLUSTER == started-here-* ]]; then
    if use_secured_cluster; then
      run_examples local-secured
    else
      status=1
    fi
  else
    log "note: skipped the run against a cluster with a cluster token and API keys: it needs the ports of the cluster that runs"
  fi
fi
exit "$status"
