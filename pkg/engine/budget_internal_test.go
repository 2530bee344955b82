package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/salint/salint/pkg/finding"
)

// TestCappedBuiltinsExist: a cap on a built-in OPA renamed or dropped
// would silently cap nothing.
func TestCappedBuiltinsExist(t *testing.T) {
	for name := range builtinCaps {
		if ast.BuiltinMap[name] == nil || topdown.GetBuiltin(name) == nil {
			t.Errorf("%s is capped but OPA has no such built-in", name)
		}
	}
}

// TestTextSizeStopsCounting: sizing a value that holds another 2^40 times
// over stops once past the limit, instead of walking every copy.
func TestTextSizeStopsCounting(t *testing.T) {
	v := ast.Value(ast.String("0123456789"))
	for range 40 {
		v = ast.NewArray(ast.NewTerm(v), ast.NewTerm(v))
	}
	done := make(chan int64, 1)
	go func() { done <- textSize(v, maxTextSize, 0) }()
	select {
	case n := <-done:
		if n <= maxTextSize {
			t.Errorf("textSize = %d, want more than %d", n, maxTextSize)
		}
	case <-time.After(time.Minute):
		t.Fatal("textSize walked every copy")
	}
	if got := textCap(1, 1, false)([]*ast.Term{ast.NewTerm(v)}); got == "" {
		t.Error("json.marshal of it was not refused")
	}
}

// TestDeadlineHoldsWhenACallNeverReturns: OPA stops an evaluation between
// steps; a built-in call that never returns must not hold salint too.
func TestDeadlineHoldsWhenACallNeverReturns(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	block := &rego.Function{Name: "test.block", Decl: types.NewFunction(types.Args(types.N), types.B)}
	q, err := rego.New(rego.Query("test.block(1)"), rego.Function1(block, func(rego.BuiltinContext, *ast.Term) (*ast.Term, error) {
		<-release
		return ast.BooleanTerm(true), nil
	})).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{limits: limits{timeout: 100 * time.Millisecond}}
	c := customRule{rule: &finding.Rule{ID: "ACME001", Name: "x"}, file: "policy/x/x.rego", query: q}
	done := make(chan error, 1)
	go func() {
		_, err := e.evalPolicy(context.Background(), c, ast.NewObject(), 0, 0)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errTimeout) {
			t.Fatalf("error %v, want the deadline's", err)
		}
		want := "policy/x/x.rego: rule ACME001 x: did not finish within 100ms (--policy-timeout)"
		if got := policyError(c, err, e.limits).Error(); got != want {
			t.Errorf("error %q, want %q", got, want)
		}
	case <-time.After(time.Minute):
		t.Fatal("the evaluation waited for the call")
	}
}
