package main

// Built-in inputs for the cache modes when no -net / -result-file is given: the shape and size of a real
// bridge + host-local + portmap + firewall + tuning attachment (an entry of about 1.5 KB, as measured on
// Debian's plugins), so cache timings are not flattered by a toy entry.

const sampleConfList = `{
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
}`

const sampleResult = `{
  "cniVersion": "1.0.0",
  "interfaces": [
    { "name": "cnibench0", "mac": "6a:1c:3e:7d:21:0f" },
    { "name": "veth5d3c2a1b", "mac": "b2:44:90:12:ab:cd" },
    { "name": "eth0", "mac": "de:ad:be:ef:00:01", "sandbox": "/var/run/netns/cnibench-0001" }
  ],
  "ips": [{ "interface": 2, "address": "10.222.0.17/24", "gateway": "10.222.0.1" }],
  "routes": [{ "dst": "0.0.0.0/0", "gw": "10.222.0.1" }],
  "dns": {}
}`

const sampleCapArgs = `{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}`
