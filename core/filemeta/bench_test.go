package filemeta

import (
	"bytes"
	"testing"
)

const benchSize = 20 << 20

// BenchmarkReadJPEG reads a 20 MB JPEG with XMP and IPTC at the start, as
// cameras and Lightroom write them. The walk stops at the image data, so
// the rate is the file size over the cost of reading the header.
func BenchmarkReadJPEG(b *testing.B) {
	head := jpegWith(b, 64, 64, app1XMP(maple.packet()), app13(irbResource(0x0404, mapleIIM)))
	data := append(head[:len(head)-2:len(head)-2], make([]byte, benchSize-len(head))...)
	data = append(data, 0xff, 0xd9)
	benchRead(b, data, "big.jpg")
}

// BenchmarkReadVideoXMPAtEnd reads a 20 MB MP4 whose XMP is in a moov box
// at the end: the worst case of the bounded scan, two full windows.
func BenchmarkReadVideoXMPAtEnd(b *testing.B) {
	data := append(ftyp("isom"), make([]byte, benchSize)...)
	data = append(data, box("moov", box("udta", box("XMP_", maple.packet())))...)
	benchRead(b, data, "big.mp4")
}

func benchRead(b *testing.B, data []byte, name string) {
	r := bytes.NewReader(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := ReadFrom(r, int64(len(data)), name)
		if err != nil || m.Title != "Red maple leaf" {
			b.Fatalf("ReadFrom = %+v, %v", m, err)
		}
	}
}
