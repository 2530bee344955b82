package loader

import (
	"slices"
	"sync"
)

// Pos is a 1-based line and column in a file.
type Pos struct {
	Line, Column int
}

type posEntry struct {
	hash   pathHash
	line   int32
	column int32
}

// Positions maps every node path of one object to where it stands in the
// file: for a mapping entry the position of its key, for a sequence item the
// item itself. The empty path stands at the object's first key.
type Positions struct {
	entries []posEntry // sorted by hash once frozen
	scratch *[]posEntry
}

// scratchEntries are buffers positions are gathered in: an object's index
// is copied out at its exact size, so that growing it leaves no garbage.
var scratchEntries = sync.Pool{New: func() any { return new([]posEntry) }}

func (p *Positions) add(h pathHash, line, col int) {
	if p.scratch == nil {
		p.scratch = scratchEntries.Get().(*[]posEntry)
		p.entries = (*p.scratch)[:0]
	}
	p.entries = append(p.entries, posEntry{h, int32(line), int32(col)})
}

func (p *Positions) freeze() {
	if p.scratch != nil {
		*p.scratch = p.entries[:0]
		p.entries = slices.Clone(p.entries)
		scratchEntries.Put(p.scratch)
		p.scratch = nil
	}
	slices.SortFunc(p.entries, func(a, b posEntry) int {
		switch {
		case a.hash < b.hash:
			return -1
		case a.hash > b.hash:
			return 1
		}
		return 0
	})
}

func (p *Positions) get(h pathHash) (Pos, bool) {
	i, ok := slices.BinarySearchFunc(p.entries, h, func(e posEntry, h pathHash) int {
		switch {
		case e.hash < h:
			return -1
		case e.hash > h:
			return 1
		}
		return 0
	})
	if !ok {
		return Pos{}, false
	}
	e := p.entries[i]
	return Pos{int(e.line), int(e.column)}, true
}

// remap moves every position recorded so far.
func (p *Positions) remap(at func(line, col int) (int, int)) {
	for i, e := range p.entries {
		line, col := at(int(e.line), int(e.column))
		p.entries[i].line, p.entries[i].column = int32(line), int32(col)
	}
}

// Find returns the position of path, or of its nearest present ancestor when
// the node is absent, and how many elements of path were found.
func (p *Positions) Find(path Path) (Pos, int) {
	hashes := make([]pathHash, 0, len(path)+1)
	h := fnvOffset
	hashes = append(hashes, h)
	for _, e := range path {
		var ok bool
		if h, ok = h.elem(e); !ok {
			break
		}
		hashes = append(hashes, h)
	}
	for n := len(hashes) - 1; n >= 0; n-- {
		if pos, ok := p.get(hashes[n]); ok {
			return pos, n
		}
	}
	return Pos{Line: 1, Column: 1}, 0
}

// Has reports whether the node at path is present.
func (p *Positions) Has(path Path) bool {
	_, n := p.Find(path)
	return n == len(path)
}
