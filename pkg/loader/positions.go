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

// A narrow entry packs a posEntry into half the space: the top 40 bits of
// the hash, the line as an offset from the object's first line (16 bits) and
// the column (8 bits). Positions are kept for every object until findings
// are located, so their size is much of a run's memory; an object whose
// entries do not fit, or whose 40-bit hashes collide, keeps the wide form.
const (
	narrowHashShift  = 24
	narrowLineShift  = 8
	narrowMaxOffset  = 1<<16 - 1
	narrowMaxColumn  = 1<<8 - 1
	narrowLowMask    = 1<<narrowHashShift - 1
	narrowHashOfWide = 64 - 40 // the wide hash's bits dropped
)

func narrowHash(h pathHash) uint64 { return uint64(h) >> narrowHashOfWide }

// Positions maps every node path of one object to where it stands in the
// file: for a mapping entry the position of its key, for a sequence item the
// item itself. The empty path stands at the object's first key.
type Positions struct {
	entries []posEntry // sorted by hash once frozen; nil when narrow holds them
	narrow  []uint64   // sorted narrow entries, see narrowHash
	base    int32      // the line narrow offsets count from
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
	slices.SortFunc(p.entries, func(a, b posEntry) int {
		switch {
		case a.hash < b.hash:
			return -1
		case a.hash > b.hash:
			return 1
		}
		return 0
	})
	if p.scratch != nil {
		// Sorted in the pooled buffer: the object keeps only the narrow
		// copy, or a wide one of exact size when it does not fit.
		buf := p.entries[:0]
		if !p.narrowDown() {
			p.entries = slices.Clone(p.entries)
		}
		*p.scratch = buf
		scratchEntries.Put(p.scratch)
		p.scratch = nil
		return
	}
	p.narrowDown()
}

// narrowDown keeps the entries in the narrow form when every one fits and
// no two narrow hashes collide, and reports whether it did; otherwise the
// object keeps the wide form.
func (p *Positions) narrowDown() bool {
	if len(p.entries) == 0 {
		return false
	}
	base := p.entries[0].line
	for _, e := range p.entries {
		base = min(base, e.line)
	}
	narrow := make([]uint64, len(p.entries))
	for i, e := range p.entries {
		off := e.line - base
		if off > narrowMaxOffset || e.column < 0 || e.column > narrowMaxColumn {
			return false
		}
		narrow[i] = narrowHash(e.hash)<<narrowHashShift | uint64(off)<<narrowLineShift | uint64(e.column)
		// The wide entries are sorted by hash, so the narrow ones are too.
		if i > 0 && narrow[i]>>narrowHashShift == narrow[i-1]>>narrowHashShift {
			return false
		}
	}
	p.narrow, p.base, p.entries = narrow, base, nil
	return true
}

func (p *Positions) get(h pathHash) (Pos, bool) {
	if p.narrow != nil {
		want := narrowHash(h)
		i, ok := slices.BinarySearchFunc(p.narrow, want, func(e, want uint64) int {
			switch e >>= narrowHashShift; {
			case e < want:
				return -1
			case e > want:
				return 1
			}
			return 0
		})
		if !ok {
			return Pos{}, false
		}
		low := p.narrow[i] & narrowLowMask
		return Pos{int(p.base) + int(low>>narrowLineShift), int(low & narrowMaxColumn)}, true
	}
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
