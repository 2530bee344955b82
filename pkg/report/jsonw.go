package report

import (
	"bufio"
	"strconv"
	"unicode/utf8"
)

// jsonWriter writes indented JSON straight into a buffer, in the exact
// layout encoding/json's indenting encoder gives (two spaces, "key": value,
// [] and {} when empty, no HTML escaping), without reflection or a second
// indenting pass: a report can hold tens of thousands of findings.
type jsonWriter struct {
	buf *bufio.Writer
	// empty says, per open container, whether no member was written yet.
	empty    []bool
	afterKey bool // a key was written: the next value follows it
}

func (w *jsonWriter) newline(depth int) {
	w.buf.WriteByte('\n')
	for range depth {
		w.buf.WriteString("  ")
	}
}

// value places the next value: after its key, or as the next array item.
func (w *jsonWriter) value() {
	if w.afterKey {
		w.afterKey = false
		return
	}
	if n := len(w.empty); n > 0 {
		if !w.empty[n-1] {
			w.buf.WriteByte(',')
		}
		w.empty[n-1] = false
		w.newline(n)
	}
}

// key writes the key of the next object member.
func (w *jsonWriter) key(k string) {
	n := len(w.empty)
	if !w.empty[n-1] {
		w.buf.WriteByte(',')
	}
	w.empty[n-1] = false
	w.newline(n)
	writeJSONString(w.buf, k)
	w.buf.WriteString(": ")
	w.afterKey = true
}

func (w *jsonWriter) open(c byte) {
	w.value()
	w.buf.WriteByte(c)
	w.empty = append(w.empty, true)
}

func (w *jsonWriter) close(c byte) {
	n := len(w.empty)
	if !w.empty[n-1] {
		w.newline(n - 1)
	}
	w.empty = w.empty[:n-1]
	w.buf.WriteByte(c)
}

func (w *jsonWriter) beginObject() { w.open('{') }
func (w *jsonWriter) endObject()   { w.close('}') }
func (w *jsonWriter) beginArray()  { w.open('[') }
func (w *jsonWriter) endArray()    { w.close(']') }

func (w *jsonWriter) str(s string) {
	w.value()
	writeJSONString(w.buf, s)
}

func (w *jsonWriter) int(i int) {
	w.value()
	w.buf.WriteString(strconv.Itoa(i))
}

func (w *jsonWriter) bool(b bool) {
	w.value()
	w.buf.WriteString(strconv.FormatBool(b))
}

// Shorthands for object members.
func (w *jsonWriter) strField(k, v string)     { w.key(k); w.str(v) }
func (w *jsonWriter) intField(k string, v int) { w.key(k); w.int(v) }

const hex = "0123456789abcdef"

// writeJSONString quotes s as encoding/json does without HTML escaping.
func writeJSONString(buf *bufio.Writer, s string) {
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case '\b':
				buf.WriteString(`\b`)
			case '\f':
				buf.WriteString(`\f`)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hex[c>>4])
				buf.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf.WriteString(s[start:i])
			buf.WriteString(`\u202`)
			buf.WriteByte(hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}
