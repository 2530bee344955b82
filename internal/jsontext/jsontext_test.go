package jsontext_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/salint/salint/internal/jsontext"
)

func encodingJSON(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rret", "\b\f\x00\x01\x1f\x7f",
		"<html> & 'amp'", "unicode é → ☃ 😀", "line\u2028sep\u2029para", "bad \xff\xfe utf8", "\xe2\x82",
	} {
		if got, want := string(jsontext.AppendString(nil, s)), encodingJSON(t, s); got != want {
			t.Errorf("AppendString(%q) = %s, encoding/json gives %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("a\"b\\c\n\x00\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(jsontext.AppendString(nil, s)), encodingJSON(t, s); got != want {
			t.Errorf("AppendString(%q) = %s, encoding/json gives %s", s, got, want)
		}
	})
}
