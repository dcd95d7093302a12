# Sourced by the checks in this folder: where things are, the tools, and a local cluster.
#   install_tools    curl, node, npm and chromium (apt-get, when missing and running as root), then
#                    npm ci into deploy/checks/node_modules (gitignored) when it is missing or stale
#   use_cluster      the cluster on ports 50000-50003 that http-examples/http-client.env.json names:
#                    the one the calling check was handed, the one already running, or a fresh one
#                    started with deploy/local/cluster.sh (its own run folder under target/checks)
#                    and stopped again when the script that started it exits, also on failure;
#                    DHT_CHECKS_ENV names the environment of http-client.env.json that fits it
#                    (local, unless the caller says otherwise)
#   use_secured_cluster  stops the cluster this script started, then starts a fresh one on the same
#                    ports with a cluster token and two API keys (one read-only, one read-write),
#                    new random secrets of this run, exported as DHT_SECURITY_CLUSTER_TOKEN,
#                    DHT_SECURITY_APIKEYS_READONLY and DHT_SECURITY_APIKEYS_READWRITE (which the
#                    processes and the local-secured environment read); stopped again on exit.
#                    Fails when a cluster these checks did not start holds the ports.
checks_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$checks_dir/../.." && pwd)
registry_url=http://localhost:50000
node_urls=(http://localhost:50001 http://localhost:50002 http://localhost:50003)
cluster_run_dir=$root/target/checks/cluster

log() { printf '%s\n' "$*" >&2; }

random_secret() { # 64 hex digits from the kernel's random source
  head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n'
}

curl_as_member() { # curl args...: with the cluster token when one is in use, kept off the command line
  if [[ -n ${DHT_SECURITY_CLUSTER_TOKEN:-} ]]; then
    curl -K <(printf 'header = "Authorization: Bearer %s"\n' "$DHT_SECURITY_CLUSTER_TOKEN") "$@"
  else
    curl "$@"
  fi
}

apt_install() { # package...
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    log "missing: $* (Debian: apt-get install $*)"
    exit 1
  fi
  log "installing $* (apt-get)"
  if [[ -z ${apt_updated:-} ]]; then
    apt-get update -qq >&2
    apt_updated=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

install_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  [[ -n ${CHROMIUM:-} ]] || command -v chromium >/dev/null || missing+=(chromium)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if ((major < 20)); then
    log "node 20 or later is needed (playwright-core); this is $(node --version)"
    exit 1
  fi
  local installed=$checks_dir/node_modules/.package-lock.json
  if [[ ! -f $installed || $checks_dir/package-lock.json -nt $installed ]]; then
    log "installing httpyac and playwright-core into deploy/checks/node_modules (npm ci)"
    (cd "$checks_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

cluster_ready() {
  local url
  for url in "$registry_url" "${node_urls[@]}"; do
    curl -fs -o /dev/null --max-time 2 "$url/actuator/health/readiness" || return 1
  done
}

stop_started_cluster() {
  if [[ ${DHT_CHECKS_CLUSTER:-} == started-here-$$ ]]; then
    log "stopping the local cluster (each node leaves gracefully)"
    DHT_RUN_DIR=$cluster_run_dir "$root/deploy/local/cluster.sh" stop >&2 || true
    unset DHT_CHECKS_CLUSTER
  fi
}

use_cluster() {
  if [[ -n ${DHT_CHECKS_CLUSTER:-} ]]; then
    return # a calling check already started one, or found one running
  fi
  if cluster_ready; then
    log "using the cluster that already runs on ports 50000-50003"
    export DHT_CHECKS_CLUSTER=external DHT_CHECKS_ENV=${DHT_CHECKS_ENV:-local}
    return
  fi
  # no credentials: the plain cluster, whatever the calling shell exported
  unset DHT_SECURITY_CLUSTER_TOKEN DHT_SECURITY_APIKEYS_READONLY DHT_SECURITY_APIKEYS_READWRITE \
    DHT_SECURITY_API_KEYS_READ_ONLY DHT_SECURITY_API_KEYS_READ_WRITE
  export DHT_CHECKS_ENV=local
  start_cluster_here "a local cluster: registry and 3 nodes"
}

use_secured_cluster() {
  if [[ ${DHT_CHECKS_CLUSTER:-} == started-here-$$ && ${DHT_CHECKS_ENV:-} == local-secured ]]; then
    return # started already
  fi
  stop_started_cluster
  if [[ -n ${DHT_CHECKS_CLUSTER:-} ]] || cluster_ready; then
    log "a cluster these checks did not start runs on ports 50000-50003: no cluster with a token can start there"
    return 1
  fi
  DHT_SECURITY_CLUSTER_TOKEN=$(random_secret) || return 1
  DHT_SECURITY_APIKEYS_READONLY=$(random_secret) || return 1
  DHT_SECURITY_APIKEYS_READWRITE=$(random_secret) || return 1
  ((${#DHT_SECURITY_CLUSTER_TOKEN} == 64)) || { log "could not read random secrets from /dev/urandom"; return 1; }
  export DHT_SECURITY_CLUSTER_TOKEN DHT_SECURITY_APIKEYS_READONLY DHT_SECURITY_APIKEYS_READWRITE
  export DHT_CHECKS_ENV=local-secured
  start_cluster_here "a local cluster with a cluster token and API keys (1 read-only, 1 read-write) of this run"
}

start_cluster_here() { # description: a fresh cluster, stopped when this script exits
  export DHT_CHECKS_CLUSTER=started-here-$$
  trap stop_started_cluster EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # a fresh ring: no data left from other runs
  rm -rf "$cluster_run_dir"
  mkdir -p "$cluster_run_dir"
  # as the Kubernetes manifests do: latency histograms for the dashboard's quantiles
  export MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS=true
  log "starting $1 (deploy/local/cluster.sh, logs in $cluster_run_dir/logs)"
  DHT_RUN_DIR=$cluster_run_dir "$root/deploy/local/cluster.sh" start 3 >&2
}
