package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types/create"
)

func TestSummarizeOddEvenAndNearestRank(t *testing.T) {
	odd := summarize([]float64{5, 1, 3})
	if odd.N != 3 || odd.Min != 1 || odd.Median != 3 || odd.Max != 5 || odd.Mean != 3 {
		t.Fatalf("odd: %+v", odd)
	}
	even := summarize([]float64{4, 1, 3, 2})
	if even.Median != 2.5 {
		t.Fatalf("even median: %+v", even)
	}
	// 1..100: nearest-rank p99 is the 99th value, p90 the 90th.
	var s []float64
	for i := 100; i >= 1; i-- {
		s = append(s, float64(i))
	}
	h := summarize(s)
	if h.P99 != 99 || h.P90 != 90 || h.Median != 50.5 {
		t.Fatalf("1..100: %+v", h)
	}
	if z := summarize(nil); z.N != 0 {
		t.Fatalf("empty: %+v", z)
	}
}

func TestParseCNIArgs(t *testing.T) {
	got, err := parseCNIArgs("A=1;B=2")
	if err != nil || len(got) != 2 || got[1] != [2]string{"B", "2"} {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []string{"A", "A=", "=1", "A=1=2", "A=1;"} {
		if _, err := parseCNIArgs(bad); err == nil {
			t.Fatalf("%q: want error", bad)
		}
	}
}

// The rebuilt write path must produce an entry that real libcni 1.1.2 reads back, and the rebuilt listing must
// skip what GetCachedAttachments skips.
func TestCacheAddRoundTripsThroughLibcniAndListing(t *testing.T) {
	dir := t.TempDir()
	list, err := libcni.ConfListFromBytes([]byte(sampleConfList))
	if err != nil {
		t.Fatal(err)
	}
	res, err := create.CreateFromBytes([]byte(sampleResult))
	if err != nil {
		t.Fatal(err)
	}
	rt := &libcni.RuntimeConf{ContainerID: "c1", IfName: "eth0", Args: [][2]string{{"K", "V"}}}
	if err := goCacheAdd(dir, res, list.Bytes, list.Name, rt); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "results", "benchnet-c1-eth0")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("entry: %v %v", st, err)
	}
	raw, _ := os.ReadFile(path)
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		t.Fatal(err)
	}
	if _, has := keys["netns"]; has {
		t.Fatal("libcni 1.1.2 writes no netns key")
	}

	got, err := libcni.NewCNIConfigWithCacheDir(nil, dir, nil).GetNetworkListCachedResult(list, rt)
	if err != nil || got == nil {
		t.Fatalf("libcni read: %v %v", got, err)
	}

	// Junk beside the good entry: empty, garbage, wrong kind, missing ifName.
	junk := map[string]string{
		"benchnet-c2-eth0": "",
		"benchnet-c3-eth0": "not json",
		"benchnet-c4-eth0": `{"kind":"other","containerId":"c4","ifName":"eth0","networkName":"benchnet"}`,
		"benchnet-c5-eth0": `{"kind":"cniCacheV1","containerId":"c5","networkName":"benchnet"}`,
	}
	for name, body := range junk {
		if err := os.WriteFile(filepath.Join(dir, "results", name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	atts, err := goCachedAttachments(dir, "")
	if err != nil || len(atts) != 1 || atts[0].ContainerID != "c1" || atts[0].Network != "benchnet" {
		t.Fatalf("list: %v %v", atts, err)
	}
	if atts, _ := goCachedAttachments(dir, "c9"); len(atts) != 0 {
		t.Fatalf("filter: %v", atts)
	}
	if atts, _ := goCachedAttachments(filepath.Join(dir, "nope"), ""); atts != nil {
		t.Fatalf("missing dir: %v", atts)
	}
}
