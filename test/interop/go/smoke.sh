#!/usr/bin/env bash
# Proves cnigo-tool (Go libcni 1.1.2) works on this machine with Debian's plugins, on a real network stack that
# is not the machine's: a private "host" netns with container netns beside it, a temp conf, cache and IPAM dir.
# Each check reads the kernel or the disk (ip, iptables-save, files), not the tool's exit code alone.
# Needs root. Removes everything it made, also on failure.
#
#   test/interop/go/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
[ "$(id -u)" -eq 0 ] || { echo "smoke: needs root (network namespaces)" >&2; exit 1; }

tool=$(scripts/build-go.sh | grep '/cnigo-tool$')
bindir=$(dirname "$tool")
tag="cnigo$$"
host="$tag-host"
ctr="$tag-c1"
tmp=$(mktemp -d "/tmp/$tag.XXXXXX")
passed=0

cleanup() {
  ip netns del "$ctr" 2>/dev/null || true
  ip netns del "$host" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

check() { # check <description> <command...>: the command must succeed
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "smoke: FAILED: $what" >&2
    exit 1
  fi
}

mkdir -p "$tmp/conf" "$tmp/cache" "$tmp/ipam"
cat >"$tmp/conf/10-lo.conflist" <<'EOF'
{"cniVersion":"1.0.0","name":"trivial-lo","plugins":[{"type":"loopback"}]}
EOF
cat >"$tmp/conf/11-noop.conflist" <<'EOF'
{"cniVersion":"1.0.0","name":"trivial-gonoop","plugins":[{"type":"cnigo-noop"}]}
EOF
cat >"$tmp/conf/20-bridge.conflist" <<EOF
{"cniVersion":"1.0.0","name":"realnet","plugins":[
 {"type":"bridge","bridge":"cnigo0","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","ranges":[[{"subnet":"10.223.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"$tmp/ipam"}},
 {"type":"portmap","capabilities":{"portMappings":true},"snat":true},
 {"type":"firewall","backend":"iptables"},
 {"type":"tuning","sysctl":{"net.core.somaxconn":"512"}}]}
EOF

ip netns add "$host"
ip netns add "$ctr"
ip netns exec "$host" ip link set lo up

export NETCONFPATH="$tmp/conf" CNI_PATH="$bindir:/usr/lib/cni" CNI_CACHE_DIR="$tmp/cache"
in_host() { ip netns exec "$host" "$@"; }
netns="/run/netns/$ctr"
cid="cnitool-$(printf '%s' "$netns" | sha512sum | cut -c1-20)"

# version: libcni's GetVersionInfo of a Debian plugin and of our Go noop.
check "version bridge" sh -c "'$tool' version bridge | grep -q '\"1.0.0\"'"
check "version cnigo-noop" sh -c "'$tool' version cnigo-noop | grep -q '\"supportedVersions\"'"

# loopback: add brings lo up in the container, the cache entry is cnitool's name, del removes it.
in_host "$tool" add trivial-lo "$netns" >"$tmp/lo.json"
check "loopback add: lo is UP with 127.0.0.1" sh -c "ip netns exec '$ctr' ip -br addr show lo | grep -q 'UNKNOWN.*127.0.0.1/8'"
check "loopback add: cache entry named with cnitool's container ID" test -s "$tmp/cache/results/trivial-lo-$cid-eth0"
check "loopback add: result printed" grep -q '"127.0.0.1/8"' "$tmp/lo.json"
check "loopback check" in_host "$tool" check trivial-lo "$netns"
check "cache: libcni reads the entry back" sh -c "'$tool' cache trivial-lo '$cid' eth0 | grep -q '127.0.0.1/8'"
check "cache-config: libcni restores the config" sh -c "'$tool' cache-config trivial-lo '$cid' eth0 | grep -q '\"loopback\"'"
in_host "$tool" del trivial-lo "$netns"
check "loopback del: cache entry gone" test ! -e "$tmp/cache/results/trivial-lo-$cid-eth0"
check "loopback del: lo is DOWN" sh -c "ip netns exec '$ctr' ip -br link show lo | grep -q DOWN"

# The realistic chain. libcni 1.1.2 does not restore capability args from the cache on DEL: pass CAP_ARGS to
# both (without it portmap 1.1.1's DEL does nothing and its DNAT chain leaks).
export CAP_ARGS='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}'
export CNI_CONTAINERID=smoke-0001
in_host "$tool" add realnet "$netns" >"$tmp/real.json"
ip=$(grep -o '"10\.223\.0\.[0-9]*/24"' "$tmp/real.json" | tr -d '"' | cut -d/ -f1)
check "bridge add: an IP in the result" test -n "$ip"
check "bridge add: eth0 in the container holds it" sh -c "ip netns exec '$ctr' ip -br addr show eth0 | grep -q '$ip/24'"
check "bridge add: host-local reservation" grep -q smoke-0001 "$tmp/ipam/realnet/$ip"
check "bridge add: a veth on cnigo0" sh -c "ip netns exec '$host' ip -br link show master cnigo0 | grep -q veth"
check "bridge add: iptables rules for the container" sh -c "ip netns exec '$host' iptables-save | grep -q 'id: .*smoke-0001'"
check "bridge add: cache entry" test -s "$tmp/cache/results/realnet-smoke-0001-eth0"
in_host "$tool" del realnet "$netns"
check "bridge del: no iptables rule left for the container" sh -c "! ip netns exec '$host' iptables-save | grep -q -e 'smoke-0001' -e '$ip/32' -e 'CNI-DN-'"
check "bridge del: reservation released" test ! -e "$tmp/ipam/realnet/$ip"
check "bridge del: veth gone" sh -c "[ -z \"\$(ip netns exec '$host' ip -br link show master cnigo0)\" ]"
check "bridge del: eth0 gone" sh -c "! ip netns exec '$ctr' ip link show eth0 2>/dev/null"
check "bridge del: cache entry gone" test ! -e "$tmp/cache/results/realnet-smoke-0001-eth0"
unset CAP_ARGS CNI_CONTAINERID

# The Go noop plugin through libcni, every command libcni 1.1.2 has, plus the gc/status emulation.
check "noop add" sh -c "'$tool' add trivial-gonoop /run/netns/none | grep -q '\"cniVersion\": \"1.0.0\"'"
check "noop check" "$tool" check trivial-gonoop /run/netns/none
check "gc (emulated) deletes the cached attachment" sh -c "'$tool' gc trivial-gonoop && [ -z \"\$(ls '$tmp/cache/results')\" ]"
check "status (emulated)" "$tool" status trivial-gonoop

# Errors: one line on stderr, exit 1, upstream's wording.
printf '' >"$tmp/cache/results/trivial-gonoop-zero-eth0"
check "a 0-byte cache entry blocks Go's DEL (libcni 1.1.2)" sh -c "! CNI_CONTAINERID=zero '$tool' del trivial-gonoop /x 2>'$tmp/err' && grep -qx 'failed to get network \"trivial-gonoop\" cached result: decoding version from network config: unexpected end of JSON input' '$tmp/err'"
check "bad CNI_ARGS" sh -c "! CNI_ARGS=bad '$tool' add trivial-gonoop /x 2>'$tmp/err' && grep -qx 'invalid CNI_ARGS pair \"bad\"' '$tmp/err'"

echo "cnigo-tool smoke: $passed checks passed"
