package lint

import (
	"slices"
	"strings"
	"testing"
)

func TestParseIgnoreComment(t *testing.T) {
	tests := []struct {
		line   string
		ids    []string
		reason string
		ok     bool
	}{
		{"# salint:ignore SA010 the job calls the API", []string{"SA010"}, "the job calls the API", true},
		{"  automountServiceAccountToken: true  # salint:ignore SA010,automount-token needed", []string{"SA010", "automount-token"}, "needed", true},
		{"#salint:ignore SA001", []string{"SA001"}, "", true},
		{`  image: "app#1" # salint:ignore SA003 defined by the platform team`, []string{"SA003"}, "defined by the platform team", true},
		{"# salint:ignore", nil, "", false},
		{"# salint:ignored SA010", nil, "", false},
		{"# nothing to see", nil, "", false},
		{"serviceAccountName: web", nil, "", false},
	}
	for _, tt := range tests {
		ids, reason, ok := parseIgnoreComment(tt.line)
		if ok != tt.ok || !slices.Equal(ids, tt.ids) || reason != tt.reason {
			t.Errorf("parseIgnoreComment(%q) = %q, %q, %v; want %q, %q, %v", tt.line, ids, reason, ok, tt.ids, tt.reason, tt.ok)
		}
	}
}

// FuzzParseIgnoreComment: any comment text parses without a panic, and
// what it names comes from the text.
func FuzzParseIgnoreComment(f *testing.F) {
	f.Add("# salint:ignore SA001,SA010 the reason")
	f.Add("x: 1 # a # salint:ignore\tSA012")
	f.Fuzz(func(t *testing.T, text string) {
		ids, reason, ok := parseIgnoreComment(text)
		if !ok && (len(ids) > 0 || reason != "") {
			t.Fatalf("not a comment, yet ids %q reason %q", ids, reason)
		}
		for _, id := range ids {
			if id == "" || !strings.Contains(text, id) {
				t.Fatalf("id %q is not in %q", id, text)
			}
		}
	})
}
