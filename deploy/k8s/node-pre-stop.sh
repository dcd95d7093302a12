#!/usr/bin/env bash
# The nodes' preStop hook (node.yaml runs it with bash from ConfigMap dht-node-hooks, which
# kustomization.yaml generates from this file).
#
# A node pod stops for a rolling update, a drain, an eviction or a reboot, and comes back on the same
# volume and address. Then the node must not leave the ring: a leave moves every key of its ranges to
# other nodes, and its return moves them back. The SIGTERM that follows this hook does the right thing
# for those: the node tells the registry it is going down, finishes the requests in flight and exits,
# and started again it takes its old positions back and catches up. Only a scale-down removes a pod
# for good: the StatefulSet controller lowers spec.replicas first, then deletes the pods whose ordinal
# is at or above it, highest first. So this hook reads spec.replicas, through the StatefulSet's scale
# subresource (all the pod's ServiceAccount may read: a small answer of a fixed shape), and
#   - ordinal >= replicas: asks the node to leave (POST /admin/leave: it hands its keys over,
#     deregisters and stops) and waits, bounded, until it has stopped;
#   - otherwise: pauses, so that the client Service stops sending it requests before the SIGTERM.
# When spec.replicas cannot be read (API server unreachable, 403 after an RBAC change, an answer it
# cannot parse), it restarts in place. A wrong restart is mended: the member stays DOWN in the ring,
# its data on its retained volume, and an operator removes it (DELETE /nodes/{id} on the registry) or
# scales back up. A wrong leave is not: it hands the keys away for nothing, and were the API
# unreachable during a rolling update, every node would leave and join again in turn, moving all keys
# twice.
#
# Settings, from the environment (the defaults are what a pod of node.yaml has):
#   POD_NAME, POD_NAMESPACE            the pod's name (dht-node-N) and namespace, from the downward API
#   SERVER_PORT                        the node's port (50001)
#   DHT_SECURITY_CLUSTER_TOKEN         the cluster token, which /admin/leave requires
#   DHT_PRE_STOP_PAUSE_SECONDS         the pause before a restart in place (10)
#   DHT_PRE_STOP_LEAVE_WAIT_SECONDS    how long a leaving node may take to stop (100)
#   DHT_PRE_STOP_KUBERNETES_API        the API server (https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT)
#   DHT_PRE_STOP_SERVICE_ACCOUNT_DIR   its token, CA certificate and namespace (the mounted service account)
#   DHT_PRE_STOP_LOG                   where its lines go: the container's output (/proc/1/fd/1), as
#                                      kubectl logs shows that and keeps nothing a hook prints itself
# Exits 0 when the node restarts in place or has left, 1 when a leave was refused or did not finish
# in time: the kubelet then records a FailedPreStopHook event, and still sends the SIGTERM.
set -euo pipefail

pod=${POD_NAME:-$(hostname)}
node=http://localhost:${SERVER_PORT:-50001}
pause_seconds=${DHT_PRE_STOP_PAUSE_SECONDS:-10}
leave_wait_seconds=${DHT_PRE_STOP_LEAVE_WAIT_SECONDS:-100}
service_account=${DHT_PRE_STOP_SERVICE_ACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}
api_host=${KUBERNETES_SERVICE_HOST:-kubernetes.default.svc}
[[ $api_host == *:* ]] && api_host="[$api_host]" # an IPv6 address
api=${DHT_PRE_STOP_KUBERNETES_API:-https://$api_host:${KUBERNETES_SERVICE_PORT:-443}}
log_file=${DHT_PRE_STOP_LOG:-/proc/1/fd/1}

if ! { : >>"$log_file"; } 2>/dev/null; then
  log_file=/dev/stderr
fi
log() { printf '%s preStop %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$pod" "$*" >>"$log_file"; }

desired_replicas() { # statefulset namespace: prints its spec.replicas, or fails when it cannot be read
  local statefulset=$1 namespace=$2 body spec
  [[ -r $service_account/token ]] || return 1
  # the token goes in a header read from a file descriptor: never on a command line others can read
  body=$(curl --silent --show-error --fail --max-time 5 --retry 2 --retry-delay 1 --retry-connrefused \
    --cacert "$service_account/ca.crt" -H @<(printf 'Authorization: Bearer %s\n' "$(<"$service_account/token")") \
    "$api/apis/apps/v1/namespaces/$namespace/statefulsets/$statefulset/scale" 2>&1) || {
    log "could not read the scale of statefulset $statefulset: ${body:-no answer}"
    return 1
  }
  spec=$(tr -d '\n' <<<"$body" | grep -o '"spec":[[:space:]]*{[^}]*}' | head -n 1) || return 1
  # autoscaling/v1 Scale leaves a replica count of 0 out ("spec":{})
  if [[ $spec =~ \"replicas\":[[:space:]]*([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo 0
  fi
}

node_listens() { # curl's exit code 7: nothing accepts connections on the node's port any more
  local code=0
  curl --silent --output /dev/null --max-time 2 "$node/actuator/health/liveness" || code=$?
  ((code != 7))
}

leave() {
  local status
  status=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 10 -X POST \
    -H @<(if [[ -n ${DHT_SECURITY_CLUSTER_TOKEN:-} ]]; then printf 'Authorization: Bearer %s\n' "$DHT_SECURITY_CLUSTER_TOKEN"; fi) \
    "$node/admin/leave") || true
  if [[ $status != 202 ]]; then
    log "the node refused to leave (POST /admin/leave answered ${status:-nothing}); it stops as in a restart and" \
      "stays DOWN in the ring: remove it with DELETE /nodes/{id} on the registry"
    return 1
  fi
  local started=$SECONDS deadline=$((SECONDS + leave_wait_seconds))
  while node_listens; do
    if ((SECONDS >= deadline)); then
      log "the node has not stopped within $leave_wait_seconds s of its leave; the SIGTERM follows"
      return 1
    fi
    sleep 1
  done
  log "the node left the ring and stopped after $((SECONDS - started)) s"
}

restart_in_place() { # reason
  log "$1: restart in place (pause ${pause_seconds} s, then SIGTERM; the node keeps its positions)"
  sleep "$pause_seconds"
}

main() {
  local ordinal=${pod##*-} statefulset=${pod%-*} namespace replicas
  if ! [[ $ordinal =~ ^[0-9]+$ && $statefulset != "$pod" ]]; then
    restart_in_place "pod name $pod has no StatefulSet ordinal"
    return
  fi
  namespace=${POD_NAMESPACE:-$(cat "$service_account/namespace" 2>/dev/null || true)}
  if [[ -z $namespace ]] || ! replicas=$(desired_replicas "$statefulset" "$namespace"); then
    restart_in_place "the StatefulSet's desired replicas are unknown"
    return
  fi
  if ((10#$ordinal >= replicas)); then
    log "ordinal $ordinal, statefulset $statefulset scaled to $replicas, so the node is leaving the ring"
    leave
  else
    restart_in_place "ordinal $ordinal, statefulset $statefulset keeps $replicas"
  fi
}

main
