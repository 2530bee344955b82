package engine_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/salint/salint/internal/synth"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
	"github.com/salint/salint/rules"
)

// benchApps is the size of the synthetic tree the evaluation benchmark
// reads: a few chunks of every kind.
const benchApps = 2000

// noopPolicy reads every workload and finds nothing: what loading any
// policy costs, apart from the policy's own work.
var noopPolicy = map[string]string{"noop/noop.rego": customRule("noop", "ACME900", "noop", `findings contains {"ref": w.ref, "path": [], "msg": "never"} if {
	some w in input.workloads
	w.name == "no such workload"
}`)}

// BenchmarkEvaluate times Evaluate alone over the facts of a synthetic
// tree, with the built-in rules only and with a policy loaded.
func BenchmarkEvaluate(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "tree")
	if _, err := synth.Write(dir, benchApps, 1); err != nil {
		b.Fatal(err)
	}
	var objects []*loader.Object
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f := loader.Read(loader.Input{Path: p}, nil, loader.Options{Kinds: model.Kinds})
		if len(f.Errors) > 0 {
			b.Fatalf("%s: %v", p, f.Errors)
		}
		objects = append(objects, f.Objects...)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name     string
		policies []engine.Policy
	}{
		{"builtin", nil},
		{"policy=noop", []engine.Policy{{Name: "noop", FS: mapFS(noopPolicy)}}},
		{"policy=join", []engine.Policy{{Name: joinPolicy, FS: os.DirFS(joinPolicy)}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			eng, err := engine.NewWithPolicies(ctx, rules.FS, bc.policies)
			if err != nil {
				b.Fatal(err)
			}
			params := map[string]map[string]any{}
			for _, r := range eng.Rules() {
				params[r.ID] = eng.Params(r.ID)
			}
			jobs := runtime.GOMAXPROCS(0)
			// facts builds the model as lint does; Evaluate consumes it.
			facts := func() *model.Model {
				xs := make([]*model.Extracted, len(objects))
				for i, o := range objects {
					o := *o // Extract drops the decoded value: keep it for the next run
					xs[i] = model.Extract(&o, "default")
				}
				m := model.Build(xs, model.Options{Namespace: "default"})
				cls, err := eng.Classify(ctx, m.GrantRoles(), jobs)
				if err != nil {
					b.Fatal(err)
				}
				m.ResolveTokens(cls)
				return m
			}
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				m := facts()
				b.StartTimer()
				if _, err := eng.Evaluate(ctx, m, params, jobs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
