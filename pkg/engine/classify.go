package engine

import (
	"context"
	"fmt"
	"reflect"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/salint/salint/internal/par"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/model"
)

// ClassifyQuery asks the RBAC library which granted rules are dangerous,
// so that "dangerous" is defined once, in Rego, for the role rules and for
// the permissions a workload holds.
const ClassifyQuery = "data.salint.lib.rbac.classified"

// classifyChunk is how many roles one classification sees.
const classifyChunk = 512

// Classify runs the RBAC library over the roles bindings grant and returns
// the most severe danger of every rule, with its rank (0: nothing
// dangerous; higher: worse). Each role's Key is its position in roles, as
// model.GrantRoles numbers them.
func (e *Engine) Classify(ctx context.Context, roles []model.ClassifyRole, jobs int) (model.Classification, error) {
	type result struct {
		rank   int
		danger *model.Danger
	}
	found := make([][]result, len(roles))
	for i, r := range roles {
		if r.Key != i {
			return nil, fmt.Errorf("classifying roles: role %d has key %d", i, r.Key)
		}
		found[i] = make([]result, len(r.Rules))
	}
	n := (len(roles) + classifyChunk - 1) / classifyChunk
	errs := make([]error, n)
	par.Each(n, jobs, func(c int) {
		part := roles[c*classifyChunk : min(len(roles), (c+1)*classifyChunk)]
		input := ast.NewObject([2]*ast.Term{ast.StringTerm("grantRoles"), toTerm(reflect.ValueOf(part))})
		rs, err := e.classify.Eval(ctx, rego.EvalParsedInput(input))
		if err != nil {
			errs[c] = fmt.Errorf("classifying roles: %w", err)
			return
		}
		if len(rs) == 0 || len(rs[0].Expressions) == 0 {
			return
		}
		t, _ := rs[0].Expressions[0].Value.(*ast.Term)
		entries, ok := t.Value.(*ast.Array)
		if !ok {
			errs[c] = fmt.Errorf("%s returned %v, not an array", ClassifyQuery, t)
			return
		}
		// Each chunk writes only its own roles' entries.
		for i := range entries.Len() {
			key, idx, d, err := decodeClassified(entries.Elem(i))
			if err == nil && (key < c*classifyChunk || key >= c*classifyChunk+len(part) || idx < 0 || idx >= len(found[key])) {
				err = fmt.Errorf("%s returned %v, not a rule of a role it was given", ClassifyQuery, entries.Elem(i))
			}
			var sev finding.Severity
			if err == nil {
				sev, err = finding.ParseSeverity(d.Severity)
			}
			if err != nil {
				errs[c] = err
				return
			}
			if r := int(sev) + 1; r > found[key][idx].rank {
				found[key][idx] = result{r, d}
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return func(key, rule int) (int, *model.Danger) {
		r := found[key][rule]
		return r.rank, r.danger
	}, nil
}

// decodeClassified reads one [role key, rule index, danger] of the library.
func decodeClassified(it *ast.Term) (key, idx int, d *model.Danger, err error) {
	bad := func() (int, int, *model.Danger, error) {
		return 0, 0, nil, fmt.Errorf("%s returned %v, not [key, index, danger]", ClassifyQuery, it)
	}
	arr, ok := it.Value.(*ast.Array)
	if !ok || arr.Len() != 3 {
		return bad()
	}
	key, ok1 := termInt(arr.Elem(0))
	idx, ok2 := termInt(arr.Elem(1))
	do, isObj := arr.Elem(2).Value.(ast.Object)
	if !ok1 || !ok2 || !isObj {
		return bad()
	}
	d = &model.Danger{
		ID: termString(do.Get(ast.StringTerm("id"))), Severity: termString(do.Get(ast.StringTerm("severity"))),
		Field: termString(do.Get(ast.StringTerm("field"))), What: termString(do.Get(ast.StringTerm("what"))),
	}
	item, ok := termInt(do.Get(ast.StringTerm("item")))
	if !ok || d.ID == "" || d.Field == "" || d.What == "" {
		return bad()
	}
	d.Item = item
	return key, idx, d, nil
}
