package main

// The attachment scenarios: N sequential ADD+DEL cycles, and many attachments at once.

import (
	"fmt"
	"sync"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"
)

// cycle runs warmup+n × (AddNetworkList, DelNetworkList), each with a fresh container ID, and records
// "add", "del" and "cycle" (ms). A failed ADD is still followed by a DEL (the spec makes the runtime clean
// up); a cycle with any failure records no "cycle" sample.
func (r *run) cycle() error {
	var te *timedExec
	if r.opt.perPlugin {
		te = newTimedExec(r.rec)
	}
	cfg := r.cniConfig(te)
	for i := -r.opt.warmup; i < r.opt.n; i++ {
		rt, err := r.runtimeConf(i)
		if err != nil {
			return err
		}
		timed := i >= 0
		te.setEnabled(timed)

		t0 := time.Now()
		_, addErr := cfg.AddNetworkList(r.ctx, r.list, rt)
		t1 := time.Now()
		delErr := cfg.DelNetworkList(r.ctx, r.list, rt)
		t2 := time.Now()

		if addErr != nil {
			r.fail(fmt.Sprintf("add %s", rt.ContainerID), addErr)
		} else if timed {
			r.rec.add("add", ms(t1.Sub(t0)))
		}
		if delErr != nil {
			r.fail(fmt.Sprintf("del %s", rt.ContainerID), delErr)
		} else if timed {
			r.rec.add("del", ms(t2.Sub(t1)))
		}
		if addErr == nil && delErr == nil && timed {
			r.rec.add("cycle", ms(t2.Sub(t0)))
		}
	}
	return nil
}

// concurrent ADDs -total attachments, -concurrency at a time, then DELs all of them the same way. It records
// per-operation "add" and "del" (ms) and, in extra, each phase's wall time ("addWallMs", "delWallMs",
// "totalWallMs") and the IP addresses handed out ("ips", "distinctIps").
func (r *run) concurrent() error {
	var te *timedExec
	if r.opt.perPlugin {
		te = newTimedExec(r.rec)
	}
	te.setEnabled(true)
	cfg := r.cniConfig(te)
	total := r.opt.total

	rts := make([]*libcni.RuntimeConf, total)
	for i := range rts {
		rt, err := r.runtimeConf(i)
		if err != nil {
			return err
		}
		rts[i] = rt
	}

	var mu sync.Mutex
	var ips []string
	addWall := r.phase(total, func(i int) {
		t0 := time.Now()
		res, err := cfg.AddNetworkList(r.ctx, r.list, rts[i])
		d := ms(time.Since(t0))
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			r.fail(fmt.Sprintf("add %s", rts[i].ContainerID), err)
			return
		}
		r.rec.add("add", d)
		ips = append(ips, resultIPs(res)...)
	})
	delWall := r.phase(total, func(i int) {
		t0 := time.Now()
		err := cfg.DelNetworkList(r.ctx, r.list, rts[i])
		d := ms(time.Since(t0))
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			r.fail(fmt.Sprintf("del %s", rts[i].ContainerID), err)
			return
		}
		r.rec.add("del", d)
	})

	distinct := map[string]bool{}
	for _, ip := range ips {
		distinct[ip] = true
	}
	r.out.Extra = map[string]float64{
		"addWallMs":   round(addWall),
		"delWallMs":   round(delWall),
		"totalWallMs": round(addWall + delWall),
		"ips":         float64(len(ips)),
		"distinctIps": float64(len(distinct)),
	}
	return nil
}

// phase runs op(0..total-1) with at most -concurrency in flight and returns the wall time (ms).
func (r *run) phase(total int, op func(i int)) float64 {
	sem := make(chan struct{}, r.opt.concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < total; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			op(i)
		}(i)
	}
	wg.Wait()
	return ms(time.Since(start))
}

// resultIPs returns the addresses in a result (any version libcni can convert to 1.0.0).
func resultIPs(res types.Result) []string {
	if res == nil {
		return nil
	}
	cur, err := types100.NewResultFromResult(res)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(cur.IPs))
	for _, ip := range cur.IPs {
		out = append(out, ip.Address.IP.String())
	}
	return out
}
