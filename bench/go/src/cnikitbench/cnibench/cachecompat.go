package main

// Go libcni's cache write and attachment listing, rebuilt step for step so they can be timed on their own.
// libcni 1.1.2's cacheAdd is unexported, and GetCachedAttachments first appeared in libcni 1.2.0 (it is not in
// Debian's 1.1.2). This file is our own code; it performs the same system calls and JSON work in the same
// order, as described in /work/shared/reference/upstream-libcni.md §1.9 and §2.2–2.3. Reads of one entry
// use the real libcni API (GetNetworkListCachedResult), not this file.

import (
	"encoding/json"
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
)

// cacheEntry112 has the shape, field order and JSON tags of libcni 1.1.2's cachedInfo (no netns key yet).
type cacheEntry112 struct {
	Kind           string                 `json:"kind"`
	ContainerID    string                 `json:"containerId"`
	Config         []byte                 `json:"config"`
	IfName         string                 `json:"ifName"`
	NetworkName    string                 `json:"networkName"`
	CniArgs        [][2]string            `json:"cniArgs,omitempty"`
	CapabilityArgs map[string]interface{} `json:"capabilityArgs,omitempty"`
	RawResult      map[string]interface{} `json:"result,omitempty"`
}

// cacheEntryListed has the shape of libcni ≥ 1.2's cachedInfo, which GetCachedAttachments decodes into
// (the result is decoded into a map too, so that cost is part of the listing).
type cacheEntryListed struct {
	Kind           string                 `json:"kind"`
	ContainerID    string                 `json:"containerId"`
	Config         []byte                 `json:"config"`
	IfName         string                 `json:"ifName"`
	NetworkName    string                 `json:"networkName"`
	NetNS          string                 `json:"netns,omitempty"`
	CniArgs        [][2]string            `json:"cniArgs,omitempty"`
	CapabilityArgs map[string]interface{} `json:"capabilityArgs,omitempty"`
	RawResult      map[string]interface{} `json:"result,omitempty"`
}

// attachment is one listed cache entry, with the fields of libcni's NetworkAttachment.
type attachment struct {
	ContainerID    string
	Network        string
	IfName         string
	Config         []byte
	NetNS          string
	CniArgs        [][2]string
	CapabilityArgs map[string]interface{}
}

// cachePath is libcni's entry path: <cacheDir>/results/<net>-<containerID>-<ifName>.
func cachePath(cacheDir, netName string, rt *libcni.RuntimeConf) (string, error) {
	if netName == "" || rt.ContainerID == "" || rt.IfName == "" {
		return "", fmt.Errorf("cache file path requires network name (%q), container ID (%q), and interface name (%q)", netName, rt.ContainerID, rt.IfName)
	}
	return filepath.Join(cacheDir, "results", netName+"-"+rt.ContainerID+"-"+rt.IfName), nil
}

// encodeCacheAdd is libcni 1.1.2 cacheAdd's preparation: marshal the result, unmarshal it into a map, marshal the
// entry, MkdirAll(0700) the results dir. It returns the entry's bytes and its path.
func encodeCacheAdd(cacheDir string, result types.Result, config []byte, netName string, rt *libcni.RuntimeConf) ([]byte, string, error) {
	entry := cacheEntry112{
		Kind:           libcni.CNICacheV1,
		ContainerID:    rt.ContainerID,
		Config:         config,
		IfName:         rt.IfName,
		NetworkName:    netName,
		CniArgs:        rt.Args,
		CapabilityArgs: rt.CapabilityArgs,
	}
	data, err := json.Marshal(result)
	if err != nil {
		return nil, "", err
	}
	if err := json.Unmarshal(data, &entry.RawResult); err != nil {
		return nil, "", err
	}
	out, err := json.Marshal(&entry)
	if err != nil {
		return nil, "", err
	}
	fname, err := cachePath(cacheDir, netName, rt)
	if err != nil {
		return nil, "", err
	}
	if err := os.MkdirAll(filepath.Dir(fname), 0o700); err != nil {
		return nil, "", err
	}
	return out, fname, nil
}

// goCacheAdd writes one entry exactly as libcni 1.1.2's cacheAdd does: encodeCacheAdd, then a plain truncating
// write (0600) with no fsync and no rename.
func goCacheAdd(cacheDir string, result types.Result, config []byte, netName string, rt *libcni.RuntimeConf) error {
	out, fname, err := encodeCacheAdd(cacheDir, result, config, netName, rt)
	if err != nil {
		return err
	}
	return ioutil.WriteFile(fname, out, 0o600)
}

// goCachedAttachments lists entries as libcni ≥ 1.2's GetCachedAttachments(containerID) does: read the results
// dir (missing dir: none), sort the names, keep names holding "-<cid>-" past position 0 when a cid is given,
// then skip unreadable files, bad JSON, kind != cniCacheV1, another container's entry, and empty
// ifName/networkName.
func goCachedAttachments(cacheDir, containerID string) ([]*attachment, error) {
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

	found := []*attachment{}
	for _, name := range names {
		if containerID != "" {
			part := "-" + containerID + "-"
			pos := strings.Index(name, part)
			if pos <= 0 || pos+len(part) >= len(name) {
				continue
			}
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		var e cacheEntryListed
		if err := json.Unmarshal(data, &e); err != nil {
			continue
		}
		if e.Kind != libcni.CNICacheV1 {
			continue
		}
		if containerID != "" && e.ContainerID != containerID {
			continue
		}
		if e.IfName == "" || e.NetworkName == "" {
			continue
		}
		found = append(found, &attachment{
			ContainerID:    e.ContainerID,
			Network:        e.NetworkName,
			IfName:         e.IfName,
			Config:         e.Config,
			NetNS:          e.NetNS,
			CniArgs:        e.CniArgs,
			CapabilityArgs: e.CapabilityArgs,
		})
	}
	return found, nil
}
