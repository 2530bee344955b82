// Package bench measures salint against the cost of merely decoding its
// input. Its plain `go test` run does only quick end-to-end checks on a tiny
// tree; the figures come from the benchmarks and from the report:
//
//	go test ./internal/bench -run '^$' -bench . -benchtime 3x   # in-process
//	go test ./internal/bench -run TestReport -report -v -timeout 30m
//
// The report builds the salint binary, generates (or reuses) a manifest tree,
// alternates runs of salint with runs of a decode-only baseline (yaml.v3
// decoding every document into `any` on one goroutine), both as child
// processes so that their wall times and peak RSS compare, and prints the
// figures as ratios measured in the same run. It never fails on a missed
// target: benchmarks measure, they do not gate.
//
// This file holds what the tests and benchmarks share: the baseline decoder
// and the cache of generated trees.
package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/salint/salint/internal/synth"
)

// Decoded is what a decode-only pass read.
type Decoded struct {
	Files     int   `json:"files"`
	Documents int   `json:"documents"`
	Bytes     int64 `json:"bytes"`
}

// ManifestFiles lists the files salint reads below dir, sorted: every
// *.yaml, *.yml and *.json file outside hidden directories and node_modules.
func ManifestFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".yaml", ".yml", ".json":
			if d.Type().IsRegular() {
				files = append(files, p)
			}
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// DecodeOnly is the baseline: it walks dir, reads every manifest file and
// decodes each of its documents into `any` with a yaml.v3 Decoder, on the
// calling goroutine, and does nothing else.
func DecodeOnly(dir string) (Decoded, error) {
	var d Decoded
	files, err := ManifestFiles(dir)
	if err != nil {
		return d, err
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			return d, err
		}
		d.Files++
		d.Bytes += int64(len(data))
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var v any
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return d, fmt.Errorf("%s: %w", p, err)
			}
			if v != nil {
				d.Documents++
			}
		}
	}
	return d, nil
}

// Tree kinds.
const (
	TreeGen   = "gen"   // the shared reference generator, ../shared/bench/gen-corpus.go
	TreeSynth = "synth" // salint's own generator, internal/synth
)

// TreeSpec says which tree to generate.
type TreeSpec struct {
	Kind string // TreeGen or TreeSynth
	Apps int
	Seed uint64
	// Gen is the path of gen-corpus.go, for TreeGen.
	Gen string
	// SynthSource is the directory of internal/synth's source, whose hash
	// keys the cache of TreeSynth trees; "" keys them by size and seed only.
	SynthSource string
}

// Tree is a generated tree and its size.
type Tree struct {
	Dir       string `json:"dir"`
	Kind      string `json:"kind"`
	Apps      int    `json:"apps"`
	Seed      uint64 `json:"seed"`
	Files     int    `json:"files"`
	Documents int    `json:"documents"`
	Bytes     int64  `json:"bytes"`
	// Cached says the tree was reused rather than generated.
	Cached bool `json:"cached"`
}

// DefaultCache is where trees are kept between runs.
func DefaultCache() string { return filepath.Join(os.TempDir(), "salint-bench") }

// EnsureTree returns the tree spec describes, generating it under cache
// unless a complete tree of the same kind, size, seed and generator source
// is already there. A tree is complete once its stats file, written beside
// it after the tree is renamed into place, exists.
func EnsureTree(spec TreeSpec, cache string) (*Tree, error) {
	if spec.Apps < 0 {
		return nil, fmt.Errorf("negative app count %d", spec.Apps)
	}
	var src []string
	switch spec.Kind {
	case TreeGen:
		src = []string{spec.Gen}
	case TreeSynth:
		if spec.SynthSource != "" {
			ents, err := os.ReadDir(spec.SynthSource)
			if err != nil {
				return nil, err
			}
			for _, e := range ents {
				if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
					src = append(src, filepath.Join(spec.SynthSource, e.Name()))
				}
			}
		}
	default:
		return nil, fmt.Errorf("unknown tree kind %q (want %s or %s)", spec.Kind, TreeGen, TreeSynth)
	}
	h := sha256.New()
	for _, p := range src {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		h.Write(data)
	}
	key := fmt.Sprintf("%s-n%d-s%d-%s", spec.Kind, spec.Apps, spec.Seed, hex.EncodeToString(h.Sum(nil))[:12])
	dir, statsFile := filepath.Join(cache, key), filepath.Join(cache, key+".json")

	if data, err := os.ReadFile(statsFile); err == nil {
		var t Tree
		if json.Unmarshal(data, &t) == nil {
			if info, err := os.Stat(dir); err == nil && info.IsDir() {
				t.Dir, t.Cached = dir, true
				return &t, nil
			}
		}
		os.Remove(statsFile)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(cache, key+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "tree")
	t := &Tree{Kind: spec.Kind, Apps: spec.Apps, Seed: spec.Seed}
	switch spec.Kind {
	case TreeGen:
		if err := runGen(spec, out, filepath.Join(tmp, "stats.json"), t); err != nil {
			return nil, err
		}
	case TreeSynth:
		st, err := synth.Write(out, spec.Apps, spec.Seed)
		if err != nil {
			return nil, err
		}
		t.Files, t.Documents, t.Bytes = st.Files, st.Documents, st.Bytes
	}
	if err := os.Rename(out, dir); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(statsFile+".tmp", data, 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(statsFile+".tmp", statsFile); err != nil {
		return nil, err
	}
	t.Dir = dir
	return t, nil
}

// runGen runs the shared reference generator and reads the size of what it
// wrote from its -stats file.
func runGen(spec TreeSpec, out, statsFile string, t *Tree) error {
	gen, err := filepath.Abs(spec.Gen)
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "run", gen,
		"-n", strconv.Itoa(spec.Apps), "-seed", strconv.FormatUint(spec.Seed, 10),
		"-out", out, "-stats", statsFile)
	cmd.Dir = filepath.Dir(gen)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go run %s: %v\n%s", gen, err, msg)
	}
	data, err := os.ReadFile(statsFile)
	if err != nil {
		return err
	}
	var st struct {
		Files     int   `json:"files"`
		Documents int   `json:"documents"`
		Bytes     int64 `json:"bytes"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("%s: %w", statsFile, err)
	}
	t.Files, t.Documents, t.Bytes = st.Files, st.Documents, st.Bytes
	return nil
}

// RepoRoot finds the directory of the module's go.mod, from dir upwards.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
