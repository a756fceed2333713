// Command cnigo-noop is a CNI plugin that does nothing but answer, built on Go libcni 1.1.2's skel: the Go
// side of the plugin start-up comparison (cnikit-noop against it). ADD prints prevResult when there is one,
// else an empty result; CHECK, DEL, GC and STATUS succeed silently; VERSION reports 0.1.0–1.1.0.
package main

import (
	"encoding/json"
	"io"
	"os"

	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"
	"github.com/containernetworking/cni/pkg/version"
)

// spec110 is newer than libcni 1.1.2's types, which cannot convert to it. Its result JSON is 1.0.0's plus
// optional fields, so a noop can answer it by writing the JSON itself; claiming it lets cnikit-noop and this
// plugin be timed with the very same config.
const spec110 = "1.1.0"

var supported = version.PluginSupports("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", spec110)

func main() {
	switch os.Getenv("CNI_COMMAND") {
	case "GC", "STATUS":
		// libcni 1.1.2's skel predates spec 1.1.0 and would answer "unknown CNI_COMMAND"; a plugin with
		// nothing to collect and nothing to be unhealthy about succeeds with no output. Stdin is drained so a
		// runtime writing it never sees EPIPE.
		_, _ = io.Copy(io.Discard, os.Stdin)
		return
	}
	skel.PluginMain(cmdAdd, cmdNothing, cmdNothing, supported, "cnigo-noop: a CNI plugin that does nothing (Go, libcni 1.1.2 skel)")
}

// cmdAdd passes prevResult through, or answers an empty result, in the config's cniVersion.
func cmdAdd(args *skel.CmdArgs) error {
	conf := types.NetConf{}
	if err := json.Unmarshal(args.StdinData, &conf); err != nil {
		return err
	}
	if conf.CNIVersion == spec110 {
		var out interface{} = &types100.Result{CNIVersion: spec110}
		if conf.RawPrevResult != nil {
			conf.RawPrevResult["cniVersion"] = spec110
			out = conf.RawPrevResult
		}
		data, err := json.MarshalIndent(out, "", "    ")
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(data)
		return err
	}
	if conf.RawPrevResult != nil {
		if err := version.ParsePrevResult(&conf); err != nil {
			return err
		}
		return types.PrintResult(conf.PrevResult, conf.CNIVersion)
	}
	return types.PrintResult(&types100.Result{CNIVersion: types100.ImplementedSpecVersion}, conf.CNIVersion)
}

func cmdNothing(_ *skel.CmdArgs) error {
	return nil
}
