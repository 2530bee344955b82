package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/salint/salint/pkg/finding"
)

// The budget of one custom rule's evaluation. A policy comes from the
// repository under review: a rule that never ends, or that fills the
// memory, must cost that rule, not the run. The built-in rules have none.
const (
	// DefaultPolicyTimeout is how long one custom rule may run
	// (--policy-timeout).
	DefaultPolicyTimeout = 10 * time.Second
	// DefaultPolicyMemory is how much more live heap than the heap in use
	// when the custom rules start one custom rule's evaluation may hold.
	DefaultPolicyMemory = 1 << 30
)

// limits are the budget of each custom rule's evaluation.
type limits struct {
	timeout time.Duration
	memory  int64 // bytes of live heap; 0 for no budget
}

func defaultLimits() limits {
	return limits{timeout: DefaultPolicyTimeout, memory: DefaultPolicyMemory}
}

// Option tunes an engine.
type Option func(*settings)

// settings are what Options set.
type settings struct {
	limits limits
	docRef string // finding.Rule.DocRef of the built-in rules
}

// WithPolicyTimeout sets how long each custom rule may run; d <= 0 keeps
// DefaultPolicyTimeout.
func WithPolicyTimeout(d time.Duration) Option {
	return func(s *settings) {
		if d > 0 {
			s.limits.timeout = d
		}
	}
}

// WithPolicyMemory sets how much more live heap each custom rule's
// evaluation may hold; bytes <= 0 keeps DefaultPolicyMemory.
func WithPolicyMemory(bytes int64) Option {
	return func(s *settings) {
		if bytes > 0 {
			s.limits.memory = bytes
		}
	}
}

// WithDocRef says which git ref of salint's repository the built-in rules'
// documentation links point at (finding.Rule.DocRef): the release tag of
// the running salint, whose docs describe the rules it runs. Custom rules
// are not salint's and keep theirs.
func WithDocRef(ref string) Option {
	return func(s *settings) { s.docRef = ref }
}

// customRule is a rule of a --policy directory and its query.
type customRule struct {
	rule  *finding.Rule
	file  string // its module, as the user named it
	query rego.PreparedEvalQuery
}

// PolicyError is a custom rule that failed while it ran: it raised an
// error, outran its deadline or its memory budget, or returned a finding
// that breaks the contract. Its findings are left out; the other rules'
// stand.
type PolicyError struct {
	Rule *finding.Rule
	File string // where: the rule's module, or the file of the failing expression
	Line int    // 0 when unknown
	Err  error
}

func (e *PolicyError) Error() string {
	at := e.File
	if e.Line > 0 {
		at = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("%s: rule %s %s: %v", at, e.Rule.ID, e.Rule.Name, e.Err)
}

func (e *PolicyError) Unwrap() error { return e.Err }

// InputError is e as a report's error: the run goes on and exits 2.
func (e *PolicyError) InputError() finding.InputError {
	return finding.InputError{
		Location: finding.Location{File: e.File, Line: e.Line},
		Message:  fmt.Sprintf("rule %s %s: %v; its findings are left out", e.Rule.ID, e.Rule.Name, e.Err),
	}
}

// PolicyErrors are the custom rules that failed in one evaluation, in the
// order the rules ran. Evaluate returns them with the findings of every
// other rule.
type PolicyErrors []*PolicyError

func (es PolicyErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// maxErrorText caps the text an error of a policy carries into the
// report: OPA's messages can quote values the rule built.
const maxErrorText = 2 << 10

var (
	errTimeout = errors.New("deadline exceeded")
	errMemory  = errors.New("memory budget exceeded")
)

// evalPolicies evaluates each custom rule over the whole input, one after
// the other, each within the budget. A rule that fails is a PolicyError;
// err is for what stops the whole run (the caller's context).
func (e *Engine) evalPolicies(ctx context.Context, input ast.Value, objects int, disabled map[string]bool) (out []Raw, failed PolicyErrors, err error) {
	var baseline uint64
	if e.limits.memory > 0 {
		// What the evaluations hold is measured from the heap now, input
		// included. The live heap of the last collection may predate the
		// input; the heap in use, garbage included, does not, and forcing
		// a collection to tell them apart would cost more than the slack.
		baseline = heapInUse()
	}
	for _, c := range e.custom {
		if disabled[c.rule.ID] {
			continue
		}
		raws, err := e.evalPolicy(ctx, c, input, objects, baseline)
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("evaluating rules: %w", context.Cause(ctx))
		}
		if err != nil {
			failed = append(failed, policyError(c, err, e.limits))
			continue
		}
		out = append(out, raws...)
	}
	return out, failed, nil
}

// evalPolicy evaluates one custom rule. OPA stops an evaluation at its next
// step once the context is done; a built-in call that never returns is left
// to run out alone while salint goes on.
func (e *Engine) evalPolicy(ctx context.Context, c customRule, input ast.Value, objects int, baseline uint64) ([]Raw, error) {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	ctx, cancel := context.WithTimeoutCause(ctx, e.limits.timeout, errTimeout)
	defer cancel()
	if e.limits.memory > 0 {
		defer watchMemory(baseline, e.limits.memory, stop)()
	}
	type result struct {
		raws []Raw
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("the evaluation failed: %v", r)}
			}
		}()
		raws, err := e.eval(ctx, c.query, input, objects)
		done <- result{raws, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil {
			return nil, context.Cause(ctx) // OPA's cancellation says less than why
		}
		return r.raws, r.err
	case <-ctx.Done():
		select {
		case r := <-done:
			if r.err == nil {
				return r.raws, nil // it finished as the budget ran out
			}
		default:
		}
		return nil, context.Cause(ctx)
	}
}

// policyError says how custom rule c failed, where it can.
func policyError(c customRule, err error, l limits) *PolicyError {
	pe := &PolicyError{Rule: c.rule, File: c.file}
	var te *topdown.Error
	switch {
	case errors.Is(err, errTimeout):
		pe.Err = fmt.Errorf("did not finish within %s (--policy-timeout)", l.timeout)
	case errors.Is(err, errMemory):
		pe.Err = fmt.Errorf("held more than %s of memory, salint's budget for a custom rule", byteSize(l.memory))
	case errors.As(err, &te):
		if te.Location != nil && te.Location.File != "" {
			pe.File, pe.Line = te.Location.File, te.Location.Row
		}
		pe.Err = errors.New(clip(te.Code + ": " + oneLine(te.Message)))
	default:
		// A broken finding: decode's message, without the rule it names.
		pe.Err = errors.New(clip(oneLine(strings.TrimPrefix(err.Error(), "rule "+c.rule.ID+" "))))
	}
	return pe
}

// oneLine joins the lines of an OPA message (a conflict lists each value
// on a line of its own) with "; ", for a report's one-line error.
func oneLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return lines[0] + " " + strings.Join(lines[1:], "; ")
}

// clip keeps at most maxErrorText bytes of s, on a rune boundary.
func clip(s string) string {
	if len(s) <= maxErrorText {
		return s
	}
	cut := maxErrorText
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// watchMemory calls stop(errMemory) once the live heap exceeds baseline by
// more than budget, until the returned function is called. The live heap
// is known after each collection, which the growth it watches for brings
// on: it is polled, which costs little.
func watchMemory(baseline uint64, budget int64, stop context.CancelCauseFunc) (done func()) {
	quit := make(chan struct{})
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				if live := liveHeap(); live > baseline && live-baseline > uint64(budget) {
					stop(errMemory)
					return
				}
			}
		}
	}()
	return func() { close(quit) }
}

// liveHeap is the heap the last collection found live.
func liveHeap() uint64 { return readMetric("/gc/heap/live:bytes") }

// heapInUse is the heap taken by objects now, live or not yet collected.
func heapInUse() uint64 { return readMetric("/memory/classes/heap/objects:bytes") }

func readMetric(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
