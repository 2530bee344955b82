package action

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// release is a fake GitHub releases server: files by URL path, and the
// paths asked for.
type release struct {
	mu       sync.Mutex
	files    map[string][]byte
	requests []string
}

func (rl *release) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.requests = append(rl.requests, r.URL.Path)
	b, ok := rl.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write(b)
}

func serve(t *testing.T, files map[string][]byte) (*release, string) {
	rl := &release{files: files}
	srv := httptest.NewServer(rl)
	t.Cleanup(srv.Close)
	return rl, srv.URL
}

type entry struct {
	name string
	body string
	mode int64
	link string // a symbolic link to this, in a tar
}

// releaseFiles are what a release archive holds besides the binary.
func releaseFiles(binary string) []entry {
	return []entry{
		{name: binary, body: fakeSalint, mode: 0o755},
		{name: "LICENSE", body: "license\n", mode: 0o644},
		{name: "README.md", body: "readme\n", mode: 0o644},
		{name: "CHANGELOG.md", body: "changes\n", mode: 0o644},
	}
}

func tarGz(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		if e.link != "" {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipped(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		h.SetMode(os.FileMode(e.mode))
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func checksum(name string, b []byte) string {
	return fmt.Sprintf("%x  %s\n", sha256.Sum256(b), name)
}

// salintsUnder lists the files named salint or salint.exe under dir.
func salintsUnder(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (d.Name() == "salint" || d.Name() == "salint.exe") {
			found = append(found, p)
		}
		return nil
	})
	return found
}

func TestReleaseIsDownloadedAndChecked(t *testing.T) {
	for _, tc := range []struct {
		name, ref, os, arch string
		asset, binary       string
		version             string // the version input, which wins over ref
	}{
		{"SHA pin with version", "0123456789abcdef0123456789abcdef01234567", "Linux", "X64", "salint_1.2.3_linux_amd64.tar.gz", "salint", "v1.2.3"},
		{"branch with version", "main", "macOS", "ARM64", "salint_1.2.3_darwin_arm64.tar.gz", "salint", "v1.2.3"},
		{"linux amd64", "v1.2.3", "Linux", "X64", "salint_1.2.3_linux_amd64.tar.gz", "salint", ""},
		{"linux arm64", "v1.2.3", "Linux", "ARM64", "salint_1.2.3_linux_arm64.tar.gz", "salint", ""},
		{"macOS arm64", "v1.2.3", "macOS", "ARM64", "salint_1.2.3_darwin_arm64.tar.gz", "salint", ""},
		{"pre-release", "v1.3.0-rc.1", "macOS", "X64", "salint_1.3.0-rc.1_darwin_amd64.tar.gz", "salint", ""},
		{"windows zip", "v1.2.3", "Windows", "X64", "salint_1.2.3_windows_amd64.zip", "salint.exe", ""},
		{"windows arm64 zip", "v1.2.3", "Windows", "ARM64", "salint_1.2.3_windows_arm64.zip", "salint.exe", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStep(t, true) // a go on PATH that must not be used
			var archive []byte
			if strings.HasSuffix(tc.asset, ".zip") {
				archive = zipped(t, releaseFiles(tc.binary))
			} else {
				archive = tarGz(t, releaseFiles(tc.binary))
			}
			other := tarGz(t, releaseFiles("salint"))
			tag := tc.ref
			if tc.version != "" {
				tag = tc.version
			}
			dl := "/download/" + tag + "/"
			rl, url := serve(t, map[string][]byte{
				dl + tc.asset: archive,
				dl + "checksums.txt": []byte(checksum("salint_0.9.0_plan9_amd64.tar.gz", other) +
					checksum(tc.asset, archive) + checksum(tc.asset+".sbom.json", other)),
			})
			s.env["SALINT_ACTION_REF"], s.env["RUNNER_OS"], s.env["RUNNER_ARCH"] = tc.ref, tc.os, tc.arch
			s.env["SALINT_RELEASE_URL"], s.env["SALINT_VERSION"] = url, tc.version

			status, out := s.run("install.sh", "plan")
			if status != 0 {
				t.Fatalf("plan: status %d\n%s", status, out)
			}
			if got := s.outputs(); !equalMaps(got, map[string]string{"build": "false"}) {
				t.Errorf("plan outputs %v, want only build=false", got)
			}

			status, out = s.run("install.sh", "install")
			if status != 0 {
				t.Fatalf("install: status %d\n%s", status, out)
			}
			bin := s.outputs()["salint"]
			want := filepath.Join(s.temp, "salint-action", "release-"+strings.TrimPrefix(tag, "v")+"-"+goos(tc.os)+"-"+goarch(tc.arch), "bin", tc.binary)
			if bin != want {
				t.Errorf("salint output %q, want %q", bin, want)
			}
			if b, err := os.ReadFile(bin); err != nil || string(b) != fakeSalint {
				t.Errorf("the installed salint is not the release's: %v", err)
			}
			if got := calls(t, s.salintLog, "salint"); !slices.EqualFunc(got, [][]string{{"version"}}, slices.Equal) {
				t.Errorf("salint calls %q, want one salint version", got)
			}
			if got := calls(t, s.goLog, "go"); got != nil {
				t.Errorf("go was called: %q", got)
			}
			if want := []string{dl + tc.asset, dl + "checksums.txt"}; !slices.Equal(rl.requests, want) {
				t.Errorf("requests %q, want %q", rl.requests, want)
			}
			// Only the binary is unpacked, and nothing lands in the workspace.
			if entries, _ := os.ReadDir(filepath.Dir(bin)); len(entries) != 1 {
				t.Errorf("%d files unpacked, want the binary alone", len(entries))
			}
			if entries, _ := os.ReadDir(s.work); len(entries) != 0 {
				t.Errorf("install wrote %d files in the workspace", len(entries))
			}
		})
	}
}

func goos(runnerOS string) string {
	return map[string]string{"Linux": "linux", "macOS": "darwin", "Windows": "windows"}[runnerOS]
}

func goarch(runnerArch string) string {
	return map[string]string{"X64": "amd64", "ARM64": "arm64"}[runnerArch]
}

// A release that cannot be checked is never installed, and never replaced
// by a build: a fake go waits on PATH to catch one.
func TestReleaseThatFailsIsNotInstalled(t *testing.T) {
	const asset = "salint_1.2.3_linux_amd64.tar.gz"
	const dl = "/download/v1.2.3/"
	good := tarGz(t, releaseFiles("salint"))
	tampered := tarGz(t, append(releaseFiles("salint"), entry{name: "extra", body: "x", mode: 0o644}))
	linked := tarGz(t, []entry{{name: "salint", mode: 0o777, link: "/bin/sh"}})
	for _, tc := range []struct {
		name     string
		files    map[string][]byte
		url      string // SALINT_RELEASE_URL, if not the fake server
		wantErr  string
		requests int
	}{
		{"checksum mismatch", map[string][]byte{dl + asset: tampered, dl + "checksums.txt": []byte(checksum(asset, good))},
			"", "checksum mismatch for " + asset, 2},
		{"no checksum line", map[string][]byte{dl + asset: good, dl + "checksums.txt": []byte(checksum("salint_1.2.3_linux_arm64.tar.gz", good))},
			"", "checksums.txt of salint v1.2.3 has no line for " + asset, 2},
		{"only a longer name's line", map[string][]byte{dl + asset: good, dl + "checksums.txt": []byte(checksum(asset+".sig", good) + checksum("./"+asset, good))},
			"", "has no line for " + asset, 2},
		{"two lines", map[string][]byte{dl + asset: good, dl + "checksums.txt": []byte(checksum(asset, good) + checksum(asset, tampered))},
			"", "several lines for " + asset, 2},
		{"not a sha256", map[string][]byte{dl + asset: good, dl + "checksums.txt": []byte("abc123  " + asset + "\n")},
			"", "which is not a SHA-256", 2},
		{"no checksums.txt", map[string][]byte{dl + asset: good},
			"", "could not download http://127.0.0.1", 2},
		{"no archive", map[string][]byte{dl + "checksums.txt": []byte(checksum(asset, good))},
			"", "could not download http://127.0.0.1", 1},
		{"no binary in the archive", map[string][]byte{dl + asset: tarGz(t, releaseFiles("bin/salint")), dl + "checksums.txt": []byte(checksum(asset, tarGz(t, releaseFiles("bin/salint"))))},
			"", asset + " has no salint at its top level", 2},
		{"a link for a binary", map[string][]byte{dl + asset: linked, dl + "checksums.txt": []byte(checksum(asset, linked))},
			"", asset + " has no salint file at its top level", 2},
		{"plain http off loopback", nil, "http://example.com/releases", "must be an https URL", 0},
		{"credentials in the URL", nil, "http://127.0.0.1:1@example.com/releases", "must be an https URL", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStep(t, true)
			rl, url := serve(t, tc.files)
			if tc.url != "" {
				url = tc.url
			}
			s.env["SALINT_ACTION_REF"], s.env["SALINT_RELEASE_URL"] = "v1.2.3", url
			status, out := s.run("install.sh", "install")
			if status == 0 {
				t.Fatalf("install succeeded:\n%s", out)
			}
			if !strings.Contains(out, "::error title=salint::") || !strings.Contains(out, tc.wantErr) {
				t.Errorf("no ::error:: saying %q:\n%s", tc.wantErr, out)
			}
			if got := s.outputs(); len(got) != 0 {
				t.Errorf("outputs %v, want none", got)
			}
			if found := salintsUnder(t, s.temp); len(found) != 0 {
				t.Errorf("left a binary behind: %q", found)
			}
			if got := calls(t, s.goLog, "go"); got != nil {
				t.Errorf("fell back to a build: go called %q", got)
			}
			if got := calls(t, s.salintLog, "salint"); got != nil {
				t.Errorf("ran the release's salint: %q", got)
			}
			if len(rl.requests) != tc.requests {
				t.Errorf("requests %q, want %d", rl.requests, tc.requests)
			}
		})
	}
}

// goCall is what the fake go recorded of a build.
type goCall struct {
	env  map[string]string
	args []string
}

func goCalls(t *testing.T, s *step) []goCall {
	var all []goCall
	for _, lines := range calls(t, s.goLog, "go") {
		c := goCall{env: map[string]string{}}
		for i, l := range lines {
			if i < 7 {
				k, v, _ := strings.Cut(l, "=")
				c.env[k] = v
			} else {
				c.args = append(c.args, l)
			}
		}
		all = append(all, c)
	}
	return all
}

func TestBuildFromSource(t *testing.T) {
	const sha = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name, ref, os, arch string
		notice              string
		ldflags             string
	}{
		{"unknown arch", "v1.2.3", "Linux", "ARM", "salint v1.2.3 has no release binary for Linux ARM", "-s -w -X github.com/salint/salint/internal/cli.Version=v1.2.3"},
		{"unknown os", "v1.2.3", "FreeBSD", "X64", "salint v1.2.3 has no release binary for FreeBSD X64", "-s -w -X github.com/salint/salint/internal/cli.Version=v1.2.3"},
		{"branch", "main", "Linux", "X64", "main is not a release tag", "-s -w"},
		{"commit", sha, "macOS", "ARM64", sha + " is not a release tag", "-s -w -X github.com/salint/salint/internal/cli.Commit=" + sha},
		{"major tag", "v1", "Linux", "X64", "v1 is not a release tag", "-s -w"},
		{"local action", "", "Windows", "X64", "A local action (uses: ./)", "-s -w"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStep(t, true)
			rl, url := serve(t, nil)
			s.env["SALINT_ACTION_REF"], s.env["RUNNER_OS"], s.env["RUNNER_ARCH"] = tc.ref, tc.os, tc.arch
			s.env["SALINT_RELEASE_URL"] = url

			status, out := s.run("install.sh", "plan")
			if status != 0 {
				t.Fatalf("plan: status %d\n%s", status, out)
			}
			plan := s.outputs()
			cache := filepath.Join(s.temp, "salint-action", "cache")
			if plan["build"] != "true" || plan["cache-path"] != cache {
				t.Errorf("plan outputs %v, want build=true and cache-path=%s", plan, cache)
			}
			prefix := "salint-action-1-" + tc.os + "-" + tc.arch + "-go" + goVersion + "-"
			keyRE := regexp.MustCompile("^" + regexp.QuoteMeta(prefix) + "[0-9a-f]{16}-[0-9a-f]{16}$")
			if !keyRE.MatchString(plan["cache-key"]) || !strings.HasPrefix(plan["cache-key"], plan["cache-restore-key"]) ||
				!strings.HasSuffix(plan["cache-restore-key"], "-") {
				t.Errorf("cache-key %q, cache-restore-key %q: want %s<go.sum>-<sources>, and the key's prefix", plan["cache-key"], plan["cache-restore-key"], prefix)
			}

			status, out = s.run("install.sh", "install")
			if status != 0 {
				t.Fatalf("install: status %d\n%s", status, out)
			}
			if !strings.Contains(out, "::notice title=salint::"+tc.notice) {
				t.Errorf("no notice %q:\n%s", tc.notice, out)
			}
			exe := ""
			if tc.os == "Windows" {
				exe = ".exe"
			}
			bin := filepath.Join(cache, "bin", "salint"+exe)
			if got := s.outputs()["salint"]; got != bin {
				t.Errorf("salint output %q, want %q", got, bin)
			}
			builds := goCalls(t, s)
			if len(builds) != 1 {
				t.Fatalf("go called %d times, want once", len(builds))
			}
			wantEnv := map[string]string{
				"PWD": s.action, "GOTOOLCHAIN": "go" + goVersion,
				"GOMODCACHE": filepath.Join(cache, "mod"), "GOCACHE": filepath.Join(cache, "build"),
				"GOFLAGS": "-modcacherw", "GOWORK": "off", "CGO_ENABLED": "0",
			}
			if !equalMaps(builds[0].env, wantEnv) {
				t.Errorf("go ran with %v, want %v", builds[0].env, wantEnv)
			}
			wantArgs := []string{"build", "-trimpath", "-ldflags", tc.ldflags, "-o", bin, "./cmd/salint"}
			if !slices.Equal(builds[0].args, wantArgs) {
				t.Errorf("go %q, want go %q", builds[0].args, wantArgs)
			}
			if got := calls(t, s.salintLog, "salint"); !slices.EqualFunc(got, [][]string{{"version"}}, slices.Equal) {
				t.Errorf("salint calls %q, want one salint version", got)
			}
			if len(rl.requests) != 0 {
				t.Errorf("a build downloaded %q", rl.requests)
			}
		})
	}
}

// The cache key follows what a build reads, and a binary restored for the
// same key is used as it is.
func TestBuildCache(t *testing.T) {
	s := newStep(t, true)
	s.env["SALINT_ACTION_REF"] = "main"
	plan := func() string {
		t.Helper()
		if status, out := s.run("install.sh", "plan"); status != 0 {
			t.Fatalf("plan: status %d\n%s", status, out)
		}
		return s.outputs()["cache-key"]
	}
	install := func() {
		t.Helper()
		if status, out := s.run("install.sh", "install"); status != 0 {
			t.Fatalf("install: status %d\n%s", status, out)
		}
		s.outputs()
	}
	key := plan()
	install()
	install()
	if n := len(goCalls(t, s)); n != 1 {
		t.Errorf("two installs of one source built %d times, want once", n)
	}
	// Tests and testdata are not built: the key stays.
	writeFile(t, filepath.Join(s.action, "cmd", "salint", "main_test.go"), "package main // changed\n", 0o644)
	writeFile(t, filepath.Join(s.action, "pkg", "x", "testdata", "in.yaml"), "a: 2\n", 0o644)
	if got := plan(); got != key {
		t.Errorf("a test file changed the key from %s to %s", key, got)
	}
	for _, change := range []struct{ file, body string }{
		{"cmd/salint/main.go", "package main\n\nfunc main() { println() }\n"},
		{"rules/a/a.rego", "package a # changed\n"},
		{"go.sum", "example.com/m v1.0.1 h1:def=\n"},
	} {
		writeFile(t, filepath.Join(s.action, filepath.FromSlash(change.file)), change.body, 0o644)
		next := plan()
		if next == key {
			t.Errorf("changing %s left the key %s", change.file, key)
		}
		key = next
	}
	install()
	if n := len(goCalls(t, s)); n != 2 {
		t.Errorf("a changed source was built %d times in all, want 2", n)
	}
}

func TestBuildNeedsGo(t *testing.T) {
	for _, sub := range []string{"plan", "install"} {
		t.Run(sub, func(t *testing.T) {
			s := newStep(t, false)
			s.env["SALINT_ACTION_REF"] = "main"
			status, out := s.run("install.sh", sub)
			if status == 0 {
				t.Fatalf("succeeded without go:\n%s", out)
			}
			for _, want := range []string{"::error title=salint::no go command", "uses: salint/salint@vX.Y.Z", "actions/setup-go"} {
				if !strings.Contains(out, want) {
					t.Errorf("error does not say %q:\n%s", want, out)
				}
			}
			if got := s.outputs(); len(got) != 0 {
				t.Errorf("outputs %v, want none", got)
			}
		})
	}
}

// GitHub-hosted images keep Go in the tool cache, each version named by a
// GOROOT_1_N_ARCH variable: the newest serves when PATH has no go.
func TestBuildFindsToolCacheGo(t *testing.T) {
	s := newStep(t, false)
	s.env["SALINT_ACTION_REF"] = "main"
	base := t.TempDir()
	for _, v := range []string{"1_9", "1_24", "1_25"} {
		root := filepath.Join(base, v)
		writeFile(t, filepath.Join(root, "bin", "go"), fakeGo+"echo "+v+" >> \"$FAKE_GO_LOG.which\"\n", 0o755)
		s.env["GOROOT_"+v+"_X64"] = root
	}
	s.env["GOROOT_1_26_X64"] = filepath.Join(base, "missing")
	if status, out := s.run("install.sh", "install"); status != 0 {
		t.Fatalf("install: status %d\n%s", status, out)
	}
	b, _ := os.ReadFile(s.goLog + ".which")
	if string(b) != "1_25\n" {
		t.Errorf("built with the go of %q, want 1_25's", b)
	}
}

// The version input asks for a release: anything else, or a platform with
// no release binary, is an error, never a build of the action's own commit
// (which would not be the version asked for) nor a download.
func TestVersionInputIsARelease(t *testing.T) {
	for _, tc := range []struct{ name, version, os, arch, want string }{
		{"not a tag", "main", "Linux", "X64", "must be a release tag such as v1.2.3, not: main"},
		{"a line break", "v1.2.3\n::warning::forged", "Linux", "X64", "not: v1.2.3%0A::warning::forged"},
		{"no binary for the platform", "v1.2.3", "Linux", "ARM", "salint v1.2.3 has no release binary for Linux ARM"},
	} {
		for _, sub := range []string{"plan", "install"} {
			t.Run(tc.name+"/"+sub, func(t *testing.T) {
				s := newStep(t, true)
				rl, url := serve(t, nil)
				s.env["SALINT_ACTION_REF"], s.env["SALINT_VERSION"] = "0123456789abcdef0123456789abcdef01234567", tc.version
				s.env["RUNNER_OS"], s.env["RUNNER_ARCH"], s.env["SALINT_RELEASE_URL"] = tc.os, tc.arch, url
				status, out := s.run("install.sh", sub)
				if status == 0 || !strings.Contains(out, "::error title=salint::") || !strings.Contains(out, tc.want) {
					t.Errorf("status %d, want an error saying %q:\n%s", status, tc.want, out)
				}
				if strings.Contains(out, "\n::warning") {
					t.Errorf("the version input forged a workflow command:\n%s", out)
				}
				if got := s.outputs(); len(got) != 0 {
					t.Errorf("outputs %v, want none", got)
				}
				if got := calls(t, s.goLog, "go"); got != nil {
					t.Errorf("go was called: %q", got)
				}
				if len(rl.requests) != 0 {
					t.Errorf("requests %q, want none", rl.requests)
				}
			})
		}
	}
}
