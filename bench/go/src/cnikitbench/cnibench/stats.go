package main

// Summary statistics of timing samples. The TypeScript harness computes the same figures the same way
// (see bench/go/README.md), so ratios compare like with like.

import (
	"math"
	"sort"
	"sync"
	"time"
)

// Summary is one metric's figures in milliseconds.
type Summary struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Mean   float64 `json:"mean"`
	P90    float64 `json:"p90"`
	P99    float64 `json:"p99"`
	Max    float64 `json:"max"`
}

// summarize returns the figures of samples (ms). Median is the middle value (the mean of the two middle
// values when n is even); p90 and p99 are nearest-rank: the value at rank ceil(p/100*n) in sorted order.
func summarize(samples []float64) Summary {
	n := len(samples)
	if n == 0 {
		return Summary{}
	}
	s := append([]float64(nil), samples...)
	sort.Float64s(s)
	sum := 0.0
	for _, v := range s {
		sum += v
	}
	var median float64
	if n%2 == 1 {
		median = s[n/2]
	} else {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return Summary{
		N:      n,
		Min:    round(s[0]),
		Median: round(median),
		Mean:   round(sum / float64(n)),
		P90:    round(nearestRank(s, 90)),
		P99:    round(nearestRank(s, 99)),
		Max:    round(s[n-1]),
	}
}

// nearestRank returns the p-th percentile of sorted (non-empty) by the nearest-rank method.
func nearestRank(sorted []float64, p float64) float64 {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(sorted) {
		rank = len(sorted)
	}
	return sorted[rank-1]
}

// round keeps 4 decimals (0.1 µs): finer digits are clock noise and only bloat the JSON.
func round(ms float64) float64 {
	return math.Round(ms*1e4) / 1e4
}

// ms converts a duration to float milliseconds.
func ms(d time.Duration) float64 {
	return float64(d.Nanoseconds()) / 1e6
}

// recorder collects named sample series; safe for concurrent use.
type recorder struct {
	mu     sync.Mutex
	series map[string][]float64
}

func newRecorder() *recorder {
	return &recorder{series: map[string][]float64{}}
}

// add appends one sample (ms) to the named series.
func (r *recorder) add(name string, v float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.series[name] = append(r.series[name], v)
}

// summaries returns every series' Summary, keyed by name.
func (r *recorder) summaries() map[string]Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]Summary, len(r.series))
	for k, v := range r.series {
		out[k] = summarize(v)
	}
	return out
}

// raw returns every series' samples rounded like the summaries, keyed by name.
func (r *recorder) raw() map[string][]float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]float64, len(r.series))
	for k, v := range r.series {
		c := make([]float64, len(v))
		for i, x := range v {
			c[i] = round(x)
		}
		out[k] = c
	}
	return out
}
