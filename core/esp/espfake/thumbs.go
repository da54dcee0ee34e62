package espfake

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
)

const thumbW, thumbH = 64, 48

// thumbnailJPEG draws a small, deterministic picture for a contribution: a diagonal
// gradient between two colours drawn from the seed and the contribution id, with a
// "sun" disc, encoded as a real baseline JPEG (about 1–2 KB). Drawing one
// takes microseconds, so nothing is cached.
func thumbnailJPEG(seed uint64, contributionID int64) ([]byte, error) {
	r := rand.New(rand.NewPCG(seed^0x7468756d62, uint64(contributionID)))
	c1 := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
	c2 := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
	sun := color.RGBA{255, uint8(200 + r.IntN(56)), uint8(r.IntN(120)), 255}
	cx, cy, rad := 8+r.IntN(thumbW-16), 6+r.IntN(thumbH/2), 4+r.IntN(6)
	img := image.NewRGBA(image.Rect(0, 0, thumbW, thumbH))
	for y := range thumbH {
		for x := range thumbW {
			t := float64(x+y) / float64(thumbW+thumbH-2)
			c := color.RGBA{mix(c1.R, c2.R, t), mix(c1.G, c2.G, t), mix(c1.B, c2.B, t), 255}
			if dx, dy := x-cx, y-cy; dx*dx+dy*dy <= rad*rad {
				c = sun
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func mix(a, b uint8, t float64) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }
