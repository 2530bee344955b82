package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// runSalint runs the CLI in the repository root, as a user would.
func runSalint(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" },
	})
	return out.String(), errOut.String(), code
}

func chdirRoot(t *testing.T) {
	t.Helper()
	t.Chdir(filepath.Join("..", ".."))
}

// TestGolden lints every case directory of testdata/manifests and compares
// each format with its golden file.
func TestGolden(t *testing.T) {
	chdirRoot(t)
	cases, err := os.ReadDir("testdata/manifests")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		for _, format := range []string{"text", "compact", "json", "sarif", "github"} {
			t.Run(c.Name()+"/"+format, func(t *testing.T) {
				out, stderr, code := runSalint(t, "", "-f", format, filepath.Join("testdata/manifests", c.Name()))
				if code == ExitError {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				golden := filepath.Join("testdata/golden", c.Name()+"."+format)
				compareGolden(t, golden, portable(t, out))
			})
		}
	}
}

// portable replaces the absolute working directory, which SARIF names as
// the %SRCROOT% base, so that goldens hold wherever the repository is.
func portable(t *testing.T, out string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(out, "file://"+filepath.ToSlash(wd)+"/", "file:///REPOSITORY/")
}

func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./internal/cli -update and review the diff):\n%s", golden, diff(string(want), got))
	}
}

// diff shows the first lines that differ.
func diff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(wl), len(gl)) && shown < 10; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g + "\n")
			shown++
		}
	}
	return b.String()
}
