package filemeta

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
)

// ExtendedXMP (XMP Specification Part 3, §1.1.3.1): when a packet does not
// fit in one 64 KB APP1 segment, the main packet keeps the most important
// properties and names, in xmpNote:HasExtendedXMP, the GUID of the rest.
// The rest is serialised on its own and split over APP1 segments, each
// with the signature, the 32-character GUID (the MD5 of the whole
// extension, in upper-case hex), the full length and this chunk's offset
// (4 bytes each, big-endian), then the chunk.
type extXMP struct {
	byGUID map[string]*extParts
	order  []string
}

type extParts struct {
	total  uint32
	chunks []extChunk
	bytes  int // sum of chunk lengths, capped by MaxPacket
}

type extChunk struct {
	off  uint32
	data []byte
}

// extMaxGUIDs bounds how many different extensions a hostile file can
// make us collect.
const extMaxGUIDs = 8

func newExtXMP() *extXMP { return &extXMP{byGUID: map[string]*extParts{}} }

// add records one chunk: the bytes after the signature.
func (e *extXMP) add(p []byte) {
	if len(p) < 40 {
		return
	}
	guid := string(p[:32])
	total, off := binary.BigEndian.Uint32(p[32:]), binary.BigEndian.Uint32(p[36:])
	data := p[40:]
	parts := e.byGUID[guid]
	if parts == nil {
		if len(e.order) == extMaxGUIDs {
			return
		}
		parts = &extParts{total: total}
		e.byGUID[guid] = parts
		e.order = append(e.order, guid)
	}
	if parts.total != total || parts.bytes+len(data) > MaxPacket {
		return
	}
	parts.chunks = append(parts.chunks, extChunk{off, data})
	parts.bytes += len(data)
}

var hasExtRE = regexp.MustCompile(`HasExtendedXMP(?:\s*=\s*["']|>)\s*([0-9A-Fa-f]{32})`)

// assemble returns the extension the main packets name (or, when none
// names one, the only complete one), after checking that the chunks cover
// it exactly and that its MD5 is its GUID. Problems become warnings.
func (e *extXMP) assemble(mains [][]byte, f *found) []byte {
	if len(e.order) == 0 {
		return nil
	}
	want := ""
	for _, m := range mains {
		if g := hasExtRE.FindSubmatch(m); g != nil {
			want = strings.ToUpper(string(g[1]))
		}
	}
	if want == "" {
		if len(e.order) != 1 {
			f.warn("JPEG has ExtendedXMP segments but its XMP does not say which to use; not read")
			return nil
		}
		want = e.order[0]
	}
	parts := e.byGUID[want]
	if parts == nil {
		f.warn("the XMP names ExtendedXMP %s, but the file has no such segments; part of the XMP is missing", want)
		return nil
	}
	if int64(parts.total) > MaxPacket {
		f.warn("ExtendedXMP is larger than %d MiB; not read", MaxPacket>>20)
		return nil
	}
	buf := make([]byte, parts.total)
	slices.SortFunc(parts.chunks, func(a, b extChunk) int { return int(a.off) - int(b.off) })
	next := uint32(0)
	for _, c := range parts.chunks {
		if c.off != next || uint64(c.off)+uint64(len(c.data)) > uint64(parts.total) {
			f.warn("ExtendedXMP %s is incomplete or its pieces overlap; not read", want)
			return nil
		}
		copy(buf[c.off:], c.data)
		next = c.off + uint32(len(c.data))
	}
	if next != parts.total {
		f.warn("ExtendedXMP %s is incomplete (%d of %d bytes); not read", want, next, parts.total)
		return nil
	}
	sum := md5.Sum(buf)
	if !strings.EqualFold(hex.EncodeToString(sum[:]), want) {
		f.warn("ExtendedXMP %s does not match its checksum; not read", want)
		return nil
	}
	return buf
}
