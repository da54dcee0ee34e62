package filemeta

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// IPTC-IIM datasets read (record:dataset).
const (
	iimCodedCharset   = 1<<8 | 90  // 1:90, ESC % G means UTF-8
	iimObjectName     = 2<<8 | 5   // → title
	iimKeywords       = 2<<8 | 25  // repeatable
	iimHeadline       = 2<<8 | 105 // → title when there is no Object Name
	iimCaption        = 2<<8 | 120 // → description
	irbIPTC           = 0x0404
	irbIPTCDigest     = 0x0425  // MD5 of the IIM block when XMP was last synchronised
	maxIIMValue       = 1 << 16 // IIM caps captions at 2,000 bytes; this is generous
	iimExtendedLenMax = 4
)

// iptcFromIRB finds the IPTC-IIM block (resource 0x0404) in Photoshop image
// resources.
func iptcFromIRB(b []byte) ([]byte, error) { return irbFind(b, irbIPTC) }

// irbFind finds resource want in Photoshop image resources: "8BIM", 2-byte
// ID, even-padded Pascal name, 4-byte size, data padded to even length.
// nil, nil means it is not there.
func irbFind(b []byte, want uint16) ([]byte, error) {
	pos := 0
	for len(b)-pos >= 4 {
		sig := string(b[pos : pos+4])
		switch sig {
		case "8BIM", "PHUT", "AgHg", "DCSR", "MeSa":
		default:
			if allZero(b[pos:]) {
				return nil, nil
			}
			return nil, fmt.Errorf("unexpected resource signature %q at byte %d", sig, pos)
		}
		if len(b)-pos < 7 {
			return nil, fmt.Errorf("resource at byte %d is cut off", pos)
		}
		id := binary.BigEndian.Uint16(b[pos+4:])
		nameLen := 1 + int(b[pos+6])
		nameLen += nameLen & 1
		p := pos + 6 + nameLen
		if len(b)-p < 4 {
			return nil, fmt.Errorf("resource at byte %d is cut off", pos)
		}
		size := int64(binary.BigEndian.Uint32(b[p:]))
		p += 4
		if size > int64(len(b)-p) {
			if sig == "8BIM" && id == want {
				// Read what is there; the IIM parser reports where it ends.
				return b[p:], nil
			}
			return nil, fmt.Errorf("resource %#04x at byte %d claims %d bytes past the end", id, pos, size)
		}
		if sig == "8BIM" && id == want {
			return b[p : p+int(size)], nil
		}
		p += int(size) + int(size&1)
		pos = p
	}
	return nil, nil
}

// parseIIM reads title, headline, caption and keywords from an IPTC-IIM
// record set. Text is UTF-8 when 1:90 says so, or when it simply is valid
// UTF-8 (many tools omit 1:90, and Latin-1 text with accents is almost
// never valid UTF-8); otherwise it is Windows-1252/Latin-1. On damage it
// returns what it read before, with the error.
func parseIIM(b []byte) (fields, error) {
	type dataset struct {
		tag   int
		value []byte
	}
	var (
		kept     []dataset
		utf8Mode bool
		firstErr error
	)
	fail := func(format string, args ...any) {
		if firstErr == nil {
			firstErr = fmt.Errorf(format, args...)
		}
	}
	pos := 0
	for pos < len(b) {
		if b[pos] != 0x1c {
			if !allZero(b[pos:]) { // Photoshop pads the block with NULs
				fail("unexpected byte %#02x at %d where a dataset should start", b[pos], pos)
			}
			break
		}
		if len(b)-pos < 5 {
			fail("dataset at byte %d is cut off", pos)
			break
		}
		tag := int(b[pos+1])<<8 | int(b[pos+2])
		n := int64(binary.BigEndian.Uint16(b[pos+3:]))
		start := pos
		pos += 5
		if n&0x8000 != 0 {
			// Extended dataset: the low bits give the length of the length.
			k := int(n & 0x7fff)
			if k == 0 || k > iimExtendedLenMax || len(b)-pos < k {
				fail("dataset at byte %d has an unreadable extended length", start)
				break
			}
			n = 0
			for _, c := range b[pos : pos+k] {
				n = n<<8 | int64(c)
			}
			pos += k
		}
		if n > int64(len(b)-pos) {
			fail("dataset %d:%d at byte %d claims %d bytes past the end", tag>>8, tag&0xff, start, n)
			break
		}
		value := b[pos : pos+int(n)]
		pos += int(n)
		switch tag {
		case iimCodedCharset:
			utf8Mode = bytes.Contains(value, []byte("\x1b%G"))
		case iimObjectName, iimKeywords, iimHeadline, iimCaption:
			if n > maxIIMValue {
				fail("dataset %d:%d is %d bytes, more than %d; skipped", tag>>8, tag&0xff, n, maxIIMValue)
				continue
			}
			kept = append(kept, dataset{tag, value})
		}
	}
	var out fields
	for _, ds := range kept {
		s := iimText(ds.value, utf8Mode)
		switch ds.tag {
		case iimObjectName:
			out.title = firstNonEmpty(out.title, s)
		case iimHeadline:
			out.headline = firstNonEmpty(out.headline, s)
		case iimCaption:
			out.description = firstNonEmpty(out.description, s)
		case iimKeywords:
			out.keywords = append(out.keywords, s)
		}
	}
	return out, firstErr
}

func iimText(b []byte, utf8Mode bool) string {
	if utf8Mode || utf8.Valid(b) {
		return string(b)
	}
	return latin1(b)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
