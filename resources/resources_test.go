package resources

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/internal/bundle"
)

func decodePNG(t *testing.T, name string, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	return img
}

func TestEmbeddedIconsAreTheFiles(t *testing.T) {
	tests := []struct {
		file string
		data []byte
	}{
		{"StatusIcon.png", StatusIcon},
		{"StatusIconSyncing.png", StatusIconSyncing},
		{"StatusIconAlert.png", StatusIconAlert},
	}
	for _, tt := range tests {
		want, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if len(tt.data) == 0 || !bytes.Equal(tt.data, want) {
			t.Errorf("embedded %s: %d bytes, file has %d", tt.file, len(tt.data), len(want))
		}
	}
	if bytes.Equal(StatusIcon, StatusIconSyncing) || bytes.Equal(StatusIcon, StatusIconAlert) || bytes.Equal(StatusIconSyncing, StatusIconAlert) {
		t.Error("two status icons are identical")
	}
}

// TestStatusIconsAreTemplates checks every StatusIcon*.png: what macOS needs
// for a template image is black pixels whose alpha carries the shape.
func TestStatusIconsAreTemplates(t *testing.T) {
	names, err := filepath.Glob("StatusIcon*.png")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names, []string{"StatusIcon.png", "StatusIconAlert.png", "StatusIconSyncing.png"}; !slices.Equal(got, want) {
		t.Errorf("status icons = %q, want %q", got, want)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, name, data)
		if got := img.Bounds(); got != image.Rect(0, 0, 32, 32) {
			t.Errorf("%s: bounds %v, want 32×32", name, got)
		}
		var opaque, clear, partial int
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				if c.A != 0 && (c.R != 0 || c.G != 0 || c.B != 0) {
					t.Fatalf("%s: pixel (%d,%d) is %v, want black with alpha", name, x, y, c)
				}
				switch c.A {
				case 0:
					clear++
				case 255:
					opaque++
				default:
					partial++
				}
			}
		}
		// A drawn glyph: solid strokes, transparent background, smooth edges.
		if opaque < 100 || clear < 200 || partial < 50 {
			t.Errorf("%s: %d opaque, %d transparent, %d partial pixels: not a drawn, anti-aliased glyph", name, opaque, clear, partial)
		}
	}
}

func TestAppIcon(t *testing.T) {
	data, err := os.ReadFile("AppIcon.icns")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := bundle.ParseICNS(data)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range entries {
		types = append(types, e.Type)
		want, ok := bundle.ICNSPixels[e.Type]
		if !ok {
			t.Errorf("entry %q: not a PNG icon type", e.Type)
			continue
		}
		img := decodePNG(t, "AppIcon.icns "+e.Type, e.Data)
		if got := img.Bounds(); got != image.Rect(0, 0, want, want) {
			t.Errorf("entry %q: bounds %v, want %d×%d", e.Type, got, want, want)
		}
		// The macOS grid leaves a transparent margin around a coloured,
		// opaque rounded square.
		corner := color.NRGBAModel.Convert(img.At(0, 0)).(color.NRGBA)
		edge := color.NRGBAModel.Convert(img.At(want/2, want*3/20)).(color.NRGBA)
		if corner.A != 0 || edge.A != 255 || edge.B <= edge.R {
			t.Errorf("entry %q: corner %v, top edge %v; want transparent corner, opaque blue body", e.Type, corner, edge)
		}
	}
	slices.Sort(types)
	if want := []string{"ic07", "ic08", "ic09", "ic10", "ic11", "ic12", "ic13", "ic14"}; !slices.Equal(types, want) {
		t.Errorf("icns types = %q, want %q", types, want)
	}
	if !strings.HasPrefix(string(data), "icns") {
		t.Error("AppIcon.icns does not start with the icns magic")
	}
}
