#!/usr/bin/env bash
# Builds the Go side of the benchmarks and the interop suite, offline, against Debian's libcni 1.1.2
# (golang-go + golang-github-appc-cni-dev, which scripts/setup.sh installs). GOPATH mode: the sources in
# bench/go/src and test/interop/go are linked into a private GOPATH (bench/go/.gopath), libcni comes from
# /usr/share/gocode. Binaries go to bench/go/bin/. Skips the build when every binary is newer than every source.
#
#   scripts/build-go.sh           build if stale, print the binaries' paths
#   scripts/build-go.sh --force   rebuild
#   scripts/build-go.sh --test    also run go vet and the Go unit tests
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

force=0
test=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --test) test=1 ;;
    *) echo "build-go: unknown argument $arg (use --force, --test)" >&2; exit 2 ;;
  esac
done

gocode=/usr/share/gocode
if ! command -v go >/dev/null; then
  echo "build-go: go not found; install it: apt-get install golang-go" >&2
  exit 1
fi
if [ ! -d "$gocode/src/github.com/containernetworking/cni/libcni" ]; then
  echo "build-go: libcni not found under $gocode; install it: apt-get install golang-github-appc-cni-dev" >&2
  exit 1
fi

bin="$root/bench/go/bin"
gopath="$root/bench/go/.gopath"
# name=import path; the import path's first element is a link in the private GOPATH (below).
targets=(
  "cnibench=cnikitbench/cnibench"
  "cnigo-noop=cnikitbench/cnigo-noop"
  "cnigo-tool=cnikitinterop/cnigo-tool"
)

export GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0
export GOPATH="$gopath:$gocode"
export GOCACHE="$gopath/cache"
mkdir -p "$bin" "$gopath/src"
# Relative links, so a moved checkout still builds.
ln -sfn ../../src/cnikitbench "$gopath/src/cnikitbench"
ln -sfn ../../../../test/interop/go "$gopath/src/cnikitinterop"

stale=$force
if [ "$stale" -eq 0 ]; then
  for t in "${targets[@]}"; do
    out="$bin/${t%%=*}"
    if [ ! -x "$out" ] || [ -n "$(find bench/go/src test/interop/go scripts/build-go.sh -newer "$out" \( -name '*.go' -o -name build-go.sh \) | head -n 1)" ]; then
      stale=1
      break
    fi
  done
fi

if [ "$stale" -eq 1 ]; then
  libcni_dir=$(go list -f '{{.Dir}}' github.com/containernetworking/cni/libcni)
  libcni_version=$(dpkg-query -W -f='${Version}' golang-github-appc-cni-dev 2>/dev/null || echo unknown)
  echo "build-go: $(go version | cut -d' ' -f3), libcni $libcni_version from $libcni_dir" >&2
  for t in "${targets[@]}"; do
    name=${t%%=*}
    pkg=${t#*=}
    go build -o "$bin/$name" -ldflags "-X main.libcniVersion=$libcni_version" "$pkg"
  done
else
  echo "build-go: up to date (--force rebuilds)" >&2
fi

if [ "$test" -eq 1 ]; then
  pkgs=()
  for t in "${targets[@]}"; do pkgs+=("${t#*=}"); done
  go vet "${pkgs[@]}"
  go test -count=1 "${pkgs[@]}"
fi

for t in "${targets[@]}"; do
  echo "$bin/${t%%=*}"
done
