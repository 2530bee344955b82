package bench

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/salint/salint/internal/synth"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/rules"
)

var (
	flagReport = flag.Bool("report", false, "run TestReport: build salint, time it against the decode-only baseline and print the figures")
	flagApps   = flag.Int("apps", 5000, "apps in the benchmark tree")
	flagSeed   = flag.Uint64("seed", 1, "seed of the benchmark tree")
	flagTree   = flag.String("tree", "auto", "benchmark tree: gen (../shared/bench/gen-corpus.go), synth (internal/synth), or auto (gen when it exists)")
	flagGen    = flag.String("gen", "", "path of gen-corpus.go (default ../shared/bench/gen-corpus.go beside the module)")
	flagCache  = flag.String("cache", "", "directory of generated trees, reused between runs (default $TMPDIR/salint-bench)")
	flagRuns   = flag.Int("runs", 3, "report: alternated runs of salint and of the baseline")
	flagScale  = flag.Int("scale", 4, "report: also time salint on a tree this many times as large (0: skip)")
	flagJobs   = flag.Bool("jobs", true, "report: also time salint with --jobs 1, 2 and 4, each on as many CPUs (taskset)")
	flagJSON   = flag.String("report-json", "", "report: also write the figures as JSON to this file")
)

// childEnv makes the test binary a decode-only child: it decodes the tree the
// variable names, prints a JSON line and exits, without running any test.
const childEnv = "SALINT_BENCH_DECODE_ONLY"

// childResult is the child's JSON line.
type childResult struct {
	Decoded
	Seconds float64 `json:"seconds"`
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		start := time.Now()
		d, err := DecodeOnly(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "decode-only:", err)
			os.Exit(2)
		}
		out, _ := json.Marshal(childResult{d, time.Since(start).Seconds()})
		fmt.Printf("%s\n", out)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// decodeChild returns a command that runs the decode-only baseline over dir
// in a child process.
func decodeChild(dir string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	return cmd, nil
}

// parseChild reads the child's JSON line.
func parseChild(stdout []byte) (childResult, error) {
	var r childResult
	err := json.Unmarshal(stdout, &r)
	return r, err
}

// repoRoot is the module root, found from the package directory.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := RepoRoot(".")
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// treeSpec is the tree the flags ask for.
func treeSpec(tb testing.TB) TreeSpec {
	tb.Helper()
	root := repoRoot(tb)
	gen := *flagGen
	if gen == "" {
		gen = filepath.Join(root, "..", "shared", "bench", "gen-corpus.go")
	}
	kind := *flagTree
	if kind == "auto" {
		kind = TreeSynth
		if _, err := os.Stat(gen); err == nil {
			kind = TreeGen
		}
	}
	return TreeSpec{Kind: kind, Apps: *flagApps, Seed: *flagSeed, Gen: gen, SynthSource: filepath.Join(root, "internal", "synth")}
}

func cacheDir() string {
	if *flagCache != "" {
		return *flagCache
	}
	return DefaultCache()
}

var (
	benchTreeOnce sync.Once
	benchTreeVal  *Tree
	benchTreeErr  error
)

// benchTree is the tree of the benchmarks, generated once per process.
func benchTree(b *testing.B) *Tree {
	b.Helper()
	spec := treeSpec(b)
	benchTreeOnce.Do(func() { benchTreeVal, benchTreeErr = EnsureTree(spec, cacheDir()) })
	if benchTreeErr != nil {
		b.Fatal(benchTreeErr)
	}
	return benchTreeVal
}

var (
	engineOnce sync.Once
	engineVal  *engine.Engine
	engineErr  error
)

func newEngine(tb testing.TB) *engine.Engine {
	tb.Helper()
	engineOnce.Do(func() { engineVal, engineErr = engine.New(context.Background(), rules.FS) })
	if engineErr != nil {
		tb.Fatal(engineErr)
	}
	return engineVal
}

// TestEndToEnd lints a tiny synthetic tree in-process and checks that salint
// reads every document the baseline decodes.
func TestEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tree")
	st, err := synth.Write(dir, 30, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Files != st.Files || d.Documents != st.Documents || d.Bytes != st.Bytes {
		t.Errorf("decode-only read %+v, synth wrote %+v", d, st)
	}
	rep, err := lint.Run(context.Background(), newEngine(t), lint.Config{Paths: []string{dir}, Jobs: runtime.GOMAXPROCS(0)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Files != st.Files || rep.Summary.Documents != st.Documents {
		t.Errorf("salint read %d files, %d documents; synth wrote %d, %d", rep.Summary.Files, rep.Summary.Documents, st.Files, st.Documents)
	}
	for _, e := range rep.Errors {
		t.Errorf("input error: %+v", e)
	}
	if rep.Summary.Findings == 0 {
		t.Error("no findings in a tree full of probes")
	}
}

// TestSmallFile lints the small-file benchmark's manifest.
func TestSmallFile(t *testing.T) {
	rep, err := lint.Run(context.Background(), newEngine(t), lint.Config{Paths: []string{"testdata/small.yaml"}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Documents != 4 || len(rep.Errors) != 0 {
		t.Errorf("small.yaml: %d documents, errors %+v", rep.Summary.Documents, rep.Errors)
	}
}

// TestDecodeChild runs the decode-only baseline as the report does, in a
// child process.
func TestDecodeChild(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tree")
	st, err := synth.Write(dir, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := decodeChild(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	r, err := parseChild(out)
	if err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if r.Documents != st.Documents || r.Files != st.Files || r.Seconds <= 0 {
		t.Errorf("child decoded %+v, synth wrote %+v", r, st)
	}
}

// TestTreeCache checks that a tree is generated once and then reused.
func TestTreeCache(t *testing.T) {
	cache := t.TempDir()
	spec := TreeSpec{Kind: TreeSynth, Apps: 4, Seed: 9, SynthSource: filepath.Join(repoRoot(t), "internal", "synth")}
	t1, err := EnsureTree(spec, cache)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := EnsureTree(spec, cache)
	if err != nil {
		t.Fatal(err)
	}
	if t1.Cached || !t2.Cached || t1.Dir != t2.Dir || t1.Documents != t2.Documents || t1.Bytes != t2.Bytes || t1.Documents == 0 {
		t.Errorf("first %+v, second %+v", t1, t2)
	}
	spec.Seed = 10
	t3, err := EnsureTree(spec, cache)
	if err != nil {
		t.Fatal(err)
	}
	if t3.Cached || t3.Dir == t1.Dir {
		t.Errorf("another seed reused %+v", t3)
	}
	if _, err := EnsureTree(TreeSpec{Kind: "nope"}, cache); err == nil {
		t.Error("unknown kind accepted")
	}
}

// BenchmarkLint lints the benchmark tree in-process with one engine, as the
// CLI would, on every CPU.
func BenchmarkLint(b *testing.B) {
	tree := benchTree(b)
	eng := newEngine(b)
	ctx := context.Background()
	cfg := lint.Config{Paths: []string{tree.Dir}, Jobs: runtime.GOMAXPROCS(0)}
	b.SetBytes(tree.Bytes)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := lint.Run(ctx, eng, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Documents != tree.Documents {
			b.Fatalf("linted %d documents, the tree has %d", rep.Summary.Documents, tree.Documents)
		}
	}
	b.ReportMetric(float64(tree.Documents)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkDecodeOnly is the baseline: yaml.v3 decoding every document of the
// same tree into `any`, on one goroutine.
func BenchmarkDecodeOnly(b *testing.B) {
	tree := benchTree(b)
	b.SetBytes(tree.Bytes)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d, err := DecodeOnly(tree.Dir)
		if err != nil {
			b.Fatal(err)
		}
		if d.Documents != tree.Documents {
			b.Fatalf("decoded %d documents, the tree has %d", d.Documents, tree.Documents)
		}
	}
	b.ReportMetric(float64(tree.Documents)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkSmallFile lints one small manifest: warm reuses one engine, as
// an editor integration would; cold also compiles the rules, as every CLI
// invocation does.
func BenchmarkSmallFile(b *testing.B) {
	ctx := context.Background()
	cfg := lint.Config{Paths: []string{"testdata/small.yaml"}, Jobs: runtime.GOMAXPROCS(0)}
	b.Run("warm", func(b *testing.B) {
		eng := newEngine(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := lint.Run(ctx, eng, cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			eng, err := engine.New(ctx, rules.FS)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := lint.Run(ctx, eng, cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
}
