//go:build unix

package loader_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/salint/salint/internal/testfs"
	"github.com/salint/salint/pkg/loader"
)

// walk runs Walk with a deadline and returns the emitted paths, relative to
// base when it is not "".
func walk(t *testing.T, base string, paths []string, opts loader.WalkOptions) (inputs, notes []string) {
	t.Helper()
	done := make(chan struct{})
	var errs []error
	go func() {
		defer close(done)
		notes, errs = loader.Walk(paths, opts, func(in loader.Input) { inputs = append(inputs, in.Path) })
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Walk hangs")
	}
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if base != "" {
		inputs = rel(t, base, inputs)
	}
	return inputs, notes
}

// chain makes directories d02 … d15 in dir, each but the last holding two
// symlinks (a and b) to the next, and the last a pod; it returns d02. Two
// links from a directory into it reach the pod by 2^14 paths.
func chain(t *testing.T, dir string) string {
	t.Helper()
	for i := 2; i <= 15; i++ {
		d := filepath.Join(dir, fmt.Sprintf("d%02d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if i < 15 {
			testfs.Symlink(t, fmt.Sprintf("../d%02d", i+1), filepath.Join(d, "a"))
			testfs.Symlink(t, fmt.Sprintf("../d%02d", i+1), filepath.Join(d, "b"))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "d15", "pod.yaml"), []byte("apiVersion: v1\nkind: Pod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "d02")
}

func TestWalkReadsEachRealDirectoryOnce(t *testing.T) {
	root := writeTree(t, map[string]string{"d01/README.md": ""})
	d02 := chain(t, filepath.Join(root, ".chain")) // hidden: reached only through the links
	testfs.Symlink(t, d02, filepath.Join(root, "d01", "a"))
	testfs.Symlink(t, d02, filepath.Join(root, "d01", "b"))

	inputs, notes := walk(t, root, []string{root}, loader.WalkOptions{})
	// 16,384 before: once per path through the links.
	want := []string{"d01/a" + strings.Repeat("/a", 13) + "/pod.yaml"}
	if !slices.Equal(inputs, want) {
		t.Errorf("%d inputs %.200q…, want %q", len(inputs), inputs, want)
	}
	if len(notes) != 0 {
		t.Errorf("notes = %q, want none: a directory reached twice is no loop", notes)
	}
}

func TestWalkFollowsLinksInsideTheNamedPathsOnce(t *testing.T) {
	root := writeTree(t, map[string]string{
		"m/pod.yaml":      "",
		"m/sub/sa.yaml":   "",
		".src/role.yaml":  "",
		"other/bind.yaml": "",
	})
	testfs.Symlink(t, "m", filepath.Join(root, "current"))                // a second way into m
	testfs.Symlink(t, "pod.yaml", filepath.Join(root, "m", "alias.yaml")) // a second name for a file
	testfs.Symlink(t, "..", filepath.Join(root, "m", "sub", "up"))        // a loop
	testfs.Symlink(t, ".src", filepath.Join(root, "l1"))                  // only links reach .src
	testfs.Symlink(t, ".src", filepath.Join(root, "l2"))
	testfs.Symlink(t, "../other", filepath.Join(root, "m", "other")) // leaves m, not root

	inputs, notes := walk(t, root, []string{root}, loader.WalkOptions{})
	// Plain paths first, then what only links reach, each once.
	want := []string{"m/pod.yaml", "m/sub/sa.yaml", "other/bind.yaml", "l1/role.yaml"}
	if !slices.Equal(inputs, want) {
		t.Errorf("inputs = %q\nwant     %q", inputs, want)
	}
	if wantNotes := []string{filepath.Join(root, "m", "sub", "up") + ": skipped: symlink loop"}; !slices.Equal(notes, wantNotes) {
		t.Errorf("notes = %q, want %q", notes, wantNotes)
	}

	// Named alone, m's link to its sibling leaves the named paths.
	m := filepath.Join(root, "m")
	inputs, notes = walk(t, root, []string{m}, loader.WalkOptions{})
	if want := []string{"m/pod.yaml", "m/sub/sa.yaml"}; !slices.Equal(inputs, want) {
		t.Errorf("m alone: inputs = %q, want %q", inputs, want)
	}
	if !slices.Contains(notes, filepath.Join(m, "other")+": skipped: symlink leaves the named paths (--follow-symlinks follows it)") {
		t.Errorf("m alone: notes = %q, want the link to ../other", notes)
	}
	// Named with it, the sibling is inside the named paths: read once,
	// by its own name.
	inputs, notes = walk(t, root, []string{m, filepath.Join(root, "other")}, loader.WalkOptions{})
	if want := []string{"m/pod.yaml", "m/sub/sa.yaml", "other/bind.yaml"}; !slices.Equal(inputs, want) {
		t.Errorf("m and other: inputs = %q, want %q", inputs, want)
	}
	if slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "leaves") }) {
		t.Errorf("m and other: notes = %q", notes)
	}
}

func TestWalkStaysInsideTheNamedPaths(t *testing.T) {
	outside := writeTree(t, map[string]string{"secret.yaml": "", "sub/x.yaml": ""})
	root := writeTree(t, map[string]string{"m/pod.yaml": ""})
	m := filepath.Join(root, "m")
	testfs.Symlink(t, "/", filepath.Join(m, "host"))
	testfs.Symlink(t, outside, filepath.Join(m, "out"))
	testfs.Symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(m, "secret.yaml"))

	inputs, notes := walk(t, root, []string{m}, loader.WalkOptions{})
	// Before: the host and the other directory were read.
	if want := []string{"m/pod.yaml"}; !slices.Equal(inputs, want) {
		t.Errorf("inputs = %q, want %q", inputs, want)
	}
	var want []string
	for _, l := range []string{"host", "out", "secret.yaml"} {
		want = append(want, filepath.Join(m, l)+": skipped: symlink leaves the named paths (--follow-symlinks follows it)")
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes = %q\nwant    %q", notes, want)
	}

	t.Run("many", func(t *testing.T) {
		root := writeTree(t, map[string]string{"pod.yaml": ""})
		for i := range 1500 {
			testfs.Symlink(t, outside, filepath.Join(root, fmt.Sprintf("l%04d", i)))
		}
		inputs, notes := walk(t, root, []string{root}, loader.WalkOptions{})
		if want := []string{"pod.yaml"}; !slices.Equal(inputs, want) {
			t.Errorf("inputs = %q, want %q", inputs, want)
		}
		// One note counts them, naming a few.
		want := fmt.Sprintf("skipped 1,500 symlinks that leave the named paths (--follow-symlinks follows them): %s, %s, %s and 1,497 more",
			filepath.Join(root, "l0000"), filepath.Join(root, "l0001"), filepath.Join(root, "l0002"))
		if !slices.Equal(notes, []string{want}) {
			t.Errorf("notes = %q\nwant    %q", notes, want)
		}
	})
}

func TestWalkFollowSymlinks(t *testing.T) {
	outside := writeTree(t, map[string]string{"x.yaml": "", "sub/y.yaml": ""})
	testfs.Symlink(t, ".", filepath.Join(outside, "sub", "self"))
	d02 := chain(t, t.TempDir())
	root := writeTree(t, map[string]string{"pod.yaml": ""})
	testfs.Symlink(t, outside, filepath.Join(root, "out1"))
	testfs.Symlink(t, outside, filepath.Join(root, "out2"))
	testfs.Symlink(t, filepath.Join(outside, "x.yaml"), filepath.Join(root, "f.yaml"))
	testfs.Symlink(t, d02, filepath.Join(root, "c1"))
	testfs.Symlink(t, d02, filepath.Join(root, "c2"))

	inputs, notes := walk(t, root, []string{root}, loader.WalkOptions{FollowSymlinks: true})
	// Each real directory once, each real file once, the first path that
	// reaches it naming it: the chain's pod once, not 2^14 times.
	want := []string{
		"pod.yaml",
		"f.yaml",
		"out1/sub/y.yaml",
		"c1" + strings.Repeat("/a", 13) + "/pod.yaml",
	}
	if !slices.Equal(inputs, want) {
		t.Errorf("%d inputs %.300q\nwant %q", len(inputs), inputs, want)
	}
	if want := []string{filepath.Join(root, "out1", "sub", "self") + ": skipped: symlink loop"}; !slices.Equal(notes, want) {
		t.Errorf("notes = %q, want %q", notes, want)
	}
}

func TestWalkReadsANamedInputOnce(t *testing.T) {
	root := writeTree(t, map[string]string{
		"m/pod.yaml":          "",
		"m/sub/sa.yaml":       "",
		"m/.github/k8s/x.yml": "",
	})
	testfs.Symlink(t, "m/pod.yaml", filepath.Join(root, "alias.yaml"))
	t.Chdir(root)
	tests := []struct {
		paths []string
		want  []string
	}{
		// 2 inputs before: the directory's m/pod.yaml and the named ./m/pod.yaml.
		{[]string{"m", "./m/pod.yaml"}, []string{"m/pod.yaml", "m/sub/sa.yaml"}},
		{[]string{"./m/pod.yaml", "m"}, []string{"./m/pod.yaml", "m/sub/sa.yaml"}},
		{[]string{"m/pod.yaml", "alias.yaml", "m/../m/pod.yaml"}, []string{"m/pod.yaml"}},
		{[]string{"m/sub", "m", "m/sub/"}, []string{"m/sub/sa.yaml", "m/pod.yaml"}},
		{[]string{"m", "m"}, []string{"m/pod.yaml", "m/sub/sa.yaml"}},
		// A directory the walk of m passes over is still walked when named.
		{[]string{"m", "m/.github/k8s"}, []string{"m/pod.yaml", "m/sub/sa.yaml", "m/.github/k8s/x.yml"}},
	}
	for _, tt := range tests {
		if got, _ := walk(t, "", tt.paths, loader.WalkOptions{}); !slices.Equal(got, tt.want) {
			t.Errorf("%q: inputs = %q, want %q", tt.paths, got, tt.want)
		}
	}
}

// writeFIFO makes a FIFO and writes content into it once a reader opens it.
func writeFIFO(t *testing.T, path, content string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.WriteString(content) // fails once the reader has read what it wants
		w.Close()
	}()
	t.Cleanup(func() {
		// Unblock a writer whose reader never came.
		if r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			r.Close()
		}
		<-done
	})
}

func read(t *testing.T, in loader.Input, opts loader.Options) *loader.File {
	t.Helper()
	done := make(chan *loader.File, 1)
	go func() { done <- loader.Read(in, nil, opts) }()
	select {
	case f := <-done:
		return f
	case <-time.After(30 * time.Second):
		t.Fatal("Read hangs")
		return nil
	}
}

func TestNamedStream(t *testing.T) {
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n"
	dir := t.TempDir()

	t.Run("FIFO", func(t *testing.T) {
		fifo := filepath.Join(dir, "pods")
		writeFIFO(t, fifo, pod)
		// Before: skipped with a note, nothing read.
		in, notes, errs := loader.Discover([]string{fifo, fifo}, nil)
		if len(in) != 1 || in[0].Path != fifo || !in[0].Stream || len(notes) != 0 || len(errs) != 0 {
			t.Fatalf("inputs %+v, notes %q, errors %v; want the FIFO once, as a stream", in, notes, errs)
		}
		f := read(t, in[0], loader.Options{})
		if f.Path != fifo || f.Documents != 1 || len(f.Errors) != 0 || string(f.Content) != pod {
			t.Errorf("read %s: %d documents, errors %v, content %q", f.Path, f.Documents, f.Errors, f.Content)
		}
	})

	t.Run("over the size limit", func(t *testing.T) {
		fifo := filepath.Join(dir, "big")
		writeFIFO(t, fifo, pod+"# "+strings.Repeat("x", 200)+"\n")
		f := read(t, loader.Input{Path: fifo, Stream: true}, loader.Options{MaxFileSize: 100})
		if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, "larger than the 100 byte limit") || f.Documents != 1 {
			t.Errorf("errors = %v, documents %d; want the size limit", f.Errors, f.Documents)
		}
	})

	t.Run("process substitution", func(t *testing.T) {
		// salint <(kustomize build) names the pipe /dev/fd/63.
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		name := fmt.Sprintf("/dev/fd/%d", r.Fd())
		if _, err := os.Stat(name); err != nil {
			t.Skipf("no %s: %v", name, err)
		}
		go func() {
			w.WriteString(pod)
			w.Close()
		}()
		in, notes, errs := loader.Discover([]string{name}, nil)
		if len(in) != 1 || !in[0].Stream || len(notes) != 0 || len(errs) != 0 {
			t.Fatalf("inputs %+v, notes %q, errors %v; want the pipe", in, notes, errs)
		}
		if f := read(t, in[0], loader.Options{}); f.Path != name || f.Documents != 1 || len(f.Errors) != 0 || string(f.Content) != pod {
			t.Errorf("read %s: %d documents, errors %v, content %q", f.Path, f.Documents, f.Errors, f.Content)
		}
	})
}

func TestWalkLinksIntoAClaimedDirectory(t *testing.T) {
	root := writeTree(t, map[string]string{
		"chart/Chart.yaml":        "",
		"chart/templates/sa.yaml": "",
		".vendor/web/Chart.yaml":  "",
	})
	testfs.Symlink(t, "chart/templates", filepath.Join(root, "templates"))
	testfs.Symlink(t, "chart/templates/sa.yaml", filepath.Join(root, "sa.yaml"))
	testfs.Symlink(t, ".vendor/web", filepath.Join(root, "web1"))
	testfs.Symlink(t, ".vendor/web", filepath.Join(root, "web2"))
	claim := func(p string, isDir bool, names []string) bool { return isDir && slices.Contains(names, "Chart.yaml") }

	var got []string
	notes, errs := loader.Walk([]string{root}, loader.WalkOptions{Claim: claim}, func(in loader.Input) {
		got = append(got, fmt.Sprintf("%s claimed=%v", rel(t, root, []string{in.Path})[0], in.Claimed))
	})
	// What a claimer reads is not read raw through a link, and a claimed
	// directory reached twice is emitted once.
	if want := []string{"chart claimed=true", "web1 claimed=true"}; !slices.Equal(got, want) {
		t.Errorf("emitted %q, want %q", got, want)
	}
	if len(notes) != 0 || len(errs) != 0 {
		t.Errorf("notes %q, errors %v", notes, errs)
	}
}
