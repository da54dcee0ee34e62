package bundle

import (
	"bytes"
	"errors"
	"testing"
)

func TestICNSRoundTrip(t *testing.T) {
	entries := []ICNSEntry{{"ic10", []byte("big png")}, {"ic11", []byte("small")}, {"TOC ", nil}}
	data, err := EncodeICNS(entries)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("icns\x00\x00\x00\x2c" + "ic10\x00\x00\x00\x0fbig png" + "ic11\x00\x00\x00\x0dsmall" + "TOC \x00\x00\x00\x08")
	if !bytes.Equal(data, want) {
		t.Fatalf("EncodeICNS = %q, want %q", data, want)
	}
	got, err := ParseICNS(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(entries) {
		t.Fatalf("ParseICNS: %d entries, want %d", len(got), len(entries))
	}
	for i := range entries {
		if got[i].Type != entries[i].Type || !bytes.Equal(got[i].Data, entries[i].Data) {
			t.Errorf("entry %d = %q %q, want %q %q", i, got[i].Type, got[i].Data, entries[i].Type, entries[i].Data)
		}
	}
}

func TestEncodeICNSRejectsBadType(t *testing.T) {
	for _, typ := range []string{"", "ic1", "ic100"} {
		if _, err := EncodeICNS([]ICNSEntry{{typ, nil}}); err == nil {
			t.Errorf("EncodeICNS with type %q succeeded", typ)
		}
	}
}

func TestParseICNSRejectsDamage(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"short header", "icns\x00\x00"},
		{"wrong magic", "icnz\x00\x00\x00\x08"},
		{"length too long", "icns\x00\x00\x00\x09"},
		{"length too short", "icns\x00\x00\x00\x08ic10\x00\x00\x00\x08"},
		{"entry past end", "icns\x00\x00\x00\x11ic10\x00\x00\x00\x10x"},
		{"entry shorter than its header", "icns\x00\x00\x00\x10ic10\x00\x00\x00\x04"},
		{"stray bytes", "icns\x00\x00\x00\x0bab\x00"},
	}
	for _, tt := range tests {
		_, err := ParseICNS([]byte(tt.data))
		if !errors.Is(err, ErrBadICNS) {
			t.Errorf("%s: err = %v, want ErrBadICNS", tt.name, err)
		}
	}
}

func TestParseICNSEmptyFamily(t *testing.T) {
	got, err := ParseICNS([]byte("icns\x00\x00\x00\x08"))
	if err != nil || len(got) != 0 {
		t.Errorf("ParseICNS(header only) = %v, %v; want no entries", got, err)
	}
}

func FuzzParseICNS(f *testing.F) {
	f.Add([]byte("icns\x00\x00\x00\x10ic10\x00\x00\x00\x08"))
	f.Add([]byte("icns\x00\x00\x00\x08"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := ParseICNS(data)
		if err != nil {
			return
		}
		// Whatever parses re-encodes to the same bytes.
		again, err := EncodeICNS(entries)
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("re-encode = %q, %v; want %q", again, err, data)
		}
	})
}
