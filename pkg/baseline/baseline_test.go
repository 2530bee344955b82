package baseline_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/baseline"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/rules"
)

var (
	sa010 = &finding.Rule{ID: "SA010", Name: "automount-token"}
	sa012 = &finding.Rule{ID: "SA012", Name: "service-account-automount"}
)

func mk(rule *finding.Rule, kind, ns, name, path, fp, file string, line int) finding.Finding {
	return finding.Finding{
		Rule:        rule,
		Location:    finding.Location{File: file, Line: line, Column: 1},
		Object:      finding.Object{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name},
		Path:        path,
		Fingerprint: fp,
	}
}

func writeBaseline(t *testing.T, fs []finding.Finding) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := baseline.Write(&buf, fs); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readBaseline(t *testing.T, data []byte) *baseline.Baseline {
	t.Helper()
	b, err := baseline.Read(bytes.NewReader(data), "baseline.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fingerprints(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Fingerprint)
	}
	return out
}

// TestRoundTrip: what was written is filtered out on the next run, a new
// finding is kept, and kept findings stay in their order.
func TestRoundTrip(t *testing.T) {
	recorded := []finding.Finding{
		mk(sa010, "Pod", "prod", "web", "spec", "fp-web", "web.yaml", 6),
		mk(sa012, "ServiceAccount", "prod", "web", "", "fp-sa", "web.yaml", 1),
	}
	b := readBaseline(t, writeBaseline(t, recorded))

	today := []finding.Finding{
		mk(sa010, "Pod", "prod", "new-b", "spec", "fp-new-b", "b.yaml", 3),
		mk(sa010, "Pod", "prod", "web", "spec", "fp-web", "moved.yaml", 40), // moved: same fingerprint
		mk(sa010, "Pod", "prod", "new-a", "spec", "fp-new-a", "a.yaml", 9),
		mk(sa012, "ServiceAccount", "prod", "web", "", "fp-sa", "web.yaml", 4),
	}
	kept, n := b.Filter(today)
	if got, want := fingerprints(kept), []string{"fp-new-b", "fp-new-a"}; !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v in their original order", got, want)
	}
	if n != 2 {
		t.Errorf("baselined %d, want 2", n)
	}
}

// TestRepeatedFingerprint: membership, not counting: every finding with a
// recorded fingerprint is baselined, however often it occurs today.
func TestRepeatedFingerprint(t *testing.T) {
	b := readBaseline(t, writeBaseline(t, []finding.Finding{mk(sa010, "Pod", "prod", "web", "spec", "fp-web", "web.yaml", 6)}))
	today := []finding.Finding{
		mk(sa010, "Pod", "prod", "web", "spec", "fp-web", "web.yaml", 6),
		mk(sa010, "Pod", "prod", "web", "spec", "fp-web", "copy.yaml", 6),
	}
	if kept, n := b.Filter(today); len(kept) != 0 || n != 2 {
		t.Errorf("kept %v, baselined %d; want none kept, 2 baselined", fingerprints(kept), n)
	}
}

// TestWriteFormat pins the file a user commits: versioned, 2-space
// indented, sorted by rule and object, one entry per fingerprint, ending
// in a newline.
func TestWriteFormat(t *testing.T) {
	got := string(writeBaseline(t, []finding.Finding{
		mk(sa012, "ServiceAccount", "", "a&b", "", "fp-2", "sa.yaml", 1),
		mk(sa010, "Pod", "prod", "web", "spec", "fp-1", "web.yaml", 6),
		mk(sa010, "Pod", "prod", "web", "spec", "fp-1", "web.yaml", 6),
	}))
	want := `{
  "schemaVersion": 2,
  "tool": "salint",
  "findings": [
    {
      "fingerprint": "fp-1",
      "ruleId": "SA010",
      "object": {
        "apiVersion": "v1",
        "kind": "Pod",
        "namespace": "prod",
        "name": "web"
      },
      "path": "spec",
      "file": "web.yaml"
    },
    {
      "fingerprint": "fp-2",
      "ruleId": "SA012",
      "object": {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "namespace": "",
        "name": "a&b"
      },
      "path": "",
      "file": "sa.yaml"
    }
  ]
}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestWriteIsDeterministic: the same findings in any order, duplicated or
// not, give byte-identical files, so a regenerated baseline diffs cleanly.
func TestWriteIsDeterministic(t *testing.T) {
	fs := []finding.Finding{
		mk(sa010, "Pod", "prod", "web", "spec", "fp-1", "web.yaml", 6),
		mk(sa012, "ServiceAccount", "prod", "web", "", "fp-2", "web.yaml", 1),
		mk(sa010, "Pod", "dev", "web", "spec", "fp-3", "dev/web.yaml", 6),
		mk(sa010, "Deployment", "prod", "api", "spec.template.spec", "fp-4", "api.yaml", 20),
		// The same object defined in two files: one entry, whichever comes first.
		mk(sa010, "Pod", "prod", "twin", "spec", "fp-5", "b.yaml", 2),
		mk(sa010, "Pod", "prod", "twin", "spec", "fp-5", "a.yaml", 2),
	}
	first := writeBaseline(t, fs)
	for i := range fs {
		rotated := append(slices.Clone(fs[i:]), fs[:i]...)
		if got := writeBaseline(t, rotated); !bytes.Equal(got, first) {
			t.Fatalf("rotated by %d:\n%s\nwant\n%s", i, got, first)
		}
		slices.Reverse(rotated)
		if got := writeBaseline(t, rotated); !bytes.Equal(got, first) {
			t.Fatalf("reversed, rotated by %d:\n%s\nwant\n%s", i, got, first)
		}
	}
	if n := bytes.Count(first, []byte(`"fingerprint"`)); n != 5 {
		t.Errorf("%d entries, want 5 (one per fingerprint):\n%s", n, first)
	}
}

func TestWriteRejectsMissingFingerprint(t *testing.T) {
	err := baseline.Write(&bytes.Buffer{}, []finding.Finding{mk(sa010, "Pod", "prod", "web", "spec", "", "web.yaml", 6)})
	if err == nil || !strings.Contains(err.Error(), "no fingerprint") {
		t.Errorf("err = %v, want one about the missing fingerprint", err)
	}
}

// TestEmptyBaseline: a baseline of no findings, and no baseline at all,
// filter nothing.
func TestEmptyBaseline(t *testing.T) {
	data := writeBaseline(t, nil)
	if !bytes.Contains(data, []byte(`"findings": []`)) {
		t.Errorf("empty baseline is\n%s\nwant an empty findings array", data)
	}
	today := []finding.Finding{
		mk(sa010, "Pod", "prod", "web", "spec", "fp-1", "web.yaml", 6),
		mk(sa012, "ServiceAccount", "prod", "web", "", "fp-2", "web.yaml", 1),
	}
	for name, b := range map[string]*baseline.Baseline{"empty": readBaseline(t, data), "nil": nil} {
		kept, n := b.Filter(today)
		if !slices.Equal(fingerprints(kept), fingerprints(today)) || n != 0 {
			t.Errorf("%s baseline: kept %v, baselined %d; want all kept", name, fingerprints(kept), n)
		}
	}
}

// TestReadErrors: a bad baseline is an error naming the file, and the line
// and column when the JSON says where.
func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"unknown version", `{"schemaVersion": 3, "tool": "salint", "findings": []}`,
			[]string{"ci/baseline.json: ", "schemaVersion 3 is not supported", "versions 1 and 2"}},
		{"syntax error", "{\n  \"schemaVersion\": 1,\n  \"tool\": \"salint\",,\n  \"findings\": []\n}\n",
			[]string{"ci/baseline.json:3:20: invalid JSON"}},
		{"truncated", "{\n  \"schemaVersion\": 1,\n  \"findings\": [\n",
			[]string{"ci/baseline.json:3:", "invalid JSON"}},
		{"wrong type", "{\n  \"schemaVersion\": 1,\n  \"tool\": \"salint\",\n  \"findings\": \"none\"\n}\n",
			[]string{"ci/baseline.json:4:", "findings: want an array, found JSON string"}},
		{"version is a string", `{"schemaVersion": "1"}`,
			[]string{"ci/baseline.json:1:", "schemaVersion: want a whole number, found JSON string"}},
		{"not an object", `[]`, []string{"ci/baseline.json:1:", "want an object, found JSON array"}},
		{"no version", `{"tool": "salint", "findings": []}`, []string{"ci/baseline.json: no schemaVersion"}},
		{"json report", `{"schemaVersion": 1, "tool": {"name": "salint", "version": "1.0.0"}, "findings": []}`,
			[]string{"ci/baseline.json: ", "not a salint baseline", "--format json report"}},
		{"other tool", `{"schemaVersion": 1, "tool": "kube-linter", "findings": []}`,
			[]string{"ci/baseline.json: ", `tool is "kube-linter"`}},
		{"no fingerprint", `{"schemaVersion": 1, "tool": "salint", "findings": [{"ruleId": "SA010", "object": {"kind": "Pod", "namespace": "prod", "name": "web"}}]}`,
			[]string{"ci/baseline.json: findings[0] (SA010 Pod prod/web) has no fingerprint"}},
		{"empty file", "\n", []string{"ci/baseline.json: empty file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := baseline.Read(strings.NewReader(tc.data), "ci/baseline.json")
			if err == nil {
				t.Fatalf("read %q without error: %+v", tc.data, b)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// The tree of TestBaselineSurvivesReformatting: a Deployment whose pods
// mount the token of a ServiceAccount that may read Secrets.
const (
	webYAML = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: prod
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: nginx:1.27
`
	rbacYAML = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secrets-reader
  namespace: prod
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-secrets
  namespace: prod
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: secrets-reader
subjects:
  - kind: ServiceAccount
    name: web
    namespace: prod
`
	// workerYAML is the new problem: a pod on the default ServiceAccount.
	workerYAML = `apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: prod
spec:
  containers:
    - name: worker
      image: busybox:1.36
`
)

// TestBaselineSurvivesReformatting is the acceptance test of baselines on
// the real pipeline: after comments are added above every document and a
// file is re-indented, every finding is still baselined; a new offending
// object's findings, and only those, are reported.
func TestBaselineSurvivesReformatting(t *testing.T) {
	eng, err := engine.New(context.Background(), rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run := func() []finding.Finding {
		t.Helper()
		rep, err := lint.Run(context.Background(), eng, lint.Config{Paths: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range rep.Errors {
			t.Fatalf("input error: %s", e.Error())
		}
		return rep.Findings
	}
	put := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("web.yaml", webYAML)
	put("rbac.yaml", rbacYAML)

	before := run()
	files := map[string]bool{}
	for _, f := range before {
		files[filepath.Base(f.File)] = true
	}
	if len(before) < 3 || !files["web.yaml"] || !files["rbac.yaml"] {
		t.Fatalf("want findings in both files to baseline, got %d: %v", len(before), describe(before))
	}
	path := filepath.Join(t.TempDir(), "salint-baseline.json") // outside the linted tree
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := baseline.Write(out, before); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}

	// Three comment lines on top of every file, and web.yaml re-indented
	// from two spaces to four: the same objects, on other lines and columns.
	header := "# Managed by the platform team.\n# Do not edit by hand.\n# See docs/deploy.md.\n"
	put("web.yaml", header+reindent(webYAML))
	put("rbac.yaml", header+rbacYAML)
	after := run()
	if len(after) != len(before) {
		t.Fatalf("reformatting changed the findings: before %v, after %v", describe(before), describe(after))
	}
	wasAt := map[string]finding.Location{}
	for _, f := range before {
		wasAt[f.Fingerprint] = f.Location
	}
	for _, f := range after {
		if was := wasAt[f.Fingerprint]; was.Line == f.Line {
			t.Errorf("%s on %s stayed on line %d: the edit should have moved it", f.Rule.ID, f.Object, f.Line)
		}
	}

	b := readFile(t, path)
	if kept, n := b.Filter(after); len(kept) != 0 || n != len(after) {
		t.Errorf("after reformatting: kept %v, baselined %d of %d; want every finding baselined", describe(kept), n, len(after))
	}

	put("worker.yaml", workerYAML)
	withNew := run()
	var want []finding.Finding
	for _, f := range withNew {
		if f.Object.Name == "worker" {
			want = append(want, f)
		}
	}
	if len(want) == 0 {
		t.Fatalf("the new pod has no findings: %v", describe(withNew))
	}
	kept, n := b.Filter(withNew)
	if !slices.Equal(fingerprints(kept), fingerprints(want)) || n != len(before) {
		t.Errorf("with a new pod: kept %v, baselined %d; want exactly %v kept and %d baselined", describe(kept), n, describe(want), len(before))
	}
}

// reindent doubles every line's indentation, counting a sequence item's
// "- " as indentation, which keeps YAML's structure.
func reindent(src string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		rest := strings.TrimLeft(l, " ")
		indent := strings.Repeat(" ", 2*(len(l)-len(rest)))
		for strings.HasPrefix(rest, "- ") {
			indent += "-   "
			rest = rest[2:]
		}
		lines[i] = indent + rest
	}
	return strings.Join(lines, "\n")
}

func readFile(t *testing.T, path string) *baseline.Baseline {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := baseline.Read(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func describe(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule.ID+" "+f.Object.String()+" "+f.Path+" at "+f.Location.String())
	}
	return out
}

// TestVersion1Baseline: a baseline written before fingerprints included the
// file is still read: each entry matches its finding in the file it was
// recorded in, and the findings it would have hidden in other files (the
// same rule, object and path) are reported, and counted, not silently
// matched or silently lost.
func TestVersion1Baseline(t *testing.T) {
	obj := finding.Object{APIVersion: "v1", Kind: "ServiceAccount", Namespace: "prod", Name: "web"}
	v1 := `{"schemaVersion": 1, "tool": "salint", "findings": [{"fingerprint": "` +
		finding.LegacyFingerprint("SA012", obj, "") + `", "ruleId": "SA012", "object": {"apiVersion": "v1", "kind": "ServiceAccount", "namespace": "prod", "name": "web"}, "path": "", "file": "a/sa.yaml"}]}`
	b := readBaseline(t, []byte(v1))
	if b.Version != 1 {
		t.Fatalf("version %d", b.Version)
	}
	recorded := mk(sa012, "ServiceAccount", "prod", "web", "", finding.Fingerprint("SA012", obj, "", "a/sa.yaml"), "a/sa.yaml", 1)
	copied := mk(sa012, "ServiceAccount", "prod", "web", "", finding.Fingerprint("SA012", obj, "", "b/sa.yaml"), "b/sa.yaml", 1)
	other := mk(sa010, "Pod", "prod", "web", "spec", finding.Fingerprint("SA010", finding.Object{Kind: "Pod", Namespace: "prod", Name: "web"}, "spec", "a/sa.yaml"), "a/sa.yaml", 9)
	kept, n := b.Filter([]finding.Finding{recorded, copied, other})
	if n != 1 || len(kept) != 2 || kept[0].File != "b/sa.yaml" {
		t.Errorf("kept %v (%d baselined); want the copy in b/sa.yaml and the SA010", fingerprints(kept), n)
	}
	if u := b.Unfiled(kept); u != 1 {
		t.Errorf("Unfiled = %d, want 1: the copy version 1 would have hidden", u)
	}
	// A version 2 baseline tells the copy from the original, and has no
	// such count.
	b2 := readBaseline(t, writeBaseline(t, []finding.Finding{recorded}))
	if kept, n := b2.Filter([]finding.Finding{recorded, copied}); n != 1 || len(kept) != 1 || b2.Unfiled(kept) != 0 {
		t.Errorf("version 2: kept %d, baselined %d", len(kept), n)
	}
}

// FuzzRead: a baseline file from a pull request is read or refused with an
// error naming it, never a panic.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"schemaVersion": 2, "tool": "salint", "findings": [{"fingerprint": "x", "ruleId": "SA001", "object": {"kind": "Pod"}, "path": "", "file": "a.yaml"}]}`))
	f.Add([]byte(`{"schemaVersion": 1, "tool": "salint", "findings": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := baseline.Read(bytes.NewReader(data), "b.json")
		if err != nil && !strings.HasPrefix(err.Error(), "b.json") {
			t.Fatalf("error %q does not name the file", err)
		}
		if err == nil {
			b.Filter(nil)
		}
	})
}
