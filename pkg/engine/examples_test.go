package engine_test

import (
	"strings"
	"testing"

	"github.com/salint/salint/pkg/finding"
)

func TestExamplesAreRead(t *testing.T) {
	eng, err := newEngine(t, map[string]string{
		"a/a.rego":              rule("a", "SA901", "rule-a", "high", everyWorkload),
		"a/examples/bad.yaml":   "# bad\nkind: Pod\n",
		"a/examples/good.yaml":  "# good\nkind: Pod\n",
		"b/b.rego":              rule("b", "SA902", "rule-b", "low", everyWorkload),
		"c/c.rego":              rule("c", "SA903", "rule-c", "low", everyWorkload),
		"c/examples/bad.yaml":   "# only bad\n",
		"c/examples/other.yaml": "# not an example\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]finding.Examples{
		"SA901": {Bad: "# bad\nkind: Pod\n", Good: "# good\nkind: Pod\n"},
		"SA902": {}, // a rule without examples, as a user's own rules are
		"SA903": {Bad: "# only bad\n"},
	} {
		if got := eng.Rule(id).Examples; got != want {
			t.Errorf("%s examples = %+v, want %+v", id, got, want)
		}
	}
}

func TestUnreadableExampleFailsToLoad(t *testing.T) {
	_, err := newEngine(t, map[string]string{
		"a/a.rego": rule("a", "SA901", "rule-a", "high", everyWorkload),
		// bad.yaml is a directory here, so reading it fails.
		"a/examples/bad.yaml/x": "",
	})
	if err == nil || !strings.Contains(err.Error(), "a/examples/bad.yaml") {
		t.Errorf("error %v, want one naming a/examples/bad.yaml", err)
	}
}
