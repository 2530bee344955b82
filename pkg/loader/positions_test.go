package loader

import (
	"strings"
	"testing"
)

// positionsOf parses one object and returns its positions.
func positionsOf(t *testing.T, src string) *Positions {
	t.Helper()
	anyKind := func(apiVersion, kind string) *Target {
		return &Target{New: func() any { return new(map[string]any) }, Strict: []string{}}
	}
	f := Parse("p.yaml", []byte(src), Options{Kinds: anyKind})
	if len(f.Errors) > 0 || len(f.Objects) != 1 {
		t.Fatalf("parse: %d objects, errors %v", len(f.Objects), f.Errors)
	}
	return f.Objects[0].Positions
}

// The compact form and the wide fallback must answer alike.
func TestPositionsNarrowAndWide(t *testing.T) {
	long := strings.Repeat(" ", 300)
	tests := []struct {
		name   string
		src    string
		narrow bool
		path   Path
		want   Pos
	}{
		{"narrow", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: v\n", true, Path{"data", "k"}, Pos{6, 3}},
		{"wide when a column exceeds 255", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x," + long + "namespace: y}\n", false, Path{"metadata", "namespace"}, Pos{3, 320}},
		{"wide when the object spans more than 65535 lines", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: |\n" + strings.Repeat("    line\n", 70000) + "  b: c\n", false, Path{"data", "b"}, Pos{70007, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := positionsOf(t, tt.src)
			if got := p.narrow != nil; got != tt.narrow {
				t.Errorf("narrow form %v, want %v", got, tt.narrow)
			}
			if got, n := p.Find(tt.path); got != tt.want || n != len(tt.path) {
				t.Errorf("Find(%v) = %v (%d found), want %v", tt.path, got, n, tt.want)
			}
			if got, _ := p.Find(Path{"kind"}); got != (Pos{2, 1}) {
				t.Errorf("Find(kind) = %v, want 2:1", got)
			}
			if p.Has(Path{"nothere"}) {
				t.Error("an absent path is present")
			}
		})
	}
}

func TestPositionsKeepWideFormOnNarrowCollision(t *testing.T) {
	// Two hashes equal in their top 40 bits, different below.
	p := &Positions{entries: []posEntry{{hash: 0xabcdef0123000001, line: 3, column: 1}, {hash: 0xabcdef0123000002, line: 4, column: 1}}}
	p.narrowDown()
	if p.narrow != nil {
		t.Fatal("colliding narrow hashes were narrowed")
	}
	if got, ok := p.get(0xabcdef0123000002); !ok || got != (Pos{4, 1}) {
		t.Errorf("get = %v %v, want 4:1", got, ok)
	}
}
