package main

// -perplugin: libcni's own exec (RawExec + PluginDecoder) wrapped to time every plugin exec, so a cycle can be
// split into plugin time and library time.

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/version"
)

// timedExec implements libcni's invoke.Exec; it records "plugin:<type>:<command>" samples (ms).
type timedExec struct {
	raw     invoke.RawExec
	decoder version.PluginDecoder
	rec     *recorder
	enabled atomic.Bool
}

func newTimedExec(rec *recorder) *timedExec {
	return &timedExec{rec: rec}
}

// setEnabled turns recording on or off (off during warm-up); a nil receiver is allowed and does nothing.
func (t *timedExec) setEnabled(on bool) {
	if t != nil {
		t.enabled.Store(on)
	}
}

// ExecPlugin runs the plugin through libcni's RawExec and times it.
func (t *timedExec) ExecPlugin(ctx context.Context, pluginPath string, stdinData []byte, environ []string) ([]byte, error) {
	start := time.Now()
	out, err := t.raw.ExecPlugin(ctx, pluginPath, stdinData, environ)
	if t.enabled.Load() && err == nil {
		t.rec.add("plugin:"+filepath.Base(pluginPath)+":"+commandOf(environ), ms(time.Since(start)))
	}
	return out, err
}

// FindInPath is libcni's own lookup.
func (t *timedExec) FindInPath(plugin string, paths []string) (string, error) {
	return invoke.FindInPath(plugin, paths)
}

// Decode is libcni's own VERSION decoder.
func (t *timedExec) Decode(jsonBytes []byte) (version.PluginInfo, error) {
	return t.decoder.Decode(jsonBytes)
}

// commandOf returns CNI_COMMAND from an environment, lower-cased ("add", "del", ...).
func commandOf(environ []string) string {
	cmd := ""
	for _, kv := range environ {
		if strings.HasPrefix(kv, "CNI_COMMAND=") {
			cmd = kv[len("CNI_COMMAND="):] // the last one wins, as in exec
		}
	}
	return strings.ToLower(cmd)
}
