package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/report"
)

// TestEnumFlagErrorsListEveryValue: a flag given a value outside its set
// says every value it accepts, none for --fail-on included.
func TestEnumFlagErrorsListEveryValue(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--fail-on", "urgent"}, []string{"--fail-on", `"urgent"`, "none, info, low, medium, high, critical"}},
		{[]string{"--min-severity", "urgent"}, []string{"--min-severity", `"urgent"`, "info, low, medium, high, critical"}},
		{[]string{"-f", "xml"}, []string{`"xml"`, strings.Join(report.Formats(), ", ")}},
		{[]string{"rules", "--format", "yaml"}, []string{"--format", `"yaml"`, "text, json, markdown"}},
		{[]string{"explain", "--format", "json", "SA010"}, []string{"--format", `"json"`, "text, markdown"}},
	} {
		_, err := Parse(tc.args)
		if err == nil {
			t.Errorf("%v: no error", tc.args)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q lacks %q", tc.args, err, w)
			}
		}
	}
}

// TestMistypedCommand: a first argument that names no file but is close
// to a subcommand is a usage error suggesting it; one that exists, or
// comes after "--", is a path as ever.
func TestMistypedCommand(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		exists bool
		want   string // "" for no error
	}{
		{[]string{"rule"}, false, `unknown command "rule"; did you mean "rules"?`},
		{[]string{"explian", "SA010"}, false, `unknown command "explian"; did you mean "explain"?`},
		{[]string{"verison"}, false, `unknown command "verison"; did you mean "version"?`},
		{[]string{"expl"}, false, `did you mean "explain"?`},
		{[]string{"--no-config", "rule"}, false, `did you mean "rules"?`},
		{[]string{"--no-config", "rules"}, false, `"rules" is a subcommand, named before any flag`},
		{[]string{"rule"}, true, ""},
		{[]string{"--", "rule"}, false, ""},
		{[]string{"deploy"}, false, ""},
		{[]string{"rule.yaml"}, false, ""},
		{[]string{"./rule"}, false, ""},
	} {
		o, err := Parse(tc.args)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		err = mistypedCommand(o, func(string) bool { return tc.exists })
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v (exists %v): %v", tc.args, tc.exists, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v (exists %v): error %v, want %q", tc.args, tc.exists, err, tc.want)
		}
	}

	// Through Main: exit 2 with the suggestion; a directory of that name
	// is linted.
	t.Chdir(t.TempDir())
	_, stderr, code := runSalint(t, "", "rule")
	if code != ExitError || !strings.Contains(stderr, `salint: unknown command "rule"; did you mean "rules"?`) {
		t.Errorf("salint rule: exit %d, stderr %q", code, stderr)
	}
	if err := os.Mkdir("rule", 0o755); err != nil {
		t.Fatal(err)
	}
	pod := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nautomountServiceAccountToken: false\n"
	if err := os.WriteFile(filepath.Join("rule", "sa.yaml"), []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runSalint(t, "", "rule")
	if code != ExitOK || !strings.Contains(out, "1 file, 1 document, 1 object checked") {
		t.Errorf("salint rule with a directory rule/: exit %d, stderr %q\n%s", code, stderr, out)
	}
}
