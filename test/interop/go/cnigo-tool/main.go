// Command cnigo-tool is a cnitool-compatible CLI on Debian's Go libcni 1.1.2, for the interop suite: Go adds
// what cnikit deletes and deletes what cnikit adds, and reads cnikit's cache through libcni's own API.
//
//	cnigo-tool {add|check|del|gc|status} <net> [<netns>]
//	cnigo-tool version <plugin-type>
//	cnigo-tool cache <net> <containerID> <ifname>
//	cnigo-tool cache-config <net> <containerID> <ifname>
//
// Environment as cnitool's: NETCONFPATH (default /etc/cni/net.d), CNI_PATH, CNI_IFNAME (default eth0),
// CNI_ARGS (K=V;K2=V2), CAP_ARGS (JSON object); and our own CNI_CACHE_DIR (libcni's cache dir, default
// /var/lib/cni) and CNI_CONTAINERID (overrides cnitool's "cnitool-" + hex(sha512(abs netns)[:10])).
// Errors go to stderr as one line and exit 1, as cnitool's do.
package main

import (
	"context"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/containernetworking/cni/libcni"
)

const usage = `cnigo-tool: cnitool on Go libcni 1.1.2
  cnigo-tool add|check|del <net> <netns>
  cnigo-tool gc|status <net> [<netns>]      (emulated: libcni 1.1.2 has no GC or STATUS)
  cnigo-tool version <plugin-type>
  cnigo-tool cache <net> <containerID> <ifname>
  cnigo-tool cache-config <net> <containerID> <ifname>`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s\n", err)
		os.Exit(1)
	}
}

func run(argv []string) error {
	if len(argv) < 2 {
		return fmt.Errorf("%s", usage)
	}
	cmd, net := argv[0], argv[1]
	cni := newCNI()
	ctx := context.Background()

	if cmd == "version" {
		info, err := cni.GetVersionInfo(ctx, net)
		if err != nil {
			return err
		}
		return printJSON(info)
	}

	list, err := libcni.LoadConfList(confDir(), net)
	if err != nil {
		return err
	}

	switch cmd {
	case "add", "check", "del":
		if len(argv) < 3 {
			return fmt.Errorf("%s", usage)
		}
		rt, err := runtimeConf(argv[2])
		if err != nil {
			return err
		}
		switch cmd {
		case "add":
			result, err := cni.AddNetworkList(ctx, list, rt)
			if err != nil {
				return err
			}
			return result.Print()
		case "check":
			return cni.CheckNetworkList(ctx, list, rt)
		default:
			return cni.DelNetworkList(ctx, list, rt)
		}
	case "gc":
		return gcNetworkList(ctx, cni, list, cacheDir())
	case "status":
		return statusNetworkList(ctx, cni, list)
	case "cache", "cache-config":
		if len(argv) < 4 {
			return fmt.Errorf("%s", usage)
		}
		rt := &libcni.RuntimeConf{ContainerID: argv[2], IfName: argv[3]}
		if cmd == "cache" {
			return printCachedResult(cni, list, rt)
		}
		return printCachedConfig(cni, list, rt)
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// newCNI returns libcni's CNIConfig on CNI_PATH, with CNI_CACHE_DIR as its cache dir when set.
func newCNI() *libcni.CNIConfig {
	paths := filepath.SplitList(os.Getenv("CNI_PATH"))
	if dir := os.Getenv("CNI_CACHE_DIR"); dir != "" {
		return libcni.NewCNIConfigWithCacheDir(paths, dir, nil)
	}
	return libcni.NewCNIConfig(paths, nil)
}

// cacheDir is where libcni keeps its cache for this process (for the gc emulation's listing).
func cacheDir() string {
	if dir := os.Getenv("CNI_CACHE_DIR"); dir != "" {
		return dir
	}
	return libcni.CacheDir
}

func confDir() string {
	if dir := os.Getenv("NETCONFPATH"); dir != "" {
		return dir
	}
	return "/etc/cni/net.d"
}

// runtimeConf builds cnitool's RuntimeConf for a netns from the environment.
func runtimeConf(netns string) (*libcni.RuntimeConf, error) {
	abs, err := filepath.Abs(netns)
	if err != nil {
		return nil, err
	}
	rt := &libcni.RuntimeConf{ContainerID: os.Getenv("CNI_CONTAINERID"), NetNS: abs, IfName: os.Getenv("CNI_IFNAME")}
	if rt.ContainerID == "" {
		rt.ContainerID = cnitoolContainerID(abs)
	}
	if rt.IfName == "" {
		rt.IfName = "eth0"
	}
	if s := os.Getenv("CNI_ARGS"); s != "" {
		if rt.Args, err = parseCNIArgs(s); err != nil {
			return nil, err
		}
	}
	if s := os.Getenv("CAP_ARGS"); s != "" {
		if err := json.Unmarshal([]byte(s), &rt.CapabilityArgs); err != nil {
			return nil, err
		}
	}
	return rt, nil
}

// cnitoolContainerID is cnitool's ID for a netns: "cnitool-" and the first 10 bytes of sha512(path) in hex.
func cnitoolContainerID(absNetns string) string {
	sum := sha512.Sum512([]byte(absNetns))
	return fmt.Sprintf("cnitool-%x", sum[:10])
}

// parseCNIArgs parses K=V;K2=V2 as cnitool does: each pair needs a non-empty key and value.
func parseCNIArgs(s string) ([][2]string, error) {
	var out [][2]string
	for _, pair := range strings.Split(s, ";") {
		kv := strings.Split(pair, "=")
		if len(kv) != 2 || kv[0] == "" || kv[1] == "" {
			return nil, fmt.Errorf("invalid CNI_ARGS pair %q", pair)
		}
		out = append(out, [2]string{kv[0], kv[1]})
	}
	return out, nil
}

// printCachedResult prints libcni's GetNetworkListCachedResult as the result's own JSON (4-space indent, as
// add prints), or "null" when libcni finds no entry.
func printCachedResult(cni *libcni.CNIConfig, list *libcni.NetworkConfigList, rt *libcni.RuntimeConf) error {
	result, err := cni.GetNetworkListCachedResult(list, rt)
	if err != nil {
		return err
	}
	if result == nil {
		_, err := os.Stdout.WriteString("null")
		return err
	}
	return result.Print()
}

// printCachedConfig prints libcni's GetNetworkListCachedConfig: the cached config (parsed when it is JSON)
// and the runtime args libcni restores from the entry, or "null" when there is no entry.
func printCachedConfig(cni *libcni.CNIConfig, list *libcni.NetworkConfigList, rt *libcni.RuntimeConf) error {
	conf, newRt, err := cni.GetNetworkListCachedConfig(list, rt)
	if err != nil {
		return err
	}
	if newRt == nil {
		_, err := os.Stdout.WriteString("null")
		return err
	}
	var confValue interface{} = string(conf)
	var parsed interface{}
	if json.Unmarshal(conf, &parsed) == nil {
		confValue = parsed
	}
	return printJSON(map[string]interface{}{
		"config":         confValue,
		"containerId":    newRt.ContainerID,
		"ifName":         newRt.IfName,
		"cniArgs":        newRt.Args,
		"capabilityArgs": newRt.CapabilityArgs,
	})
}

func printJSON(v interface{}) error {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(data)
	return err
}
