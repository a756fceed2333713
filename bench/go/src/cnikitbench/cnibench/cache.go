package main

// The cache scenarios: writing one entry the way libcni 1.1.2 does, reading one back through libcni's own
// GetNetworkListCachedResult, and listing a large cache dir the way libcni ≥ 1.2's GetCachedAttachments does.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
	"github.com/containernetworking/cni/pkg/types/create"
)

// cacheInputs returns the list (for its name, version and bytes), the result to cache and the capability args:
// -net's list or the built-in one, -result-file or the built-in result, -cap-args or the built-in port mapping.
func (r *run) cacheInputs() (*libcni.NetworkConfigList, types.Result, map[string]interface{}, error) {
	list := r.list
	if list == nil {
		l, err := libcni.ConfListFromBytes([]byte(sampleConfList))
		if err != nil {
			return nil, nil, nil, err
		}
		list = l
		r.out.Network, r.out.CNIVersion = l.Name, l.CNIVersion
	}
	resBytes := []byte(sampleResult)
	if r.opt.resultFile != "" {
		b, err := os.ReadFile(r.opt.resultFile)
		if err != nil {
			return nil, nil, nil, err
		}
		resBytes = b
	}
	res, err := create.CreateFromBytes(resBytes)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("result: %w", err)
	}
	capText := r.opt.capArgs
	if capText == "" {
		capText = sampleCapArgs
	}
	var capArgs map[string]interface{}
	if err := json.Unmarshal([]byte(capText), &capArgs); err != nil {
		return nil, nil, nil, fmt.Errorf("-cap-args: %w", err)
	}
	return list, res, capArgs, nil
}

// cacheWrite times warmup+n writes of one entry each (a fresh container ID every time, so each is a create, as
// an ADD is): "cacheAdd" is libcni 1.1.2's plain write; with -durable, "cacheAddDurable" is the same work
// ending in a temp file, fsync, rename and directory fsync. The files are removed afterwards, off the clock.
func (r *run) cacheWrite() error {
	list, res, capArgs, err := r.cacheInputs()
	if err != nil {
		return err
	}
	var written []string
	defer func() {
		for _, p := range written {
			_ = os.Remove(p)
		}
	}()
	for i := -r.opt.warmup; i < r.opt.n; i++ {
		rt := &libcni.RuntimeConf{ContainerID: r.containerID(i), IfName: r.opt.ifName, NetNS: r.netnsFor(i), CapabilityArgs: capArgs}
		t0 := time.Now()
		err := goCacheAdd(r.opt.cacheDir, res, list.Bytes, list.Name, rt)
		d := ms(time.Since(t0))
		if p, perr := cachePath(r.opt.cacheDir, list.Name, rt); perr == nil {
			written = append(written, p)
		}
		if err != nil {
			r.fail("cacheAdd "+rt.ContainerID, err)
		} else if i >= 0 {
			r.rec.add("cacheAdd", d)
		}
		if !r.opt.durable {
			continue
		}
		rt.ContainerID += "-durable"
		t0 = time.Now()
		err = durableCacheAdd(r.opt.cacheDir, res, list.Bytes, list.Name, rt)
		d = ms(time.Since(t0))
		if p, perr := cachePath(r.opt.cacheDir, list.Name, rt); perr == nil {
			written = append(written, p)
		}
		if err != nil {
			r.fail("durable cacheAdd "+rt.ContainerID, err)
		} else if i >= 0 {
			r.rec.add("cacheAddDurable", d)
		}
	}
	if len(written) > 0 {
		if st, err := os.Stat(written[0]); err == nil {
			r.out.Extra = map[string]float64{"entryBytes": float64(st.Size())}
		}
	}
	return nil
}

// cacheRead writes one entry, then times warmup+n × libcni's GetNetworkListCachedResult of it
// ("getCachedResult": read, decode, convert to the list's version).
func (r *run) cacheRead() error {
	list, res, capArgs, err := r.cacheInputs()
	if err != nil {
		return err
	}
	rt := &libcni.RuntimeConf{ContainerID: r.opt.cidPrefix + "read", IfName: r.opt.ifName, NetNS: r.netnsFor(0), CapabilityArgs: capArgs}
	if err := goCacheAdd(r.opt.cacheDir, res, list.Bytes, list.Name, rt); err != nil {
		return err
	}
	if p, err := cachePath(r.opt.cacheDir, list.Name, rt); err == nil {
		defer os.Remove(p)
	}
	cfg := libcni.NewCNIConfigWithCacheDir(nil, r.opt.cacheDir, nil)
	for i := -r.opt.warmup; i < r.opt.n; i++ {
		t0 := time.Now()
		got, err := cfg.GetNetworkListCachedResult(list, rt)
		d := ms(time.Since(t0))
		switch {
		case err != nil:
			r.fail("getCachedResult", err)
		case got == nil:
			r.fail("getCachedResult", fmt.Errorf("no cached result for %s", rt.ContainerID))
		case i >= 0:
			r.rec.add("getCachedResult", d)
		}
	}
	return nil
}

// genCache writes -entries entries (libcni 1.1.2's write path) into -cache-dir and keeps them, so a later list
// run, ours or cnikit's, measures a process that did nothing else.
func (r *run) genCache() error {
	if r.tempCache && !r.opt.keep {
		return fmt.Errorf("gen-cache needs -cache-dir (or -keep): a temp dir is removed at exit")
	}
	return r.generate(r.opt.entries)
}

// generate writes count entries named <net>-<cid-prefix><index>-<ifname>; "genMs" goes in extra.
func (r *run) generate(count int) error {
	list, res, capArgs, err := r.cacheInputs()
	if err != nil {
		return err
	}
	start := time.Now()
	for i := 0; i < count; i++ {
		rt := &libcni.RuntimeConf{ContainerID: r.containerID(i), IfName: r.opt.ifName, NetNS: r.netnsFor(i), CapabilityArgs: capArgs}
		if err := goCacheAdd(r.opt.cacheDir, res, list.Bytes, list.Name, rt); err != nil {
			return err
		}
	}
	r.setExtra("genMs", round(ms(time.Since(start))))
	r.setExtra("generated", float64(count))
	return nil
}

// listMode optionally generates -entries entries, then times warmup+n × the GetCachedAttachments rebuild
// ("list"). Extra: "attachments" (found per listing), "allocMiBPerList" (Go heap allocated per listing),
// "heapInuseMiB" after the last listing. maxRssKiB covers the whole process, generation included: for a clean
// peak, generate in a separate gen-cache run.
func (r *run) listMode() error {
	if r.opt.entries > 0 {
		if err := r.generate(r.opt.entries); err != nil {
			return err
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	found := 0
	var allocs uint64
	timed := 0
	for i := -r.opt.warmup; i < r.opt.n; i++ {
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		atts, err := goCachedAttachments(r.opt.cacheDir, r.opt.listCID)
		d := ms(time.Since(t0))
		runtime.ReadMemStats(&after)
		if err != nil {
			r.fail("list", err)
			continue
		}
		found = len(atts)
		if i >= 0 {
			r.rec.add("list", d)
			allocs += after.TotalAlloc - before.TotalAlloc
			timed++
		}
	}
	r.setExtra("attachments", float64(found))
	if timed > 0 {
		r.setExtra("allocMiBPerList", round(float64(allocs)/float64(timed)/(1<<20)))
	}
	r.setExtra("heapInuseMiB", round(float64(after.HeapInuse)/(1<<20)))
	return nil
}

func (r *run) setExtra(k string, v float64) {
	if r.out.Extra == nil {
		r.out.Extra = map[string]float64{}
	}
	r.out.Extra[k] = v
}

// durableCacheAdd does goCacheAdd's work but writes crash-safely: exclusive temp file in the same dir, write,
// fsync, rename over the entry, fsync the dir. It shows what durability costs in Go on this disk.
func durableCacheAdd(cacheDir string, result types.Result, config []byte, netName string, rt *libcni.RuntimeConf) error {
	out, fname, err := encodeCacheAdd(cacheDir, result, config, netName, rt)
	if err != nil {
		return err
	}
	dir := filepath.Dir(fname)
	tmp := fmt.Sprintf("%s.tmp-%d", fname, os.Getpid())
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, fname); err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
