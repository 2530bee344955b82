package action

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name       string
		env        map[string]string
		args       []string // salint's arguments before the count report's
		paths      []string
		report     string
		findings   string
		wantStatus int
	}{
		{"sarif by default", map[string]string{"SALINT_FORMAT": "sarif", "FAKE_FINDINGS": "7"},
			[]string{"--format", "sarif", "--output", "salint.sarif"}, []string{"."}, "salint.sarif", "7", 0},
		{"empty format is sarif", map[string]string{"FAKE_FINDINGS": "0"},
			[]string{"--format", "sarif", "--output", "salint.sarif"}, []string{"."}, "salint.sarif", "0", 0},
		{"text to standard output", map[string]string{"SALINT_FORMAT": "text", "FAKE_FINDINGS": "3", "FAKE_SALINT_STATUS": "1"},
			[]string{"--format", "text"}, []string{"."}, "", "3", 1},
		{"github with fail-on and config", map[string]string{"SALINT_FORMAT": "github", "SALINT_FAIL_ON": "high", "SALINT_CONFIG": "ci/salint.yaml", "FAKE_FINDINGS": "2"},
			[]string{"--fail-on", "high", "--config", "ci/salint.yaml", "--format", "github"}, []string{"."}, "", "2", 0},
		{"json to a file", map[string]string{"SALINT_FORMAT": "json", "SALINT_OUTPUT": "out/salint.json", "FAKE_FINDINGS": "12"},
			[]string{"--format", "json", "--output", "out/salint.json"}, []string{"."}, "out/salint.json", "12", 0},
		// A YAML block scalar gives args and paths on several lines: every
		// line counts, blanks around them do not, and nothing is globbed.
		{"multi-line args and paths", map[string]string{
			"SALINT_FORMAT": "sarif", "SALINT_OUTPUT": "reports/salint.sarif", "FAKE_FINDINGS": "4",
			"SALINT_ARGS": "--min-severity medium\n--exclude vendor/**\n\n\t--show-suppressed  --sarif-category k8s/*\n",
			"SALINT_PATH": "deploy\n\n  charts/web  \nk8s/*.yaml\r\n"},
			[]string{"--min-severity", "medium", "--exclude", "vendor/**", "--show-suppressed", "--sarif-category", "k8s/*",
				"--format", "sarif", "--output", "reports/salint.sarif"},
			[]string{"deploy", "charts/web", "k8s/*.yaml"}, "reports/salint.sarif", "4", 0},
		{"a path like a flag", map[string]string{"SALINT_FORMAT": "sarif", "SALINT_PATH": "--output=x.yaml\n", "FAKE_FINDINGS": "0"},
			[]string{"--format", "sarif", "--output", "salint.sarif"}, []string{"--output=x.yaml"}, "salint.sarif", "0", 0},
		{"input error, no JSON", map[string]string{"SALINT_FORMAT": "sarif", "FAKE_SALINT_STATUS": "2", "FAKE_SALINT_NO_JSON": "1"},
			[]string{"--format", "sarif", "--output", "salint.sarif"}, []string{"."}, "salint.sarif", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStep(t, false)
			s.env["SALINT"] = s.fakeBin
			for k, v := range tc.env {
				s.env[k] = v
			}
			// Files the args' and paths' globs would match, were they expanded.
			for _, f := range []string{"vendor/a/b.yaml", "k8s/x.yaml", "k8s/y.yaml"} {
				writeFile(t, filepath.Join(s.work, f), "", 0o644)
			}
			mkdir(t, filepath.Join(s.work, "out"))
			mkdir(t, filepath.Join(s.work, "reports"))
			count := filepath.Join(s.temp, "salint-count.json")
			writeFile(t, count, "{\n  \"summary\": {\n    \"findings\": 99,\n  }\n}\n", 0o644) // a stale count

			status, out := s.run("run.sh")
			if status != tc.wantStatus {
				t.Errorf("status %d, want %d:\n%s", status, tc.wantStatus, out)
			}
			want := append(append(slices.Clone(tc.args), "--format", "json="+count, "--"), tc.paths...)
			got := calls(t, s.salintLog, "salint")
			if len(got) != 1 {
				t.Fatalf("salint ran %d times, want once: %q", len(got), got)
			}
			if !slices.Equal(got[0], want) {
				t.Errorf("salint %q\n want salint %q", got[0], want)
			}
			outs := s.outputs()
			if !equalMaps(outs, map[string]string{"report": tc.report, "findings": tc.findings}) {
				t.Errorf("outputs %v, want report=%s findings=%s", outs, tc.report, tc.findings)
			}
			if tc.report != "" {
				if b, err := os.ReadFile(filepath.Join(s.work, tc.report)); err != nil || !strings.HasPrefix(string(b), "fake ") && !strings.HasPrefix(string(b), "{") {
					t.Errorf("report %s not written: %v", tc.report, err)
				}
			}
		})
	}
}

func TestRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, format, output, want string
	}{
		{"a format with a file", "sarif=/etc/passwd", "", "is not a format name"},
		{"a format with a space", "sarif --fail-on none", "", "is not a format name"},
		{"an output across lines", "sarif", "a.sarif\nfindings=0", "holds a line break"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStep(t, false)
			s.env["SALINT"] = s.fakeBin
			s.env["SALINT_FORMAT"], s.env["SALINT_OUTPUT"] = tc.format, tc.output
			status, out := s.run("run.sh")
			if status == 0 || !strings.Contains(out, "::error title=salint::") || !strings.Contains(out, tc.want) {
				t.Errorf("status %d, want an error saying %q:\n%s", status, tc.want, out)
			}
			if strings.Contains(out, "\nfindings=0") {
				t.Errorf("the error message broke the line:\n%s", out)
			}
			if got := calls(t, s.salintLog, "salint"); got != nil {
				t.Errorf("salint ran: %q", got)
			}
			if got := s.outputs(); len(got) != 0 {
				t.Errorf("outputs %v, want none", got)
			}
		})
	}
}
