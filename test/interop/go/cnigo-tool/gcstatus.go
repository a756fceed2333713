package main

// gc and status for cnitool compatibility. libcni 1.1.2 (Debian's) has neither GCNetworkList nor
// GetStatusNetworkList: both came with spec 1.1.0 in libcni 1.2. These emulate what cnitool gc/status do on
// libcni ≥ 1.2, using 1.1.2's public pieces (DelNetworkList, InjectConf, pkg/invoke). They are our code, not
// libcni's: an interop result from them says "a Go exec of the plugin", not "Go libcni's GC".

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/version"
)

// cachedAttachment is what libcni ≥ 1.2's GetCachedAttachments reads from an entry.
type cachedAttachment struct {
	Kind           string                 `json:"kind"`
	ContainerID    string                 `json:"containerId"`
	IfName         string                 `json:"ifName"`
	NetworkName    string                 `json:"networkName"`
	NetNS          string                 `json:"netns,omitempty"`
	CniArgs        [][2]string            `json:"cniArgs,omitempty"`
	CapabilityArgs map[string]interface{} `json:"capabilityArgs,omitempty"`
}

// listAttachments reads <cacheDir>/results in sorted order and keeps the entries libcni would list: readable,
// valid JSON, kind cniCacheV1, non-empty ifName and networkName. A missing dir lists nothing.
func listAttachments(cacheDir string) ([]cachedAttachment, error) {
	dir := filepath.Join(cacheDir, "results")
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var out []cachedAttachment
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		var a cachedAttachment
		if json.Unmarshal(data, &a) != nil || a.Kind != libcni.CNICacheV1 || a.IfName == "" || a.NetworkName == "" {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// gcNetworkList does what cnitool gc (GCNetworkList with no valid attachments) does: DEL every cached
// attachment of this network, then, for cniVersion ≥ 1.1.0, send GC to every plugin in order. Errors are
// collected and joined with newlines, as errors.Join does.
func gcNetworkList(ctx context.Context, cni *libcni.CNIConfig, list *libcni.NetworkConfigList, cacheDir string) error {
	atts, err := listAttachments(cacheDir)
	if err != nil {
		return nil // upstream: an attachment-list error makes GC return nil
	}
	var errs []string
	for _, a := range atts {
		if a.NetworkName != list.Name {
			continue
		}
		rt := &libcni.RuntimeConf{ContainerID: a.ContainerID, NetNS: a.NetNS, IfName: a.IfName, Args: a.CniArgs, CapabilityArgs: a.CapabilityArgs}
		if err := cni.DelNetworkList(ctx, list, rt); err != nil {
			errs = append(errs, fmt.Sprintf("failed to delete stale attachment %s %s: %v", a.ContainerID, a.IfName, err))
		}
	}
	if gte, _ := version.GreaterThanOrEqualTo(list.CNIVersion, "1.1.0"); gte {
		for _, p := range list.Plugins {
			if err := execOnPlugin(ctx, cni, list, p, "GC"); err != nil {
				errs = append(errs, fmt.Sprintf("failed to GC plugin %s: %v", p.Network.Type, err))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// statusNetworkList does what GetStatusNetworkList does: nothing below cniVersion 1.1.0, else STATUS to every
// plugin in order, stopping at the first error (returned as is).
func statusNetworkList(ctx context.Context, cni *libcni.CNIConfig, list *libcni.NetworkConfigList) error {
	if gte, _ := version.GreaterThanOrEqualTo(list.CNIVersion, "1.1.0"); !gte {
		return nil
	}
	for _, p := range list.Plugins {
		if err := execOnPlugin(ctx, cni, list, p, "STATUS"); err != nil {
			return err
		}
	}
	return nil
}

// execOnPlugin runs one plugin with a result-less command: stdin is its config with the list's name and
// cniVersion; the env carries CNI_COMMAND and CNI_PATH, the other CNI_* variables empty, as libcni sends them.
func execOnPlugin(ctx context.Context, cni *libcni.CNIConfig, list *libcni.NetworkConfigList, p *libcni.NetworkConfig, command string) error {
	path, err := invoke.FindInPath(p.Network.Type, cni.Path)
	if err != nil {
		return err
	}
	conf, err := libcni.InjectConf(p, map[string]interface{}{"name": list.Name, "cniVersion": list.CNIVersion})
	if err != nil {
		return fmt.Errorf("failed to generate configuration to %s plugin %s: %w", command, p.Network.Type, err)
	}
	args := &invoke.Args{Command: command, Path: strings.Join(cni.Path, string(os.PathListSeparator))}
	return invoke.ExecPluginWithoutResult(ctx, path, conf.Bytes, args, nil)
}
