package filemeta

import (
	"encoding/binary"
	"html"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// parseXMPSalvaged decodes a packet written in UTF-16 or UTF-32 (XMP
// Specification Part 3, §1.1.5: the packet header's BOM, or the byte
// pattern of "<?" or "<x" in that encoding, tells which), then parses it.
// When the XML is malformed, the fields are also searched for textually in
// the whole packet, so one bad element does not lose the properties that
// follow it; what the search finds wins over what the parser read before
// the damage.
func parseXMPSalvaged(packet []byte) (fields, error) {
	if len(packet) > MaxSidecar { // embedded packets are capped at MaxPacket before
		packet = packet[:MaxSidecar]
	}
	packet = decodeXMPText(packet)
	x, err := parseXMP(packet)
	if err == nil {
		return x, nil
	}
	return salvageXMP(packet).fill(x), err
}

// decodeXMPText returns b as UTF-8. UTF-8 input (the common case, with or
// without a BOM) is returned unchanged.
func decodeXMPText(b []byte) []byte {
	switch {
	case len(b) >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xfe && b[3] == 0xff,
		len(b) >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == '<':
		return fromUTF32(b, binary.BigEndian)
	case len(b) >= 4 && b[0] == 0xff && b[1] == 0xfe && b[2] == 0 && b[3] == 0,
		len(b) >= 4 && b[0] == '<' && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return fromUTF32(b, binary.LittleEndian)
	case len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff, len(b) >= 2 && b[0] == 0 && b[1] == '<':
		return fromUTF16(b, binary.BigEndian)
	case len(b) >= 2 && b[0] == 0xff && b[1] == 0xfe, len(b) >= 2 && b[0] == '<' && b[1] == 0:
		return fromUTF16(b, binary.LittleEndian)
	}
	return b
}

func fromUTF16(b []byte, bo binary.ByteOrder) []byte {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, bo.Uint16(b[i:]))
	}
	return []byte(strings.TrimPrefix(string(utf16.Decode(u)), "\uFEFF"))
}

func fromUTF32(b []byte, bo binary.ByteOrder) []byte {
	out := make([]byte, 0, len(b)/4)
	for i := 0; i+3 < len(b); i += 4 {
		r := rune(bo.Uint32(b[i:]))
		if r == 0xfeff && i == 0 {
			continue
		}
		if !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

var (
	salvageProps = []struct {
		prop xmpProp
		re   *regexp.Regexp
	}{
		{propTitle, propRE("dc:title")},
		{propDescription, propRE("dc:description")},
		{propSubject, propRE("dc:subject")},
		{propHeadline, propRE("photoshop:Headline")},
		{propHierarchical, propRE("lr:hierarchicalSubject")},
	}
	liRE   = regexp.MustCompile(`(?s)<rdf:li\b([^>]*)>(.*?)</rdf:li\s*>`)
	langRE = regexp.MustCompile(`xml:lang\s*=\s*["']([^"']*)["']`)
	tagRE  = regexp.MustCompile(`(?s)<[^>]*>`)
)

// propRE matches a property element with its content, or its attribute
// form.
func propRE(name string) *regexp.Regexp {
	q := regexp.QuoteMeta(name)
	return regexp.MustCompile(`(?s)<` + q + `\b[^>]*?>(.*?)</` + q + `\s*>|\b` + q + `\s*=\s*"([^"]*)"`)
}

// salvageXMP finds the fields in a packet the XML parser gave up on, by
// their usual prefixes. It is the fallback of a fallback: only used when
// the packet is not well-formed.
func salvageXMP(packet []byte) fields {
	var out fields
	s := string(packet)
	for _, p := range salvageProps {
		for _, m := range p.re.FindAllStringSubmatch(s, 16) {
			if m[2] != "" || m[1] == "" {
				out.set(p.prop, nil, html.UnescapeString(m[2]))
				continue
			}
			var items []xmpItem
			for _, li := range liRE.FindAllStringSubmatch(m[1], -1) {
				lang := ""
				if l := langRE.FindStringSubmatch(li[1]); l != nil {
					lang = l[1]
				}
				items = append(items, xmpItem{lang: lang, text: html.UnescapeString(tagRE.ReplaceAllString(li[2], ""))})
			}
			direct := ""
			if len(items) == 0 {
				direct = html.UnescapeString(tagRE.ReplaceAllString(m[1], ""))
			}
			out.set(p.prop, items, direct)
		}
	}
	return out
}
