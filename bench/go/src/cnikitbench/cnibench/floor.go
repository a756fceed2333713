package main

// -mode exec: the plugin-exec floor. Each plugin of the list is exec'd directly (os/exec, CNI_* env, stdin),
// without libcni, so cycle minus floor is the library's own overhead. Only the exec is timed; building each
// stdin (name, cniVersion, runtimeConfig, the previous plugin's result as prevResult) happens outside the clock.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/invoke"
)

// execFloor runs warmup+n × (ADD of each plugin in order, DEL of each in reverse) and records "exec:add",
// "exec:del" and "exec:cycle" (sums over the plugins) and, for lists of more than one plugin,
// "exec:<type>:add" / "exec:<type>:del".
func (r *run) execFloor() error {
	paths := filepath.SplitList(r.opt.pluginPath)
	bins := make([]string, len(r.list.Plugins))
	for k, p := range r.list.Plugins {
		bin, err := invoke.FindInPath(p.Network.Type, paths) // libcni's lookup, outside the clock
		if err != nil {
			return err
		}
		bins[k] = bin
	}
	per := len(r.list.Plugins) > 1
	for i := -r.opt.warmup; i < r.opt.n; i++ {
		rt, err := r.runtimeConf(i)
		if err != nil {
			return err
		}
		timed := i >= 0
		var prev json.RawMessage
		var addSum, delSum float64
		ok := true
		for k, p := range r.list.Plugins {
			stdin, err := r.pluginStdin(p, rt, prev)
			if err != nil {
				return err
			}
			out, d, err := execPlugin(bins[k], "ADD", rt, r.opt.pluginPath, stdin)
			if err != nil {
				r.fail(fmt.Sprintf("exec add %s %s", p.Network.Type, rt.ContainerID), err)
				ok = false
				break
			}
			prev = out
			addSum += d
			if timed && per {
				r.rec.add("exec:"+p.Network.Type+":add", d)
			}
		}
		for k := len(r.list.Plugins) - 1; k >= 0; k-- {
			p := r.list.Plugins[k]
			stdin, err := r.pluginStdin(p, rt, prev)
			if err != nil {
				return err
			}
			_, d, err := execPlugin(bins[k], "DEL", rt, r.opt.pluginPath, stdin)
			if err != nil {
				r.fail(fmt.Sprintf("exec del %s %s", p.Network.Type, rt.ContainerID), err)
				ok = false
				continue
			}
			delSum += d
			if timed && per {
				r.rec.add("exec:"+p.Network.Type+":del", d)
			}
		}
		if timed && ok {
			r.rec.add("exec:add", addSum)
			r.rec.add("exec:del", delSum)
			r.rec.add("exec:cycle", addSum+delSum)
		}
	}
	return nil
}

// pluginStdin builds the stdin libcni would send: the plugin's config with the list's name and cniVersion,
// prevResult when there is one, and runtimeConfig for the capabilities the plugin declares.
func (r *run) pluginStdin(p *libcni.NetworkConfig, rt *libcni.RuntimeConf, prev json.RawMessage) ([]byte, error) {
	inject := map[string]interface{}{"name": r.list.Name, "cniVersion": r.list.CNIVersion}
	if prev != nil {
		inject["prevResult"] = prev
	}
	rc := map[string]interface{}{}
	for capName, on := range p.Network.Capabilities {
		if v, has := rt.CapabilityArgs[capName]; on && has {
			rc[capName] = v
		}
	}
	if len(rc) > 0 {
		inject["runtimeConfig"] = rc
	}
	conf, err := libcni.InjectConf(p, inject)
	if err != nil {
		return nil, err
	}
	return conf.Bytes, nil
}

// execPlugin execs one plugin with the CNI_* environment and returns its stdout and the exec's wall time (ms).
func execPlugin(bin, command string, rt *libcni.RuntimeConf, cniPath string, stdin []byte) ([]byte, float64, error) {
	var args []string
	for _, kv := range rt.Args {
		args = append(args, kv[0]+"="+kv[1])
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"CNI_COMMAND="+command,
		"CNI_CONTAINERID="+rt.ContainerID,
		"CNI_NETNS="+rt.NetNS,
		"CNI_IFNAME="+rt.IfName,
		"CNI_ARGS="+strings.Join(args, ";"),
		"CNI_PATH="+cniPath,
	)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	d := ms(time.Since(start))
	if err != nil {
		return nil, d, fmt.Errorf("%s %s: %v: %s%s", bin, command, err, strings.TrimSpace(stdout.String()), strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), d, nil
}
