package main

import (
	"image"
	"image/color"
)

// samplesPerSide picks the supersampling for a px-wide image: at least a
// 512-sample grid across, and never fewer than 4×4 per pixel.
func samplesPerSide(px int) int {
	return max(4, 512/px)
}

// sample returns the design coordinate of subsample k of pixel i.
func sample(i, k, px, ss int) int64 {
	n := int64(i*ss+k)*2 + 1
	return n * size / int64(2*px*ss)
}

// renderTemplate draws s black on transparent, alpha = coverage: what macOS
// wants for a template image, which it tints for light and dark menu bars.
func renderTemplate(s shape, px int) *image.NRGBA {
	ss := samplesPerSide(px)
	img := image.NewNRGBA(image.Rect(0, 0, px, px))
	total := ss * ss
	for y := 0; y < px; y++ {
		for x := 0; x < px; x++ {
			hits := 0
			for j := 0; j < ss; j++ {
				for k := 0; k < ss; k++ {
					if s.contains(point{sample(x, k, px, ss), sample(y, j, px, ss)}) {
						hits++
					}
				}
			}
			img.SetNRGBA(x, y, color.NRGBA{A: uint8((hits*255 + total/2) / total)})
		}
	}
	return img
}

// The app icon follows the macOS 11 grid: a rounded square of 824/1024 of
// the canvas, corner radius 185/1024, the glyph centred in white on a blue
// gradient.
var (
	bodyMin    = int64(size * 100 / 1024)
	bodyMax    = int64(size * 924 / 1024)
	bodyRadius = int64(size * 185 / 1024)
	glyphSpan  = int64(size * 600 / 1024) // the 16 pt grid's width on the canvas
	glyphOff   = (size - glyphSpan) / 2
	topColor   = color.NRGBA{0x4c, 0xb4, 0xf7, 0xff}
	botColor   = color.NRGBA{0x15, 0x5f, 0xd3, 0xff}
	white      = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

// appLargest is the largest app icon size; smaller ones are averaged from
// its samples, which gives them more samples per pixel for free.
const (
	appLargest = 1024
	appSamples = 4 // per side, per pixel of the largest size
)

// coverage holds, per pixel, the sum of the colours of the samples that hit
// the icon and how many did, out of total samples.
type coverage struct {
	px         int
	total      int
	r, g, b, n []int32
}

// appCoverage samples the coloured app icon at px×px.
func appCoverage(px, ss int) coverage {
	body := box(roundRect{point{bodyMin, bodyMin}, point{bodyMax, bodyMax}, bodyRadius})
	g := box(glyph(idle))
	cov := coverage{px: px, total: ss * ss,
		r: make([]int32, px*px), g: make([]int32, px*px), b: make([]int32, px*px), n: make([]int32, px*px)}
	type row struct {
		y, gy int64 // design and glyph coordinates
		shade color.NRGBA
	}
	rows := make([]row, ss)
	for y := 0; y < px; y++ {
		for j := range rows {
			sy := sample(y, j, px, ss)
			rows[j] = row{sy, (sy - glyphOff) * size / glyphSpan, gradient(sy)}
		}
		for x := 0; x < px; x++ {
			// Sums in locals: one store per pixel keeps -race tests fast.
			var r, gr, b, n int32
			for k := 0; k < ss; k++ {
				sx := sample(x, k, px, ss)
				gx := (sx - glyphOff) * size / glyphSpan
				for _, rw := range rows {
					if !body.contains(point{sx, rw.y}) {
						continue
					}
					c := rw.shade
					if g.contains(point{gx, rw.gy}) {
						c = white
					}
					r, gr, b, n = r+int32(c.R), gr+int32(c.G), b+int32(c.B), n+1
				}
			}
			i := y*px + x
			cov.r[i], cov.g[i], cov.b[i], cov.n[i] = r, gr, b, n
		}
	}
	return cov
}

// shrink adds up f×f blocks of pixels: the same as sampling a px/f image
// with f×f times as many samples per pixel.
func (c coverage) shrink(f int) coverage {
	px := c.px / f
	out := coverage{px: px, total: c.total * f * f,
		r: make([]int32, px*px), g: make([]int32, px*px), b: make([]int32, px*px), n: make([]int32, px*px)}
	for y := 0; y < c.px; y++ {
		for x := 0; x < c.px; x++ {
			i, o := y*c.px+x, (y/f)*px+x/f
			out.r[o] += c.r[i]
			out.g[o] += c.g[i]
			out.b[o] += c.b[i]
			out.n[o] += c.n[i]
		}
	}
	return out
}

// image turns the sums into colours, alpha being the share of samples hit.
func (c coverage) image() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, c.px, c.px))
	total := int32(c.total)
	for i, n := range c.n {
		if n == 0 {
			continue
		}
		img.SetNRGBA(i%c.px, i/c.px, color.NRGBA{
			R: uint8((c.r[i] + n/2) / n),
			G: uint8((c.g[i] + n/2) / n),
			B: uint8((c.b[i] + n/2) / n),
			A: uint8((n*255 + total/2) / total),
		})
	}
	return img
}

// gradient is the body colour at design height y, top to bottom.
func gradient(y int64) color.NRGBA {
	t := clamp(y-bodyMin, 0, bodyMax-bodyMin)
	span := bodyMax - bodyMin
	mix := func(a, b uint8) uint8 {
		return uint8((int64(a)*(span-t) + int64(b)*t + span/2) / span)
	}
	return color.NRGBA{mix(topColor.R, botColor.R), mix(topColor.G, botColor.G), mix(topColor.B, botColor.B), 0xff}
}
