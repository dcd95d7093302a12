#!/usr/bin/env bash
# Opens the Swagger UI of a node and of the registry in headless Chromium (Debian's chromium, driven
# by playwright-core), checks that each opens on its client group, titled with the app's name and
# version, lists the operations (the internal ones in the internal group only), stores a key with PUT
# and reads it back with GET through the node's "Try it out", and reads the ring through the
# registry's.
#   deploy/checks/swagger-ui.sh
# Screenshots: target/swagger-ui/*.png. Uses the cluster already running on ports 50000-50003, or
# starts one (deploy/local/cluster.sh) and stops it at the end. Installs chromium with apt-get
# when it is missing and this runs as root; set CHROMIUM to use another binary.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

install_tools
use_cluster
cd "$root"
node "$checks_dir/swagger-ui.mjs" --node "${node_urls[0]}" --registry "$registry_url" \
  --out "$root/target/swagger-ui" --chromium "${CHROMIUM:-$(command -v chromium)}"
