package kustomize

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/render"
)

// tripwire is a TCP listener that counts every connection made to it.
type tripwire struct {
	ln    net.Listener
	count atomic.Int32
}

func newTripwire(t *testing.T) *tripwire {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tw := &tripwire{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tw.count.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return tw
}

func (tw *tripwire) addr() string { return tw.ln.Addr().String() }

// TestNothingFetchedRunOrReadOutside builds kustomizations that name remote
// resources, bases, patches and generator files, exec and container
// functions, legacy exec plugins, a Helm chart, files outside the boundary
// and a symlink leading out of it, and checks that nothing connects to the
// network, nothing runs, nothing outside is read, and each is named in a
// note or an error while the rest builds.
func TestNothingFetchedRunOrReadOutside(t *testing.T) {
	tw := newTripwire(t)
	addr := tw.addr()
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "repo")
	marker := filepath.Join(tmp, "ran")
	script := "#!/bin/sh\ntouch " + marker + "\n"

	// A helm and a plugin that would leave the marker if anything ran them.
	bin := filepath.Join(tmp, "bin")
	pluginHome := filepath.Join(tmp, "xdg")
	writeFiles(t, tmp, map[string]string{
		"bin/helm": script,
		"bin/git":  script,
		"xdg/kustomize/plugin/example.com/v1/touch/Touch": script,
		"outside.yaml":                    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: leak-7f3a-sa\n",
		"outside-base/kustomization.yaml": "resources:\n  - sa.yaml\n",
		"outside-base/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: leak-7f3a-base\n",
	})
	for _, f := range []string{"bin/helm", "bin/git", "xdg/kustomize/plugin/example.com/v1/touch/Touch"} {
		if err := os.Chmod(filepath.Join(tmp, f), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("XDG_CONFIG_HOME", pluginHome)
	t.Setenv("KUSTOMIZE_PLUGIN_HOME", filepath.Join(pluginHome, "kustomize", "plugin"))

	kustomization := fmt.Sprintf(`resources:
  - sa.yaml
  - http://%[1]s/x.yaml
  - https://%[1]s/org/repo.git
  - %[1]s/org/repo//dir?ref=main
  - git::http://%[1]s/org/repo.git//base
  - ssh://git@%[1]s/org/repo.git
  - github.com/org/repo//base?ref=v1
  - ../../outside.yaml
  - linked.yaml
  - linked-base
  - ../../outside-base
patches:
  - path: http://%[1]s/p.yaml
patchesStrategicMerge:
  - https://%[1]s/psm.yaml
configMapGenerator:
  - name: remote-files
    files:
      - key=http://%[1]s/f.txt
    envs:
      - https://%[1]s/e.env
transformers:
  - exec-fn.yaml
  - container-fn.yaml
  - legacy-plugin.yaml
  - remote-path-transformer.yaml
  - http://%[1]s/t.yaml
generators:
  - |
    apiVersion: builtin
    kind: ConfigMapGenerator
    metadata:
      name: inline-remote
    files:
      - http://%[1]s/g.txt
crds:
  - http://%[1]s/crd.yaml
configurations:
  - http://%[1]s/config.yaml
openapi:
  path: http://%[1]s/schema.json
helmCharts:
  - name: web
    repo: http://%[1]s/charts
    version: 1.0.0
`, addr)
	writeFiles(t, repo, map[string]string{
		"app/kustomization.yaml": kustomization,
		"app/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		"app/touch.sh":           script,
		"app/exec-fn.yaml": `apiVersion: example.com/v1
kind: Touch
metadata:
  name: exec
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ./touch.sh
`,
		"app/container-fn.yaml": fmt.Sprintf(`apiVersion: example.com/v1
kind: Touch
metadata:
  name: container
  annotations:
    config.kubernetes.io/function: |
      container:
        image: %s/touch:latest
        network: true
`, addr),
		"app/legacy-plugin.yaml": "apiVersion: example.com/v1\nkind: Touch\nmetadata:\n  name: legacy\n",
		"app/remote-path-transformer.yaml": fmt.Sprintf(`apiVersion: builtin
kind: PatchTransformer
metadata:
  name: remote
path: http://%s/patch.yaml
`, addr),
		// A second kustomization spells its fields in another case, which
		// kustomize accepts.
		"cased/kustomization.yaml": fmt.Sprintf("RESOURCES:\n  - sa.yaml\n  - http://%[1]s/cased.yaml\nPatches:\n  - path: https://%[1]s/cased-patch.yaml\n", addr),
		"cased/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cased\n",
	})
	if err := os.Symlink(filepath.Join(tmp, "outside.yaml"), filepath.Join(repo, "app", "linked.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(tmp, "outside-base"), filepath.Join(repo, "app", "linked-base")); err != nil {
		t.Fatal(err)
	}

	entry := filepath.Join(repo, "app")
	u := Build(context.Background(), entry, Options{Boundary: repo, Timeout: time.Minute})
	cased := Build(context.Background(), filepath.Join(repo, "cased"), Options{Boundary: repo, Timeout: time.Minute})

	if n := tw.count.Load(); n > 0 {
		t.Errorf("%d connections to %s", n, addr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("something ran: %s exists", marker)
	}
	for _, unit := range []render.Unit{u, cased} {
		for _, f := range unit.Consumed {
			if !strings.HasPrefix(f, repo+string(filepath.Separator)) {
				t.Errorf("consumed %s, outside %s", f, repo)
			}
		}
		for name, content := range unit.Files {
			if strings.Contains(string(content), "leak-7f3a") {
				t.Errorf("Files[%s] holds content from outside the boundary", name)
			}
		}
		if len(unit.Docs) != 1 {
			t.Fatalf("%s did not build: %v", unit.Root, unit.Errors)
		}
		if text := string(unit.Docs[0].Text); strings.Contains(text, "leak-7f3a") || !strings.Contains(text, "kind: ServiceAccount") {
			t.Errorf("%s: built stream:\n%s", unit.Root, text)
		}
	}

	kfile := filepath.Join(entry, "kustomization.yaml")
	messages := append(append([]string(nil), u.Notes...), errorTexts(u)...)
	for _, want := range []string{
		kfile + `:3: remote resource "http://` + addr + `/x.yaml" is not fetched`,
		kfile + `:4: remote resource "https://` + addr + `/org/repo.git" is not fetched`,
		kfile + `:5: remote resource "` + addr + `/org/repo//dir?ref=main" is not fetched`,
		kfile + `:6: remote resource "git::http://` + addr + `/org/repo.git//base" is not fetched`,
		kfile + `:7: remote resource "ssh://git@` + addr + `/org/repo.git" is not fetched`,
		kfile + `:8: remote resource "github.com/org/repo//base?ref=v1" is not fetched`,
		kfile + `:9: resource "../../outside.yaml" is outside ` + repo,
		kfile + `:10: resource "linked.yaml" is outside ` + repo,
		kfile + `:11: resource "linked-base" is outside ` + repo,
		kfile + `:12: resource "../../outside-base" is outside ` + repo,
		kfile + `:14: remote patch "http://` + addr + `/p.yaml" is not fetched`,
		kfile + `:16: remote patch "https://` + addr + `/psm.yaml" is not fetched`,
		kfile + `:20: remote generator file "http://` + addr + `/f.txt" is not fetched`,
		kfile + `:22: remote env file "https://` + addr + `/e.env" is not fetched`,
		kfile + `:24: transformer "exec-fn.yaml" is plugin Touch (example.com/v1), which is not run`,
		kfile + `:25: transformer "container-fn.yaml" is plugin Touch (example.com/v1), which is not run`,
		kfile + `:26: transformer "legacy-plugin.yaml" is plugin Touch (example.com/v1), which is not run`,
		kfile + `:27: transformer "remote-path-transformer.yaml" names remote file "http://` + addr + `/patch.yaml", which is not fetched`,
		kfile + `:28: remote transformer "http://` + addr + `/t.yaml" is not fetched`,
		kfile + `:30: inline generator names remote file "http://` + addr + `/g.txt", which is not fetched`,
		kfile + `:38: remote CRD file "http://` + addr + `/crd.yaml" is not fetched`,
		kfile + `:40: remote configuration file "http://` + addr + `/config.yaml" is not fetched`,
		kfile + `:42: remote OpenAPI schema "http://` + addr + `/schema.json" is not fetched`,
		kfile + `:44: Helm chart "web" is not inflated: that would run the helm binary`,
	} {
		if !containsPrefix(messages, want) {
			t.Errorf("no note or error starting %q in:\n%s", want, strings.Join(messages, "\n"))
		}
	}
	casedFile := filepath.Join(repo, "cased", "kustomization.yaml")
	for _, want := range []string{
		casedFile + `:3: remote resource "http://` + addr + `/cased.yaml" is not fetched`,
		casedFile + `:5: remote patch "https://` + addr + `/cased-patch.yaml" is not fetched`,
	} {
		if !containsPrefix(cased.Notes, want) {
			t.Errorf("no note starting %q in %q", want, cased.Notes)
		}
	}
}

func errorTexts(u render.Unit) []string {
	var out []string
	for _, e := range u.Errors {
		out = append(out, fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message))
	}
	return out
}

func containsPrefix(list []string, prefix string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

// TestHostileFilesAreBounded checks that an alias bomb, a file over the size
// limit and a missing file are errors, promptly.
func TestHostileFilesAreBounded(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\ni: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
	tests := []struct {
		name  string
		files map[string]string
		max   int64
		want  string
	}{
		{"alias bomb", map[string]string{
			"kustomization.yaml": "resources:\n  - bomb.yaml\n",
			"bomb.yaml":          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  " + strings.ReplaceAll(bomb, "\n", "\n  "),
		}, 0, "alias"},
		{"alias bomb in the kustomization", map[string]string{
			"kustomization.yaml": "resources:\n  - sa.yaml\n" + bomb,
			"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		}, 0, "alias"},
		{"alias bomb in an inline patch", map[string]string{
			"kustomization.yaml": "resources:\n  - sa.yaml\npatches:\n  - patch: |\n      apiVersion: v1\n      kind: ServiceAccount\n      metadata:\n        name: web\n      x:\n        " +
				strings.ReplaceAll(strings.TrimSpace(bomb), "\n", "\n        ") + "\n",
			"sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		}, 0, "inline patch: YAML aliases"},
		{"file over the size limit", map[string]string{
			"kustomization.yaml": "resources:\n  - big.yaml\n",
			"big.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: \"" + strings.Repeat("x", 4096) + "\"\n",
		}, 1024, "limit"},
		{"missing resource", map[string]string{
			"kustomization.yaml": "resources:\n  - sa.yaml\n  - gone.yaml\n",
			"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		}, 0, `resource "gone.yaml" does not exist`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			start := time.Now()
			u := Build(context.Background(), dir, Options{Boundary: dir, MaxFileSize: tc.max, Timeout: time.Minute})
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			if !slices.ContainsFunc(u.Errors, func(e finding.InputError) bool { return strings.Contains(e.Error(), tc.want) }) {
				t.Errorf("errors %v, want one mentioning %q", u.Errors, tc.want)
			}
		})
	}
}

// TestKustomizeRunsNoPluginItself hands kustomize, configured as Build
// configures it, a kustomization that was not sanitized and whose
// transformers are an exec function and a legacy exec plugin installed
// where kustomize looks for plugins: the build fails, and nothing runs.
func TestKustomizeRunsNoPluginItself(t *testing.T) {
	tmp := t.TempDir()
	marker := filepath.Join(tmp, "ran")
	script := "#!/bin/sh\ntouch " + marker + "\n"
	writeFiles(t, tmp, map[string]string{
		"xdg/kustomize/plugin/example.com/v1/touch/Touch": script,
		"app/touch.sh":              script,
		"app/kustomization.yaml":    "resources:\n  - sa.yaml\ntransformers:\n  - fn.yaml\n",
		"app/sa.yaml":               "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		"app/fn.yaml":               "apiVersion: example.com/v1\nkind: Touch\nmetadata:\n  name: t\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./touch.sh\n",
		"plugin/kustomization.yaml": "resources:\n  - sa.yaml\ntransformers:\n  - legacy.yaml\n",
		"plugin/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		"plugin/legacy.yaml":        "apiVersion: example.com/v1\nkind: Touch\nmetadata:\n  name: t\n",
	})
	for _, f := range []string{"xdg/kustomize/plugin/example.com/v1/touch/Touch", "app/touch.sh"} {
		if err := os.Chmod(filepath.Join(tmp, f), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(tmp, "xdg"))
	t.Setenv("KUSTOMIZE_PLUGIN_HOME", filepath.Join(tmp, "xdg", "kustomize", "plugin"))
	real, err := filepath.EvalSymlinks(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"app", "plugin"} {
		g := newGuardedFS(context.Background(), real, 1<<20)
		k := filepath.Join(real, dir, "kustomization.yaml")
		text, err := os.ReadFile(k)
		if err != nil {
			t.Fatal(err)
		}
		g.serve(k, text)
		if _, err := kustomizer().Run(g, filepath.Join(real, dir)); err == nil || !strings.Contains(err.Error(), "external plugins disabled") {
			t.Errorf("%s: error %v, want external plugins disabled", dir, err)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("a plugin ran")
	}
}
