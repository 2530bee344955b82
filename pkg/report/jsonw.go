package report

import (
	"bufio"
	"github.com/salint/salint/internal/jsontext"
	"strconv"
)

// jsonWriter writes indented JSON straight into a buffer, in the exact
// layout encoding/json's indenting encoder gives (two spaces, "key": value,
// [] and {} when empty, no HTML escaping), without reflection or a second
// indenting pass: a report can hold tens of thousands of findings.
type jsonWriter struct {
	buf     *bufio.Writer
	scratch []byte // for quoting strings
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
	w.quote(k)
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
	w.quote(s)
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

func (w *jsonWriter) quote(s string) {
	w.scratch = jsontext.AppendString(w.scratch[:0], s)
	w.buf.Write(w.scratch)
}
