package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// Targets of the speed issue (12).
const (
	targetRatio    = 0.9   // salint wall / decode-only wall
	targetCPURatio = 1.0   // salint CPU / decode-only CPU
	targetRSS      = 220e6 // bytes of salint's peak RSS
	targetSmall    = 15 * time.Millisecond
	targetScale    = 4.2 // time and memory at 4x the tree / at the tree
	smallFileRuns  = 5
)

// proc is one measured child process.
type proc struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	rss    int64         // bytes
	code   int           // exit code, -1 when killed by a signal
	stdout []byte
	stderr []byte
}

// measure runs cmd to completion, timing it from start to exit.
func measure(t *testing.T, cmd *exec.Cmd) proc {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	_ = cmd.Wait() // the exit status is read below
	wall := time.Since(start)
	ps := cmd.ProcessState
	return proc{wall: wall, cpu: ps.UserTime() + ps.SystemTime(), rss: peakRSS(ps), code: ps.ExitCode(), stdout: stdout.Bytes(), stderr: stderr.Bytes()}
}

func median[T int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
func ms(d time.Duration) string   { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
func mb(b int64) string           { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }

func join[T any](xs []T, f func(T) string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = f(x)
	}
	return strings.Join(s, "  ")
}

// exitMeaning explains salint's exit codes.
func exitMeaning(code int) string {
	switch code {
	case 0:
		return "0 (no findings at --fail-on)"
	case 1:
		return "1 (findings)"
	case 2:
		return "2 (INPUT OR USAGE ERRORS)"
	case -1:
		return "killed by a signal"
	}
	return fmt.Sprintf("%d (unexpected)", code)
}

// Figures is what the report measured, as written by -report-json.
type Figures struct {
	Tree             *Tree     `json:"tree"`
	GOOS             string    `json:"goos"`
	GOARCH           string    `json:"goarch"`
	CPUs             int       `json:"cpus"`
	GoVersion        string    `json:"goVersion"`
	Runs             int       `json:"runs"`
	SalintSeconds    []float64 `json:"salintSeconds"`
	DecodeSeconds    []float64 `json:"decodeSeconds"`
	DecodeInProcess  []float64 `json:"decodeInProcessSeconds"`
	SalintRSS        []int64   `json:"salintPeakRSSBytes"`
	DecodeRSS        []int64   `json:"decodePeakRSSBytes"`
	SalintExitCodes  []int     `json:"salintExitCodes"`
	SmallFileSeconds []float64 `json:"smallFileSeconds"`
	// SmallChartSeconds and SharedChartsSeconds time rendering: one small
	// chart, and every chart and kustomization of ../shared/charts.
	SmallChartSeconds   []float64 `json:"smallChartSeconds"`
	SharedChartsSeconds []float64 `json:"sharedChartsSeconds"`
	Ratio               float64   `json:"ratio"` // of the medians
	PairedRatio         float64   `json:"pairedRatio"`
	CPURatio            float64   `json:"cpuRatio"` // of the medians
	RatioPass           bool      `json:"ratioPass"`
	CPURatioPass        bool      `json:"cpuRatioPass"`
	RSSPass             bool      `json:"rssPass"`
	SmallFilePass       bool      `json:"smallFilePass"`
	// The tree -scale times as large: salint's wall time and peak RSS, and
	// their ratios to the tree's (medians).
	ScaledTree      *Tree     `json:"scaledTree,omitempty"`
	ScaledSeconds   []float64 `json:"scaledSeconds,omitempty"`
	ScaledRSS       []int64   `json:"scaledPeakRSSBytes,omitempty"`
	ScaledTimeRatio float64   `json:"scaledTimeRatio,omitempty"`
	ScaledRSSRatio  float64   `json:"scaledRSSRatio,omitempty"`
	ScalePass       bool      `json:"scalePass"`
	// Jobs maps --jobs N (on N CPUs where the machine has them, by
	// taskset) to salint's median wall time on the tree.
	Jobs map[int]float64 `json:"jobsSeconds,omitempty"`
}

// TestReport times the salint binary against the decode-only baseline on
// the benchmark tree and prints the figures. It fails only when it cannot
// measure (a build that fails, a crash), never on a missed target.
func TestReport(t *testing.T) {
	if !*flagReport {
		t.Skip("the benchmark report runs with -report")
	}
	if *flagRuns < 1 {
		t.Fatal("-runs must be at least 1")
	}
	root := repoRoot(t)
	work := t.TempDir()

	bin := filepath.Join(work, "salint")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	start := time.Now()
	build := exec.Command("go", "build", "-o", bin, "./cmd/salint")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/salint: %v\n%s", err, out)
	}
	buildTime := time.Since(start)

	spec := treeSpec(t)
	start = time.Now()
	tree, err := EnsureTree(spec, cacheDir())
	if err != nil {
		t.Fatal(err)
	}
	genTime := time.Since(start)
	small, err := filepath.Abs(filepath.Join("testdata", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}

	salint := func(out, path string) *exec.Cmd { return exec.Command(bin, "-f", "json", "-o", out, path) }
	decode := func() proc {
		cmd, err := decodeChild(tree.Dir)
		if err != nil {
			t.Fatal(err)
		}
		p := measure(t, cmd)
		if p.code != 0 {
			t.Fatalf("decode-only child exited %d: %s", p.code, p.stderr)
		}
		return p
	}
	checkSalint := func(p proc) {
		if p.code < 0 || p.code > 2 {
			t.Errorf("salint crashed (%s):\n%s", exitMeaning(p.code), tail(p.stderr, 2000))
		}
	}

	// Warm-up, not timed: the baseline fills the page cache, and one salint
	// run writes its report to a file for the summary.
	decode()
	reportFile := filepath.Join(work, "report.json")
	warm := measure(t, salint(reportFile, tree.Dir))
	checkSalint(warm)

	f := Figures{Tree: tree, GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Runs: *flagRuns}
	var sWall, dWall, sCPU, dCPU []time.Duration
	var ratios []float64
	var sRSS, dRSS []int64
	for range *flagRuns {
		s := measure(t, salint(os.DevNull, tree.Dir))
		checkSalint(s)
		d := decode()
		c, err := parseChild(d.stdout)
		if err != nil {
			t.Fatalf("decode-only child printed %q: %v", d.stdout, err)
		}
		if c.Documents != tree.Documents {
			t.Errorf("decode-only read %d documents, the tree has %d", c.Documents, tree.Documents)
		}
		sWall, dWall = append(sWall, s.wall), append(dWall, d.wall)
		sCPU, dCPU = append(sCPU, s.cpu), append(dCPU, d.cpu)
		sRSS, dRSS = append(sRSS, s.rss), append(dRSS, d.rss)
		ratios = append(ratios, s.wall.Seconds()/d.wall.Seconds())
		f.SalintSeconds = append(f.SalintSeconds, s.wall.Seconds())
		f.DecodeSeconds = append(f.DecodeSeconds, d.wall.Seconds())
		f.DecodeInProcess = append(f.DecodeInProcess, c.Seconds)
		f.SalintRSS, f.DecodeRSS = append(f.SalintRSS, s.rss), append(f.DecodeRSS, d.rss)
		f.SalintExitCodes = append(f.SalintExitCodes, s.code)
	}

	var smallWall []time.Duration
	var smallCode int
	measure(t, salint(os.DevNull, small))
	for range smallFileRuns {
		p := measure(t, salint(os.DevNull, small))
		checkSalint(p)
		smallCode = p.code
		smallWall = append(smallWall, p.wall)
		f.SmallFileSeconds = append(f.SmallFileSeconds, p.wall.Seconds())
	}

	// Rendering: a small chart (one chart, two scenarios) against the small
	// plain file, and the real charts and kustomize trees of ../shared.
	chart := filepath.Join(root, "testdata", "manifests", "helm-chart")
	var chartWall []time.Duration
	measure(t, salint(os.DevNull, chart))
	for range smallFileRuns {
		p := measure(t, salint(os.DevNull, chart))
		checkSalint(p)
		chartWall = append(chartWall, p.wall)
		f.SmallChartSeconds = append(f.SmallChartSeconds, p.wall.Seconds())
	}
	shared := filepath.Join(filepath.Dir(root), "shared", "charts")
	var sharedWall []time.Duration
	var sharedRSS []int64
	sharedReport := filepath.Join(work, "charts.json")
	if _, err := os.Stat(shared); err == nil {
		checkSalint(measure(t, salint(sharedReport, shared)))
		for range *flagRuns {
			p := measure(t, salint(os.DevNull, shared))
			checkSalint(p)
			sharedWall, sharedRSS = append(sharedWall, p.wall), append(sharedRSS, p.rss)
			f.SharedChartsSeconds = append(f.SharedChartsSeconds, p.wall.Seconds())
		}
	}

	// The tree -scale times as large, alternated with the tree itself so
	// that the ratio compares runs made under the same load.
	var scaled *Tree
	var s1Wall, sNWall []time.Duration
	var s1RSS, sNRSS []int64
	if *flagScale > 1 {
		big := spec
		big.Apps *= *flagScale
		start := time.Now()
		if scaled, err = EnsureTree(big, cacheDir()); err != nil {
			t.Fatal(err)
		}
		scaledFrom := "generated in " + secs(time.Since(start))
		if scaled.Cached {
			scaledFrom = "cached"
		}
		t.Logf("scaled tree: %s, %s", scaled.Dir, scaledFrom)
		checkSalint(measure(t, salint(os.DevNull, scaled.Dir)))
		for range *flagRuns {
			one := measure(t, salint(os.DevNull, tree.Dir))
			n := measure(t, salint(os.DevNull, scaled.Dir))
			checkSalint(one)
			checkSalint(n)
			s1Wall, sNWall = append(s1Wall, one.wall), append(sNWall, n.wall)
			s1RSS, sNRSS = append(s1RSS, one.rss), append(sNRSS, n.rss)
			f.ScaledSeconds = append(f.ScaledSeconds, n.wall.Seconds())
			f.ScaledRSS = append(f.ScaledRSS, n.rss)
		}
		f.ScaledTree = scaled
		f.ScaledTimeRatio = median(sNWall).Seconds() / median(s1Wall).Seconds()
		f.ScaledRSSRatio = float64(median(sNRSS)) / float64(median(s1RSS))
		f.ScalePass = f.ScaledTimeRatio <= targetScale && f.ScaledRSSRatio <= targetScale
	}

	// Parallelism: --jobs N on N CPUs (as many as the machine has), the
	// runs of each N alternated.
	jobs := []int{1, 2, 4}
	jobsWall := map[int][]time.Duration{}
	jobsCPUs := map[int]int{}
	taskset, tasksetErr := exec.LookPath("taskset")
	if *flagJobs {
		for range *flagRuns {
			for _, j := range jobs {
				cpus := min(j, runtime.NumCPU())
				jobsCPUs[j] = cpus
				args := []string{"--jobs", fmt.Sprint(j), "-f", "json", "-o", os.DevNull, tree.Dir}
				cmd := exec.Command(bin, args...)
				if tasksetErr == nil {
					cmd = exec.Command(taskset, append([]string{"-c", fmt.Sprintf("0-%d", cpus-1), bin}, args...)...)
				}
				p := measure(t, cmd)
				checkSalint(p)
				jobsWall[j] = append(jobsWall[j], p.wall)
			}
		}
		f.Jobs = map[int]float64{}
		for _, j := range jobs {
			f.Jobs[j] = median(jobsWall[j]).Seconds()
		}
	}

	f.Ratio = median(sWall).Seconds() / median(dWall).Seconds()
	f.PairedRatio = median(ratios)
	f.CPURatio = median(sCPU).Seconds() / median(dCPU).Seconds()
	f.RatioPass = f.Ratio <= targetRatio
	f.CPURatioPass = f.CPURatio <= targetCPURatio
	f.RSSPass = median(sRSS) > 0 && median(sRSS) <= targetRSS
	f.SmallFilePass = median(smallWall) <= targetSmall

	// The table.
	var out bytes.Buffer
	treeFrom := "generated in " + secs(genTime)
	if tree.Cached {
		treeFrom = "cached"
	}
	src := "internal/synth"
	if tree.Kind == TreeGen {
		src = spec.Gen
	}
	fmt.Fprintf(&out, "\nsalint benchmark report\n")
	fmt.Fprintf(&out, "  tree:    %s (%s), %d apps, seed %d: %d files, %d documents, %.1f MB; %s\n           %s\n",
		tree.Kind, src, tree.Apps, tree.Seed, tree.Files, tree.Documents, float64(tree.Bytes)/1e6, treeFrom, tree.Dir)
	fmt.Fprintf(&out, "  machine: %s/%s, %d CPUs, GOMAXPROCS %d, %s; salint built in %s\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), secs(buildTime))
	fmt.Fprintf(&out, "  method:  after one warm-up each, %d alternated runs of `salint -f json -o %s DIR` and of the\n", *flagRuns, os.DevNull)
	fmt.Fprintf(&out, "           decode-only baseline (yaml.v3 Decoder into `any`, one goroutine), both child processes;\n")
	fmt.Fprintf(&out, "           wall time from start to exit, peak RSS from getrusage; medians; MB = 10^6 bytes\n\n")
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  measure\tmedian\truns\ttarget\tverdict\n")
	fmt.Fprintf(tw, "  salint wall time\t%s\t%s\t\t\n", secs(median(sWall)), join(sWall, secs))
	fmt.Fprintf(tw, "  decode-only wall time\t%s\t%s\t\t\n", secs(median(dWall)), join(dWall, secs))
	fmt.Fprintf(tw, "  ratio salint / decode-only (of medians)\t%.2fx\t\t<= %.2fx\t%s\n", f.Ratio, targetRatio, verdict(f.RatioPass))
	fmt.Fprintf(tw, "  ratio salint / decode-only (each pair)\t%.2fx\t%s\t\t\n", f.PairedRatio,
		join(ratios, func(r float64) string { return fmt.Sprintf("%.2fx", r) }))
	fmt.Fprintf(tw, "  salint CPU time (user+sys)\t%s\t%s\t\t\n", secs(median(sCPU)), join(sCPU, secs))
	fmt.Fprintf(tw, "  decode-only CPU time (user+sys)\t%s\t%s\t\t\n", secs(median(dCPU)), join(dCPU, secs))
	fmt.Fprintf(tw, "  ratio salint / decode-only CPU (of medians)\t%.2fx\t\t<= %.2fx\t%s\n", f.CPURatio, targetCPURatio, verdict(f.CPURatioPass))
	fmt.Fprintf(tw, "  salint peak RSS\t%s\t%s\t<= %s\t%s\n", mb(median(sRSS)), join(sRSS, mb), mb(targetRSS), verdict(f.RSSPass))
	fmt.Fprintf(tw, "  decode-only peak RSS\t%s\t%s\t\t\n", mb(median(dRSS)), join(dRSS, mb))
	fmt.Fprintf(tw, "  small file, salint wall (%s)\t%s\t%s\t<= %s\t%s\n", filepath.Base(small), ms(median(smallWall)), join(smallWall, ms), ms(targetSmall), verdict(f.SmallFilePass))
	fmt.Fprintf(tw, "  small chart, salint wall (testdata/manifests/helm-chart)\t%s\t%s\t\t\n", ms(median(chartWall)), join(chartWall, ms))
	if len(sharedWall) > 0 {
		fmt.Fprintf(tw, "  ../shared/charts, salint wall\t%s\t%s\t\t\n", secs(median(sharedWall)), join(sharedWall, secs))
		fmt.Fprintf(tw, "  ../shared/charts, salint peak RSS\t%s\t%s\t\t\n", mb(median(sharedRSS)), join(sharedRSS, mb))
	}
	if scaled != nil {
		fmt.Fprintf(tw, "  %dx tree (%d files, %.1f MB), salint wall\t%s\t%s\t\t\n", *flagScale, scaled.Files, float64(scaled.Bytes)/1e6, secs(median(sNWall)), join(sNWall, secs))
		fmt.Fprintf(tw, "  %dx tree, salint peak RSS\t%s\t%s\t\t\n", *flagScale, mb(median(sNRSS)), join(sNRSS, mb))
		fmt.Fprintf(tw, "  the tree alternated with it, salint wall / peak RSS\t%s / %s\t\t\t\n", secs(median(s1Wall)), mb(median(s1RSS)))
		fmt.Fprintf(tw, "  %dx tree / tree: time, memory\t%.2fx, %.2fx\t\t<= %.1fx\t%s\n", *flagScale, f.ScaledTimeRatio, f.ScaledRSSRatio, targetScale, verdict(f.ScalePass))
	}
	for _, j := range jobs {
		if ws := jobsWall[j]; len(ws) > 0 {
			speedup := median(jobsWall[1]).Seconds() / median(ws).Seconds()
			fmt.Fprintf(tw, "  --jobs %d on %d CPU(s), salint wall\t%s\t%s\t%.2fx of --jobs 1\t\n", j, jobsCPUs[j], secs(median(ws)), join(ws, secs), speedup)
		}
	}
	tw.Flush()
	if *flagJobs && tasksetErr != nil {
		fmt.Fprintf(&out, "  (no taskset: the --jobs runs used every CPU)\n")
	}

	fmt.Fprintf(&out, "\n  decode-only by its own clock (no process start): %s median\n",
		secs(time.Duration(median(f.DecodeInProcess)*float64(time.Second))))
	codes := slices.Compact(slices.Sorted(slices.Values(append([]int{warm.code}, f.SalintExitCodes...))))
	fmt.Fprintf(&out, "  salint exit status on the tree: %s; on the small file: %s\n",
		join(codes, exitMeaning), exitMeaning(smallCode))
	fmt.Fprintf(&out, "  %s\n", summarize(reportFile, tree))
	if len(sharedWall) > 0 {
		fmt.Fprintf(&out, "  ../shared/charts: %s\n", summarizeRendering(sharedReport))
	}
	if len(warm.stderr) > 0 {
		fmt.Fprintf(&out, "  salint stderr:\n%s\n", indent(tail(warm.stderr, 1500), "    "))
	}
	for line := range strings.Lines(out.String()) {
		fmt.Println(strings.TrimRight(line, " \n"))
	}

	if *flagJSON != "" {
		data, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*flagJSON, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// summarize reads the summary of salint's JSON report.
func summarize(file string, tree *Tree) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return "salint wrote no report: " + err.Error()
	}
	var rep struct {
		Summary struct {
			Files, Documents, Objects, Skipped, Errors, Findings int
		} `json:"summary"`
		Errors []struct {
			File    string `json:"file"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return "salint's report is not JSON: " + err.Error()
	}
	s := rep.Summary
	line := fmt.Sprintf("salint read %d files, %d documents: %d objects, %d skipped, %d errors; %d findings",
		s.Files, s.Documents, s.Objects, s.Skipped, s.Errors, s.Findings)
	if s.Files != tree.Files || s.Documents != tree.Documents {
		line += fmt.Sprintf(" (THE TREE HAS %d FILES, %d DOCUMENTS)", tree.Files, tree.Documents)
	}
	for i, e := range rep.Errors {
		if i == 3 {
			line += fmt.Sprintf("\n    ... and %d more errors", len(rep.Errors)-3)
			break
		}
		line += fmt.Sprintf("\n    error: %s: %s", e.File, e.Message)
	}
	return line
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimRight(string(b), "\n")
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// summarizeRendering reads what rendering read and built from salint's
// JSON report.
func summarizeRendering(file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return "salint wrote no report: " + err.Error()
	}
	var rep struct {
		Summary struct {
			Files, Charts, Scenarios, Kustomizations, Documents, Objects, Errors, Findings int
		} `json:"summary"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return "salint's report is not JSON: " + err.Error()
	}
	s := rep.Summary
	return fmt.Sprintf("%d charts rendered (%d scenarios), %d kustomizations built; %d files, %d documents, %d objects, %d errors; %d findings",
		s.Charts, s.Scenarios, s.Kustomizations, s.Files, s.Documents, s.Objects, s.Errors, s.Findings)
}
