package par

import (
	"sync/atomic"
	"testing"
)

func TestEachCallsEveryIndexOnceWithinTheBound(t *testing.T) {
	for _, tc := range []struct{ n, jobs int }{{0, 4}, {1, 0}, {10, 1}, {100, 3}, {5, 50}} {
		var running, peak atomic.Int32
		seen := make([]atomic.Int32, tc.n)
		Each(tc.n, tc.jobs, func(i int) {
			r := running.Add(1)
			for {
				p := peak.Load()
				if r <= p || peak.CompareAndSwap(p, r) {
					break
				}
			}
			seen[i].Add(1)
			running.Add(-1)
		})
		for i := range seen {
			if got := seen[i].Load(); got != 1 {
				t.Errorf("n=%d jobs=%d: index %d called %d times", tc.n, tc.jobs, i, got)
			}
		}
		if limit := int32(max(1, tc.jobs)); peak.Load() > limit {
			t.Errorf("n=%d jobs=%d: %d calls ran at once", tc.n, tc.jobs, peak.Load())
		}
	}
}
