package filemeta

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Found by adding the first 70% of a real JPEG (an interrupted copy): it
// became a pending upload with exit 0, as only the segments before the
// image data were checked. A JPEG whose image data has no end-of-image
// marker is refused; a trailer after EOI (motion photos append their
// video) is not a reason to refuse.
func TestJPEGWithoutEOIIsRefused(t *testing.T) {
	full := jpegWith(t, 128, 128, app1XMP(xmpDoc{title: "T"}.packet()))
	if !bytes.HasSuffix(full, []byte{0xff, 0xd9}) {
		t.Fatal("fixture does not end with EOI")
	}
	refused := func(name string, b []byte) bool {
		t.Helper()
		_, err := ReadFrom(bytes.NewReader(b), int64(len(b)), name)
		if err != nil && (!errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(),
			"the file is cut off: its JPEG image data stops before the end-of-image marker; it is damaged or still being copied; it cannot be uploaded")) {
			t.Errorf("%s: %v", name, err)
		}
		return err != nil
	}
	if refused("full.jpg", full) {
		t.Error("a whole JPEG was refused")
	}
	sos := bytes.Index(full, []byte{0xff, 0xda})
	if sos < 0 || sos > len(full)-40 {
		t.Fatalf("fixture's scan at %d of %d", sos, len(full))
	}
	if !refused("cut.jpg", full[:(sos+len(full))/2]) || !refused("noeoi.jpg", full[:len(full)-2]) || !refused("halfeoi.jpg", full[:len(full)-1]) {
		t.Error("a JPEG cut inside its image data was accepted")
	}
	// A trailer after EOI, long enough that EOI is several windows from
	// the end; and one that puts FF and D9 on two sides of a window edge.
	for _, n := range []int{3*jpegEOIWindow + 5, jpegEOIWindow - 1} {
		if refused("trailer.jpg", append(bytes.Clone(full), make([]byte, n)...)) {
			t.Errorf("a JPEG with a %d-byte trailer after EOI was refused", n)
		}
	}
}
