package canvas

import (
	"fmt"
	"math"
	"unsafe"
)

// packed is a slice kept in 16 bytes where Go's slice header takes 24: a
// pointer to its array, its length, and its capacity shifted left by
// flagBits, with flagBits bits of its owner's own below (a Dict's class, a
// List's tuple flag). A loaded signature holds four (its dict, kwargs and
// options, and its args), so the 8 bytes saved on each, and the padding a
// flag beside a slice would cost, are most of what it keeps.
type packed[T any] struct {
	array *T     // nil when the slice has no room
	n     uint32 // length
	cf    uint32 // capacity<<flagBits | flags
}

const (
	flagBits = 3
	flagMask = 1<<flagBits - 1
)

// maxPacked is the most elements a packed slice can hold room for: half a
// billion, 13 GB of pairs.
const maxPacked = math.MaxUint32 >> flagBits

// errTooLong is the panic of a slice set past maxPacked (a value, so that
// set stays small enough to inline).
var errTooLong = fmt.Errorf("canvas: a dict or list can hold at most %d elements", maxPacked)

// slice is the slice, with its capacity.
func (p *packed[T]) slice() []T {
	return unsafe.Slice(p.array, p.cf>>flagBits)[:p.n]
}

// set makes s the slice (s itself, not a copy), keeping the flags.
func (p *packed[T]) set(s []T) {
	c := cap(s)
	if c > maxPacked {
		panic(errTooLong)
	}
	var a *T
	if c > 0 {
		a = unsafe.SliceData(s)
	}
	*p = packed[T]{a, uint32(len(s)), uint32(c)<<flagBits | p.cf&flagMask}
}

// flags is the owner's bits.
func (p *packed[T]) flags() uint32 { return p.cf & flagMask }

// setFlags sets the owner's bits (f < 1<<flagBits).
func (p *packed[T]) setFlags(f uint32) { p.cf = p.cf&^flagMask | f }
