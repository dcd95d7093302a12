#!/usr/bin/env bash
# Sends every http-examples/ request through Stoplight Prism, a validating proxy in front of the
# registry and of each node that checks requests and answers against the OpenAPI documents the apps
# serve (deploy/checks/openapi-prism.mjs says what passes), then http-examples/leave/leave.http last
# when the cluster was started by these checks.
#   deploy/checks/openapi-prism.sh
# Runs the `local-secured` environment of http-examples/http-client.env.json: Prism, rightly, takes
# an `Authorization: Bearer` with nothing after it (what `local` sends) for no credential at all.
# Handed a cluster with credentials by deploy/checks/all.sh, it uses that one; else it starts a fresh
# cluster with a cluster token and API keys of its own and stops it at the end. Proxies listen on
# ports 51000-51003. Output: target/openapi-prism/ (the documents, httpyac's results, Prism's logs).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

install_tools
cd "$root"
if [[ -z ${DHT_CHECKS_CLUSTER:-} ]]; then
  use_secured_cluster
fi
if [[ ${DHT_CHECKS_ENV:-} != local-secured ]]; then
  log "the examples need credentials to pass Prism: run against a cluster with a cluster token and API keys" \
    "(DHT_CHECKS_ENV=local-secured and the DHT_SECURITY_* variables), or with no cluster running"
  exit 1
fi
leave=()
if [[ $DHT_CHECKS_CLUSTER == started-here-* ]]; then
  leave=(--leave)
else
  log "note: skipped http-examples/leave/leave.http: it makes a node leave, and this cluster was not started by the checks"
fi
node "$checks_dir/openapi-prism.mjs" --registry "$registry_url" "${node_urls[@]/#/--node=}" --env local-secured \
  "${leave[@]}" --out "$root/target/openapi-prism"
