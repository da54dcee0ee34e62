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

// polygon is convex, its vertices in clockwise order on screen (y grows down).
type polygon []point

func (s polygon) contains(p point) bool {
	for i, a := range s {
		b := s[(i+1)%len(s)]
		if cross(sub(b, a), sub(p, a)) < 0 {
			return false
		}
	}
	return true
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
