package engine

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// A policy's evaluation has a deadline and a memory budget (policyrun.go),
// but both act between the steps of an evaluation: one built-in call runs
// to its end. The built-ins below can build, in one call, a value far
// larger than their arguments (numbers.range(0, 1e12), a string of one
// shared value repeated a million times), so each call is checked before
// it runs and refused past a cap. No legitimate rule comes near the caps;
// the built-in rules, which are checked too, stay orders of magnitude
// below them. Refused calls stop the evaluation with an error naming the
// call's file and line.
const (
	// maxElements caps the elements of an array or set one call builds.
	maxElements = 1_000_000
	// maxAddresses caps net.cidr_expand: a /16 of IPv4, or a /112 of IPv6.
	maxAddresses = 1 << 16
	// maxTextSize caps the bytes of a string one call builds.
	maxTextSize = 16 << 20
	// maxShift caps the bits bits.lsh adds to a number.
	maxShift = 1 << 16
	// maxFmtWidth is the largest width or precision Go's fmt honours.
	maxFmtWidth = 1_000_000
)

// builtinCaps checks the operands of each capped built-in; a non-empty
// answer refuses the call and says why.
var builtinCaps = map[string]func(ops []*ast.Term) string{
	ast.NumbersRange.Name:     func(ops []*ast.Term) string { return rangeCap(ops[0], ops[1], nil) },
	ast.NumbersRangeStep.Name: func(ops []*ast.Term) string { return rangeCap(ops[0], ops[1], ops[2]) },
	ast.NetCIDRExpand.Name:    cidrExpandCap,
	ast.BitsShiftLeft.Name:    shiftCap,
	ast.ArrayFlatten.Name:     flattenCap,
	ast.Concat.Name:           concatCap,
	ast.Replace.Name:          replaceCap,
	ast.ReplaceN.Name:         replaceNCap,
	ast.RegexReplace.Name:     regexReplaceCap,
	ast.Sprintf.Name:          sprintfCap,
	// Built-ins that write a whole value out as text: a value holding
	// another many times over is written out each time.
	ast.JSONMarshal.Name:            textCap(1, 1, false),
	ast.JSONMarshalWithOptions.Name: textCap(1, 1, true),
	ast.YAMLMarshal.Name:            textCap(1, 1, false),
	ast.URLQueryEncodeObject.Name:   textCap(1, 1, false),
	ast.JWTEncodeSign.Name:          textCap(2, 2, false), // JSON, then base64
	// Past a float64, OPA computes with exact big integers, and each
	// product doubles their digits (1e300 * 1e300, squared again and
	// again): operands are held within a float64's range.
	ast.Plus.Name:           numbersCap,
	ast.Minus.Name:          numbersCap,
	ast.Multiply.Name:       numbersCap,
	ast.Divide.Name:         numbersCap,
	ast.Rem.Name:            numbersCap,
	ast.Abs.Name:            numbersCap,
	ast.Round.Name:          numbersCap,
	ast.Ceil.Name:           numbersCap,
	ast.Floor.Name:          numbersCap,
	ast.FormatInt.Name:      numbersCap,
	ast.Sum.Name:            numbersCap,
	ast.Product.Name:        numbersCap,
	ast.BitsOr.Name:         numbersCap,
	ast.BitsAnd.Name:        numbersCap,
	ast.BitsXOr.Name:        numbersCap,
	ast.BitsNegate.Name:     numbersCap,
	ast.BitsShiftRight.Name: numbersCap,
}

func init() {
	// OPA looks standard built-ins up in one process-wide table, before
	// any per-query function, so the caps replace the implementations
	// there, for every evaluation of the process.
	for name, check := range builtinCaps {
		if f := topdown.GetBuiltin(name); f != nil {
			topdown.RegisterBuiltinFunc(name, capped(name, check, f))
		}
	}
}

// capped is f refusing the calls check objects to. The refusal halts the
// evaluation: an ordinary built-in error would only leave the expression
// undefined, and the rule silently reporting nothing.
func capped(name string, check func([]*ast.Term) string, f topdown.BuiltinFunc) topdown.BuiltinFunc {
	return func(bctx topdown.BuiltinContext, ops []*ast.Term, iter func(*ast.Term) error) error {
		if why := check(ops); why != "" {
			return topdown.Halt{Err: &topdown.Error{
				Code:     topdown.BuiltinErr,
				Message:  name + ": " + why,
				Location: bctx.Location,
			}}
		}
		return f(bctx, ops, iter)
	}
}

// numberOf is a number operand as a float64, ±Inf when it is too large for one;
// ok is false for any other operand, which the built-in itself refuses.
func numberOf(t *ast.Term) (f float64, ok bool) {
	n, ok := t.Value.(ast.Number)
	if !ok {
		return 0, false
	}
	if i, ok := n.Int64(); ok {
		return float64(i), true // the common case, without parsing a float
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func rangeCap(from, to, step *ast.Term) string {
	a, okA := numberOf(from)
	b, okB := numberOf(to)
	if !okA || !okB || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return numbersCap([]*ast.Term{from, to})
	}
	by := 1.0
	if step != nil {
		if s, ok := numberOf(step); ok && s > 0 {
			by = s
		}
	}
	if n := math.Floor(math.Abs(b-a)/by) + 1; n > maxElements {
		return fmt.Sprintf("the range would hold %.4g numbers; salint allows %d", n, maxElements)
	}
	return ""
}

func cidrExpandCap(ops []*ast.Term) string {
	s, ok := ops[0].Value.(ast.String)
	if !ok {
		return ""
	}
	_, ipNet, err := net.ParseCIDR(string(s))
	if err != nil {
		return ""
	}
	ones, bits := ipNet.Mask.Size()
	if host := bits - ones; host > 16 {
		return fmt.Sprintf("%s holds 2^%d addresses; salint expands at most %d (a /%d)", string(s), host, maxAddresses, bits-16)
	}
	return ""
}

func shiftCap(ops []*ast.Term) string {
	if why := numbersCap(ops); why != "" {
		return why
	}
	if n, ok := numberOf(ops[1]); ok && n > maxShift {
		return fmt.Sprintf("a shift by %.4g bits; salint allows %d", n, maxShift)
	}
	return ""
}

// numbersCap refuses numbers beyond a float64 (about 1.8e308) among the
// operands, and among the elements of a collection operand (sum, product).
func numbersCap(ops []*ast.Term) string {
	for _, op := range ops {
		var huge ast.Number
		switch v := op.Value.(type) {
		case ast.Number:
			if tooBig(v) {
				huge = v
			}
		case *ast.Array:
			for i := range v.Len() {
				if n, ok := v.Elem(i).Value.(ast.Number); ok && tooBig(n) {
					huge = n
					break
				}
			}
		case ast.Set:
			v.Until(func(t *ast.Term) bool {
				n, ok := t.Value.(ast.Number)
				if ok && tooBig(n) {
					huge = n
				}
				return huge != ""
			})
		}
		if huge != "" {
			shown := string(huge)
			if len(shown) > 24 {
				shown = fmt.Sprintf("%s… (%d characters)", shown[:12], len(shown))
			}
			return fmt.Sprintf("the number %s is beyond what salint computes with (about 1.8e308)", shown)
		}
	}
	return ""
}

// tooBig says whether n is beyond a float64.
func tooBig(n ast.Number) bool {
	if len(n) <= 300 && !strings.ContainsAny(string(n), "eE") {
		return false // fewer than 300 digits
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return err != nil && math.IsInf(f, 0)
}

func flattenCap(ops []*ast.Term) string {
	arr, ok := ops[0].Value.(*ast.Array)
	if !ok {
		return ""
	}
	n := 0
	for i := range arr.Len() {
		if nested, ok := arr.Elem(i).Value.(*ast.Array); ok {
			n += nested.Len()
		} else {
			n++
		}
	}
	if n > maxElements {
		return fmt.Sprintf("the array would hold %d elements; salint allows %d", n, maxElements)
	}
	return ""
}

// textTooLarge says that a call would build a string of at least n bytes.
func textTooLarge(n int64) string {
	if n <= maxTextSize {
		return ""
	}
	return fmt.Sprintf("the result would be larger than the %s salint allows a string", byteSize(maxTextSize))
}

func concatCap(ops []*ast.Term) string {
	sep, _ := ops[0].Value.(ast.String)
	var n, items int64
	add := func(t *ast.Term) bool {
		if s, ok := t.Value.(ast.String); ok {
			n += int64(len(s))
		}
		items++
		return n > maxTextSize
	}
	switch v := ops[1].Value.(type) {
	case *ast.Array:
		v.Until(add)
	case ast.Set:
		v.Until(add)
	}
	if items > 1 {
		n += (items - 1) * int64(len(sep))
	}
	return textTooLarge(n)
}

func replaceCap(ops []*ast.Term) string {
	s, ok1 := ops[0].Value.(ast.String)
	old, ok2 := ops[1].Value.(ast.String)
	repl, ok3 := ops[2].Value.(ast.String)
	if !ok1 || !ok2 || !ok3 || len(repl) <= len(old) {
		return ""
	}
	count := int64(utf8.RuneCountInString(string(s)) + 1) // an empty old matches around every character
	if old != "" {
		count = int64(strings.Count(string(s), string(old)))
	}
	return textTooLarge(int64(len(s)) + count*int64(len(repl)-len(old)))
}

// replaceNCap bounds strings.replace_n: each match, at most one per byte of
// s (or, for an empty pattern, one around every byte), becomes the longest
// replacement.
func replaceNCap(ops []*ast.Term) string {
	patterns, ok1 := ops[0].Value.(ast.Object)
	s, ok2 := ops[1].Value.(ast.String)
	if !ok1 || !ok2 {
		return ""
	}
	shortest, longest := math.MaxInt, 0
	patterns.Foreach(func(k, v *ast.Term) {
		if ks, ok := k.Value.(ast.String); ok {
			shortest = min(shortest, len(ks))
		}
		if vs, ok := v.Value.(ast.String); ok {
			longest = max(longest, len(vs))
		}
	})
	if longest == 0 {
		return ""
	}
	matches := int64(len(s)) + 1
	if shortest > 0 {
		matches = int64(len(s)/shortest) + 1
	}
	return textTooLarge(int64(len(s)) + matches*int64(longest))
}

// regexReplaceCap bounds regex.replace: at most one match per byte of s
// and one more, each becoming the replacement, where each $ reference
// adds its match; the matches do not overlap, so together they add at most
// s once per reference.
func regexReplaceCap(ops []*ast.Term) string {
	s, ok1 := ops[0].Value.(ast.String)
	repl, ok2 := ops[2].Value.(ast.String)
	if !ok1 || !ok2 {
		return ""
	}
	refs := int64(strings.Count(string(repl), "$"))
	n := int64(len(s))
	return textTooLarge(n*(1+refs) + (n+1)*int64(len(repl)))
}

// sprintfCap bounds sprintf: the format, every width or precision it may
// name (each run of digits, and each *, which takes one from the
// arguments), and each argument printed, which escaping (%q, % x) can make
// several times its text.
func sprintfCap(ops []*ast.Term) string {
	format, ok := ops[0].Value.(ast.String)
	if !ok {
		return ""
	}
	n := int64(len(format)) + int64(strings.Count(string(format), "*"))*maxFmtWidth
	digits := int64(0)
	for i := 0; i <= len(format); i++ {
		if i < len(format) && format[i] >= '0' && format[i] <= '9' {
			digits = min(digits*10+int64(format[i]-'0'), maxFmtWidth)
			continue
		}
		n += digits
		digits = 0
	}
	if args, ok := ops[1].Value.(*ast.Array); ok {
		for i := 0; i < args.Len() && n <= maxTextSize; i++ {
			n += 32 + 12*textSize(args.Elem(i).Value, maxTextSize-n, 0)
		}
	}
	return textTooLarge(n)
}

// textCap bounds a built-in that writes its first operands (as many as
// values) out as JSON or YAML, whose escapes take up to six bytes a byte,
// and encodes that text to at most scale times its size. When indented, the
// "prefix" and "indent" options of the operand after the values are
// written once per level on every line.
func textCap(values int, scale int64, indented bool) func([]*ast.Term) string {
	return func(ops []*ast.Term) string {
		perLevel := int64(8) // YAML indents, JSON separators
		if indented {
			if opts, ok := ops[values].Value.(ast.Object); ok {
				for _, k := range []string{"prefix", "indent"} {
					if s, ok := opts.Get(ast.StringTerm(k)).Value.(ast.String); ok {
						perLevel += int64(len(s))
					}
				}
			}
		}
		var n int64
		for _, op := range ops[:values] {
			n += scale * textSizeIndented(op.Value, (maxTextSize-n)/scale+1, perLevel)
		}
		return textTooLarge(n)
	}
}

// textSize is an upper bound on the bytes of v written out as text (Rego,
// JSON or YAML) before escaping, counting a value that v holds several
// times once for each. It stops counting once past limit, so that a value
// holding another a million times over costs no more than limit to size.
func textSize(v ast.Value, limit int64, perLevel int64) int64 {
	return textSizeAt(v, limit, perLevel, 1)
}

// textSizeIndented is textSize with escapes: six bytes for each byte of a
// string (JSON's \u0000), and perLevel bytes per level of indent per value.
func textSizeIndented(v ast.Value, limit int64, perLevel int64) int64 {
	return 6 * textSizeAt(v, limit/6+1, perLevel, 1)
}

func textSizeAt(v ast.Value, limit, perLevel int64, depth int64) int64 {
	switch x := v.(type) {
	case ast.String:
		return int64(len(x)) + 2
	case ast.Number:
		return int64(len(x))
	case ast.Boolean, ast.Null:
		return 5
	}
	var n int64
	// each counts one element of a collection: its text, a separator and
	// its line's indent.
	each := func(t *ast.Term) bool {
		n += 2 + perLevel*depth + textSizeAt(t.Value, limit-n, perLevel, depth+1)
		return n > limit
	}
	switch x := v.(type) {
	case *ast.Array:
		n = 2
		for i := 0; i < x.Len() && !each(x.Elem(i)); i++ {
		}
	case ast.Set:
		n = 5 // set()
		x.Until(each)
	case ast.Object:
		n = 2
		x.Until(func(k, val *ast.Term) bool {
			return each(k) || each(val)
		})
	default:
		n = int64(len(x.String()))
	}
	return n
}
