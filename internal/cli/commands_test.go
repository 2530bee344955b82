package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
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
		{[]string{"verison"}, false, `unknown command "verison"; did you mean "version"?`}, //nolint:misspell // the typo under test
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

// TestExplainForATerminal: `salint explain` prints plain text (headings
// underlined, examples indented, no markdown fences or # marks), coloured
// only on a terminal without NO_COLOR or --no-color; --format markdown
// prints the rule's page as docs/rules has it, less the generated marker.
func TestExplainForATerminal(t *testing.T) {
	chdirRoot(t)
	explain := func(terminal bool, noColor string, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		code := Main(append([]string{"explain"}, args...), Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
			Getenv: func(k string) string {
				if k == "NO_COLOR" {
					return noColor
				}
				return ""
			},
			StdoutIsTerminal: terminal,
		})
		if code != ExitOK {
			t.Fatalf("salint explain %v: exit %d: %s", args, code, errOut.String())
		}
		return out.String()
	}
	text := explain(false, "", "SA010")
	if text != explain(false, "", "--format", "text", "SA010") {
		t.Error("--format text is not the default")
	}
	for _, want := range []string{
		"SA010 automount-token\n=====================\n",
		"\nExamples\n--------\n",
		"\nRemediation\n-----------\n",
		"\nFlagged:\n\n    # ",
		"\n    apiVersion: v1\n",
		"\n  - https://kubernetes.io/docs/concepts/security/service-accounts/\n",
		"Docs:      https://github.com/salint/salint/blob/main/docs/rules/SA010.md\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "```") || strings.HasPrefix(line, "|") || strings.Contains(line, "**") || strings.Contains(line, "<https") {
			t.Errorf("markup in the text: %q", line)
		}
		if len([]rune(line)) > 80 && !strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "  - ") {
			t.Errorf("prose line over 80 columns: %q", line)
		}
	}
	if strings.Contains(text, "\x1b[") {
		t.Error("colour when stdout is not a terminal")
	}
	coloured := explain(true, "", "SA010")
	if !strings.Contains(coloured, "\x1b[1;4mExamples\x1b[0m") || strings.Contains(coloured, "--------") {
		t.Errorf("no bold headings on a terminal:\n%s", coloured)
	}
	if strings.Contains(explain(true, "1", "SA010"), "\x1b[") || strings.Contains(explain(true, "", "--no-color", "SA010"), "\x1b[") {
		t.Error("colour despite NO_COLOR or --no-color")
	}
	page, err := os.ReadFile("docs/rules/SA010.md")
	if err != nil {
		t.Fatal(err)
	}
	md := explain(true, "", "--format", "markdown", "SA010")
	if want, _, _ := strings.Cut(string(page), "\n<!--"); md != want {
		t.Errorf("--format markdown is not the page of docs/rules:\n%s", diff(want, md))
	}
}

// TestRulesShowConfiguration: with a configuration in use (a file found or
// named, or --enable/--disable), `salint rules` says whether each rule runs
// and at which severity, the default beside it where it differs; without
// one it lists the rules as ever.
func TestRulesShowConfiguration(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	conf := "rules:\n  SA012: {severity: high}\n  SA001: {enabled: false}\n"
	if err := os.WriteFile(".salint.yaml", []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	line := func(out, id string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, id+" ") {
				return strings.Join(strings.Fields(l), " ")
			}
		}
		return ""
	}
	out, stderr, code := runSalint(t, "", "rules", "--disable", "automount-token")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for id, want := range map[string]string{
		"ID":    "ID NAME ENABLED SEVERITY DEFAULT TITLE",
		"SA001": "SA001 default-service-account no medium Pod runs",
		"SA010": "SA010 automount-token no medium Pod has",
		"SA012": "SA012 service-account-automount yes high low ServiceAccount does not",
		"SA011": "SA011 default-sa-automount yes medium Default ServiceAccount",
	} {
		if got := line(out, id); !strings.HasPrefix(got, want) {
			t.Errorf("text row %s = %q, want it to start %q", id, got, want)
		}
	}

	out, _, _ = runSalint(t, "", "rules", "--format", "json")
	var rules []map[string]any
	if err := json.Unmarshal([]byte(out), &rules); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rules {
		got[r["id"].(string)] = fmt.Sprint(r["enabled"], " ", r["severity"], " ", r["defaultSeverity"])
	}
	for id, want := range map[string]string{"SA001": "false medium medium", "SA012": "true high low", "SA010": "true medium medium"} {
		if got[id] != want {
			t.Errorf("JSON %s: enabled severity defaultSeverity = %q, want %q", id, got[id], want)
		}
	}

	out, _, _ = runSalint(t, "", "rules", "--format", "markdown")
	for _, want := range []string{
		"| ID | name | enabled | severity | what it finds |\n",
		"| [SA001](docs/rules/SA001.md) | default-service-account | no | medium |",
		"| [SA012](docs/rules/SA012.md) | service-account-automount | yes | high (default low) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}

	// --enable or --disable alone is a configuration too.
	out, _, _ = runSalint(t, "", "rules", "--no-config", "--disable", "SA010")
	if got := line(out, "SA012"); !strings.HasPrefix(got, "SA012 service-account-automount yes low ServiceAccount") {
		t.Errorf("--no-config --disable: SA012 row %q", got)
	}
	// No configuration: the plain list, and the JSON as before.
	out, _, _ = runSalint(t, "", "rules", "--no-config")
	if strings.HasPrefix(out, "ID ") || line(out, "SA012") != "SA012 service-account-automount low ServiceAccount does not disable token automounting" {
		t.Errorf("without configuration:\n%s", out)
	}
	out, _, _ = runSalint(t, "", "rules", "--no-config", "--format", "json")
	if strings.Contains(out, `"enabled"`) || strings.Contains(out, `"defaultSeverity"`) {
		t.Errorf("JSON without configuration has the configuration's keys")
	}
	if _, _, code = runSalint(t, "", "rules", "--disable", "SA999"); code != ExitError {
		t.Errorf("--disable of an unknown rule: exit %d", code)
	}
}

// TestOwnFilesAreNotInputs: a baseline, and the configuration, inside the
// tree salint lints are not read as manifests, so neither counts as a
// skipped document, and a baseline can be written again where it is; one
// named as a path is read as ever, and a manifest named by
// --write-baseline is still refused.
func TestOwnFilesAreNotInputs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {containers: [{name: c, image: c}]}\n"
	for name, data := range map[string]string{"pod.yaml": pod, ".salint.yaml": "fail-on: high\n"} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type summary struct {
		Summary struct{ Files, Documents, Skipped, Findings int }
		Skipped []struct{ File string }
	}
	lintJSON := func(args ...string) summary {
		t.Helper()
		out, stderr, code := runSalint(t, "", append([]string{"-f", "json"}, args...)...)
		if code == ExitError {
			t.Fatalf("salint %v: exit %d: %s", args, code, stderr)
		}
		var s summary
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for range 2 { // the second time over the baseline the first wrote
		_, stderr, code := runSalint(t, "", "--write-baseline", "salint-baseline.json", ".")
		if code != ExitOK {
			t.Fatalf("--write-baseline inside the tree: exit %d, stderr %q", code, stderr)
		}
	}
	s := lintJSON("--baseline", "salint-baseline.json", ".")
	if s.Summary.Files != 1 || s.Summary.Documents != 1 || s.Summary.Skipped != 0 || len(s.Skipped) != 0 || s.Summary.Findings != 0 {
		t.Errorf("--baseline inside the tree: %+v, skipped %v; want pod.yaml alone, its findings in the baseline", s.Summary, s.Skipped)
	}
	out, _, _ := runSalint(t, "", "--baseline", "salint-baseline.json", ".")
	if !strings.Contains(out, "1 file, 1 document, 1 object checked, 0 skipped") {
		t.Errorf("text summary:\n%s", out)
	}
	// Named as a path, an own file is read as the user asked.
	s = lintJSON("--baseline", "salint-baseline.json", ".", "salint-baseline.json")
	if s.Summary.Skipped != 1 || len(s.Skipped) != 1 || s.Skipped[0].File != "salint-baseline.json" {
		t.Errorf("baseline named as a path: %+v, skipped %v", s.Summary, s.Skipped)
	}
	// -c names a configuration inside the tree: not read as a manifest
	// either, while the .salint.yaml it replaces is.
	if err := os.Mkdir("ci", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("ci", "salint.yaml"), []byte("fail-on: critical\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = lintJSON("-c", "ci/salint.yaml", "--baseline", "salint-baseline.json", ".")
	if s.Summary.Files != 2 || s.Summary.Skipped != 1 || len(s.Skipped) != 1 || s.Skipped[0].File != ".salint.yaml" {
		t.Errorf("-c ci/salint.yaml: %+v, skipped %v; want .salint.yaml alone skipped", s.Summary, s.Skipped)
	}
	// A baseline that is a manifest too is an input like any other.
	b, err := os.ReadFile("salint-baseline.json")
	if err != nil {
		t.Fatal(err)
	}
	both := strings.Replace(string(b), "{\n", "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ServiceAccount\",\n  \"metadata\": {\"name\": \"hidden\", \"namespace\": \"shop\"},\n", 1)
	if err := os.WriteFile("manifest-baseline.json", []byte(both), 0o644); err != nil {
		t.Fatal(err)
	}
	s = lintJSON("-c", "ci/salint.yaml", "--baseline", "manifest-baseline.json", ".")
	if s.Summary.Files != 4 || s.Summary.Documents != 4 {
		t.Errorf("--baseline naming a manifest: %+v; want it read as an input", s.Summary)
	}
	if err := os.Remove("manifest-baseline.json"); err != nil {
		t.Fatal(err)
	}
	// The baseline is read once, within --max-file-size, before linting.
	_, stderr, code := runSalint(t, "", "--max-file-size", "64", "--baseline", "salint-baseline.json", ".")
	if code != ExitError || !strings.Contains(stderr, "salint-baseline.json is larger than --max-file-size (64 bytes)") {
		t.Errorf("--baseline over --max-file-size: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runSalint(t, "", "--write-baseline", "pod.yaml", ".")
	if b, _ := os.ReadFile("pod.yaml"); code != ExitError || string(b) != pod || !strings.Contains(stderr, "one of the files salint read") {
		t.Errorf("--write-baseline pod.yaml: exit %d, stderr %q", code, stderr)
	}
}

// Reports written inside the scanned tree are salint's own files on the
// next run too: not read, not skipped, rewritten without complaint; a
// manifest named as a report file is still read and never overwritten.
func TestReportFilesAreNotInputs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {containers: [{name: c, image: c}]}\n"
	if err := os.WriteFile("pod.yaml", []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		out, stderr, code := runSalint(t, "", "-f", "json=r.json", "-f", "sarif=r.sarif.json", "-f", "compact", ".")
		if code == ExitError {
			t.Fatalf("run %d: exit %d: %s", run, code, stderr)
		}
		if !strings.Contains(out, "1 file, 1 document, 1 object checked, 0 skipped") {
			t.Errorf("run %d: the reports of the run before were read as inputs:\n%s", run, out)
		}
	}
	var rep struct{ Summary struct{ Files, Skipped int } }
	b, err := os.ReadFile("r.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Summary.Files != 1 || rep.Summary.Skipped != 0 {
		t.Errorf("JSON report of the second run: %+v, %v", rep.Summary, err)
	}
	// A report with a manifest after it, or one that is a manifest too, is
	// an input: a planted "report" hides nothing from the run.
	for name, planted := range map[string]string{
		"trailing.json": string(b) + "---\n" + pod,
		"kind.json":     strings.Replace(string(b), "{\n", "{\n  \"kind\": \"Pod\",\n", 1),
		// A key with a null value, or a second one, still names a kind.
		"null-kind.json": strings.Replace(string(b), "\n  \"tool\": {", "\n  \"kind\": null,\n  \"tool\": {", 1),
	} {
		if err := os.WriteFile(name, []byte(planted), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := runSalint(t, "", "-f", "json="+name, ".")
		if after, _ := os.ReadFile(name); code != ExitError || string(after) != planted || !strings.Contains(stderr, "one of the files salint read") {
			t.Errorf("-f json=%s over a planted report: exit %d, stderr %q", name, code, stderr)
		}
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
	}
	// A JSON file that is no report of salint's is an input like any other.
	if err := os.WriteFile("other.json", []byte(`{"schemaVersion": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runSalint(t, "", "-f", "json=other.json", ".")
	if b, _ := os.ReadFile("other.json"); code != ExitError || string(b) != `{"schemaVersion": 2}` || !strings.Contains(stderr, "one of the files salint read") {
		t.Errorf("-f json=other.json: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runSalint(t, "", "-f", "sarif=pod.yaml", ".")
	if b, _ := os.ReadFile("pod.yaml"); code != ExitError || string(b) != pod {
		t.Errorf("-f sarif=pod.yaml: exit %d, stderr %q", code, stderr)
	}
}
