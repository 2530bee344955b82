package hostile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/salint/salint/internal/testfs"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/report"
	"github.com/salint/salint/rules"
)

// maxGrowth is how much more work 4n may take than n: linear, with room
// for fixed costs that do not shrink.
const maxGrowth = 4.5

var sharedEngine *engine.Engine

func newEngine(t *testing.T) *engine.Engine {
	t.Helper()
	if sharedEngine == nil {
		eng, err := engine.New(context.Background(), rules.FS)
		if err != nil {
			t.Fatal(err)
		}
		sharedEngine = eng
	}
	return sharedEngine
}

// allocated runs f and returns how many objects it allocated: a count of
// work that the machine's load does not change (bytes would count the
// doubling of slices, which is linear but jumps at powers of two).
func allocated(f func()) uint64 {
	objects, _ := allocations(f)
	return objects
}

// allocations runs f and returns the objects and bytes it allocated.
func allocations(f func()) (objects, bytes uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc
}

// lintFile lints one file in-process and returns the report.
func lintFile(t *testing.T, path string) *finding.Report {
	t.Helper()
	rep, err := lint.Run(context.Background(), newEngine(t), lint.Config{Paths: []string{path}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// scales runs one case at n and 4n and checks that the work grew at most
// maxGrowth times.
func scales(t *testing.T, n int, work func(n int) uint64) {
	t.Helper()
	work(n) // warm: what is done once (compiling rules) is not the case's
	small, large := work(n), work(4*n)
	if ratio := float64(large) / float64(small); ratio > maxGrowth {
		t.Errorf("work grew %.1f times from %d to %d (%d to %d), want at most %.1f", ratio, n, 4*n, small, large, maxGrowth)
	}
}

// TestLongLinesScale: a List of pods on one line (a minified JSON file)
// costs what the same pods cost pretty-printed, not their count times the
// line (it took 24 GB and minutes before), and grows with the pods.
func TestLongLinesScale(t *testing.T) {
	dir := t.TempDir()
	// lintList returns the objects and bytes allocated linting n pods.
	lintList := func(n int, pretty bool) (uint64, uint64) {
		data := podList(n)
		if pretty {
			var b bytes.Buffer
			if err := json.Indent(&b, data, "", "  "); err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
		}
		path := filepath.Join(dir, fmt.Sprintf("list-%d-%v.json", n, pretty))
		write(t, path, data)
		return allocations(func() {
			if rep := lintFile(t, path); len(rep.Findings) != 2*n {
				t.Fatalf("%d findings for %d pods", len(rep.Findings), n)
			}
		})
	}
	lintList(500, false) // warm: compiling the rules is no case's work
	oneLine, oneLineBytes := lintList(4000, false)
	_, prettyBytes := lintList(4000, true)
	// Bytes: a copy of the whole line per finding is one object each.
	if ratio := float64(oneLineBytes) / float64(prettyBytes); ratio > 1.25 {
		t.Errorf("one line allocates %.2f times what the pretty-printed list does", ratio)
	}
	// The pipeline's own cost per object creeps up with the input (OPA's
	// indexes, integers past its interned range): 4.9 times for 4n on
	// pretty-printed input as on one line. A path quadratic in the line
	// or the count would be 10 to 16 times.
	if large, _ := lintList(16000, false); float64(large)/float64(oneLine) > maxGrowthPipeline {
		ratio := float64(large) / float64(oneLine)
		t.Errorf("work grew %.1f times from 4,000 to 16,000 pods, want at most %.1f", ratio, maxGrowthPipeline)
	}
}

// maxGrowthPipeline bounds the whole pipeline's growth for 4n objects.
const maxGrowthPipeline = 5.5

// TestTextReportScales: the text report of a one-line flow List shows a
// window of the line per finding, not the whole line.
func TestTextReportScales(t *testing.T) {
	dir := t.TempDir()
	scales(t, 500, func(n int) uint64 {
		var b strings.Builder
		b.WriteString("{apiVersion: v1, kind: List, items: [")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "{apiVersion: v1, kind: Pod, metadata: {name: p-%d}, spec: {containers: []}},", i)
		}
		b.WriteString("]}\n")
		path := filepath.Join(dir, fmt.Sprintf("flow-%d.yaml", n))
		write(t, path, []byte(b.String()))
		rep := lintFile(t, path)
		var out bytes.Buffer
		if err := report.Write(&out, "text", rep, report.Options{}); err != nil {
			t.Fatal(err)
		}
		if perFinding := out.Len() / len(rep.Findings); perFinding > 2000 {
			t.Errorf("%d bytes of report per finding", perFinding)
		}
		return uint64(out.Len())
	})
}

// TestIgnoreListsScale: an ignore annotation listing thousands of names on
// a role with many rules costs the list once, not once per finding.
func TestIgnoreListsScale(t *testing.T) {
	dir := t.TempDir()
	scales(t, 4000, func(n int) uint64 {
		var b strings.Builder
		b.WriteString("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: wide\n  annotations:\n    salint.io/ignore: \"")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "X%06d,", i)
		}
		b.WriteString("SA040\"\nrules:\n")
		for i := 0; i < 200; i++ {
			b.WriteString("  - {apiGroups: [\"*\"], resources: [\"*\"], verbs: [\"*\"]}\n")
		}
		path := filepath.Join(dir, fmt.Sprintf("role-%d.yaml", n))
		write(t, path, []byte(b.String()))
		return allocated(func() { lintFile(t, path) })
	})
}

// TestSymlinkChainsAreWalkedOnce: directories reached by many paths are
// read once, however deep the chain of doubling links.
func TestSymlinkChainsAreWalkedOnce(t *testing.T) {
	for _, depth := range []int{4, 16} {
		dir := t.TempDir()
		for i := 0; i < depth; i++ {
			level := filepath.Join(dir, fmt.Sprintf("d%d", i))
			if err := os.MkdirAll(level, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"a", "b"} {
				testfs.Symlink(t, fmt.Sprintf("../d%d", i+1), filepath.Join(level, name))
			}
		}
		write(t, filepath.Join(dir, fmt.Sprintf("d%d", depth), "pod.yaml"), []byte(good))
		inputs, _, _ := loader.Discover([]string{dir}, nil)
		if len(inputs) != 1 {
			t.Errorf("depth %d: %d inputs, want the pod once", depth, len(inputs))
		}
	}
}
