package loader

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// encodeFirstDocument converts the first document of data the way the loader
// does, with a generous depth limit so that only the value semantics are
// compared. parsed is false when go.yaml.in/yaml/v3 cannot parse the input.
func encodeFirstDocument(data []byte) (out []byte, parsed bool, err error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return []byte("null"), true, nil
		}
		return nil, false, err
	}
	out, err = encodeTestDocument(&doc, data)
	return out, true, err
}

// encodeTestDocument converts doc, read from data, into JSON.
func encodeTestDocument(doc *yaml.Node, data []byte) ([]byte, error) {
	e := &encoder{
		maxDepth:   10000,
		nodeBudget: 2*len(data) + 10000,
		byteBudget: 8*len(data) + 1<<20,
		pos:        &Positions{},

		nonSpecific: nonSpecificTags(data),
	}
	return e.encodeNode(doc)
}

// decodeJSON reads a JSON text into a comparable value, keeping numbers as
// their text so that 1 and 1.0 stay distinct.
func decodeJSON(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %q: %v", data, err)
	}
	if dec.More() {
		t.Fatalf("trailing data after JSON %q", data)
	}
	return v
}

// sigsKeyString is how sigs.k8s.io/yaml names a non-string key in JSON,
// used to find keys that collide once they are strings.
func sigsKeyString(k any) (string, error) {
	switch k := k.(type) {
	case string:
		return k, nil
	case int:
		return strconv.Itoa(k), nil
	case int64:
		return strconv.FormatInt(k, 10), nil
	case bool:
		return strconv.FormatBool(k), nil
	case float64:
		switch s := strconv.FormatFloat(k, 'g', -1, 32); s {
		case "+Inf":
			return ".inf", nil
		case "-Inf":
			return "-.inf", nil
		case "NaN":
			return ".nan", nil
		default:
			return s, nil
		}
	}
	return "", fmt.Errorf("unsupported map key of type %T", k)
}

// explicitEntries decodes a YAML value keeping, for every mapping, only the
// entries written in it (yaml v2 drops merged entries when decoding into a
// MapSlice), so that duplicate keys can be found independently of the
// encoder.
type explicitEntries struct{ v any }

func (x *explicitEntries) UnmarshalYAML(unmarshal func(any) error) error {
	if err := unmarshal(&x.v); err != nil {
		return err
	}
	switch x.v.(type) {
	case map[any]any:
		var m yamlv2.MapSlice
		x.v = &m
		return unmarshal(&m)
	case []any:
		var s []explicitEntries
		x.v = &s
		return unmarshal(&s)
	}
	return nil
}

func isCollection(v any) bool {
	switch v.(type) {
	case map[any]any, []any:
		return true
	}
	return false
}

// duplicateKey returns a key that a mapping of v names twice once keys are
// strings.
func duplicateKey(v any) (string, bool) {
	switch v := v.(type) {
	case explicitEntries:
		return duplicateKey(v.v)
	case *[]explicitEntries:
		for _, item := range *v {
			if d, ok := duplicateKey(item); ok {
				return d, true
			}
		}
	case []any:
		for _, item := range v {
			if d, ok := duplicateKey(item); ok {
				return d, true
			}
		}
	case *yamlv2.MapSlice:
		return duplicateKey(*v)
	case yamlv2.MapSlice: // nested mappings decode as MapSlice values
		seen := map[string]bool{}
		for _, item := range v {
			if k, err := sigsKeyString(item.Key); err == nil {
				if seen[k] {
					return k, true
				}
				seen[k] = true
			}
			if d, ok := duplicateKey(item.Value); ok {
				return d, true
			}
		}
	}
	return "", false
}

// checkSameAsKubectl is the differential property: where sigs.k8s.io/yaml
// converts a document without ambiguity, the encoder gives the same value;
// where it fails, the encoder fails too. Deliberate differences: salint
// rejects a mapping that names a key twice, including two keys that become
// the same string such as 1 and "1" (kubectl rejects duplicates, and
// sigs.k8s.io/yaml keeps one of the colliding keys at random), and alias
// expansion past the budget, which bounds memory on hostile input.
func checkSameAsKubectl(t testing.TB, input string) {
	t.Helper()
	if !utf8.ValidString(input) {
		// The loader reports such documents before parsing them; yaml
		// reads UTF-16 too, which the loader never hands it.
		return
	}
	data := []byte(input)
	want, wantErr := sigsyaml.YAMLToJSON(data)
	got, parsed, gotErr := encodeFirstDocument(data)
	if fast, ok := fastDocument(data); ok && fast != nil {
		// The fast reader's tree converts as go-yaml's does, and so as
		// sigs.k8s.io/yaml's below.
		fastGot, fastErr := encodeTestDocument(fast, data)
		if !bytes.Equal(fastGot, got) || (fastErr == nil) != (gotErr == nil) {
			t.Fatalf("YAML %q: the fast reader converts to %s (%v), go-yaml's tree to %s (%v)", input, fastGot, fastErr, got, gotErr)
		}
	}
	if !parsed {
		// go.yaml.in/yaml/v3 rejects some streams that yaml v2 accepts
		// (and the reverse); the loader reports those as syntax errors.
		return
	}
	dup, hasDup := "", false
	if wantErr == nil {
		var x explicitEntries
		if err := yamlv2.Unmarshal(data, &x); err != nil {
			// yaml v2 will not hand some top-level scalars (a quoted "~")
			// to an Unmarshaler; a scalar has no keys to repeat.
			var v any
			if yamlv2.Unmarshal(data, &v) != nil || isCollection(v) {
				t.Fatalf("YAML %q: converts, but not into explicit entries: %v", input, err)
			}
		} else {
			dup, hasDup = duplicateKey(x)
		}
	}
	gotDup := gotErr != nil && strings.Contains(gotErr.Error(), "already defined at line")
	switch {
	case wantErr != nil && gotErr == nil && string(got) == "null":
		// go-yaml v3 reads no value where yaml v2 stops at a character
		// (a tab before a comment): neither holds an object to lint.
		return
	case wantErr != nil && gotErr == nil:
		t.Fatalf("YAML %q: sigs.k8s.io/yaml fails (%v) but the encoder gives %s", input, wantErr, got)
	case wantErr != nil:
		return
	case hasDup && !gotDup:
		t.Fatalf("YAML %q: key %q is defined twice, but the encoder gives %s, %v", input, dup, got, gotErr)
	case hasDup:
		return
	case gotErr != nil && strings.Contains(gotErr.Error(), "expands beyond the size limit"):
		return
	case gotErr != nil && strings.Contains(gotErr.Error(), "mapping key is not a scalar"):
		// yaml v2 rejects every such key, so it read another structure:
		// its parser takes "{}:" for "{}", dropping the colon.
		return
	case gotErr != nil:
		t.Fatalf("YAML %q: the encoder fails (%v) but sigs.k8s.io/yaml gives %s", input, gotErr, want)
	}
	if !utf8.Valid(got) {
		t.Fatalf("YAML %q: encoder output is not valid UTF-8: %q", input, got)
	}
	if w, g := decodeJSON(t, want), decodeJSON(t, got); !reflect.DeepEqual(w, g) {
		t.Fatalf("YAML %q:\n sigs.k8s.io/yaml %s\n encoder          %s", input, want, got)
	}
}

// yamlSeeds are inputs whose conversion is easy to get wrong.
var yamlSeeds = []string{
	// booleans and nulls of YAML 1.1
	"a: y\nb: Y\nc: yes\nd: Yes\ne: YES\nf: on\ng: On\nh: ON\ni: true\nj: True\nk: TRUE",
	"a: n\nb: N\nc: no\nd: No\ne: NO\nf: off\ng: Off\nh: OFF\ni: false\nj: False\nk: FALSE",
	"a: yEs\nb: tRUE\nc: oN\nd: nO",
	"a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nULL\ng: ''",
	"automountServiceAccountToken: no",
	"automountServiceAccountToken: \"false\"",
	// integers
	"a: 0777\nb: 0o17\nc: 0x1F\nd: 0X1f\ne: 0b1010\nf: -0b11\ng: 1_000\nh: +12\ni: -0\nj: 09\nk: 0x_1F",
	"a: 9223372036854775807\nb: 9223372036854775808\nc: 18446744073709551615\nd: 18446744073709551616\ne: -9223372036854775808\nf: -9223372036854775809",
	"a: 0b1111111111111111111111111111111111111111111111111111111111111111\nb: 0b11111111111111111111111111111111111111111111111111111111111111111",
	"a: -0b1000000000000000000000000000000000000000000000000000000000000000\nb: -0b10000000000000000000000000000000000000000000000000000000000000000",
	"a: 0o\nb: 0x\nc: 0b\nd: -1_\ne: +\nf: 0b2\ng: 1_\nh: _1\ni: 0_7\nj: 0x_\nk: +0b101\nl: -0x1F\nm: 0O17", "a: -", "a: [-]",
	// floats
	"a: 1.0\nb: 1e3\nc: .5\nd: -.5\ne: 1.\nf: 1.5e-7\ng: 6.02e+23\nh: 1e400\ni: -0.0\nj: 12e\nk: 1.2.3",
	"a: 0.1\nb: 100000000000000000000000\nc: 1e21\nd: 1e20\ne: 123456789.123456789",
	"a: -.inf", "a: .inf", "a: +.Inf", "a: .NaN", "a: .nan", "a: [.NAN]", "a: -.Inf\nb: .INF",
	"a: +.nan\nb: .infinity\nc: inf\nd: nan\ne: Infinity",
	"a: 0x1p-2\nb: 1_000.5\nc: .5_0\nd: 1e1_0",
	// timestamps
	"a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10 -5\nd: 2002-12-14T00:00:00Z",
	"a: !!timestamp 2001-12-14\nb: !!timestamp 2001-12-14T21:59:43.10-05:00",
	"a: !!timestamp 2001-1x", "a: !!timestamp 12", "a: !!timestamp yes", "a: !!timestamp abc",
	"2001-12-14: a\n2001-12-15T00:00:00Z: b",
	// quoted and plain, block scalars
	"a: \"yes\"\nb: 'no'\nc: \"0777\"\nd: '1e3'\ne: \"~\"\nf: \"\"\ng: ''",
	"a: |\n  line one\n  line two\nb: >\n  folded\n  text\n\nc: |-\n  kept\nd: >+\n  keep\n\n",
	"a: |2\n   indented\nb: \"esc \\t \\n \\x41 \\u00e9 \\U0001F600 \\0 \\a \\e \\N \\_ \\L \\P\"",
	"a: 'it''s'\nb: \"quote \\\" backslash \\\\\"\nc: </script>&amp;",
	// tags
	"a: !!str 12\nb: !!str yes\nc: !!int \"12\"\nd: !!float 1\ne: !!float \"1.5\"\nf: !!bool \"yes\"\ng: !!null ~",
	"a: !!int 1.5", "a: !!float yes", "a: !!bool 1", "a: !!null a", "a: !!int \"\"", "a: !!str", "a: !!null",
	"a: !!float 18446744073709551615", "a: !!float 9223372036854775807", "a: !!float 0x10",
	"a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=", "a: !!binary \"not base64!\"", "a: !!binary //79",
	"a: !custom 12\nb: !foo yes\nc: !<tag:example.com,2000:x> 1\nd: !!map foo\ne: !!seq 1",
	"a: !<tag:yaml.org,2002:int> \"12\"\nb: !<tag:yaml.org,2002:str> 12",
	"a: ! 12\nb: ! yes\nc: ! \"12\"\nd: !\ne: ! ~\nf: !<!> 1\ng: &x ! 1\nh: ! &y 2\ni: [! 1, &z ! 2, !  3]",
	"a: &x\n! 1: b\nc: [&y , ! 2]\nd: {&z : ! 3}", "! yes: a\n! 1: b\n! ~: c", "é: ! 12\nü: [ä, ! 0x10]\r\nx: ! no",
	"a: !\tno\nb: !!str ! 1", "x: {! \"<<\": {a: 1}}", "x: {&m ! '<<': {a: 1}}", "- ! |\n  12\n- !\n  12",
	"a: \"x ! 1\"\nb: x ! 1\n# ! 1\nc: !\u0085 1",
	"a: !!str\n  b: 1\nc: !!map [1]\nd: !!int {e: 1}",
	// merge keys
	"base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3",
	"base: &b {a: 1, b: 2}\nx:\n  b: 3\n  <<: *b",
	"x: {a: 1, <<: {a: 2}}", "x: {<<: {a: 2}, a: 1}", "x: {a: 1, <<: {a: 2}, a: 3}", "x: {<<: {a: 2}, a: 1, <<: {a: 3}}",
	"x: {<<: {a: 1, a: 2}}", "a: &a {k: 1, k: 2}\nb: {<<: *a}",
	"p: &p {a: 1, b: 1}\nq: &q {b: 2, c: 2}\nx:\n  <<: [*p, *q]\n  c: 3",
	"p: &p {a: 1}\nq: &q {a: 2}\nx:\n  <<: [*q, *p]",
	"x:\n  <<: {a: 1}\n  <<: {a: 2, b: 2}",
	"x:\n  <<: {<<: {a: 0, z: 0}, a: 1}\n  b: 2",
	"x: {<<: [{a: 1}, {a: 2, b: 2}], c: 3}",
	"x: {<<: 1}", "x: {<<: [1]}", "x: {<<: ~}", "x: {<<: [[{a: 1}]]}", "s: &s [1]\nx: {<<: *s}", "x: {<<: {}}", "x: {<<: []}",
	"x: {\"<<\": {a: 1}}", "x: {'<<': {a: 1}}", "x: {!!merge \"<<\": {a: 1}}", "x: {!!str <<: {a: 1}}", "x: {! <<: {a: 1}}",
	"a: <<\nb: [<<]",
	// anchors and aliases
	"a: &x 1\nb: *x\nc: &y [*x, *x]\nd: {k: *y}",
	"a: &x {b: *x}", "&a [*a]", "a: *undefined", "a: &x [1, &y [2, *y]]",
	"a: &k key\n*k : v",
	"a: &n ~\nb: *n\nc: &e\nd: *e",
	// non-string keys
	"1: a\n2.5: b\ntrue: c\n0x10: d\n1.0e3: e",
	"0.1: a\n1e20: b\n123456789.0: c\n.inf: d\n-.inf: e\n.nan: f",
	"~: a", "null: a", "? \n: a", "[1]: a", "{a: 1}: b", "{}:", "[]:", "? {}", "? [a]\n: b",
	"18446744073709551615: a", "9223372036854775808: a", "-1: a\n-0.5: b", "1e70: a\n-1e70: b\n1e-70: c\n3.4028236e38: d",
	"yes: a\nno: b\non: c\noff: d",
	"!!binary aGVsbG8=: a", "!!str 1: a", "!!float 1: a", "!!int \"7\": a",
	"1: a\n\"1\": b", "true: a\n\"true\": b",
	"a: 1\na: 2", "a: 1\nb: {c: 1, c: 2}", "[{a,a}]", "- {a: 1, a: 2}", "- [x, {y: [{a: 1, \"a\": 2}]}]",
	// unicode and control characters
	"ü: ä\n日本: 語\nemoji: 😀\n\"\\u2028\": \"\\u2029\"",
	"a: \"\\x01\\x1f\\x7f\"\nb: \"\\ufeff\"", "c: \"\\uD800\"",
	"a: \"\\xff\"\nb: \"\\u0000\"",
	"\ufeffa: 1",
	"a: b\u0085c",
	// documents and structure
	"", "---", "--- \n...", "# only a comment", "a", "[]", "{}", "- 1\n- 2", "~", "--- 1\n--- 2",
	"a: [1, [2, [3, {b: [4]}]]]", "a:\n- b:\n  - c: 1", "[a, b]: c",
	"a: {b: c}\n...\nd: e",
	"%YAML 1.1\n---\na: 1",
	"%YAML 1.2\n---\na: yes",
	"a: 1 # comment\nb: '# not comment'",
	"? a\n: 1\n? b\n: 2",
	"a:\n\tb: 1",
}

func TestEncoderMatchesSigsYAML(t *testing.T) {
	for _, in := range yamlSeeds {
		t.Run("", func(t *testing.T) { checkSameAsKubectl(t, in) })
	}
}

func FuzzYAMLToJSON(f *testing.F) {
	for _, in := range yamlSeeds {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 4096 {
			return // sigs.k8s.io/yaml has no alias budget; keep each run fast
		}
		checkSameAsKubectl(t, in)
	})
}
