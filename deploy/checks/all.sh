#!/usr/bin/env bash
# The checks that need a running cluster, against one local cluster (started here unless one already
# runs on ports 50000-50003, and stopped at the end, also on failure): Swagger UI in Chromium, then
# the HTTP examples with httpyac (the one that makes a node leave comes last). Then, on a cluster
# started here, the HTTP examples again against a fresh cluster with a cluster token and API keys
# generated for this run (environment local-secured of http-examples/http-client.env.json), and once
# more through Stoplight Prism, which checks every request and answer against the apps' OpenAPI
# documents (the leave last, through Prism); that cluster is stopped at the end as well. Each check
# runs even when one before it failed; the exit code is non-zero when any did. Prints how long each
# took.
#   deploy/checks/all.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

failed=()
timed() { # name command...
  local name=$1 start=$SECONDS status=0
  shift
  log "== $name"
  "$@" || status=$?
  log "== $name: $( ((status == 0)) && echo passed || echo "FAILED ($status)") in $((SECONDS - start)) s"
  ((status == 0)) || failed+=("$name")
}

start=$SECONDS
install_tools
timed "local cluster start" use_cluster
if ((${#failed[@]} == 0)); then
  timed "Swagger UI (Chromium)" "$checks_dir/swagger-ui.sh"
  timed "http-examples (httpyac)" "$checks_dir/http-examples.sh"
  if [[ $DHT_CHECKS_CLUSTER == started-here-* ]]; then
    failures=${#failed[@]}
    timed "local cluster restart with a cluster token and API keys" use_secured_cluster
    if ((${#failed[@]} == failures)); then
      timed "http-examples with credentials (httpyac, local-secured)" env DHT_CHECKS_LEAVE=later "$checks_dir/http-examples.sh"
      timed "OpenAPI documents: http-examples through Prism (local-secured)" "$checks_dir/openapi-prism.sh"
    fi
  else
    log "note: skipped http-examples with credentials: they need a cluster these checks start"
  fi
fi
if ((${#failed[@]} > 0)); then
  log "deploy/checks: FAILED: ${failed[*]} (after $((SECONDS - start)) s)"
  exit 1
fi
log "deploy/checks: all passed in $((SECONDS - start)) s"
