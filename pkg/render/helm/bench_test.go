package helm

import (
	"context"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
	commonutil "helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
)

// BenchmarkRenderSharedCharts renders every scenario of every shared chart,
// as the linter does: both passes and the mappers, not the lookups.
func BenchmarkRenderSharedCharts(b *testing.B) {
	charts := sharedCharts(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, root := range charts {
			Render(context.Background(), root, Options{})
		}
	}
}

// preparedChart is a shared chart's default scenario, ready to render.
type preparedChart struct {
	rd    *renderer
	c     *chart.Chart
	top   common.Values
	tmpls map[string]*tmplSource
}

func prepareShared(b *testing.B) []preparedChart {
	var out []preparedChart
	for _, root := range sharedCharts(b) {
		r := newReader(defaultMaxFileSize)
		tree, err := r.loadTree(root)
		if err != nil {
			b.Fatal(err)
		}
		rd := &renderer{root: root, opts: Options{Timeout: time.Minute, Namespace: "default"}, tree: tree, now: time.Now(),
			sources: map[string]*sourceEntry{}, schemas: map[*chartDir]schemaCheck{}}
		rd.prepare(r)
		dirs := map[*common.File]*chartDir{}
		c, err := tree.load(dirs)
		if err != nil {
			b.Fatal(err)
		}
		if err := chartutil.ProcessDependencies(c, map[string]any{}); err != nil {
			b.Fatal(err)
		}
		top, err := commonutil.ToRenderValuesWithSchemaValidation(c, map[string]any{},
			common.ReleaseOptions{Name: c.Name(), Namespace: "default", IsInstall: true}, rd.caps, true)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, preparedChart{rd: rd, c: c, top: top, tmpls: rd.templates(c, dirs)})
	}
	return out
}

// BenchmarkPass measures one render of the default scenario of every shared
// chart: with Helm's engine alone, instrumented (the authoritative pass),
// and marked, with the markers split into the mappers' segments (the pass
// that maps).
func BenchmarkPass(b *testing.B) {
	charts := prepareShared(b)
	b.Run("helm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range charts {
				for _, t := range p.c.Templates {
					t.Data = p.rd.sources[p.tmpls[p.c.Name()+"/"+t.Name].file].data
				}
				if _, err := (engine.Engine{}).RenderWithContext(context.Background(), p.c, copyValues(p.top).(common.Values)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	for _, tc := range []struct {
		name string
		mark bool
	}{{"instrumented", false}, {"marked", true}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range charts {
					out, _, err := p.rd.pass(context.Background(), p.c, p.top, p.tmpls, false, tc.mark)
					if err != nil {
						b.Fatal(err)
					}
					if tc.mark {
						for name, text := range out {
							if src := p.tmpls[name]; src != nil && src.inst.marked != "" {
								splitMarked(text, src.inst.id, len(src.inst.nodes))
							}
						}
					}
				}
			}
		})
	}
}
