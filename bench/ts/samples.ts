// The built-in inputs of the cache modes, byte for byte cnibench's samples.go: a realistic bridge chain and the
// 1.0.0 result it produces (an entry of about 1.4 KB), so neither harness is flattered by a toy entry.

/** The list whose bytes go into every cached entry when no -net is given. */
export const SAMPLE_CONF_LIST = `{
  "cniVersion": "1.0.0",
  "name": "benchnet",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cnibench0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "10.222.0.0/24" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "/tmp/cnibench/ipam"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true }, "snat": true },
    { "type": "firewall", "backend": "iptables" },
    { "type": "tuning", "sysctl": { "net.core.somaxconn": "512" } }
  ]
}`;

/** The result cached when no -result-file is given. */
export const SAMPLE_RESULT = `{
  "cniVersion": "1.0.0",
  "interfaces": [
    { "name": "cnibench0", "mac": "6a:1c:3e:7d:21:0f" },
    { "name": "veth5d3c2a1b", "mac": "b2:44:90:12:ab:cd" },
    { "name": "eth0", "mac": "de:ad:be:ef:00:01", "sandbox": "/var/run/netns/cnibench-0001" }
  ],
  "ips": [{ "interface": 2, "address": "10.222.0.17/24", "gateway": "10.222.0.1" }],
  "routes": [{ "dst": "0.0.0.0/0", "gw": "10.222.0.1" }],
  "dns": {}
}`;

/** The capability args cached when no -cap-args is given. */
export const SAMPLE_CAP_ARGS = '{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}';
