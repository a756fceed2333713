// Command cnibench times Go libcni (Debian's 1.1.2) in one process, as containerd and CRI-O embed it, so the
// TypeScript harness can print cnikit/Go ratios from one machine and one run. It prints one JSON object on
// stdout (schema in bench/go/README.md); diagnostics go to stderr.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/containernetworking/cni/libcni"
)

// libcniVersion is set by scripts/build-go.sh from the installed Debian package.
var libcniVersion = "unknown"

// options are the command-line flags.
type options struct {
	mode        string
	confDir     string
	net         string
	netns       string
	ifName      string
	cacheDir    string
	pluginPath  string
	n           int
	warmup      int
	concurrency int
	total       int
	entries     int
	cidPrefix   string
	capArgs     string
	cniArgs     string
	resultFile  string
	listCID     string
	perPlugin   bool
	durable     bool
	raw         bool
	keep        bool
}

// output is the JSON object printed on stdout.
type output struct {
	Harness     string               `json:"harness"`
	Impl        string               `json:"impl"`
	Libcni      string               `json:"libcni"`
	GoVersion   string               `json:"goVersion"`
	Mode        string               `json:"mode"`
	Network     string               `json:"network,omitempty"`
	CNIVersion  string               `json:"cniVersion,omitempty"`
	Plugins     []string             `json:"plugins,omitempty"`
	Params      params               `json:"params"`
	CacheDir    string               `json:"cacheDir,omitempty"`
	WallMs      float64              `json:"wallMs"`
	Failures    int                  `json:"failures"`
	Errors      []string             `json:"errors"`
	Metrics     map[string]Summary   `json:"metrics"`
	Raw         map[string][]float64 `json:"raw,omitempty"`
	Extra       map[string]float64   `json:"extra,omitempty"`
	MaxRSSKiB   int64                `json:"maxRssKiB"`
	StartedAt   string               `json:"startedAt"`
	GOMAXPROCS  int                  `json:"gomaxprocs"`
	FinishedErr string               `json:"fatal,omitempty"`
}

type params struct {
	N           int    `json:"n"`
	Warmup      int    `json:"warmup"`
	Concurrency int    `json:"concurrency,omitempty"`
	Total       int    `json:"total,omitempty"`
	Entries     int    `json:"entries,omitempty"`
	IfName      string `json:"ifName,omitempty"`
	NetNS       string `json:"netns,omitempty"`
	PluginPath  string `json:"pluginPath,omitempty"`
}

// maxErrors bounds the error strings kept in the output; the count is in "failures".
const maxErrors = 10

// run is the state one mode works with.
type run struct {
	opt  options
	out  *output
	rec  *recorder
	ctx  context.Context
	list *libcni.NetworkConfigList
	// tempCache is set when -cache-dir was not given and a temp dir stands in.
	tempCache bool
}

// fail counts a failure and keeps its text if there is room.
func (r *run) fail(what string, err error) {
	r.out.Failures++
	if len(r.out.Errors) < maxErrors {
		r.out.Errors = append(r.out.Errors, what+": "+err.Error())
	}
}

func main() {
	opt := parseFlags()
	code, err := mainErr(opt)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cnibench: %s\n", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func parseFlags() options {
	var o options
	defPath := os.Getenv("CNI_PATH")
	if defPath == "" {
		defPath = "/usr/lib/cni"
	}
	defConf := os.Getenv("NETCONFPATH")
	if defConf == "" {
		defConf = "/etc/cni/net.d"
	}
	flag.StringVar(&o.mode, "mode", "cycle", "cycle | concurrent | exec | cache-write | cache-read | list | gen-cache")
	flag.StringVar(&o.confDir, "conf-dir", defConf, "directory of .conflist/.conf files (default $NETCONFPATH or /etc/cni/net.d)")
	flag.StringVar(&o.net, "net", "", "network name to load from -conf-dir (cache modes: optional, a built-in realistic list otherwise)")
	flag.StringVar(&o.netns, "netns", "", "container netns path; a %d in it is replaced by the attachment index")
	flag.StringVar(&o.ifName, "ifname", "eth0", "container interface name")
	flag.StringVar(&o.cacheDir, "cache-dir", "", "libcni cache dir (default: a fresh temp dir, removed at exit unless -keep)")
	flag.StringVar(&o.pluginPath, "plugin-path", defPath, "plugin dirs, colon-separated (default $CNI_PATH or /usr/lib/cni)")
	flag.IntVar(&o.n, "n", 100, "timed iterations")
	flag.IntVar(&o.warmup, "warmup", 0, "untimed iterations run first")
	flag.IntVar(&o.concurrency, "concurrency", 32, "concurrent mode: attachments in flight at once")
	flag.IntVar(&o.total, "total", 256, "concurrent mode: attachments in all")
	flag.IntVar(&o.entries, "entries", 0, "list / gen-cache: entries to generate first (list: 0 = list what is there)")
	flag.StringVar(&o.cidPrefix, "cid-prefix", fmt.Sprintf("gobench-%d-", os.Getpid()), "container ID prefix; the index is appended")
	flag.StringVar(&o.capArgs, "cap-args", "", "capability args as a JSON object (as cnitool's CAP_ARGS)")
	flag.StringVar(&o.cniArgs, "cni-args", "", "CNI_ARGS as K=V;K2=V2")
	flag.StringVar(&o.resultFile, "result-file", "", "cache modes: the result JSON to cache (default: a built-in 1.0.0 bridge result)")
	flag.StringVar(&o.listCID, "list-cid", "", "list mode: only this container ID (GetCachedAttachments' filter)")
	flag.BoolVar(&o.perPlugin, "perplugin", false, "cycle/concurrent: also time each plugin exec inside libcni")
	flag.BoolVar(&o.durable, "durable", false, "cache-write: also time a durable write (tmp, fsync, rename, dir fsync) of the same bytes")
	flag.BoolVar(&o.raw, "raw", false, "include every sample in \"raw\"")
	flag.BoolVar(&o.keep, "keep", false, "keep the temp cache dir")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "cnibench: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	return o
}

// mainErr runs the chosen mode and prints the JSON. It returns the exit code (1 when any operation failed)
// or an error for bad usage, which is printed instead of JSON.
func mainErr(opt options) (int, error) {
	if opt.n < 0 || opt.warmup < 0 || opt.concurrency < 1 || opt.total < 0 || opt.entries < 0 {
		return 0, fmt.Errorf("-n, -warmup, -total and -entries must be >= 0 and -concurrency >= 1")
	}
	out := &output{
		Harness:    "cnibench",
		Impl:       "go-libcni",
		Libcni:     libcniVersion,
		GoVersion:  runtime.Version(),
		Mode:       opt.mode,
		Errors:     []string{},
		StartedAt:  time.Now().UTC().Format(time.RFC3339),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Params: params{
			N: opt.n, Warmup: opt.warmup, IfName: opt.ifName, NetNS: opt.netns, PluginPath: opt.pluginPath,
		},
	}
	r := &run{opt: opt, out: out, rec: newRecorder(), ctx: context.Background()}

	if opt.net != "" {
		list, err := libcni.LoadConfList(opt.confDir, opt.net)
		if err != nil {
			return 0, fmt.Errorf("load network %q from %s: %w", opt.net, opt.confDir, err)
		}
		r.list = list
	}
	if r.list != nil {
		out.Network = r.list.Name
		out.CNIVersion = r.list.CNIVersion
		for _, p := range r.list.Plugins {
			out.Plugins = append(out.Plugins, p.Network.Type)
		}
	}

	if opt.cacheDir == "" {
		dir, err := ioutil.TempDir("", "cnibench-")
		if err != nil {
			return 0, err
		}
		r.opt.cacheDir = dir
		r.tempCache = true
		if !opt.keep {
			defer os.RemoveAll(dir)
		}
	} else if abs, err := filepath.Abs(opt.cacheDir); err == nil {
		r.opt.cacheDir = abs
	}
	out.CacheDir = r.opt.cacheDir

	var modeErr error
	start := time.Now()
	switch opt.mode {
	case "cycle":
		modeErr = r.needList(func() error { return r.cycle() })
	case "concurrent":
		out.Params.Concurrency, out.Params.Total = opt.concurrency, opt.total
		modeErr = r.needList(func() error { return r.concurrent() })
	case "exec":
		modeErr = r.needList(func() error { return r.execFloor() })
	case "cache-write":
		modeErr = r.cacheWrite()
	case "cache-read":
		modeErr = r.cacheRead()
	case "list":
		out.Params.Entries = opt.entries
		modeErr = r.listMode()
	case "gen-cache":
		out.Params.Entries = opt.entries
		modeErr = r.genCache()
	default:
		return 0, fmt.Errorf("unknown -mode %q", opt.mode)
	}
	out.WallMs = round(ms(time.Since(start)))
	if modeErr != nil {
		out.FinishedErr = modeErr.Error()
		out.Failures++
	}
	out.Metrics = r.rec.summaries()
	if opt.raw {
		out.Raw = r.rec.raw()
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		out.MaxRSSKiB = ru.Maxrss // Linux reports KiB
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return 0, err
	}
	if out.Failures > 0 {
		return 1, nil
	}
	return 0, nil
}

// needList runs f when -net loaded a network list.
func (r *run) needList(f func() error) error {
	if r.list == nil {
		return fmt.Errorf("-mode %s needs -net", r.opt.mode)
	}
	return f()
}

// cniConfig returns a libcni CNIConfig on the plugin path and cache dir; exec may be nil (libcni's default).
func (r *run) cniConfig(exec *timedExec) *libcni.CNIConfig {
	paths := filepath.SplitList(r.opt.pluginPath)
	if exec == nil {
		return libcni.NewCNIConfigWithCacheDir(paths, r.opt.cacheDir, nil)
	}
	return libcni.NewCNIConfigWithCacheDir(paths, r.opt.cacheDir, exec)
}

// runtimeConf builds the RuntimeConf of attachment i (negative i: warm-up).
func (r *run) runtimeConf(i int) (*libcni.RuntimeConf, error) {
	rt := &libcni.RuntimeConf{ContainerID: r.containerID(i), IfName: r.opt.ifName, NetNS: r.netnsFor(i)}
	if r.opt.cniArgs != "" {
		args, err := parseCNIArgs(r.opt.cniArgs)
		if err != nil {
			return nil, err
		}
		rt.Args = args
	}
	if r.opt.capArgs != "" {
		if err := json.Unmarshal([]byte(r.opt.capArgs), &rt.CapabilityArgs); err != nil {
			return nil, fmt.Errorf("-cap-args: %w", err)
		}
	}
	return rt, nil
}

func (r *run) containerID(i int) string {
	if i < 0 {
		return fmt.Sprintf("%sw%d", r.opt.cidPrefix, -i)
	}
	return fmt.Sprintf("%s%06d", r.opt.cidPrefix, i)
}

func (r *run) netnsFor(i int) string {
	if !strings.Contains(r.opt.netns, "%d") {
		return r.opt.netns
	}
	if i < 0 {
		i = 0
	}
	return fmt.Sprintf(r.opt.netns, i)
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
