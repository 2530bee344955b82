package synth

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// readTree returns every file of dir by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func write(t *testing.T, apps int, seed uint64) (string, Stats) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	st, err := Write(dir, apps, seed)
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

func TestDeterministic(t *testing.T) {
	d1, s1 := write(t, 60, 7)
	d2, s2 := write(t, 60, 7)
	t1, t2 := readTree(t, d1), readTree(t, d2)
	if len(t1) != len(t2) || s1.Files != s2.Files || s1.Bytes != s2.Bytes || s1.Documents != s2.Documents {
		t.Fatalf("two writes differ: %d/%d files, stats %+v and %+v", len(t1), len(t2), s1, s2)
	}
	for p, data := range t1 {
		if !bytes.Equal(data, t2[p]) {
			t.Fatalf("%s differs between two writes", p)
		}
	}
	if len(t1) != s1.Files {
		t.Errorf("Stats.Files = %d, tree has %d files", s1.Files, len(t1))
	}
	var total int64
	for _, data := range t1 {
		total += int64(len(data))
	}
	if total != s1.Bytes {
		t.Errorf("Stats.Bytes = %d, tree has %d bytes", s1.Bytes, total)
	}

	// Another seed gives another tree; a smaller tree is a prefix of a larger one.
	d3, _ := write(t, 60, 8)
	if t3 := readTree(t, d3); len(t3) == len(t1) && bytes.Equal(t3[firstKey(t3)], t1[firstKey(t3)]) {
		t.Errorf("seeds 7 and 8 gave the same tree")
	}
	d4, _ := write(t, 20, 7)
	for p, data := range readTree(t, d4) {
		if !bytes.Equal(data, t1[p]) {
			t.Errorf("%s of a 20-app tree is not in the 60-app tree", p)
		}
	}
}

func firstKey(m map[string][]byte) string {
	first := ""
	for k := range m {
		if first == "" || k < first {
			first = k
		}
	}
	return first
}

func TestLinear(t *testing.T) {
	_, small := write(t, 100, 1)
	_, large := write(t, 400, 1)
	for _, c := range []struct {
		what         string
		small, large float64
	}{
		{"bytes", float64(small.Bytes), float64(large.Bytes)},
		{"documents", float64(small.Documents), float64(large.Documents)},
		{"files", float64(small.Files), float64(large.Files)},
	} {
		if r := c.large / c.small; r < 3.4 || r > 4.6 {
			t.Errorf("%s: 400 apps / 100 apps = %.2f, want about 4", c.what, r)
		}
	}
	// The mix is realistic: about 9 documents and 6 KB per app.
	if per := float64(large.Bytes) / 400; per < 3000 || per > 12000 {
		t.Errorf("%.0f bytes per app", per)
	}
	if per := float64(large.Documents) / 400; per < 7 || per > 12 {
		t.Errorf("%.1f documents per app", per)
	}
	for _, k := range []string{"ServiceAccount", "Deployment", "StatefulSet", "CronJob", "Job", "DaemonSet", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Secret", "ConfigMap", "Service"} {
		if large.Kinds[k] == 0 {
			t.Errorf("no %s in 400 apps", k)
		}
	}
}

// TestValidYAML decodes every document of every file, checks that it is a
// Kubernetes object, and that the probes are all there.
func TestValidYAML(t *testing.T) {
	dir, st := write(t, 300, 3)
	docs := 0
	kinds := map[string]int{}
	var all strings.Builder
	for p, data := range readTree(t, dir) {
		all.Write(data)
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var v map[string]any
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if v == nil {
				t.Fatalf("%s: empty document", p)
			}
			kind, _ := v["kind"].(string)
			if _, ok := v["apiVersion"].(string); !ok || kind == "" {
				t.Fatalf("%s: document without apiVersion or kind", p)
			}
			meta, _ := v["metadata"].(map[string]any)
			if name, _ := meta["name"].(string); name == "" {
				t.Fatalf("%s: %s without a name", p, kind)
			}
			kinds[kind]++
			docs++
		}
	}
	if docs != st.Documents {
		t.Errorf("decoded %d documents, Stats.Documents = %d", docs, st.Documents)
	}
	for k, n := range st.Kinds {
		if kinds[k] != n {
			t.Errorf("%s: decoded %d, Stats.Kinds says %d", k, kinds[k], n)
		}
	}
	text := all.String()
	for _, probe := range []string{
		"# Source: ",
		"automountServiceAccountToken: false",
		"automountServiceAccountToken: true",
		"automountServiceAcountToken: false", // misspelt
		"serviceAccountName: default",
		`serviceAccountName: ""`,
		"serviceAccount: ",
		"- serviceAccountToken:",
		"expirationSeconds: 599",
		"audience: ",
		"type: kubernetes.io/service-account-token",
		"secretName: ",
		`verbs: ["*"]`,
		`resources: ["*"]`,
		"name: cluster-admin",
		"name: system:authenticated",
		"secrets:\n- name: ",
	} {
		if !strings.Contains(text, probe) {
			t.Errorf("no %q in 300 apps", probe)
		}
	}
	// Some objects leave the namespace unset.
	if n := strings.Count(text, "\nmetadata:\n  name: "); n == 0 {
		t.Error("no metadata at all")
	}
	if strings.Count(text, "\n  namespace: ") >= st.Documents-st.Kinds["ClusterRole"]-st.Kinds["ClusterRoleBinding"] {
		t.Error("every namespaced object sets its namespace")
	}
}

func TestRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, 1, 1); err == nil {
		t.Error("Write into a non-empty directory succeeded")
	}
	st, err := Write(filepath.Join(dir, "empty"), 0, 1)
	if err != nil || st.Files != 0 {
		t.Errorf("Write of 0 apps = %+v, %v", st, err)
	}
}
