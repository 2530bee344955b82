package cli

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/salint/salint/pkg/config"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/render"
	"github.com/salint/salint/pkg/render/helm"
	"github.com/salint/salint/pkg/render/kustomize"
)

// charts renders the Helm charts of the input with the command line's and
// the configuration's settings.
type charts struct {
	o   *Options
	cfg *config.Config
}

func (charts) IsChart(_ string, names []string) bool { return slices.Contains(names, "Chart.yaml") }

func (charts) IsArchive(path string) bool {
	return strings.HasSuffix(path, ".tgz") && helm.IsArchive(path)
}

// Render applies the chart's settings from the configuration, then the
// command line's: values files and --set in that order (later ones win, as
// for helm template), the release name and Kubernetes version given as
// flags over the file's.
func (c charts) Render(ctx context.Context, root string) render.ChartRender {
	opts := helm.Options{
		ReleaseName: c.o.ReleaseName,
		Namespace:   c.o.Namespace,
		KubeVersion: c.o.KubeVersion,
		MaxFileSize: c.o.MaxFileSize,
	}
	if cc, ok := c.cfg.Chart(root); ok {
		opts.ValuesFiles = append(opts.ValuesFiles, cc.Values...)
		opts.Set = append(opts.Set, cc.Set...)
		if cc.ReleaseName != "" && !c.o.ReleaseNameSet {
			opts.ReleaseName = cc.ReleaseName
		}
		if cc.KubeVersion != "" && !c.o.KubeVersionSet {
			opts.KubeVersion = cc.KubeVersion
		}
	}
	opts.ValuesFiles = append(opts.ValuesFiles, c.o.Values...)
	opts.Set = append(opts.Set, c.o.Set...)
	r := helm.Render(ctx, root, opts)
	return render.ChartRender{Units: r.Units, Extra: r.Extra}
}

// kustomizations builds the kustomize entry points of the input, reading
// nothing outside the repository that holds each.
type kustomizations struct{ o *Options }

func (kustomizations) IsKustomization(_ string, names []string) bool {
	return slices.ContainsFunc(names, func(n string) bool {
		return n == "kustomization.yaml" || n == "kustomization.yml" || n == "Kustomization"
	})
}

func (k kustomizations) Plan(dirs []string, boundary string) (render.Plan, []finding.InputError) {
	p, errs := kustomize.NewPlan(dirs, kustomize.Options{Boundary: boundary, MaxFileSize: k.o.MaxFileSize})
	return plan{p}, errs
}

// plan gives a kustomize plan's entry points as the walk asks for them.
type plan struct{ *kustomize.Plan }

func (p plan) Entries() []string { return p.Plan.Entries }

func (k kustomizations) Build(ctx context.Context, entry, boundary string) render.Unit {
	return kustomize.Build(ctx, entry, kustomize.Options{Boundary: boundary, MaxFileSize: k.o.MaxFileSize, Timeout: kustomizeTimeout})
}

// kustomizeTimeout bounds one build: the largest real trees build in a
// few seconds, a hostile one must not hold the run.
const kustomizeTimeout = time.Minute
