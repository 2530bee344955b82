package loader

import (
	"strconv"
	"strings"
)

// A Path addresses a node inside an object: each element is a mapping key
// (string) or a sequence index (int). The empty path is the object itself.
type Path []any

// Child returns a new path with elem appended; p is never modified.
func (p Path) Child(elem ...any) Path {
	out := make(Path, 0, len(p)+len(elem))
	return append(append(out, p...), elem...)
}

// String renders the path as spec.containers[0].image; keys that are not
// plain identifiers are quoted: metadata.annotations["salint.io/ignore"].
func (p Path) String() string {
	var b strings.Builder
	for _, e := range p {
		switch e := e.(type) {
		case int:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e))
			b.WriteByte(']')
		case string:
			if isIdent(e) {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(e)
			} else {
				b.WriteByte('[')
				b.WriteString(strconv.Quote(e))
				b.WriteByte(']')
			}
		}
	}
	return b.String()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// pathHash identifies a path by an FNV-1a hash computed element by element,
// so that a position index holds 16 bytes per node instead of path strings.
type pathHash uint64

const (
	fnvOffset pathHash = 14695981039346656037
	fnvPrime  pathHash = 1099511628211
)

func (h pathHash) byte(c byte) pathHash { return (h ^ pathHash(c)) * fnvPrime }

func (h pathHash) key(k string) pathHash {
	h = h.byte('k')
	for i := 0; i < len(k); i++ {
		h = h.byte(k[i])
	}
	return h.byte(0xff)
}

func (h pathHash) index(i int) pathHash {
	h = h.byte('i')
	for u := uint64(i); ; u >>= 7 {
		h = h.byte(byte(u & 0x7f))
		if u < 0x80 {
			break
		}
	}
	return h.byte(0xff)
}

func (h pathHash) elem(e any) (pathHash, bool) {
	switch e := e.(type) {
	case string:
		return h.key(e), true
	case int:
		return h.index(e), true
	}
	return h, false
}
