// Package hostile_test runs salint on what a hostile pull request can put in
// a repository (docs/security.md): each case is generated into a temporary
// directory beside a good manifest and linted by a child process under a
// CPU-time limit and a resident-memory bound, and the run must not crash, must stay within its bounds,
// must still report the good manifest and must say what was wrong with the
// bad input. Scaling cases compare the work done at n and 4n, never time.
package hostile_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/salint/salint/internal/cli"
)

// childEnv makes the test binary run salint's Main with the arguments in
// the variable (JSON), under the CPU limit of childCPUEnv.
const (
	childEnv    = "SALINT_HOSTILE_ARGS"
	childCPUEnv = "SALINT_HOSTILE_CPU"
)

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		var cpu uint64 = 60
		fmt.Sscan(os.Getenv(childCPUEnv), &cpu)
		// The kernel stops a run that spins past its CPU time.
		syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: cpu, Max: cpu + 5})
		cli.DenyNetwork()
		cli.SilenceLibraryLogs()
		os.Exit(cli.Main(argv, cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
	}
	os.Exit(m.Run())
}

// run is one salint run in a child process.
type run struct {
	code   int
	stdout string
	stderr string
	cpu    time.Duration
	rss    int64 // peak, bytes
	report jsonReport
}

type jsonReport struct {
	Summary struct {
		Files, Documents, Objects, Skipped, Errors, Findings int
	}
	Findings []struct {
		RuleID string `json:"ruleId"`
		File   string
		Line   int
		Object struct{ Name string }
	}
	Errors []struct {
		File, Message string
	}
	Skipped []struct {
		File, Reason string
	}
	Notes []string
}

// salint runs the CLI in dir with args and a JSON report, within cpu
// seconds of CPU time, mem bytes of resident memory (the child is killed
// beyond it, so that a run that would exhaust the machine fails instead)
// and a wall-clock deadline to fail rather than hang.
func salint(t *testing.T, dir string, cpu int, mem int64, args ...string) run {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "report.json")
	argv, _ := json.Marshal(append([]string{"-f", "json", "-o", report}, args...))
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), childEnv+"="+string(argv), fmt.Sprintf("%s=%d", childCPUEnv, cpu))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Duration(4*cpu+30) * time.Second)
	overMem := int64(0)
wait:
	for {
		select {
		case <-done:
			break wait
		case <-tick.C:
			if rss := residentBytes(cmd.Process.Pid); rss > mem {
				overMem = rss
				cmd.Process.Kill()
				<-done
				break wait
			}
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatalf("salint %v did not finish", args)
		}
	}
	if overMem > 0 {
		t.Fatalf("salint %v was killed at %d MB of resident memory (bound %d MB)", args, overMem/1e6, mem/1e6)
	}
	r := run{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		r.rss = ru.Maxrss * 1024
	}
	if b, err := os.ReadFile(report); err == nil {
		if err := json.Unmarshal(b, &r.report); err != nil {
			t.Fatalf("the report is not JSON: %v", err)
		}
	}
	return r
}

// good is the manifest beside every bad input: its finding must survive.
const good = "apiVersion: v1\nkind: Pod\nmetadata: {name: good-pod, namespace: ok}\nspec: {containers: [{name: c, image: i}]}\n"

// hostileCase is one bad input: build writes it into dir (beside good.yaml)
// and returns the paths and flags to lint; said is what the report must say
// about it (in an error, a note or a skipped reason), "" for nothing.
type hostileCase struct {
	name  string
	build func(t *testing.T, dir string) (args []string)
	said  string
	// maxRSS bounds the child's peak RSS (bytes); 0 means 700 MB.
	maxRSS int64
	// check, when set, asserts what this case must report.
	check func(t *testing.T, r run)
	// refused cases stop the run before linting (a policy salint will not
	// load): exit 2 and an error that says why, no report.
	refused bool
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostile runs every case: salint exits 0, 1 or 2 without panicking,
// within its CPU and memory bounds, reports the good pod, and says what it
// made of the bad input.
func TestHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("the hostile suite runs salint in child processes")
	}
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "repo", "good.yaml"), []byte(good))
			if err := os.MkdirAll(filepath.Join(dir, "repo", ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			args := c.build(t, filepath.Join(dir, "repo"))
			maxRSS := c.maxRSS
			if maxRSS == 0 {
				maxRSS = 700e6
			}
			r := salint(t, filepath.Join(dir, "repo"), 30, 2*maxRSS, args...)
			if r.code < 0 || r.code > 2 || strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "internal error") {
				t.Fatalf("exit %d, stderr:\n%s", r.code, tail(r.stderr))
			}
			if r.rss > maxRSS {
				t.Errorf("peak RSS %d MB, bound %d MB", r.rss/1e6, maxRSS/1e6)
			}
			found := false
			for _, f := range r.report.Findings {
				found = found || f.Object.Name == "good-pod"
			}
			if c.refused {
				if r.code != 2 || !strings.Contains(r.stderr, c.said) {
					t.Errorf("exit %d, stderr %q: want exit 2 and an error saying %q", r.code, tail(r.stderr), c.said)
				}
				return
			}
			if !found {
				t.Errorf("the good pod was not reported (exit %d): %+v\nstderr: %s", r.code, r.report.Summary, tail(r.stderr))
			}
			if c.check != nil {
				c.check(t, r)
			}
			if c.said != "" && !says(r, c.said) {
				t.Errorf("nothing says %q:\nerrors %+v\nnotes %q\nskipped %+v", c.said, r.report.Errors, r.report.Notes, r.report.Skipped)
			}
		})
	}
}

// residentBytes is the resident set of process pid now, or 0 where
// /proc cannot tell (the bound is then the CPU limit alone).
func residentBytes(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
	if err != nil {
		return 0
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(b), &size, &resident); err != nil {
		return 0
	}
	return resident * int64(os.Getpagesize())
}

func says(r run, what string) bool {
	var all []string
	for _, e := range r.report.Errors {
		all = append(all, e.File+": "+e.Message)
	}
	for _, s := range r.report.Skipped {
		all = append(all, s.File+": "+s.Reason)
	}
	all = append(all, r.report.Notes...)
	all = append(all, r.stderr)
	return strings.Contains(strings.Join(all, "\n"), what)
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}
