package main

// The glyph is a photo frame (a mountain and a sun inside) with a badge at its
// bottom-right corner: circular sync arrows when idle, the same arrows cut out
// of a solid disc while syncing, and an exclamation mark cut out of a solid
// disc when something needs the user. Coordinates are in tenths of a point on
// the 16×16 pt grid systray draws the status item at.

// variant selects the badge.
type variant int

const (
	idle variant = iota
	syncing
	alert
)

// p10 builds a point from tenths of a point.
func p10(x, y int64) point { return point{pt(x), pt(y)} }

// badgeCenter is where the badge sits, over the frame's bottom-right corner.
var badgeCenter = p10(118, 118)

// glyph returns the full glyph for v in design units.
func glyph(v variant) shape {
	frame := minus{
		roundRect{p10(6, 16), p10(128, 112), pt(20)},
		roundRect{p10(19, 29), p10(115, 99), pt(8)},
	}
	picture := union{
		polygon{p10(19, 99), p10(55, 59), p10(95, 99)},
		circle{p10(86, 54), pt(11)},
	}
	var badge shape
	gap := circle{badgeCenter, pt(47)}
	disc := circle{badgeCenter, pt(40)}
	switch v {
	case idle:
		badge = syncArrows(badgeCenter, pt(26), pt(7), pt(15), pt(15))
	case syncing:
		badge = minus{disc, syncArrows(badgeCenter, pt(21), pt(5), pt(11), pt(12))}
	case alert:
		bang := union{
			roundRect{add(badgeCenter, p10(-6, -25)), add(badgeCenter, p10(6, 6)), pt(6)},
			circle{add(badgeCenter, p10(0, 20)), pt(8)},
		}
		badge = minus{disc, bang}
	}
	return union{box(minus{union{box(frame), box(picture)}, gap}), box(badge)}
}

// syncArrows is two arcs chasing each other clockwise around c, each ending
// in an arrowhead: r is the arcs' middle radius, half their half-thickness,
// head the arrowhead's half-width and reach how far its tip runs ahead.
func syncArrows(c point, r, half, head, reach int64) shape {
	// Directions (cos θ, sin θ)×1000 on screen, y down: θ grows clockwise.
	var (
		top1, top2 = point{-966, -259}, point{766, -643} // 195°, 320°
		bot1, bot2 = point{966, 259}, point{-766, 643}   // 15°, 140°
	)
	return union{
		arc{c, r - half, r + half, top1, top2},
		box(arrowhead(c, top2, r, head, reach)),
		arc{c, r - half, r + half, bot1, bot2},
		box(arrowhead(c, bot2, r, head, reach)),
	}
}

// arrowhead is a triangle whose base straddles the ring at direction d and
// whose tip points clockwise along it.
func arrowhead(c, d point, r, head, reach int64) shape {
	tangent := point{-d.y, d.x} // d turned a quarter clockwise on screen
	mid := along(c, d, r)
	return polygon{
		along(c, d, r-head),
		along(c, d, r+head),
		add(mid, scale(tangent, reach, length(tangent))),
	}
}
