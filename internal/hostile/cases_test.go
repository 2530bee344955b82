package hostile_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/salint/salint/internal/testfs"
)

// cases are the inputs of the adversarial review (issue 11) and of the
// older catalogue.
func cases() []hostileCase {
	return []hostileCase{
		{name: "alias bomb", said: "bad.yaml", build: func(t *testing.T, dir string) []string {
			var b strings.Builder
			b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
			for i := 1; i < 12; i++ {
				fmt.Fprintf(&b, "  a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
			}
			write(t, filepath.Join(dir, "bad.yaml"), []byte(b.String()))
			return []string{"."}
		}},
		{name: "deep nesting", said: "bad.yaml", build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "bad.yaml"), []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: deep}\nspec: "+strings.Repeat("[", 50000)+strings.Repeat("]", 50000)+"\n"))
			return []string{"."}
		}},
		{name: "huge file", said: "larger than", build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "bad.yaml"), bytes.Repeat([]byte("# padding line\n"), 200_000))
			return []string{"--max-file-size", "1000000", "."}
		}},
		{name: "binary file", said: "binary", build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "bad.yaml"), []byte("apiVersion: v1\x00\x01\x02kind: Pod\n"))
			return []string{"."}
		}},
		{name: "invalid UTF-8", said: "UTF-8", build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "bad.yaml"), []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: \xff\xfe}\n"))
			return []string{"."}
		}},
		{name: "duplicate keys", said: "already defined", build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "bad.yaml"), []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: dup}\nspec: {serviceAccountName: a, serviceAccountName: b}\n"))
			return []string{"."}
		}},
		{name: "FIFO in a directory", said: "not a regular file", build: func(t *testing.T, dir string) []string {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			return []string{"."}
		}},
		{name: "symlink loop", said: "loop", build: func(t *testing.T, dir string) []string {
			testfs.Symlink(t, "..", filepath.Join(dir, "sub", "up"))
			return []string{"."}
		}},
		{name: "symlink chain that doubles", check: findingsOn("chain-pod", 2), build: func(t *testing.T, dir string) []string {
			// 15 levels, each with two links to the next: 2^15 paths to
			// one pod, which must be read once.
			for i := 0; i < 15; i++ {
				level := filepath.Join(dir, "chain", fmt.Sprintf("d%d", i))
				if err := os.MkdirAll(level, 0o755); err != nil {
					t.Fatal(err)
				}
				next := fmt.Sprintf("../d%d", i+1)
				testfs.Symlink(t, next, filepath.Join(level, "a"))
				testfs.Symlink(t, next, filepath.Join(level, "b"))
			}
			write(t, filepath.Join(dir, "chain", "d15", "pod.yaml"), []byte(strings.Replace(good, "good-pod", "chain-pod", 1)))
			return []string{"."}
		}},
		{name: "link to the root of the machine", said: "leaves the named paths", build: func(t *testing.T, dir string) []string {
			testfs.Symlink(t, "/", filepath.Join(dir, "host"))
			return []string{"."}
		}},
		{name: "one-line JSON List of 20,000 pods", maxRSS: 1200e6, build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "list.json"), podList(20000))
			return []string{"."}
		}},
		{name: "ignore annotation listing 64k names on a 1,000-rule role", said: "more names", build: func(t *testing.T, dir string) []string {
			var b strings.Builder
			b.WriteString("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: wide\n  annotations:\n    salint.io/ignore: \"")
			for i := 0; i < 64000; i++ {
				fmt.Fprintf(&b, "X%05d,", i)
			}
			b.WriteString("\"\nrules:\n")
			for i := 0; i < 1000; i++ {
				b.WriteString("  - {apiGroups: [\"*\"], resources: [\"*\"], verbs: [\"*\"]}\n")
			}
			write(t, filepath.Join(dir, "role.yaml"), []byte(b.String()))
			return []string{"."}
		}},
		{name: "ignore text inside a block scalar", check: findingsOn("sneaky", 2), build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "pod.yaml"), []byte(`apiVersion: v1
kind: Pod
metadata:
  name: sneaky
  annotations:
    note: |
      # salint:ignore SA001,SA010 nothing to see
spec:
  containers: [{name: c, image: i}]
`))
			return []string{"."}
		}},
		{name: "custom policy with a ref out of range", said: "ACME900", build: func(t *testing.T, dir string) []string {
			policy(t, dir, "ACME900", `findings contains {"ref": 99999, "path": [], "msg": "x"} if true`)
			return []string{"--policy", "policy", "good.yaml"}
		}},
		{name: "custom policy that never ends", said: "ACME901", build: func(t *testing.T, dir string) []string {
			policy(t, dir, "ACME901", `findings contains {"ref": 0, "path": [], "msg": sprintf("%d", [count(numbers.range(0, 1000000000000))])} if true`)
			return []string{"--policy", "policy", "good.yaml"}
		}},
		{name: "policy example linked to a device", said: "symbolic link", refused: true, build: func(t *testing.T, dir string) []string {
			policy(t, dir, "ACME902", `findings contains {"ref": 0, "path": [], "msg": "x"} if false`)
			testfs.Symlink(t, "/dev/zero", filepath.Join(dir, "policy", "rule", "examples", "bad.yaml"))
			return []string{"--policy", "policy", "good.yaml"}
		}},
		{name: "chart whose template loops a billion times", said: "chart", build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "chart", "Chart.yaml"), []byte("apiVersion: v2\nname: loop\nversion: 1.0.0\n"))
			write(t, filepath.Join(dir, "chart", "templates", "x.yaml"), []byte("{{ range until 1000000000 }}x{{ end }}\n"))
			return []string{"."}
		}},
		{name: "kustomization reaching for the network", said: "remote", build: func(t *testing.T, dir string) []string {
			write(t, filepath.Join(dir, "k", "kustomization.yaml"), []byte("resources:\n  - https://192.0.2.1/x.yaml\n  - github.com/example/repo//base?ref=v1\n"))
			return []string{"."}
		}},
	}
}

// policy writes a custom rule with id whose body is the Rego given.
func policy(t *testing.T, dir, id, body string) {
	t.Helper()
	src := fmt.Sprintf(`# METADATA
# title: Hostile rule %[1]s
# description: A rule a pull request could add.
# custom:
#   id: %[1]s
#   name: hostile-%[2]s
#   severity: low
#   category: test
#   remediation: none
package salint.rules.hostile_%[2]s

%[3]s
`, id, strings.ToLower(id), body)
	write(t, filepath.Join(dir, "policy", "rule", "rule.rego"), []byte(src))
	if err := os.MkdirAll(filepath.Join(dir, "policy", "rule", "examples"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// podList is a List of n pods on one line, as JSON tools write it.
func podList(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"apiVersion":"v1","kind":"List","items":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p-%d","namespace":"ns"},"spec":{"containers":[{"name":"c","image":"i"}]}}`, i)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// findingsOn checks that the object named name has exactly n findings: a
// file read twice would double them, a fake ignore comment remove them.
func findingsOn(name string, n int) func(t *testing.T, r run) {
	return func(t *testing.T, r run) {
		t.Helper()
		got := 0
		for _, f := range r.report.Findings {
			if f.Object.Name == name {
				got++
			}
		}
		if got != n {
			t.Errorf("%d findings on %s, want %d", got, name, n)
		}
	}
}
