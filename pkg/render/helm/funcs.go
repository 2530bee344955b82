package helm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
	goyaml "sigs.k8s.io/yaml/goyaml.v3"
)

// limits bound one render pass. A chart's templates are a program written
// by whoever opened the pull request: these bound what it may spend.
type limits struct {
	steps  int64 // body executions (ticks) and walked value nodes
	output int64 // bytes printed or built by amplifying functions
	frames int   // Go stack frames: include and template recursion
}

// passLimits are the limits of every pass; tests lower them.
var passLimits = limits{steps: 20_000_000, output: 256 << 20, frames: 100_000}

// Limits of single functions.
const (
	maxList       = 1 << 20    // elements until, untilStep and seq may make
	maxRandom     = 1 << 16    // characters or bytes a rand function may make
	maxWidth      = 10_000     // printf width or precision
	maxQuadratic  = 25_000_000 // element comparisons of uniq or without
	maxValueDepth = 1000       // nesting of a value walked before printing
	checkEvery    = 1024       // ticks between deadline and stack checks
)

// errStopped marks the errors with which salint stops a render.
var errStopped = errors.New("salint stopped rendering")

// budget is what one render pass may still spend, shared by the functions
// of that pass. A pass runs in one goroutine; only abort is shared.
type budget struct {
	ctx      context.Context
	deadline time.Time
	abort    atomic.Bool

	lim       limits
	steps     int64
	bytes     int64
	nextCheck int64 // steps at which to check the deadline and stack again

	rand *rand.Rand
	now  time.Time

	lint bool
	// missing and failed are the messages of the required and fail calls
	// that fired.
	missing []string
	failed  []string
	// placeholders names the functions that returned a placeholder.
	placeholders map[string]bool
	tplCache     map[string]string
	stopped      error
}

func newBudget(ctx context.Context, deadline, now time.Time, lint bool) *budget {
	return &budget{
		ctx:      ctx,
		deadline: deadline,
		lim:      passLimits,
		// Fixed seed on purpose: rand* template functions render the same
		// text on every run, so findings and fingerprints are stable.
		rand: rand.New(rand.NewChaCha8([32]byte{'s', 'a', 'l', 'i', 'n', 't'})), //nolint:gosec // G404: not a secret

		now:          now,
		lint:         lint,
		placeholders: map[string]bool{},
		tplCache:     map[string]string{},
	}
}

func (b *budget) stop(format string, args ...any) error {
	b.stopped = fmt.Errorf("%w: "+format, append([]any{errStopped}, args...)...)
	return b.stopped
}

// tick counts one execution of a body that prints size literal bytes.
func (b *budget) tick(size int) (string, error) {
	b.steps++
	if err := b.spend(int64(size)); err != nil {
		return "", err
	}
	if b.steps > b.lim.steps {
		return "", b.stop("the templates ran more than %d steps", b.lim.steps)
	}
	if b.steps >= b.nextCheck {
		b.nextCheck = b.steps + checkEvery
		return "", b.check()
	}
	return "", nil
}

// check stops the pass when its time is up or its recursion too deep.
func (b *budget) check() error {
	if b.abort.Load() || time.Now().After(b.deadline) {
		return b.stop("the render took longer than its time limit")
	}
	if err := b.ctx.Err(); err != nil {
		return b.stop("%v", err)
	}
	// Recursion through include could grow the stack until Go aborts the
	// process, which no recover catches: a frame past the limit stops it.
	var pc [1]uintptr
	if runtime.Callers(b.lim.frames, pc[:]) > 0 {
		return b.stop("templates include each other more than %d stack frames deep", b.lim.frames)
	}
	return nil
}

// spend counts n bytes of output or of a built value.
func (b *budget) spend(n int64) error {
	if n < 0 || n > b.lim.output-b.bytes {
		return b.stop("the templates produced more than %d bytes", b.lim.output)
	}
	b.bytes += n
	return nil
}

// walk checks a value before it is printed or copied whole: it must be
// acyclic and shallow enough, and its expanded size must fit the budget,
// however often one map or list recurs in it.
func (b *budget) walk(v any) error {
	_, err := b.walkSize(v)
	return err
}

// walkSize walks v and returns about how many bytes printing it makes.
func (b *budget) walkSize(v any) (int64, error) {
	w := walker{b: b}
	if err := w.value(reflect.ValueOf(v), 0); err != nil {
		return 0, err
	}
	b.steps += w.nodes / 8
	return w.bytes, nil
}

type walker struct {
	b     *budget
	nodes int64
	bytes int64
}

func (w *walker) value(v reflect.Value, depth int) error {
	if depth > maxValueDepth {
		return w.b.stop("a value is nested more than %d levels deep (or refers to itself)", maxValueDepth)
	}
	w.nodes++
	if w.nodes > w.b.lim.steps {
		return w.b.stop("a value has more than %d nodes", w.b.lim.steps)
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return w.value(v.Elem(), depth+1)
	case reflect.String:
		w.bytes += int64(v.Len())
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if err := w.value(it.Key(), depth+1); err != nil {
				return err
			}
			if err := w.value(it.Value(), depth+1); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			w.bytes += int64(v.Len())
			break
		}
		for i := range v.Len() {
			if err := w.value(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if err := w.value(v.Field(i), depth+1); err != nil {
				return err
			}
		}
	default:
		w.bytes += 8
	}
	if w.bytes > w.b.lim.output-w.b.bytes {
		return w.b.stop("a value expands to more than %d bytes", w.b.lim.output)
	}
	return nil
}

// sprigFuncs are the originals salint wraps; read only.
var sprigFuncs = sprig.TxtFuncMap()

// funcs returns the functions that replace or add to Helm's for one pass.
func (b *budget) funcs(mark bool) template.FuncMap {
	sp := sprigFuncs
	f := template.FuncMap{
		fnTick: b.tick,
		fnOut:  b.out,
		fnTpl:  b.instrumentTpl,
		fnLoop: b.loop,

		// Nothing leaves the machine: no cluster, no DNS.
		"lookup":        func(string, string, string, string) (map[string]any, error) { return map[string]any{}, nil },
		"getHostByName": func(string) string { return "" },

		"required": b.required,
		"fail":     b.fail,

		"until":     func(n int) ([]int, error) { return b.untilStep(0, n, sign(n)) },
		"untilStep": b.untilStep,
		"seq":       b.seq,
		"repeat":    b.repeat,
		"indent":    func(n int, s string) (string, error) { return b.indent(n, s, "") },
		"nindent":   func(n int, s string) (string, error) { return b.indent(n, s, "\n") },
		"replace":   b.replace,
		"wrapWith":  b.wrapWith(sp["wrapWith"].(func(int, string, string) string)),
		"printf":    b.printf,
		"print":     func(a ...any) (string, error) { return b.printed(fmt.Sprint, a) },
		"println":   func(a ...any) (string, error) { return b.printed(fmt.Sprintln, a) },
		"chunk":     b.chunk(sp["chunk"].(func(int, any) [][]any)),
		"now":       func() time.Time { return b.now },

		"toYaml":       b.toYaml(false),
		"mustToYaml":   b.toYaml(true),
		"toYamlPretty": b.toYamlPretty,
		"toJson":       b.toJSON(false),
		"mustToJson":   b.toJSON(true),
		"toToml":       b.toTOML(false),
		"mustToToml":   b.toTOML(true),

		// Deterministic: both passes, and every run, print the same.
		"randAlphaNum": b.random(alphaNum),
		"randAlpha":    b.random(alphaNum[10:]),
		"randNumeric":  b.random(alphaNum[:10]),
		"randAscii":    b.random(ascii),
		"randBytes":    b.randBytes,
		"randInt":      b.randInt,
		"uuidv4":       b.uuid,
		"shuffle":      b.shuffle,
	}
	// Functions that walk a whole value: checked for cycles and size first.
	for _, name := range []string{
		"quote", "squote", "cat", "join", "toString", "toStrings", "toPrettyJson", "toRawJson",
		"mustToPrettyJson", "mustToRawJson", "deepCopy", "mustDeepCopy", "merge", "mustMerge",
		"mergeOverwrite", "mustMergeOverwrite", "concat", "append", "push", "mustAppend",
		"mustPush", "prepend", "mustPrepend", "sortAlpha", "deepEqual",
	} {
		f[name] = b.walked(name, sp[name])
	}
	for _, name := range []string{"uniq", "mustUniq", "without", "mustWithout"} {
		f[name] = b.quadratic(name, sp[name], strings.HasSuffix(name, "niq"))
	}
	for _, name := range []string{"regexReplaceAll", "mustRegexReplaceAll", "regexReplaceAllLiteral", "mustRegexReplaceAllLiteral"} {
		f[name] = b.regexReplace(name, sp[name])
	}
	// Key generation and password hashing cost seconds each: a chart
	// calling them in a loop would stall the linter, and their output
	// never matters to a ServiceAccount check.
	for _, name := range []string{
		"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
		"genSignedCert", "genSignedCertWithKey", "bcrypt", "htpasswd", "derivePassword",
	} {
		f[name] = b.placeholder(name)
	}
	if mark {
		f[fnMark] = markerText
	}
	return f
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

// out counts what an action prints and hands the value back unchanged.
func (b *budget) out(v any) (any, error) {
	if s, ok := v.(string); ok {
		return v, b.spend(int64(len(s)))
	}
	size, err := b.walkSize(v)
	if err != nil {
		return nil, err
	}
	if err := b.spend(size); err != nil {
		return nil, err
	}
	// text/template prints an addressable value through its pointer's
	// String method; passing through here lost the address, so restore it.
	rv := reflect.ValueOf(v)
	if rv.IsValid() && rv.Kind() != reflect.Pointer && !rv.Type().Implements(stringerType) &&
		!rv.Type().Implements(errorType) {
		pt := reflect.PointerTo(rv.Type())
		if pt.Implements(stringerType) || pt.Implements(errorType) {
			p := reflect.New(rv.Type())
			p.Elem().Set(rv)
			return p.Interface(), nil
		}
	}
	return v, nil
}

var (
	stringerType = reflect.TypeFor[fmt.Stringer]()
	errorType    = reflect.TypeFor[error]()
)

// loop counts the iterations of a range over v before they start, and
// refuses to range over an integer larger than a list could be.
func (b *budget) loop(v any) (any, error) {
	rv := reflect.ValueOf(v)
	var n int64
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n = rv.Int()
		if n > maxList {
			return nil, b.stop("range over %d would iterate more than %d times", n, maxList)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() > maxList {
			return nil, b.stop("range over %d would iterate more than %d times", rv.Uint(), maxList)
		}
		n = int64(rv.Uint())
	case reflect.Slice, reflect.Array, reflect.Map:
		n = int64(rv.Len())
	}
	if b.steps += n; b.steps > b.lim.steps {
		return nil, b.stop("the templates ran more than %d steps", b.lim.steps)
	}
	return v, nil
}

// instrumentTpl instruments a string tpl is about to parse, so that a
// template hidden in values is bounded like one in a file.
func (b *budget) instrumentTpl(v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		return v, nil
	}
	// Each tpl call clones every template of the chart.
	b.steps += 100
	if out, ok := b.tplCache[s]; ok {
		return out, nil
	}
	if err := b.spend(int64(len(s))); err != nil {
		return nil, err
	}
	if nesting(s) > maxNesting {
		return nil, b.stop("a tpl template nests control structures more than %d deep", maxNesting)
	}
	out := instrument("tpl", s, noMarks).text
	if len(b.tplCache) < 1000 {
		b.tplCache[s] = out
	}
	return out, nil
}

// Helm marks the messages of required and fail with these, and prints them
// alone in its error.
const (
	helmErrStart = "HELM_ERR_START"
	helmErrEnd   = "HELM_ERR_END"
)

// required is Helm's, and records the message of every value it misses.
func (b *budget) required(msg string, v any) (any, error) {
	if s, isString := v.(string); v != nil && (!isString || s != "") {
		return v, nil
	}
	b.missing = append(b.missing, msg)
	if b.lint {
		return "", nil
	}
	return v, errors.New(helmErrStart + msg + helmErrEnd)
}

// fail is Helm's, and records its message.
func (b *budget) fail(msg string) (string, error) {
	b.failed = append(b.failed, msg)
	if b.lint {
		return "", nil
	}
	return "", errors.New(helmErrStart + msg + helmErrEnd)
}

// stepCount is how many numbers untilStep(start, stop, step) makes.
func stepCount(start, stop, step int) uint64 {
	switch {
	case stop < start && step < 0:
		d, s := uint64(start)-uint64(stop), uint64(-(step+1))+1
		return (d + s - 1) / s
	case stop > start && step > 0:
		d, s := uint64(stop)-uint64(start), uint64(step)
		return (d + s - 1) / s
	}
	return 0
}

func (b *budget) untilStep(start, stop, step int) ([]int, error) {
	n := stepCount(start, stop, step)
	if n > maxList {
		return nil, b.stop("untilStep %d %d %d would make %d numbers, more than %d", start, stop, step, n, maxList)
	}
	if err := b.spend(int64(n) * 8); err != nil {
		return nil, err
	}
	out := make([]int, 0, n)
	for i, v := uint64(0), start; i < n; i, v = i+1, v+step {
		out = append(out, v)
	}
	return out, nil
}

// seq is sprig's, whose arguments follow the Unix command's, bounded.
func (b *budget) seq(p ...int) (string, error) {
	var start, stop, step int
	switch len(p) {
	case 1:
		start, step = 1, sign(p[0]-1)
		stop = p[0] + step
	case 2:
		start, step = p[0], sign(p[1]-p[0])
		stop = p[1] + step
	case 3:
		start, stop, step = p[0], p[2]+sign(p[2]-p[0]), p[1]
	default:
		return "", nil
	}
	numbers, err := b.untilStep(start, stop, step)
	if err != nil {
		return "", err
	}
	words := make([]string, len(numbers))
	for i, n := range numbers {
		words[i] = strconv.Itoa(n)
	}
	return strings.Join(words, " "), nil
}

func (b *budget) repeat(count int, s string) (string, error) {
	if count < 0 {
		return "", fmt.Errorf("repeat: negative count %d", count)
	}
	if len(s) > 0 && int64(count) > b.lim.output/int64(len(s)) {
		return "", b.stop("repeat %d would make more than %d bytes", count, b.lim.output)
	}
	if err := b.spend(int64(count * len(s))); err != nil {
		return "", err
	}
	return strings.Repeat(s, count), nil
}

func (b *budget) indent(n int, s, prefix string) (string, error) {
	if n < 0 {
		return "", fmt.Errorf("indent: negative count %d", n)
	}
	lines := strings.Count(s, "\n") + 1
	if n > 0 && int64(lines) > b.lim.output/int64(n) {
		return "", b.stop("indent %d would make more than %d bytes", n, b.lim.output)
	}
	if err := b.spend(int64(len(s) + n*lines)); err != nil {
		return "", err
	}
	pad := strings.Repeat(" ", n)
	return prefix + pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
}

func (b *budget) replace(old, repl, s string) (string, error) {
	grow := int64(0)
	if len(repl) > len(old) {
		var n int
		if old == "" {
			n = utf8.RuneCountInString(s) + 1
		} else {
			n = strings.Count(s, old)
		}
		grow = int64(n) * int64(len(repl)-len(old))
	}
	if err := b.spend(int64(len(s)) + grow); err != nil {
		return "", err
	}
	return strings.ReplaceAll(s, old, repl), nil
}

func (b *budget) wrapWith(orig func(int, string, string) string) func(int, string, string) (string, error) {
	return func(width int, sep, s string) (string, error) {
		breaks := int64(len(s))/int64(max(width, 1)) + 1
		if err := b.spend(int64(len(s)) + breaks*int64(len(sep))); err != nil {
			return "", err
		}
		return orig(width, sep, s), nil
	}
}

// printf refuses huge widths and precisions, which fmt would honour by
// allocating them, then counts what it prints.
func (b *budget) printf(format string, a ...any) (string, error) {
	for _, n := range formatWidths(format) {
		if n > maxWidth {
			return "", b.stop("printf width or precision %d is larger than %d", n, maxWidth)
		}
	}
	if strings.Contains(format, "*") {
		for _, v := range a {
			if n, ok := v.(int); ok && (n > maxWidth || n < -maxWidth) {
				return "", b.stop("printf width %d is larger than %d", n, maxWidth)
			}
		}
	}
	return b.printed(func(a ...any) string { return fmt.Sprintf(format, a...) }, a)
}

// formatWidths returns the literal widths and precisions of a fmt format.
func formatWidths(format string) []int {
	var out []int
	number := func(i int) int {
		j := i
		for j < len(format) && format[j] >= '0' && format[j] <= '9' {
			j++
		}
		if j > i {
			n, err := strconv.Atoi(format[i:j])
			if err != nil {
				n = maxWidth + 1
			}
			out = append(out, n)
		}
		return j
	}
	index := func(i int) int {
		if i < len(format) && format[i] == '[' {
			if j := strings.IndexByte(format[i:], ']'); j >= 0 {
				return i + j + 1
			}
		}
		return i
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		i = number(index(i))
		if i < len(format) && format[i] == '.' {
			i = number(index(i + 1))
		}
		i = index(i) // the verb follows; a "%%" ends here too
	}
	return out
}

func (b *budget) printed(print func(...any) string, a []any) (string, error) {
	for _, v := range a {
		if err := b.walk(v); err != nil {
			return "", err
		}
	}
	s := print(a...)
	return s, b.spend(int64(len(s)))
}

func (b *budget) chunk(orig func(int, any) [][]any) func(int, any) ([][]any, error) {
	return func(size int, list any) ([][]any, error) {
		if size <= 0 {
			return nil, fmt.Errorf("chunk: size %d is not positive", size)
		}
		return orig(size, list), nil
	}
}

// Helm's serializers, with the value checked first.

func (b *budget) toYaml(must bool) func(any) (string, error) {
	return func(v any) (string, error) {
		if err := b.walk(v); err != nil {
			return "", err
		}
		data, err := yaml.Marshal(v)
		if err != nil {
			if must {
				return "", err
			}
			return "", nil
		}
		return strings.TrimSuffix(string(data), "\n"), b.spend(int64(len(data)))
	}
}

func (b *budget) toYamlPretty(v any) (string, error) {
	if err := b.walk(v); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := goyaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return "", nil
	}
	return strings.TrimSuffix(buf.String(), "\n"), b.spend(int64(buf.Len()))
}

func (b *budget) toJSON(must bool) func(any) (string, error) {
	return func(v any) (string, error) {
		if err := b.walk(v); err != nil {
			return "", err
		}
		data, err := json.Marshal(v)
		if err != nil {
			if must {
				return "", err
			}
			return "", nil
		}
		return string(data), b.spend(int64(len(data)))
	}
}

func (b *budget) toTOML(must bool) func(any) (string, error) {
	return func(v any) (string, error) {
		if err := b.walk(v); err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(v); err != nil {
			if must {
				return "", err
			}
			return err.Error(), nil
		}
		return buf.String(), b.spend(int64(buf.Len()))
	}
}

// walked wraps a sprig function so that its arguments are walked before it
// runs and the size of its result is counted.
func (b *budget) walked(name string, fn any) any {
	v := reflect.ValueOf(fn)
	return reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
		for _, a := range args {
			if err := b.walk(a.Interface()); err != nil {
				panic(fmt.Errorf("%s: %w", name, err))
			}
		}
		var out []reflect.Value
		if v.Type().IsVariadic() {
			out = v.CallSlice(args)
		} else {
			out = v.Call(args)
		}
		if err := b.spend(resultSize(out[0])); err != nil {
			panic(fmt.Errorf("%s: %w", name, err))
		}
		return out
	}).Interface()
}

// resultSize estimates the bytes a function's result holds.
func resultSize(v reflect.Value) int64 {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Slice, reflect.Map:
		return int64(v.Len()) * 16
	}
	return 0
}

// quadratic bounds the list functions that compare pairs of elements: uniq
// compares its list with itself, without its list with the values omitted.
func (b *budget) quadratic(name string, fn any, self bool) any {
	v := reflect.ValueOf(fn)
	return reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
		list := args[len(args)-1]
		if !self {
			list = args[0]
		}
		for list.Kind() == reflect.Interface && !list.IsNil() {
			list = list.Elem()
		}
		n := int64(1)
		if list.Kind() == reflect.Slice || list.Kind() == reflect.Array {
			n = max(int64(list.Len()), 1)
		}
		other := n
		if !self {
			other = int64(max(args[len(args)-1].Len(), 1))
		}
		if n > maxQuadratic/other {
			panic(b.stop("%s would compare more than %d pairs of elements", name, maxQuadratic))
		}
		b.steps += n * other / 8
		if v.Type().IsVariadic() {
			return v.CallSlice(args)
		}
		return v.Call(args)
	}).Interface()
}

// regexReplace bounds the regexp replacements, whose result grows with
// every match, and a pattern matching the empty string matches everywhere.
func (b *budget) regexReplace(name string, fn any) any {
	v := reflect.ValueOf(fn)
	return reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
		s, repl := int64(args[1].Len()), int64(args[2].Len())
		if err := b.spend(s + (s+1)*repl + repl/2*s); err != nil {
			panic(fmt.Errorf("%s: %w", name, err))
		}
		return v.Call(args)
	}).Interface()
}

// placeholderCert stands for sprig's certificate; templates read its Cert
// and Key.
type placeholderCert struct {
	Cert string
	Key  string
}

const (
	placeholderPEMCert = "-----BEGIN CERTIFICATE-----\nc2FsaW50IHBsYWNlaG9sZGVy\n-----END CERTIFICATE-----\n"
	placeholderPEMKey  = "-----BEGIN PRIVATE KEY-----\nc2FsaW50IHBsYWNlaG9sZGVy\n-----END PRIVATE KEY-----\n"
	placeholderHash    = "$2a$10$salint.placeholder.not.a.real.hash.value"
)

// placeholder returns a function that records its use and returns a fixed
// value of the shape the real one returns.
func (b *budget) placeholder(name string) any {
	switch name {
	case "genPrivateKey":
		return func(string) string { b.placeholders[name] = true; return placeholderPEMKey }
	case "bcrypt":
		return func(string) string { b.placeholders[name] = true; return placeholderHash }
	case "htpasswd":
		return func(user string, _ string) string {
			b.placeholders[name] = true
			return user + ":" + placeholderHash
		}
	case "derivePassword":
		return func(...any) string { b.placeholders[name] = true; return "salint-placeholder" }
	}
	return func(...any) (placeholderCert, error) {
		b.placeholders[name] = true
		return placeholderCert{Cert: placeholderPEMCert, Key: placeholderPEMKey}, nil
	}
}

const (
	alphaNum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	ascii    = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)

func (b *budget) random(chars string) func(int) (string, error) {
	return func(n int) (string, error) {
		if n < 0 || n > maxRandom {
			return "", b.stop("random string of %d characters; salint makes at most %d", n, maxRandom)
		}
		out := make([]byte, n)
		for i := range out {
			out[i] = chars[b.rand.IntN(len(chars))]
		}
		return string(out), nil
	}
}

func (b *budget) randBytes(n int) (string, error) {
	if n < 0 || n > maxRandom {
		return "", b.stop("randBytes %d; salint makes at most %d", n, maxRandom)
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(b.rand.Uint32())
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

func (b *budget) randInt(lo, hi int) (int, error) {
	if hi <= lo {
		return 0, fmt.Errorf("randInt: %d is not above %d", hi, lo)
	}
	return lo + b.rand.IntN(hi-lo), nil
}

func (b *budget) uuid() string {
	var u [16]byte
	for i := range u {
		u[i] = byte(b.rand.Uint32())
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

func (b *budget) shuffle(s string) string {
	r := []rune(s)
	b.rand.Shuffle(len(r), func(i, j int) { r[i], r[j] = r[j], r[i] })
	return string(r)
}

// markerText is what the marker of output node n of template id prints:
// bytes a rendered chart does not hold (checked before they are trusted).
func markerText(id, n int) string {
	return "\x00" + strconv.Itoa(id) + ":" + strconv.Itoa(n) + "\x01"
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
