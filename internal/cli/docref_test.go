package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocRef(t *testing.T) {
	for version, want := range map[string]string{
		"v1.2.3":                             "v1.2.3",
		"v1.2.3-rc.1":                        "v1.2.3-rc.1",
		"v0.9.0-beta":                        "v0.9.0-beta",
		"v1.2.3+dirty":                       "v1.2.3",
		"devel":                              "",
		"":                                   "",
		"1.2.3":                              "",
		"v1.2":                               "",
		"v0.0.0-20251205190000-0123456789ab": "",
		"v1.2.4-0.20251205190000-0123456789ab+dirty": "",
		"v1.2.3/../../evil":                          "",
	} {
		if got := docRef(version); got != want {
			t.Errorf("docRef(%q) = %q, want %q", version, got, want)
		}
	}
}

// TestDocLinksFollowTheRelease: a release build links every built-in
// rule's documentation at its tag, in every output that links it; a custom
// rule keeps its own link. (Tests build as devel, which links main: the
// goldens.)
func TestDocLinksFollowTheRelease(t *testing.T) {
	chdirRoot(t)
	old := Version
	Version = "v1.2.3-rc.1"
	t.Cleanup(func() { Version = old })
	const tagged = "https://github.com/salint/salint/blob/v1.2.3-rc.1/docs/rules/SA010.md"

	out, _, _ := runSalint(t, "", "rules", "--format", "json")
	if !strings.Contains(out, `"helpUri": "`+tagged+`"`) || strings.Contains(out, "/blob/main/") {
		t.Errorf("rules --format json does not link the tag:\n%s", out)
	}
	if out, _, _ = runSalint(t, "", "explain", "SA010"); !strings.Contains(out, tagged) {
		t.Errorf("explain does not link the tag:\n%s", out)
	}
	pol := "testdata/policies/acme_token_audience"
	out, _, _ = runSalint(t, "", "-f", "sarif", "--policy", pol, "testdata/manifests/token-mounting")
	if !strings.Contains(out, `"helpUri": "`+tagged+`"`) {
		t.Errorf("SARIF helpUri does not link the tag")
	}
	if !strings.Contains(out, `"helpUri": "https://github.com/salint/salint/blob/main/docs/rules/ACME001.md"`) {
		t.Errorf("the custom rule's helpUri changed")
	}
	summary := filepath.Join(t.TempDir(), "summary.md")
	var stdout bytes.Buffer
	Main([]string{"-f", "github", "testdata/manifests/token-mounting"}, Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &bytes.Buffer{},
		Getenv: func(k string) string {
			if k == "GITHUB_STEP_SUMMARY" {
				return summary
			}
			return ""
		},
	})
	if b, err := os.ReadFile(summary); err != nil || !strings.Contains(string(b), "]("+tagged+")") {
		t.Errorf("the step summary does not link the tag (%v):\n%s", err, b)
	}
}
