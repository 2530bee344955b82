package loader_test

import (
	"bytes"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// loadSeeds are small inputs that reach the loader's edge cases.
var loadSeeds = []string{
	"",
	"---",
	"--- \n---\n",
	"# Source: web/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n",
	"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  name: b\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a}\n- 1\n- *x\n",
	"apiVersion: v1\nkind: List\nitems: &i\n- &o {apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}\n- *o\n",
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      automountServiceAcountToken: no\n      automountServiceAccountToken: \"false\"\n      containers:\n      - name: 5\n        image: [x]\n",
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- verbs: [\"get\", \"*\"]\n  resources: [pods]\n  apiGroups: [\"\"]\n",
	"apiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: crlf\r\n",
	"apiVersion: v1\rkind: ServiceAccount\rmetadata:\r  name: cr\r",
	"apiVersion: v1\r\r\nkind: ServiceAccount\r\r\nmetadata: {name: a, namespace: b}\r\r\nautomountServiceAccountToken: 1\r\r\n",
	"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: \"a\u0085b\"}\nsecrets: [\u2028{name: x}]\n",
	"\ufeffapiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bom}\n",
	"a: \xff\n",
	"a: \x00\n",
	"{\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", \"metadata\": {\"name\": \"j\"}, \"automountServiceAccountToken\": \"yes\"}",
	"a: &a [*a]\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: &a {b: *a}\n",
	"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\n<<: {automountServiceAccountToken: true}\n",
	"<<: {apiVersion: v1, kind: ServiceAccount}\nmetadata: {name: merged}\n",
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [[[[[[[[[[]]]]]]]]]]}\n",
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n\tcontainers: []\n",
	"--- apiVersion: v1\n--- kind: x\n--- [\n--- {\n---\n- a\n",
	"apiVersion: ! v1\nkind: ! ServiceAccount\nmetadata: {name: ! 12}\nautomountServiceAccountToken: ! true\n",
	"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          serviceAccountName: x\n          volumes:\n          - projected:\n              sources:\n              - serviceAccountToken: {expirationSeconds: 1e3}\n",
}

// Paths that FuzzLoad looks up, built from these elements.
var pathElems = []any{"apiVersion", "kind", "metadata", "name", "spec", "template", "containers", "items",
	"rules", "verbs", "automountServiceAccountToken", "a", "", "<<", 0, 1, 2, 7}

func FuzzLoad(f *testing.F) {
	for _, s := range loadSeeds {
		f.Add([]byte(s))
	}
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, p := range fixtures {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		file := loader.Parse("fuzz.yaml", data, loader.Options{Kinds: model.Kinds, MaxDepth: 40})
		lines := bytes.Count(data, []byte("\n")) + 1
		inFile := func(what string, line, col int) {
			t.Helper()
			if line < 1 || line > lines || col < 1 {
				t.Fatalf("%s at %d:%d, outside the %d lines of %q", what, line, col, lines, data)
			}
		}
		if n := len(file.Objects) + len(file.Skipped) + len(file.Errors); file.Documents != n {
			t.Fatalf("Documents = %d, want %d objects + %d skipped + %d errors in %q",
				file.Documents, len(file.Objects), len(file.Skipped), len(file.Errors), data)
		}
		for _, e := range file.Errors {
			if e.Line == 0 && e.Column == 0 {
				continue // the whole file
			}
			inFile("error "+e.Message, e.Line, e.Column)
		}
		for _, s := range file.Skipped {
			inFile("skipped document", s.Line, s.Column)
		}
		h := fnv.New64a()
		h.Write(data)
		rnd := rand.New(rand.NewPCG(h.Sum64(), 1))
		for _, o := range file.Objects {
			if o.Value == nil || o.Positions == nil {
				t.Fatalf("object %s %s without a value or positions", o.Kind, o.Name)
			}
			inFile("object", o.Pos(nil).Line, o.Pos(nil).Column)
			for _, fe := range o.FieldErrors {
				if fe.Problem == "" || fe.Detail == "" {
					t.Fatalf("field error %+v without a problem or detail", fe)
				}
				if !o.Positions.Has(fe.Path) {
					t.Fatalf("field %s is not indexed", fe.Path)
				}
				p := o.Pos(fe.Path)
				inFile("field error "+fe.Path.String(), p.Line, p.Column)
			}
			for range 8 {
				path := make(loader.Path, rnd.IntN(7))
				for i := range path {
					path[i] = pathElems[rnd.IntN(len(pathElems))]
				}
				p, n := o.Positions.Find(path)
				inFile("path "+path.String(), p.Line, p.Column)
				if n < 0 || n > len(path) {
					t.Fatalf("Find(%s) found %d elements", path, n)
				}
				if q, m := o.Positions.Find(path[:n]); q != p || m != n {
					t.Fatalf("Find(%s) = %v, %d but Find of its present part %s = %v, %d", path, p, n, path[:n], q, m)
				}
			}
			if o.Kind == "" || o.APIVersion == "" {
				t.Fatalf("object without apiVersion or kind: %+v", o)
			}
		}
	})
}
