#!/usr/bin/env bash
# A short pass of every cnibench mode (CI may run it; it never asserts a time): builds the Go side, runs each
# mode with small counts inside a private "host" netns, and checks each JSON has no failures. Needs root.
# Removes everything it made, also on failure.
#
#   bench/go/smoke.sh            small counts
#   N=200 bench/go/smoke.sh      more cycles on the trivial chains (the figures are printed)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "smoke: needs root (network namespaces)" >&2; exit 1; }

n=${N:-20}
bench=$(scripts/build-go.sh | grep '/cnibench$')
bindir=$(dirname "$bench")
tag="cnib$$"
host="$tag-host"
tmp=$(mktemp -d "/tmp/$tag.XXXXXX")
conc=4
total=8

cleanup() {
  for i in $(seq 0 $((total - 1))); do ip netns del "$tag-b$i" 2>/dev/null || true; done
  ip netns del "$tag-c" 2>/dev/null || true
  ip netns del "$host" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/conf" "$tmp/ipam"
cat >"$tmp/conf/10-lo.conflist" <<'EOF'
{"cniVersion":"1.0.0","name":"trivial-lo","plugins":[{"type":"loopback"}]}
EOF
cat >"$tmp/conf/11-noop.conflist" <<'EOF'
{"cniVersion":"1.0.0","name":"trivial-gonoop","plugins":[{"type":"cnigo-noop"}]}
EOF
cat >"$tmp/conf/20-bridge.conflist" <<EOF
{"cniVersion":"1.0.0","name":"realnet","plugins":[
 {"type":"bridge","bridge":"cnib0","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","ranges":[[{"subnet":"10.224.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"$tmp/ipam"}},
 {"type":"portmap","capabilities":{"portMappings":true},"snat":true},
 {"type":"firewall","backend":"iptables"},
 {"type":"tuning","sysctl":{"net.core.somaxconn":"512"}}]}
EOF
ip netns add "$host"
ip netns exec "$host" ip link set lo up
ip netns add "$tag-c"
for i in $(seq 0 $((total - 1))); do ip netns add "$tag-b$i"; done

caps='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}'
common=(-conf-dir "$tmp/conf" -plugin-path "$bindir:/usr/lib/cni")

# run <label> <cnibench flags...>: run in the host netns, fail on failures, print the medians and p99s.
run() {
  local label=$1
  shift
  local out="$tmp/$label.json"
  if ! ip netns exec "$host" "$bench" "$@" >"$out"; then
    echo "smoke: FAILED: $label" >&2
    cat "$out" >&2
    exit 1
  fi
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (r.failures !== 0) { console.error(r.errors); process.exit(1); }
    const m = Object.entries(r.metrics).map(([k, s]) => `${k} ${s.median}/${s.p99}`).join(", ");
    const x = r.extra ? " " + JSON.stringify(r.extra) : "";
    console.log(`${process.argv[2].padEnd(16)} ${m}${x}`);
  ' "$out" "$label"
}

echo "cnibench smoke (ms, median/p99), $("$bench" -mode cache-read -n 1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.goVersion+", libcni "+r.libcni)})')"
run cycle-lo -mode cycle "${common[@]}" -net trivial-lo -netns "/run/netns/$tag-c" -n "$n"
run cycle-gonoop -mode cycle "${common[@]}" -net trivial-gonoop -netns "/run/netns/$tag-c" -n "$n" -perplugin
run exec-lo -mode exec "${common[@]}" -net trivial-lo -netns "/run/netns/$tag-c" -n "$n"
run cycle-realnet -mode cycle "${common[@]}" -net realnet -netns "/run/netns/$tag-c" -n 2 -cap-args "$caps" -perplugin
run concurrent -mode concurrent "${common[@]}" -net realnet -netns "/run/netns/$tag-b%d" -total "$total" -concurrency "$conc" -cap-args "$caps"
run cache-write -mode cache-write -n "$n" -durable
run cache-read -mode cache-read -n "$n"
run list -mode list -entries 200 -n 3

leftover=$(ip netns exec "$host" iptables-save | grep -c -e 'CNI-DN-' -e '/32 ' || true)
[ "$leftover" -eq 0 ] || { echo "smoke: $leftover iptables rules left behind" >&2; exit 1; }
[ -z "$(ls "$tmp/ipam/realnet" | grep -v -e lock -e last_reserved)" ] || { echo "smoke: IPAM reservations left behind" >&2; exit 1; }
echo "cnibench smoke: 8 modes ran, no failures, nothing left behind"
