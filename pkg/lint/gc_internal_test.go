package lint

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestGCLimitFollowsTheLiveHeap: when the live heap outgrows the budget the
// input size gave, the soft limit moves up to 5/2 of the live heap instead of
// making the collector run without pause.
func TestGCLimitFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	g := newGCTuner(memoryPerInputByte)
	live := make([][]byte, 0, 300)
	for range 300 {
		live = append(live, make([]byte, 1<<20)) // 300 MiB live, above the 185 MiB budget
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs after the cycle
		g.mu.Lock()
		limit := g.limit
		g.mu.Unlock()
		if limit >= liveHeadroom*300<<20/2 {
			runtime.KeepAlive(live)
			if got := debug.SetMemoryLimit(-1); got != limit {
				t.Errorf("the runtime's limit is %d, the tuner's %d", got, limit)
			}
			return
		}
	}
	runtime.KeepAlive(live)
	t.Fatalf("the limit stayed at %d MiB with 300 MiB live", g.limit>>20)
}
