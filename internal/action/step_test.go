package action

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fakeSalint stands in for salint: it records its arguments and writes the
// reports -f/-o ask for, the JSON one with FAKE_FINDINGS findings.
const fakeSalint = `#!/usr/bin/env bash
{ printf -- '--- salint\n'; for a in "$@"; do printf '%s\n' "$a"; done; } >> "$FAKE_SALINT_LOG"
if [ "$1" = version ]; then echo "salint fake"; exit 0; fi
formats=() out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --) break ;;
    -f | --format) formats+=("$2"); shift ;;
    -o | --output) out=$2; shift ;;
  esac
  shift
done
for f in "${formats[@]}"; do
  name=${f%%=*} file=""
  case "$f" in *=*) file=${f#*=} ;; esac
  if [ -z "$file" ]; then file=$out; fi
  if [ "$name" = json ]; then
    if [ -n "$FAKE_SALINT_NO_JSON" ]; then continue; fi
    body=$(printf '{\n  "summary": {\n    "files": 2,\n    "findings": %s,\n    "suppressed": 1\n  },\n  "findings": [\n  ]\n}' "$FAKE_FINDINGS")
  else
    body="fake $name report"
  fi
  if [ -n "$file" ]; then printf '%s\n' "$body" > "$file"; else printf '%s\n' "$body"; fi
done
exit "${FAKE_SALINT_STATUS:-0}"
`

// fakeGo stands in for go: it records its environment and arguments, and
// "builds" by copying the fake salint to the -o path.
const fakeGo = `#!/usr/bin/env bash
{
  printf -- '--- go\n'
  printf 'PWD=%s\n' "$PWD"
  for v in GOTOOLCHAIN GOMODCACHE GOCACHE GOFLAGS GOWORK CGO_ENABLED; do printf '%s=%s\n' "$v" "${!v}"; done
  for a in "$@"; do printf '%s\n' "$a"; done
} >> "$FAKE_GO_LOG"
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = -o ]; then out=$2; fi
  shift
done
if [ -n "$out" ]; then cp "$FAKE_SALINT_BIN" "$out" && chmod +x "$out"; fi
`

// tools are the commands the scripts (and the fakes) may run. The tests
// give them a PATH holding these alone, so that `go` is there only when a
// test puts it there.
var (
	tools         = []string{"bash", "awk", "cat", "chmod", "cp", "curl", "dirname", "env", "find", "gzip", "head", "mkdir", "printenv", "rm", "sed", "sha256sum", "sort", "tar", "tr", "unzip", "xargs"}
	optionalTools = []string{"shasum"}
)

// goVersion is the Go release the repository's go.mod asks for.
var goVersion = func() string {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		panic(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(b)
	if m == nil {
		panic("go.mod has no go line")
	}
	return string(m[1])
}()

// step is one job's surroundings: a copy of the action's checkout, the
// runner's directories, and the commands on PATH.
type step struct {
	t         *testing.T
	action    string // the action's checkout: the scripts, go.mod, go.sum, a main package
	temp      string // RUNNER_TEMP
	work      string // the workspace, each script's working directory
	output    string // GITHUB_OUTPUT
	githubEnv string // GITHUB_PATH and GITHUB_ENV, which nothing may write
	salintLog string
	goLog     string
	fakeBin   string // the fake salint the fake go copies
	bash      string
	env       map[string]string
}

func newStep(t *testing.T, withGo bool) *step {
	t.Helper()
	base := t.TempDir()
	s := &step{
		t:         t,
		action:    filepath.Join(base, "action"),
		temp:      filepath.Join(base, "runner-temp"),
		work:      filepath.Join(base, "workspace"),
		output:    filepath.Join(base, "github_output"),
		githubEnv: filepath.Join(base, "github_env"),
		salintLog: filepath.Join(base, "salint.log"),
		goLog:     filepath.Join(base, "go.log"),
		fakeBin:   filepath.Join(base, "fake-salint"),
	}
	toolDir := filepath.Join(base, "tools")
	s.bash = filepath.Join(toolDir, "bash")
	for _, d := range []string{s.temp, s.work, toolDir, s.githubEnv, filepath.Join(base, "home")} {
		mkdir(t, d)
	}
	for _, name := range append(tools, optionalTools...) {
		p, err := exec.LookPath(name)
		if err != nil {
			if slices.Contains(optionalTools, name) {
				continue
			}
			t.Fatalf("the action's scripts need %s: %v", name, err)
		}
		if err := os.Symlink(p, filepath.Join(toolDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	path := toolDir
	if withGo {
		goDir := filepath.Join(base, "go-bin")
		writeFile(t, filepath.Join(goDir, "go"), fakeGo, 0o755)
		path = goDir + string(os.PathListSeparator) + path
	}
	writeFile(t, s.fakeBin, fakeSalint, 0o755)

	// The action's checkout: its scripts and what a build reads.
	scripts, err := filepath.Glob("*.sh")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, name := range scripts {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(s.action, "internal", "action", name), string(b), 0o755)
	}
	writeFile(t, filepath.Join(s.action, "go.mod"), "module github.com/salint/salint\n\ngo "+goVersion+"\n", 0o644)
	writeFile(t, filepath.Join(s.action, "go.sum"), "example.com/m v1.0.0 h1:abc=\n", 0o644)
	writeFile(t, filepath.Join(s.action, "cmd", "salint", "main.go"), "package main\n\nfunc main() {}\n", 0o644)
	writeFile(t, filepath.Join(s.action, "cmd", "salint", "main_test.go"), "package main\n", 0o644)
	writeFile(t, filepath.Join(s.action, "rules", "a", "a.rego"), "package a\n", 0o644)
	writeFile(t, filepath.Join(s.action, "pkg", "x", "testdata", "in.yaml"), "a: 1\n", 0o644)

	s.env = map[string]string{
		"PATH":            path,
		"HOME":            filepath.Join(base, "home"),
		"LC_ALL":          "C",
		"RUNNER_OS":       "Linux",
		"RUNNER_ARCH":     "X64",
		"RUNNER_TEMP":     s.temp,
		"GITHUB_OUTPUT":   s.output,
		"GITHUB_PATH":     filepath.Join(s.githubEnv, "path"),
		"GITHUB_ENV":      filepath.Join(s.githubEnv, "env"),
		"FAKE_SALINT_LOG": s.salintLog,
		"FAKE_GO_LOG":     s.goLog,
		"FAKE_SALINT_BIN": s.fakeBin,
	}
	return s
}

// run runs one of the action's scripts as its step does, and returns its
// exit status and what it printed.
func (s *step) run(script string, args ...string) (int, string) {
	s.t.Helper()
	cmd := exec.Command(s.bash, append([]string{"--noprofile", "--norc", filepath.Join(s.action, "internal", "action", script)}, args...)...)
	cmd.Dir = s.work
	for k, v := range s.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	status := 0
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			s.t.Fatal(err)
		}
		status = exit.ExitCode()
	}
	if entries, _ := os.ReadDir(s.githubEnv); len(entries) > 0 {
		s.t.Errorf("%s wrote GITHUB_PATH or GITHUB_ENV", script)
	}
	return status, string(out)
}

// outputs reads GITHUB_OUTPUT, then empties it for the next step.
func (s *step) outputs() map[string]string {
	s.t.Helper()
	b, err := os.ReadFile(s.output)
	if err != nil && !os.IsNotExist(err) {
		s.t.Fatal(err)
	}
	os.Remove(s.output)
	got := map[string]string{}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
		if !ok {
			s.t.Errorf("GITHUB_OUTPUT line %q is not name=value", line)
		}
		if _, dup := got[k]; dup {
			s.t.Errorf("output %s set twice", k)
		}
		got[k] = v
	}
	return got
}

// calls reads a fake's log: the arguments of each call, in order.
func calls(t *testing.T, log, name string) [][]string {
	t.Helper()
	b, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	var all [][]string
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSuffix(line, "\n")
		if line == "--- "+name {
			all = append(all, []string{})
			continue
		}
		all[len(all)-1] = append(all[len(all)-1], line)
	}
	return all
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, name, body string, mode os.FileMode) {
	t.Helper()
	mkdir(t, filepath.Dir(name))
	if err := os.WriteFile(name, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
