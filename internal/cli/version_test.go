package cli

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestVersionFromLdflags: a release build stamps the version and commit
// with -ldflags -X, and `salint version` prints them with OPA's version;
// without them the build's own module version and VCS revision are used
// (TestSubcommands covers that path). A release links its own rule docs.
func TestVersionFromLdflags(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "salint")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	ld := "-X github.com/salint/salint/internal/cli.Version=v1.2.3 -X github.com/salint/salint/internal/cli.Commit=0123abc"
	build := exec.Command("go", "build", "-ldflags", ld, "-o", bin, "./cmd/salint")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("salint %v: %v", args, err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 3 || lines[0] != "salint v1.2.3" || lines[1] != "commit 0123abc" || !strings.HasPrefix(lines[2], "opa v") && !strings.HasPrefix(lines[2], "opa 1") {
			t.Errorf("salint %v printed %q", args, lines)
		}
	}
	// The release's rules link the docs of its tag.
	out, err := exec.Command(bin, "rules", "--format", "json").Output()
	if err != nil || !strings.Contains(string(out), `"helpUri": "https://github.com/salint/salint/blob/v1.2.3/docs/rules/SA001.md"`) {
		t.Errorf("salint rules --format json of v1.2.3 (%v):\n%s", err, out)
	}
}
