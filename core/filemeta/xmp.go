package filemeta

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

const (
	nsRDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsDC  = "http://purl.org/dc/elements/1.1/"
	nsPS  = "http://ns.adobe.com/photoshop/1.0/"
	nsXML = "http://www.w3.org/XML/1998/namespace"
	nsLR  = "http://ns.adobe.com/lightroom/1.0/"
	// xmpMaxDepth bounds nesting; real packets are under ten deep.
	xmpMaxDepth = 256
)

// xmpProp is a property the parser collects.
type xmpProp int

const (
	propNone xmpProp = iota
	propTitle
	propDescription
	propSubject
	propHeadline
	propHierarchical // lr:hierarchicalSubject
)

// propOf names the property an element or attribute stands for. Prefixes
// the packet never declared stay as the Space, so the usual prefixes are
// accepted too.
func propOf(n xml.Name) xmpProp {
	switch {
	case (n.Space == nsDC || n.Space == "dc") && n.Local == "title":
		return propTitle
	case (n.Space == nsDC || n.Space == "dc") && n.Local == "description":
		return propDescription
	case (n.Space == nsDC || n.Space == "dc") && n.Local == "subject":
		return propSubject
	case (n.Space == nsPS || n.Space == "photoshop") && n.Local == "Headline":
		return propHeadline
	case (n.Space == nsLR || n.Space == "lr") && n.Local == "hierarchicalSubject":
		return propHierarchical
	}
	return propNone
}

func isRDF(n xml.Name, local string) bool {
	return n.Local == local && (n.Space == nsRDF || n.Space == "rdf")
}

// xmpItem is one rdf:li of a language alternative or bag.
type xmpItem struct {
	lang, text string
}

// parseXMP reads dc:title, dc:description, dc:subject and
// photoshop:Headline from an XMP packet, in element or attribute form. On
// malformed XML it returns what it read before the damage, with the error.
func parseXMP(packet []byte) (fields, error) {
	var out fields
	if len(packet) > MaxSidecar { // embedded packets are capped at MaxPacket before
		packet = packet[:MaxSidecar]
	}
	d := xml.NewDecoder(bytes.NewReader(sanitizeXML(packet)))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	// The bytes were found as ASCII markup and made valid UTF-8 above, so
	// whatever the declaration says, they are read as UTF-8.
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }

	var (
		depth     int
		prop      xmpProp // property being read, or propNone
		propDepth int     // depth of its element
		items     []xmpItem
		inItem    bool
		itemDepth int
		itemLang  string
		itemText  strings.Builder // builders: text may come in many pieces
		direct    strings.Builder // text of the property outside any rdf:li
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			if prop != propNone { // keep the items that were complete
				out.set(prop, items, "")
			}
			return out, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > xmpMaxDepth {
				if prop != propNone {
					out.set(prop, items, "")
				}
				return out, fmt.Errorf("nested more than %d elements deep", xmpMaxDepth)
			}
			for _, a := range t.Attr {
				if p := propOf(a.Name); p != propNone {
					out.set(p, nil, a.Value)
				}
			}
			switch {
			case prop == propNone:
				if p := propOf(t.Name); p != propNone {
					prop, propDepth, items = p, depth, nil
					direct.Reset()
				}
			case isRDF(t.Name, "li") && !inItem:
				inItem, itemDepth, itemLang = true, depth, langOf(t.Attr)
				itemText.Reset()
			}
		case xml.EndElement:
			switch {
			case inItem && depth == itemDepth:
				inItem = false
				items = append(items, xmpItem{lang: itemLang, text: itemText.String()})
			case prop != propNone && depth == propDepth:
				out.set(prop, items, direct.String())
				prop = propNone
			}
			depth--
		case xml.CharData:
			switch {
			case inItem:
				itemText.Write(t)
			case prop != propNone:
				direct.Write(t)
			}
		}
	}
}

func langOf(attrs []xml.Attr) string {
	for _, a := range attrs {
		if a.Name.Local == "lang" && (a.Name.Space == nsXML || a.Name.Space == "xml") {
			return a.Value
		}
	}
	return ""
}

// set records a property unless an earlier rdf:Description set it already.
// direct is text written straight into the property element, the simple
// form some writers use instead of rdf:Alt or rdf:Bag.
func (f *fields) set(p xmpProp, items []xmpItem, direct string) {
	switch p {
	case propSubject:
		if len(items) == 0 {
			f.keywords = append(f.keywords, strings.FieldsFunc(direct, func(r rune) bool { return r == ',' || r == ';' })...)
		}
		for _, it := range items {
			f.keywords = append(f.keywords, it.text)
		}
	case propHierarchical:
		if len(items) == 0 && cleanText(direct) != "" {
			f.hierarchical = append(f.hierarchical, direct)
		}
		for _, it := range items {
			f.hierarchical = append(f.hierarchical, it.text)
		}
	case propTitle:
		if cleanText(f.title) == "" {
			f.title = pickAlt(items, direct)
		}
	case propDescription:
		if cleanText(f.description) == "" {
			f.description = pickAlt(items, direct)
		}
	case propHeadline:
		if cleanText(f.headline) == "" {
			f.headline = pickAlt(items, direct)
		}
	}
}

// pickAlt chooses from a language alternative: x-default, else the first
// non-empty entry, else the property's own text.
func pickAlt(items []xmpItem, direct string) string {
	for _, it := range items {
		if strings.EqualFold(it.lang, "x-default") && cleanText(it.text) != "" {
			return it.text
		}
	}
	for _, it := range items {
		if cleanText(it.text) != "" {
			return it.text
		}
	}
	return direct
}

// sanitizeXML replaces what encoding/xml refuses outright but writers do
// emit — invalid UTF-8, C0 controls, NUL padding — so one bad byte in a
// caption does not hide the rest of the packet.
func sanitizeXML(b []byte) []byte {
	if !utf8.Valid(b) {
		b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
	} else {
		b = bytes.Clone(b)
	}
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			b[i] = ' '
		}
	}
	return b
}
