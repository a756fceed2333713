package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestContainerIDIsCnitools(t *testing.T) {
	// printf '/run/netns/cnigo-test' | sha512sum | cut -c1-20
	if got := cnitoolContainerID("/run/netns/cnigo-test"); got != "cnitool-df3f63a4b51233157553" {
		t.Fatalf("got %s", got)
	}
}

func TestRuntimeConfFromEnv(t *testing.T) {
	t.Setenv("CNI_CONTAINERID", "")
	t.Setenv("CNI_IFNAME", "")
	t.Setenv("CNI_ARGS", "IgnoreUnknown=1;K=V")
	t.Setenv("CAP_ARGS", `{"portMappings":[{"hostPort":8080}]}`)
	rt, err := runtimeConf("/run/netns/cnigo-test")
	if err != nil {
		t.Fatal(err)
	}
	if rt.ContainerID != "cnitool-df3f63a4b51233157553" || rt.IfName != "eth0" || len(rt.Args) != 2 || rt.CapabilityArgs["portMappings"] == nil {
		t.Fatalf("rt %+v", rt)
	}
	t.Setenv("CNI_CONTAINERID", "mine")
	t.Setenv("CNI_IFNAME", "net1")
	t.Setenv("CNI_ARGS", "A")
	if _, err := runtimeConf("x"); err == nil || err.Error() != `invalid CNI_ARGS pair "A"` {
		t.Fatalf("want CNI_ARGS error, got %v", err)
	}
	t.Setenv("CNI_ARGS", "")
	rt, err = runtimeConf("relative")
	wd, _ := os.Getwd()
	if err != nil || rt.ContainerID != "mine" || rt.IfName != "net1" || rt.NetNS != filepath.Join(wd, "relative") {
		t.Fatalf("rt %+v %v", rt, err)
	}
}

func TestListAttachmentsSkipsWhatLibcniSkips(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "results")
	if err := os.MkdirAll(res, 0o700); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"n-b-eth0": `{"kind":"cniCacheV1","containerId":"b","ifName":"eth0","networkName":"n"}`,
		"n-a-eth0": `{"kind":"cniCacheV1","containerId":"a","ifName":"eth0","networkName":"n","netns":"/x"}`,
		"n-c-eth0": ``,
		"n-d-eth0": `{"containerId":"d","ifName":"eth0","networkName":"n"}`,
		"n-e-eth0": `{"kind":"cniCacheV1","containerId":"e","networkName":"n"}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(res, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	atts, err := listAttachments(dir)
	if err != nil || len(atts) != 2 || atts[0].ContainerID != "a" || atts[0].NetNS != "/x" || atts[1].ContainerID != "b" {
		t.Fatalf("%+v %v", atts, err)
	}
}
