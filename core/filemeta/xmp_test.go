package filemeta

import (
	"reflect"
	"strings"
	"testing"
)

const rdfOpen = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">`
const rdfClose = `</rdf:RDF></x:xmpmeta>`

func TestParseXMP(t *testing.T) {
	tests := []struct {
		name    string
		packet  string
		want    fields
		wantErr string
	}{
		{
			name:   "attribute form",
			packet: rdfOpen + `<rdf:Description rdf:about="" dc:title="Attr title" dc:description="Attr desc" photoshop:Headline="Head" dc:subject="a, b;c"/>` + rdfClose,
			want:   fields{title: "Attr title", description: "Attr desc", headline: "Head", keywords: []string{"a", " b", "c"}},
		},
		{
			name:   "simple text form",
			packet: rdfOpen + `<rdf:Description><dc:title>Plain</dc:title><photoshop:Headline>H</photoshop:Headline><dc:subject>x;y</dc:subject></rdf:Description>` + rdfClose,
			want:   fields{title: "Plain", headline: "H", keywords: []string{"x", "y"}},
		},
		{
			name: "x-default preferred wherever it is; else the first non-empty",
			packet: rdfOpen + `<rdf:Description>
				<dc:title><rdf:Alt><rdf:li xml:lang="en-GB">Colour</rdf:li><rdf:li xml:lang="x-default">Color</rdf:li></rdf:Alt></dc:title>
				<dc:description><rdf:Alt><rdf:li xml:lang="fr"> </rdf:li><rdf:li xml:lang="de">Beschreibung</rdf:li><rdf:li xml:lang="en">Description</rdf:li></rdf:Alt></dc:description>
				</rdf:Description>` + rdfClose,
			want: fields{title: "Color", description: "Beschreibung"},
		},
		{
			name: "several rdf:Description blocks: first non-empty wins, keywords add up",
			packet: rdfOpen + `<rdf:Description><dc:title><rdf:Alt><rdf:li xml:lang="x-default"></rdf:li></rdf:Alt></dc:title>
				<dc:subject><rdf:Bag><rdf:li>one</rdf:li></rdf:Bag></dc:subject></rdf:Description>
				<rdf:Description><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Second</rdf:li></rdf:Alt></dc:title>
				<dc:subject><rdf:Seq><rdf:li>two</rdf:li></rdf:Seq></dc:subject></rdf:Description>
				<rdf:Description><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Third</rdf:li></rdf:Alt></dc:title></rdf:Description>` + rdfClose,
			want: fields{title: "Second", keywords: []string{"one", "two"}},
		},
		{
			name: "other namespace prefixes, same URIs",
			packet: `<x:xmpmeta xmlns:x="adobe:ns:meta/"><r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:d="http://purl.org/dc/elements/1.1/">
				<r:Description><d:title><r:Alt><r:li xml:lang="x-default">Prefixed</r:li></r:Alt></d:title></r:Description></r:RDF></x:xmpmeta>`,
			want: fields{title: "Prefixed"},
		},
		{
			name:   "undeclared prefixes are taken at face value",
			packet: `<x:xmpmeta><rdf:RDF><rdf:Description><dc:subject><rdf:Bag><rdf:li>loose</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>`,
			want:   fields{keywords: []string{"loose"}},
		},
		{
			name:   "same local name in another namespace is ignored",
			packet: rdfOpen + `<rdf:Description xmlns:foo="http://example.com/"><foo:title>No</foo:title><foo:subject>no</foo:subject></rdf:Description>` + rdfClose,
			want:   fields{},
		},
		{
			name:   "entities, CDATA, comments and HTML entities",
			packet: rdfOpen + `<rdf:Description><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Fish &amp; chips &#x2014; <![CDATA[<fresh>]]><!-- c -->&nbsp;today</rdf:li></rdf:Alt></dc:title></rdf:Description>` + rdfClose,
			want:   fields{title: "Fish & chips — <fresh>\u00a0today"},
		},
		{
			name:   "invalid UTF-8 and control bytes do not hide the rest",
			packet: rdfOpen + "<rdf:Description><dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Caf\xe9\x00\x01 bar</rdf:li></rdf:Alt></dc:title><dc:subject><rdf:Bag><rdf:li>k</rdf:li></rdf:Bag></dc:subject></rdf:Description>" + rdfClose,
			want:   fields{title: "Caf\uFFFD   bar", keywords: []string{"k"}},
		},
		{
			name:   "declared non-UTF-8 encoding is read as UTF-8",
			packet: `<?xml version="1.0" encoding="ISO-8859-1"?>` + rdfOpen + `<rdf:Description dc:title="Grüße"/>` + rdfClose,
			want:   fields{title: "Grüße"},
		},
		{
			name:   "qualified keyword values keep their text",
			packet: rdfOpen + `<rdf:Description><dc:subject><rdf:Bag><rdf:li><rdf:Description><rdf:value>deep</rdf:value></rdf:Description></rdf:li></rdf:Bag></dc:subject></rdf:Description>` + rdfClose,
			want:   fields{keywords: []string{"deep"}},
		},
		{
			name:    "deep nesting stops with an error",
			packet:  rdfOpen + `<rdf:Description dc:title="Kept">` + strings.Repeat("<a>", 300) + rdfClose,
			want:    fields{title: "Kept"},
			wantErr: "nested more than 256 elements deep",
		},
		{
			name:    "cut off inside a bag keeps complete items",
			packet:  rdfOpen + `<rdf:Description><dc:subject><rdf:Bag><rdf:li>a</rdf:li><rdf:li>b</rdf:li><rdf:li>c`,
			want:    fields{keywords: []string{"a", "b"}},
			wantErr: "XML syntax error on line 2: unexpected EOF",
		},
		{
			name:   "empty",
			packet: "",
			want:   fields{},
		},
		{
			name:   "x:xapmeta from before 2002",
			packet: `<x:xapmeta xmlns:x="adobe:ns:meta/">` + strings.TrimPrefix(rdfOpen, `<x:xmpmeta xmlns:x="adobe:ns:meta/">`) + `<rdf:Description dc:title="Old"/></rdf:RDF></x:xapmeta>`,
			want:   fields{title: "Old"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseXMP([]byte(tt.packet))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("error = %q, want %q", gotErr, tt.wantErr)
			}
			got.title, got.description, got.headline = cleanText(got.title), cleanText(got.description), cleanText(got.headline)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseXMP\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestFindPacket(t *testing.T) {
	pkt := `<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>`
	tests := []struct {
		name    string
		in      string
		want    string
		wantCut bool
	}{
		{"inside binary", "\x00\x01junk" + pkt + "\xff\xfe", pkt, false},
		{"first of two", pkt + "<x:xmpmeta>second</x:xmpmeta>", pkt, false},
		{"none", "nothing here", "", false},
		{"never ends", "<x:xmpmeta xmlns:x=''>" + strings.Repeat("a", 100), "", true},
		{"too long", "<x:xmpmeta>" + strings.Repeat("a", MaxPacket) + "</x:xmpmeta>", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := findPacket([]byte(tt.in))
			if string(got) != tt.want || cut != tt.wantCut {
				t.Errorf("findPacket = %.60q, %v; want %.60q, %v", got, cut, tt.want, tt.wantCut)
			}
		})
	}
}
