package main

// Shapes are tested with integer arithmetic only. Floating point would be
// simpler, but the compiler may fuse a*b+c into one FMA instruction on arm64
// and not on amd64, and a sample that flips from inside to outside changes the
// PNG bytes: the committed icons must come out identical on every machine.

// unit is one point of the 16×16 pt status-icon grid in design units; a whole
// icon spans size design units.
const (
	unit = 1024
	size = 16 * unit
)

// pt converts points (with one decimal given as tenths) to design units.
func pt(tenths int64) int64 { return tenths * unit / 10 }

type point struct{ x, y int64 }

// shape reports whether a point (in design units) is inside it.
type shape interface {
	contains(p point) bool
}

type circle struct {
	c point
	r int64
}

func (s circle) contains(p point) bool {
	dx, dy := p.x-s.c.x, p.y-s.c.y
	return dx*dx+dy*dy <= s.r*s.r
}

// roundRect is an axis-aligned rectangle with circular corners of radius r.
type roundRect struct {
	min, max point
	r        int64
}

func (s roundRect) contains(p point) bool {
	if p.x < s.min.x || p.x > s.max.x || p.y < s.min.y || p.y > s.max.y {
		return false
	}
	// Distance into the corner square, if p is in one.
	cx := clamp(p.x, s.min.x+s.r, s.max.x-s.r)
	cy := clamp(p.y, s.min.y+s.r, s.max.y-s.r)
	return circle{point{cx, cy}, s.r}.contains(p)
}

func clamp(v, lo, hi int64) int64 {
	return max(lo, min(v, hi))
}

// polygon is convex, its vertices in either winding order.
type polygon []point

func (s polygon) contains(p point) bool {
	var pos, neg bool
	for i, a := range s {
		b := s[(i+1)%len(s)]
		switch c := cross(sub(b, a), sub(p, a)); {
		case c > 0:
			pos = true
		case c < 0:
			neg = true
		}
	}
	return !(pos && neg)
}

// arc is the part of a ring between two directions, going clockwise on
// screen from `from` to `to` (less than half a turn).
type arc struct {
	c         point
	rIn, rOut int64
	from, to  point // direction vectors, any length
}

func (s arc) contains(p point) bool {
	d := sub(p, s.c)
	r2 := d.x*d.x + d.y*d.y
	if r2 < s.rIn*s.rIn || r2 > s.rOut*s.rOut {
		return false
	}
	return cross(s.from, d) >= 0 && cross(d, s.to) >= 0
}

// union, minus and translate compose shapes.
type union []shape

func (s union) contains(p point) bool {
	for _, part := range s {
		if part.contains(p) {
			return true
		}
	}
	return false
}

type minus struct{ base, hole shape }

func (s minus) contains(p point) bool {
	return s.base.contains(p) && !s.hole.contains(p)
}

type empty struct{}

func (empty) contains(point) bool { return false }

func sub(a, b point) point              { return point{a.x - b.x, a.y - b.y} }
func cross(a, b point) int64            { return a.x*b.y - a.y*b.x }
func add(a, b point) point              { return point{a.x + b.x, a.y + b.y} }
func scale(d point, n, den int64) point { return point{d.x * n / den, d.y * n / den} }

// length returns |d| rounded down, by integer square root.
func length(d point) int64 { return isqrt(d.x*d.x + d.y*d.y) }

func isqrt(n int64) int64 {
	if n <= 0 {
		return 0
	}
	x := n
	y := (x + 1) / 2
	for y < x {
		x = y
		y = (x + n/x) / 2
	}
	return x
}

// along returns the point at distance r from c in direction d.
func along(c, d point, r int64) point {
	return add(c, scale(d, r, length(d)))
}

// boxed skips the test of s for points outside its bounding box: most samples
// of a large icon are nowhere near most parts of the glyph.
type boxed struct {
	lo, hi point
	s      shape
}

func (b boxed) contains(p point) bool {
	return p.x >= b.lo.x && p.x <= b.hi.x && p.y >= b.lo.y && p.y <= b.hi.y && b.s.contains(p)
}

// box wraps s with its bounding box.
func box(s shape) shape {
	lo, hi, ok := bounds(s)
	if !ok {
		return s
	}
	return boxed{lo, hi, s}
}

// bounds returns a box around s; ok is false for shapes without one.
func bounds(s shape) (lo, hi point, ok bool) {
	switch s := s.(type) {
	case circle:
		return point{s.c.x - s.r, s.c.y - s.r}, point{s.c.x + s.r, s.c.y + s.r}, true
	case arc:
		return bounds(circle{s.c, s.rOut})
	case roundRect:
		return s.min, s.max, true
	case polygon:
		lo, hi = s[0], s[0]
		for _, p := range s[1:] {
			lo = point{min(lo.x, p.x), min(lo.y, p.y)}
			hi = point{max(hi.x, p.x), max(hi.y, p.y)}
		}
		return lo, hi, true
	case minus:
		return bounds(s.base)
	case boxed:
		return s.lo, s.hi, true
	case union:
		for i, part := range s {
			plo, phi, pok := bounds(part)
			if !pok {
				return point{}, point{}, false
			}
			if i == 0 {
				lo, hi = plo, phi
				continue
			}
			lo = point{min(lo.x, plo.x), min(lo.y, plo.y)}
			hi = point{max(hi.x, phi.x), max(hi.y, phi.y)}
		}
		return lo, hi, len(s) > 0
	}
	return point{}, point{}, false
}
