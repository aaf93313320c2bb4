#!/usr/bin/env bash
# Checks deploy/k8s without a Kubernetes cluster: renders it with `kubectl kustomize` and validates every object
# against the Kubernetes API schemas of the npm package kubernetes-models (installed into the tools folder on first
# use, like Azurite). Needs kubectl and npm. Exits non-zero naming each invalid object.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_DIR="${SLUICE_TOOLS_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sluice/tools}"
INSTALL_DIR="$TOOLS_DIR/kubernetes-models-5.1.0"
if [ ! -d "$INSTALL_DIR/node_modules/kubernetes-models" ]; then
  mkdir -p "$INSTALL_DIR"
  npm install --prefix "$INSTALL_DIR" --no-audit --no-fund --loglevel=error kubernetes-models@5.1.0 js-yaml@4 >&2
fi
rendered="$(mktemp)"
trap 'rm -f "$rendered" "$INSTALL_DIR/check.mjs"' EXIT
kubectl kustomize deploy/k8s >"$rendered"
cat >"$INSTALL_DIR/check.mjs" <<'JS'
import fs from 'fs';
import yaml from 'js-yaml';
let failed = 0;
for (const doc of yaml.loadAll(fs.readFileSync(process.argv[2], 'utf8'))) {
  if (!doc) continue;
  const Model = (await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`))[doc.kind];
  try {
    new Model(doc).validate();
    console.log(`ok   ${doc.apiVersion} ${doc.kind}/${doc.metadata.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${doc.apiVersion} ${doc.kind}/${doc.metadata.name}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
JS
node "$INSTALL_DIR/check.mjs" "$rendered"
