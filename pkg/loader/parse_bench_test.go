package loader_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// BenchmarkParse parses every manifest below the shared corpus (or
// SALINT_PARSE_BENCH_DIR) into checked objects, with the fast reader and
// with go-yaml alone.
func BenchmarkParse(b *testing.B) {
	root := "../../../shared/corpus"
	if dir := os.Getenv("SALINT_PARSE_BENCH_DIR"); dir != "" {
		root = dir
	}
	var files [][]byte
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml") {
			return err
		}
		data, err := os.ReadFile(path)
		files = append(files, data)
		return err
	})
	if err != nil || len(files) == 0 {
		b.Skipf("no manifests below %s: %v", root, err)
	}
	opts := loader.Options{Kinds: model.Kinds}
	for _, fast := range []bool{true, false} {
		b.Run(fmt.Sprintf("fast=%v", fast), func(b *testing.B) {
			defer loader.SetFastPath(fast)()
			b.ReportAllocs()
			for b.Loop() {
				for _, data := range files {
					loader.Parse("f.yaml", data, opts)
				}
			}
		})
	}
}
