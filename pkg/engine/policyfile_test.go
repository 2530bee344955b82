package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/salint/salint/pkg/engine"
)

// loadWithin loads the policy at dir beside one built-in rule, failing the
// test instead of hanging when loading does not end.
func loadWithin(t *testing.T, dir string) (*engine.Engine, error) {
	t.Helper()
	builtin := mapFS(map[string]string{
		"main/main.rego": mainRego,
		"a/a.rego":       rule("a", "SA901", "rule-a", "high", everyWorkload),
	})
	type loaded struct {
		eng *engine.Engine
		err error
	}
	done := make(chan loaded, 1)
	go func() {
		eng, err := engine.NewWithPolicies(context.Background(), builtin, []engine.Policy{{Name: dir, FS: os.DirFS(dir)}})
		done <- loaded{eng, err}
	}()
	select {
	case l := <-done:
		return l.eng, l.err
	case <-time.After(30 * time.Second):
		t.Fatal("loading the policy did not end")
		return nil, nil
	}
}

// policyDir writes a policy directory holding rule x (x/x.rego) and files,
// and returns it; a file whose content starts with "->" is a symbolic link
// to the rest.
func policyDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["x/x.rego"] = customRule("x", "ACME001", "x", customFindings)
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, link := strings.CutPrefix(content, "->"); link {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPolicyFilesAreReadOnlyAsRegularFiles: a policy's examples reach
// reports verbatim, so a link to a secret must not bring the secret along,
// and a link to a device must not hang or fill the memory; nor may a rule
// module be read through a link. Each is an error naming the file.
func TestPolicyFilesAreReadOnlyAsRegularFiles(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "environ")
	if err := os.WriteFile(secret, []byte("AWS_SECRET_ACCESS_KEY=hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	elsewhere := t.TempDir()
	if err := os.WriteFile(filepath.Join(elsewhere, "bad.yaml"), []byte("TOKEN=hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(elsewhere, "y.rego"), []byte(customRule("y", "ACME002", "y", customFindings)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		files map[string]string
		file  string // the file the error names
		why   string
	}{
		{"example linked to a secret", map[string]string{"x/examples/bad.yaml": "->" + secret}, "x/examples/bad.yaml", "symbolic link"},
		{"example linked to /proc/self/environ", map[string]string{"x/examples/good.yaml": "->/proc/self/environ"}, "x/examples/good.yaml", "symbolic link"},
		{"example linked to /dev/zero", map[string]string{"x/examples/bad.yaml": "->/dev/zero"}, "x/examples/bad.yaml", "symbolic link"},
		{"example linked within the policy", map[string]string{"x/examples/bad.yaml": "->good.yaml", "x/examples/good.yaml": "# good\n"}, "x/examples/bad.yaml", "symbolic link"},
		{"examples directory linked elsewhere", map[string]string{"x/examples": "->" + elsewhere}, "x/examples", "symbolic link"},
		{"example too large", map[string]string{"x/examples/bad.yaml": "# big\n" + strings.Repeat("a: b\n", 64<<10/5)}, "x/examples/bad.yaml", "larger than salint reads (64 KiB)"},
		{"rule module linked elsewhere", map[string]string{"y.rego": "->" + filepath.Join(elsewhere, "y.rego")}, "y.rego", "symbolic link"},
		{"rule module linked to /dev/zero", map[string]string{"z.rego": "->/dev/zero"}, "z.rego", "symbolic link"},
		{"directory linked elsewhere", map[string]string{"vendor": "->" + elsewhere}, "vendor", "symbolic link to a directory"},
		{"rule module too large", map[string]string{"big.rego": "package salint.rules.big\n" + strings.Repeat("# padding\n", 1<<20/10)}, "big.rego", "larger than salint reads (1 MiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := policyDir(t, tt.files)
			_, err := loadWithin(t, dir)
			want := filepath.Join(dir, filepath.FromSlash(tt.file))
			if err == nil || !strings.Contains(err.Error(), want+" ") || !strings.Contains(err.Error(), tt.why) {
				t.Fatalf("error %v, want one saying %s %s", err, want, tt.why)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows what the link points to: %v", err)
			}
		})
	}
}

// TestPolicyExampleThatIsAFIFO: a named pipe is never opened, so nothing
// waits for a writer.
func TestPolicyExampleThatIsAFIFO(t *testing.T) {
	dir := policyDir(t, map[string]string{})
	fifo := filepath.Join(dir, "x", "examples", "bad.yaml")
	if err := os.MkdirAll(filepath.Dir(fifo), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	_, err := loadWithin(t, dir)
	if err == nil || !strings.Contains(err.Error(), fifo+" is a named pipe, not a regular file") {
		t.Errorf("error %v, want one saying %s is a named pipe", err, fifo)
	}
}

// TestPolicyLinksSalintDoesNotReadAreFine: a link to a file that is neither
// a rule module nor an example (a README) stays allowed, and the examples
// of a rule are read.
func TestPolicyLinksSalintDoesNotReadAreFine(t *testing.T) {
	dir := policyDir(t, map[string]string{
		"README.md":            "->/etc/hostname",
		"x/x_test.rego":        "->/dev/zero",
		"x/examples/bad.yaml":  "# bad\nkind: Pod\n",
		"x/examples/good.yaml": "# good\nkind: Pod\n",
	})
	eng, err := loadWithin(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if ex := eng.Rule("ACME001").Examples; ex.Bad != "# bad\nkind: Pod\n" || ex.Good != "# good\nkind: Pod\n" {
		t.Errorf("examples = %+v", ex)
	}
}

// policyOf is the policy directory dir, as the command line gives it.
func policyOf(dir string) engine.Policy { return engine.Policy{Name: dir, FS: os.DirFS(dir)} }
