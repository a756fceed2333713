#!/usr/bin/env bash
# Installs what cnikit's demo and tests need on a Debian machine (idempotent), then the npm deps and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v iptables >/dev/null || need+=(iptables)
command -v ip >/dev/null || need+=(iproute2)
command -v go >/dev/null || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/containernetworking/cni/libcni ] || need+=(golang-github-appc-cni-dev)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "setup: need root to install: ${need[*]}" >&2; exit 1; fi
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
# The Go libcni 1.1.2 programs the interop suite and the benchmarks compare against (offline, GOPATH mode).
./scripts/build-go.sh >/dev/null
