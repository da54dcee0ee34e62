package filemeta

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestParseIIM(t *testing.T) {
	long := strings.Repeat("x", maxIIMValue+1)
	tests := []struct {
		name    string
		in      []byte
		want    fields
		wantErr string
	}{
		{
			name: "UTF-8 by 1:90, first title wins, keywords repeat",
			in: iimBlock(utf8Marker, ds{2, 5, "Über"}, ds{2, 5, "Second"}, ds{2, 105, "Head"},
				ds{2, 120, "Cap"}, ds{2, 25, "a"}, ds{2, 25, "b"}),
			want: fields{title: "Über", headline: "Head", description: "Cap", keywords: []string{"a", "b"}},
		},
		{
			name: "1:90 makes even Latin-1-looking bytes UTF-8 (invalid ones become U+FFFD)",
			in:   iimBlock(utf8Marker, ds{2, 5, "caf\xe9"}),
			want: fields{title: "caf\uFFFD"},
		},
		{
			name: "no charset: valid UTF-8 stays UTF-8",
			in:   iimBlock(ds{2, 5, "Ahornblätter"}),
			want: fields{title: "Ahornblätter"},
		},
		{
			name: "no charset: Windows-1252 with curly quotes and euro, undefined bytes replaced",
			in:   iimBlock(ds{2, 120, "\x93Hi\x94 \x80 5 \x81 \xff"}),
			want: fields{description: "“Hi” € 5 \uFFFD ÿ"},
		},
		{
			name: "extended-length dataset",
			in:   append([]byte{0x1c, 2, 120, 0x80, 0x04, 0, 0, 0, 5}, "Hello"...),
			want: fields{description: "Hello"},
		},
		{
			name: "trailing NUL padding is fine",
			in:   append(iimBlock(ds{2, 5, "T"}), 0, 0, 0, 0),
			want: fields{title: "T"},
		},
		{
			name:    "garbage after the datasets",
			in:      append(iimBlock(ds{2, 5, "T"}), 'x', 0),
			want:    fields{title: "T"},
			wantErr: "unexpected byte 0x78 at 6 where a dataset should start",
		},
		{
			name:    "dataset longer than the block",
			in:      append(iimBlock(ds{2, 25, "k"}), 0x1c, 2, 120, 0x10, 0x00, 'a'),
			want:    fields{keywords: []string{"k"}},
			wantErr: "dataset 2:120 at byte 6 claims 4096 bytes past the end",
		},
		{
			name:    "extended length of zero bytes",
			in:      []byte{0x1c, 2, 120, 0x80, 0x00},
			wantErr: "dataset at byte 0 has an unreadable extended length",
		},
		{
			name:    "extended length of five bytes",
			in:      []byte{0x1c, 2, 120, 0x80, 0x05, 0, 0, 0, 0, 1, 'a'},
			wantErr: "dataset at byte 0 has an unreadable extended length",
		},
		{
			name:    "header cut off",
			in:      []byte{0x1c, 2, 5},
			wantErr: "dataset at byte 0 is cut off",
		},
		{
			name:    "oversized caption is skipped, the rest read",
			in:      append(append([]byte{0x1c, 2, 120, 0x80, 0x04}, 0, 1, 0, 1), append([]byte(long), iimBlock(ds{2, 5, "After"})...)...),
			want:    fields{title: "After"},
			wantErr: "dataset 2:120 is 65537 bytes, more than 65536; skipped",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseIIM(tt.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("error = %q, want %q", gotErr, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseIIM\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestIPTCFromIRB(t *testing.T) {
	iim := iimBlock(ds{2, 5, "T"}) // odd length: padded
	named := []byte("8BIM\x04\x04\x05Hello\x00\x00\x00\x03abc\x00")
	tests := []struct {
		name    string
		in      []byte
		want    []byte
		wantErr string
	}{
		{"after other resources", bytes.Join([][]byte{irbResource(0x03ed, []byte("odd")), irbResource(0x0425, make([]byte, 16)), irbResource(0x0404, iim)}, nil), iim, ""},
		{"named resource", named, []byte("abc"), ""},
		{"none", irbResource(0x03ed, []byte("x")), nil, ""},
		{"empty", nil, nil, ""},
		{"zero padding at the end", append(irbResource(0x03ed, nil), 0, 0, 0, 0, 0), nil, ""},
		{"bad signature", append(irbResource(0x03ed, nil), "JUNKJUNK"...), nil, `unexpected resource signature "JUNK" at byte 12`},
		{"cut off before size", []byte("8BIM\x04\x04\x00\x00\x00"), nil, "resource at byte 0 is cut off"},
		{"IPTC longer than the block gives what there is", []byte("8BIM\x04\x04\x00\x00\x00\x00\x01\x00\x1c\x02"), []byte("\x1c\x02"), ""},
		{"other resource longer than the block", []byte("8BIM\x03\xed\x00\x00\xff\xff\xff\xffab"), nil, "resource 0x03ed at byte 0 claims 4294967295 bytes past the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := iptcFromIRB(tt.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr || !bytes.Equal(got, tt.want) {
				t.Errorf("iptcFromIRB = %q, %q; want %q, %q", got, gotErr, tt.want, tt.wantErr)
			}
		})
	}
}
