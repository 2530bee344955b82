package engine_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salint/salint/internal/testfs"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/rules"
)

// evaluateWithin runs eng over a model of apps apps, failing the test
// instead of hanging when the evaluation does not end.
func evaluateWithin(t *testing.T, eng *engine.Engine, apps int) ([]engine.Raw, error) {
	t.Helper()
	type evaluated struct {
		raws []engine.Raw
		err  error
	}
	done := make(chan evaluated, 1)
	go func() {
		raws, err := eng.Evaluate(context.Background(), mixedModel(apps), map[string]map[string]any{"SA901": {"limit": 3}}, 2)
		done <- evaluated{raws, err}
	}()
	select {
	case e := <-done:
		return e.raws, e.err
	case <-time.After(5 * time.Minute):
		t.Fatal("the evaluation did not end")
		return nil, nil
	}
}

// healthyRule is a custom rule that works, beside the broken one.
var healthyRule = customRule("healthy", "ACME100", "healthy", customFindings)

// policyFailure checks that an evaluation reported the built-in rule's and
// the healthy rule's findings, and one PolicyError for ACME001 whose text
// holds each of want.
func policyFailure(t *testing.T, raws []engine.Raw, err error, apps int, want ...string) {
	t.Helper()
	var failed engine.PolicyErrors
	if !errors.As(err, &failed) {
		t.Fatalf("error %v, want PolicyErrors", err)
	}
	if len(failed) != 1 || failed[0].Rule.ID != "ACME001" {
		t.Fatalf("failed rules: %v, want ACME001 alone", err)
	}
	msg := failed[0].Error()
	for _, w := range append(want, "rule ACME001 x") {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
	count := map[string]int{}
	for _, r := range raws {
		count[r.Rule.ID]++
	}
	if count["SA901"] != apps || count["ACME100"] != apps || count["ACME001"] != 0 {
		t.Errorf("findings by rule %v, want %d of SA901 and ACME100, none of ACME001", count, apps)
	}
}

// TestPolicyRefsOutOfRange: a ref that names no object is an error naming
// the rule and its file, not an index out of range later on.
func TestPolicyRefsOutOfRange(t *testing.T) {
	x := filepath.Join("policy", "x", "x.rego")
	for name, body := range map[string]string{
		"ref past the end":     `findings contains {"ref": 99999, "path": [], "msg": "far"} if { some w in input.workloads }`,
		"negative ref":         `findings contains {"ref": -1, "path": [], "msg": "before"} if { some w in input.workloads }`,
		"related past it":      `findings contains {"ref": w.ref, "path": [], "msg": "m", "related": [{"ref": 99999, "path": [], "msg": "r"}]} if { some w in input.workloads }`,
		"related before it":    `findings contains {"ref": w.ref, "path": [], "msg": "m", "related": [{"ref": -1, "path": [], "msg": "r"}]} if { some w in input.workloads }`,
		"ref one past the end": `findings contains {"ref": count(input.workloads) * 3, "path": [], "msg": "m"} if { some w in input.workloads }`,
	} {
		t.Run(name, func(t *testing.T) {
			eng, err := newEngineWithPolicy(t, map[string]string{
				"x/x.rego":             customRule("x", "ACME001", "x", body),
				"healthy/healthy.rego": healthyRule,
			})
			if err != nil {
				t.Fatal(err)
			}
			raws, err := evaluateWithin(t, eng, 3)
			policyFailure(t, raws, err, 3, x+": ", "names no object", "use the ref of a fact of the input (0 to 8)")
		})
	}
}

// TestPolicyRefOutOfRangeThroughLint: the whole pipeline reports the error
// instead of panicking.
func TestPolicyRefOutOfRangeThroughLint(t *testing.T) {
	dir := policyDir(t, map[string]string{})
	testfs.WriteFile(t, filepath.Join(dir, "x", "x.rego"), customRule("x", "ACME001", "x",
		`findings contains {"ref": 99999, "path": [], "msg": "far"} if { some w in input.workloads }`))
	eng, err := engine.NewWithPolicies(context.Background(), rules.FS, []engine.Policy{policyOf(dir)})
	if err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(t.TempDir(), "pod.yaml")
	testfs.WriteFile(t, manifest, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: c, image: i}]\n")
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v", r)
			}
		}()
		_, err := lint.Run(context.Background(), eng, lint.Config{Paths: []string{manifest}, Jobs: 2})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil && strings.HasPrefix(err.Error(), "panic:") {
			t.Fatal(err)
		}
		// Either lint turns the error into a report's error, or it fails the run with it.
		var failed engine.PolicyErrors
		if err != nil && !errors.As(err, &failed) {
			t.Errorf("error %v, want the policy's", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("lint did not end")
	}
}

// TestPolicyBudget: a custom rule that would run for ever, or build a value
// no memory holds, fails alone, with an error naming its file (and the
// line of the refused call), within the deadline; the other rules report.
func TestPolicyBudget(t *testing.T) {
	// s is 100 KB; the capped calls below would make 20 MB and more of it.
	const big = `s := concat("", [x | some i in numbers.range(1, 10000); x := "0123456789"])`
	tests := []struct {
		name, body string
		want       []string
		timeout    time.Duration // a minute unless set: only the loop is to run out of time
	}{
		{"numbers.range", `r := numbers.range(0, 1e12)`, []string{":14: ", "numbers.range: the range would hold 1e+12 numbers; salint allows 1000000"}, 0},
		{"numbers.range_step", `r := numbers.range_step(0, 1e13, 2)`, []string{":14: ", "numbers.range_step: the range would hold 5e+12 numbers"}, 0},
		{"numbers.range of a huge bound", `r := numbers.range(0, 1e300 * 1e300)`, []string{":14: ", "numbers.range: the number 100000000000… (601 characters) is beyond"}, 0},
		{"net.cidr_expand", `r := net.cidr_expand("10.0.0.0/8")`, []string{":14: ", "net.cidr_expand: 10.0.0.0/8 holds 2^24 addresses; salint expands at most 65536"}, 0},
		{"net.cidr_expand IPv6", `r := net.cidr_expand("fd00::/64")`, []string{":14: ", "holds 2^64 addresses"}, 0},
		{"bits.lsh", `r := bits.lsh(1, 1e12)`, []string{":14: ", "bits.lsh: a shift by 1e+12 bits"}, 0},
		{"format_int of a huge number", `r := format_int(1e300 * 1e300, 10)`, []string{":14: ", "format_int: the number 100000000000… (601 characters) is beyond what salint computes with (about 1.8e308)"}, 0},
		{"arithmetic on a huge number", `x := 1e300 * 1e300
	r := x * x`, []string{":15: ", "mul: the number 100000000000… (601 characters) is beyond"}, 0},
		{"array.flatten", `a := numbers.range(1, 1000)
	r := array.flatten([a | some i in numbers.range(1, 2000)])`, []string{":15: ", "array.flatten: the array would hold 2000000 elements"}, 0},
		{"concat", big + `
	r := concat("", [s | some i in numbers.range(1, 200)])`, []string{":15: ", "concat: the result would be larger than the 16 MiB salint allows a string"}, 0},
		{"replace", big + `
	r := replace(s, "0", s)`, []string{":15: ", "replace: the result would be larger"}, 0},
		{"strings.replace_n", big + `
	r := strings.replace_n({"0": s}, s)`, []string{":15: ", "strings.replace_n: the result would be larger"}, 0},
		{"regex.replace", big + `
	r := regex.replace(s, "0", concat("", ["$0" | some i in numbers.range(1, 200)]))`, []string{":15: ", "regex.replace: the result would be larger"}, 0},
		{"sprintf of a shared value", big + `
	r := sprintf("%v", [[s | some i in numbers.range(1, 200)]])`, []string{":15: ", "sprintf: the result would be larger"}, 0},
		{"sprintf width", `r := sprintf(concat("", ["%1000000d" | some i in numbers.range(1, 20)]), [1])`, []string{":14: ", "sprintf: the result would be larger"}, 0},
		{"json.marshal", big + `
	r := json.marshal([s | some i in numbers.range(1, 200)])`, []string{":15: ", "json.marshal: the result would be larger"}, 0},
		{"yaml.marshal", big + `
	r := yaml.marshal({"a": [s | some i in numbers.range(1, 200)]})`, []string{":15: ", "yaml.marshal: the result would be larger"}, 0},
		{"a loop for ever", `r := count({1 | some i in numbers.range(1, 1000); some j in numbers.range(1, 1000); some k in numbers.range(1, 1000); some l in numbers.range(1, 1000)})`, []string{"did not finish within 500ms (--policy-timeout)"}, 500 * time.Millisecond},
		{"memory filled step by step", big + `
	r := count([y | some i in numbers.range(1, 1000000); y := concat("", [s, format_int(i, 10)])])`, []string{"held more than 64 MiB of memory, salint's budget for a custom rule"}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "findings contains {\"ref\": w.ref, \"path\": [], \"msg\": \"done\"} if {\n\tsome w in input.workloads\n\t" +
				tt.body + "\n\tr != null\n}"
			builtin := mapFS(map[string]string{
				"main/main.rego": mainRego,
				"a/a.rego":       rule("a", "SA901", "rule-a", "high", everyWorkload),
			})
			policy := mapFS(map[string]string{
				"x/x.rego":             customRule("x", "ACME001", "x", body),
				"healthy/healthy.rego": healthyRule,
			})
			eng, err := engine.NewWithPolicies(context.Background(), builtin, []engine.Policy{{Name: "policy", FS: policy}},
				engine.WithPolicyTimeout(cmp.Or(tt.timeout, time.Minute)), engine.WithPolicyMemory(64<<20))
			if err != nil {
				t.Fatal(err)
			}
			raws, err := evaluateWithin(t, eng, 2)
			policyFailure(t, raws, err, 2, append([]string{filepath.Join("policy", "x", "x.rego")}, tt.want...)...)
		})
	}
}

// TestPolicyCallsWithinTheCaps: the caps leave ordinary calls alone, up to
// their limits.
func TestPolicyCallsWithinTheCaps(t *testing.T) {
	body := `findings contains {"ref": w.ref, "path": [], "msg": msg} if {
	some w in input.workloads
	r := numbers.range(1, 1000000)
	a := net.cidr_expand("10.1.0.0/16")
	s := concat("", [x | some i in numbers.range(1, 10000); x := "0123456789"])
	msg := sprintf("%d %d %d %d %s %s %d", [
		count(r), count(a), count(replace(s, "0", "ab")), bits.lsh(1, 64),
		format_int(255, 16), yaml.marshal({"a": [1]}), round(2.5),
	])
}`
	eng, err := newEngineWithPolicy(t, map[string]string{"x/x.rego": customRule("x", "ACME001", "x", body)})
	if err != nil {
		t.Fatal(err)
	}
	raws, err := evaluateWithin(t, eng, 1)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, r := range raws {
		if r.Rule.ID == "ACME001" {
			msgs = append(msgs, r.Message)
		}
	}
	if want := []string{"1000000 65536 110000 18446744073709551616 ff a:\n  - 1\n 3"}; !slices.Equal(msgs, want) {
		t.Errorf("messages %q, want %q", msgs, want)
	}
}
