//go:build ignore

// The Go side of bench/exec-floor.ts: exec one plugin n times with os/exec, the way libcni's RawExec does
// (stdin from a reader, stdout and stderr into buffers), and print each exec's wall time in ms as JSON.
// Stdlib only: GO111MODULE=off go build -o /tmp/exec-floor-go bench/exec-floor.go
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 100, "timed execs")
	warmup := flag.Int("warmup", 10, "untimed execs first")
	plugin := flag.String("plugin", "", "absolute path of the plugin")
	env := flag.String("env", "", "the plugin's environment, K=V entries separated by newlines")
	stdin := flag.String("stdin", "", "the plugin's stdin")
	flag.Parse()
	envv := strings.Split(*env, "\n")
	samples := make([]float64, 0, *n)
	for i := -*warmup; i < *n; i++ {
		cmd := exec.Command(*plugin)
		cmd.Env = envv
		cmd.Stdin = bytes.NewReader([]byte(*stdin))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		err := cmd.Run()
		d := float64(time.Since(start).Nanoseconds()) / 1e6
		if err != nil {
			fmt.Fprintf(os.Stderr, "exec-floor-go: %s: %v: %s\n", *plugin, err, stderr.String())
			os.Exit(1)
		}
		if i >= 0 {
			samples = append(samples, d)
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string][]float64{"samples": samples})
}
