package engine

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

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
// the severity rank of every rule (0: nothing dangerous; higher: worse).
// Each role's Key is its position in roles, as model.GrantRoles numbers them.
func (e *Engine) Classify(ctx context.Context, roles []model.ClassifyRole, jobs int) (model.Classification, error) {
	ranks := make([][]int, len(roles))
	for i, r := range roles {
		if r.Key != i {
			return nil, fmt.Errorf("classifying roles: role %d has key %d", i, r.Key)
		}
		ranks[i] = make([]int, len(r.Rules))
	}
	n := (len(roles) + classifyChunk - 1) / classifyChunk
	errs := make([]error, n)
	var mu sync.Mutex
	parallelChunks(n, jobs, func(c int) {
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
		set, ok := t.Value.(ast.Set)
		if !ok {
			errs[c] = fmt.Errorf("%s returned %v, not a set", ClassifyQuery, t)
			return
		}
		errs[c] = set.Iter(func(it *ast.Term) error {
			obj, ok := it.Value.(ast.Object)
			if !ok {
				return fmt.Errorf("%s returned %v, not an object", ClassifyQuery, it)
			}
			key, ok1 := termInt(obj.Get(ast.StringTerm("key")))
			idx, ok2 := termInt(obj.Get(ast.StringTerm("index")))
			sev, err := finding.ParseSeverity(termString(obj.Get(ast.StringTerm("severity"))))
			if !ok1 || !ok2 || err != nil || key < 0 || key >= len(ranks) || idx < 0 || idx >= len(ranks[key]) {
				return fmt.Errorf("%s returned %v, not a rule of a role it was given", ClassifyQuery, obj)
			}
			mu.Lock()
			ranks[key][idx] = max(ranks[key][idx], int(sev)+1)
			mu.Unlock()
			return nil
		})
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return func(key, rule int) int { return ranks[key][rule] }, nil
}

// parallelChunks calls fn(0..n-1) on up to jobs goroutines.
func parallelChunks(n, jobs int, fn func(int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, min(jobs, n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
