package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// resourcesDir is the committed output, from this package's folder.
var resourcesDir = filepath.Join("..", "..", "..", "resources")

// TestCommittedIconsAreGenerated redraws every icon and compares it with the
// committed file, so the files can only change through this program.
func TestCommittedIconsAreGenerated(t *testing.T) {
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name, want := range files {
		names = append(names, name)
		got, err := os.ReadFile(filepath.Join(resourcesDir, name))
		if err != nil {
			t.Errorf("%v: run go run ./internal/tools/mkicons", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("resources/%s differs from what mkicons draws (%d bytes, want %d): "+
				"change the drawing in internal/tools/mkicons and run go run ./internal/tools/mkicons; "+
				"if only the Go version changed, its PNG encoder may have changed: rerun it too", name, len(got), len(want))
		}
	}
	slices.Sort(names)
	want := []string{"AppIcon.icns", "StatusIcon.png", "StatusIconAlert.png", "StatusIconSyncing.png"}
	if !slices.Equal(names, want) {
		t.Errorf("generated %q, want %q", names, want)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "b.png"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"a.icns": []byte("icns"), "b.png": []byte("new")}
	if err := writeFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Name()+"="+string(data)) // and no temporary files left
	}
	if want := []string{"a.icns=icns", "b.png=new"}; !slices.Equal(got, want) {
		t.Errorf("folder holds %q, want %q", got, want)
	}
	if err := writeAll(filepath.Join(dir, "missing")); err == nil {
		t.Error("writeAll into a missing folder succeeded")
	}
}

// TestShrinkIsSupersampling checks that averaging f×f pixels gives exactly
// the image sampled directly at the smaller size with f×f times the samples.
func TestShrinkIsSupersampling(t *testing.T) {
	got := appCoverage(64, 2).shrink(4).image()
	want := appCoverage(16, 8).image()
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Error("shrunk coverage differs from direct sampling")
	}
}

func TestShapes(t *testing.T) {
	u := int64(unit)
	tests := []struct {
		name string
		s    shape
		p    point
		want bool
	}{
		{"circle centre", circle{point{0, 0}, u}, point{0, 0}, true},
		{"circle edge", circle{point{0, 0}, u}, point{u, 0}, true},
		{"circle outside", circle{point{0, 0}, u}, point{u, 1}, false},
		{"roundRect middle", roundRect{point{0, 0}, point{4 * u, 4 * u}, u}, point{2 * u, 2 * u}, true},
		{"roundRect cut corner", roundRect{point{0, 0}, point{4 * u, 4 * u}, u}, point{u / 8, u / 8}, false},
		{"roundRect straight edge", roundRect{point{0, 0}, point{4 * u, 4 * u}, u}, point{2 * u, 0}, true},
		{"triangle clockwise", polygon{{0, 0}, {4 * u, 0}, {0, 4 * u}}, point{u, u}, true},
		{"triangle counter-clockwise", polygon{{0, 0}, {0, 4 * u}, {4 * u, 0}}, point{u, u}, true},
		{"triangle outside", polygon{{0, 0}, {4 * u, 0}, {0, 4 * u}}, point{3 * u, 3 * u}, false},
		// Clockwise on screen from east to south covers the lower right.
		{"arc inside", arc{point{0, 0}, u, 2 * u, point{1, 0}, point{0, 1}}, point{u, u}, true},
		{"arc wrong quarter", arc{point{0, 0}, u, 2 * u, point{1, 0}, point{0, 1}}, point{-u, u}, false},
		{"arc hole", arc{point{0, 0}, u, 2 * u, point{1, 0}, point{0, 1}}, point{u / 2, u / 2}, false},
		{"minus", minus{circle{point{0, 0}, 2 * u}, circle{point{0, 0}, u}}, point{0, 0}, false},
		{"union", union{empty{}, circle{point{0, 0}, u}}, point{0, 0}, true},
	}
	for _, tt := range tests {
		if got := tt.s.contains(tt.p); got != tt.want {
			t.Errorf("%s: contains(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestIsqrt(t *testing.T) {
	for _, tt := range []struct{ n, want int64 }{{-4, 0}, {0, 0}, {1, 1}, {15, 3}, {16, 4}, {1 << 58, 1 << 29}, {1<<58 - 1, 1<<29 - 1}} {
		if got := isqrt(tt.n); got != tt.want {
			t.Errorf("isqrt(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

// TestNoOverflow checks the largest products the shapes compute stay far
// inside int64: coordinates are at most a few icon sizes from the origin.
func TestNoOverflow(t *testing.T) {
	big := int64(4 * size)
	if d := big * big * 2; d <= 0 || d > 1<<62 {
		t.Fatalf("squared distance %d overflows", d)
	}
}

func TestRenderTemplateCoverage(t *testing.T) {
	// A square covering the left half: left column opaque, right transparent.
	img := renderTemplate(polygon{{0, 0}, {size / 2, 0}, {size / 2, size}, {0, size}}, 8)
	if got := img.Bounds(); got != image.Rect(0, 0, 8, 8) {
		t.Fatalf("bounds %v", got)
	}
	for y := 0; y < 8; y++ {
		if l, r := img.NRGBAAt(0, y).A, img.NRGBAAt(7, y).A; l != 255 || r != 0 {
			t.Errorf("row %d: alpha left %d right %d, want 255 and 0", y, l, r)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkGenerate measures drawing every file; the committed-icons test
// runs it once, under -race too.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := generate(); err != nil {
			b.Fatal(err)
		}
	}
}
