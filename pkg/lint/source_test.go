package lint

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestWindow: a long line is cut around the finding's column, the caret
// still on the node, whether the line is ASCII or not.
func TestWindow(t *testing.T) {
	for _, prefix := range []string{"x", "é"} {
		line := []byte(strings.Repeat(prefix, 1000) + "NODE" + strings.Repeat(prefix, 1000))
		var index runeIndex
		text, caret := window(line, 1001, &index)
		if len(text) > maxSourceLine+2*len("…") || !strings.HasPrefix(text, "…") || !strings.HasSuffix(text, "…") {
			t.Errorf("%s: window %q (%d bytes)", prefix, text, len(text))
		}
		if r := []rune(text); caret < 1 || caret > len(r) || string(r[caret-1:caret+3]) != "NODE" {
			t.Errorf("%s: caret %d does not point at NODE in %q", prefix, caret, text)
		}
		if !utf8.ValidString(text) {
			t.Errorf("%s: window cuts a character: %q", prefix, text)
		}
	}
	if text, caret := window([]byte("short: line"), 8, &runeIndex{}); text != "short: line" || caret != 8 {
		t.Errorf("a short line is shown whole: %q %d", text, caret)
	}
}
