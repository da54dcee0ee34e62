package filemeta

import (
	"bytes"
	"crypto/md5"
	"regexp"
	"strings"
)

// fields is what one metadata block says, before cleaning and merging.
type fields struct {
	title, headline, description string
	keywords                     []string
	hierarchical                 []string // lr:hierarchicalSubject, "A|B|C"
}

// fill returns f with every field it leaves empty taken from g.
func (f fields) fill(g fields) fields {
	if cleanText(f.title) == "" {
		f.title = g.title
	}
	if cleanText(f.headline) == "" {
		f.headline = g.headline
	}
	if cleanText(f.description) == "" {
		f.description = g.description
	}
	if len(CleanKeywords(f.keywords)) == 0 {
		f.keywords = g.keywords
	}
	if len(CleanKeywords(f.hierarchical)) == 0 {
		f.hierarchical = g.hierarchical
	}
	return f
}

// resolve parses the collected blocks and fills m under the rules of
// docs/metadata.md:
//
//  1. XMP: later packets win field by field over earlier ones, the
//     ExtendedXMP part fills what the main packet left out, and a sidecar
//     wins over everything embedded.
//  2. XMP versus IPTC-IIM, field by field, by the Metadata Working Group
//     rule: if the Photoshop IPTCDigest is absent or equals the MD5 of the
//     IIM block, XMP wins; if it differs, IIM was edited later and wins.
//     The loser fills fields the winner leaves empty.
//  3. Title by order from Headline and DocTitle, else XPTitle, else PNG
//     Title, else QuickTime; description from dc:description /
//     Caption-Abstract, else EXIF ImageDescription or XPComment, else PNG
//     Description, else QuickTime, never camera
//     boilerplate; keywords from dc:subject / IPTC Keywords, else the
//     leaves of lr:hierarchicalSubject, else XPKeywords, else QuickTime.
func (f *found) resolve(m *Meta, order TitleOrder) {
	var x fields
	for i, p := range f.xmp {
		px, err := parseXMPSalvaged(p)
		if err != nil {
			f.warn("embedded XMP is malformed, read what could be salvaged: %v", err)
		}
		if i == 0 {
			x = px
		} else {
			x = px.fill(x)
		}
	}
	if n := distinctPackets(f.xmp) + max(f.xmpSeen-len(f.xmp), 0); n > 1 {
		f.warn("the file has %d XMP packets; the last one wins field by field", n)
	}
	if f.extXMP != nil {
		ext, err := parseXMPSalvaged(f.extXMP)
		if err != nil {
			f.warn("ExtendedXMP is malformed, read what could be salvaged: %v", err)
		}
		x = x.fill(ext)
	}
	var sc fields
	if f.sidecar != nil {
		var err error
		if sc, err = parseXMPSalvaged(f.sidecar); err != nil {
			f.warn("the XMP sidecar is malformed, read what could be salvaged: %v", err)
		}
	}
	iim := f.iim
	if iim == nil && f.irb != nil {
		var err error
		if iim, err = irbFind(f.irb, irbIPTC); err != nil {
			f.warn("Photoshop resource block is malformed: %v", err)
		}
	}
	var i fields
	if iim != nil {
		var err error
		if i, err = parseIIM(iim); err != nil {
			f.warn("embedded IPTC is malformed, read up to the damage: %v", err)
		}
	}
	var r fields
	if iimEditedLater(f.irb, iim) {
		r = i.fill(x)
	} else {
		r = x.fill(i)
	}
	// The sidecar is the current copy (Lightroom, Camera Raw, darktable
	// write it, not the file), so it wins over everything embedded, IIM
	// edited later included: the IPTCDigest dates IIM against the file's
	// own XMP, not against a sidecar.
	r = sc.fill(r)
	merge(m, r, f.exif, f.qt, f.png, order)
	m.Warnings = f.warnings
}

// distinctPackets counts packets that differ: writers that keep the same
// packet in two places (MP4's uuid box and moov/udta/XMP_) are not worth a
// warning.
func distinctPackets(ps [][]byte) int {
	n := 0
	for i, p := range ps {
		dup := false
		for _, q := range ps[:i] {
			if bytes.Equal(bytes.TrimSpace(p), bytes.TrimSpace(q)) {
				dup = true
				break
			}
		}
		if !dup {
			n++
		}
	}
	return n
}

// iimEditedLater applies the Metadata Working Group rule (Guidelines for
// Handling Image Metadata 2.0, §4.3; Adobe XMP Toolkit PhotoDataUtils): the
// Photoshop IPTCDigest resource (0x0425) holds the MD5 of the IIM block as
// it was when XMP was last synchronised with it. A digest that does not
// match means a tool that knows only IIM changed it afterwards.
func iimEditedLater(irb, iim []byte) bool {
	if iim == nil || irb == nil {
		return false
	}
	digest, err := irbFind(irb, irbIPTCDigest)
	if err != nil || len(digest) != md5.Size {
		return false
	}
	sum := md5.Sum(iim)
	return !bytes.Equal(digest, sum[:])
}

// merge fills m from the resolved fields r and the fallbacks.
func merge(m *Meta, r fields, ex exifText, qt qtText, pt pngText, order TitleOrder) {
	m.Headline, m.DocTitle = oneLine(r.headline), oneLine(r.title)
	first, second, firstFrom, secondFrom := m.Headline, m.DocTitle, TitleFromHeadline, TitleFromDocTitle
	if order == TitleTitleFirst {
		first, second, firstFrom, secondFrom = second, first, secondFrom, firstFrom
	}
	switch {
	case first != "":
		m.Title, m.TitleFrom = first, firstFrom
	case second != "":
		m.Title, m.TitleFrom = second, secondFrom
	case cleanText(ex.xpTitle) != "" && !isBoilerplate(ex.xpTitle):
		m.Title, m.TitleFrom = oneLine(ex.xpTitle), TitleFromWindows
	case cleanText(pt.title) != "":
		m.Title, m.TitleFrom = oneLine(pt.title), TitleFromPNG
	case cleanText(qt.title) != "":
		m.Title, m.TitleFrom = oneLine(qt.title), TitleFromQuickTime
	}
	m.Description = ""
	for _, d := range []string{r.description, ex.imageDescription, ex.xpComment, pt.description, qt.description} {
		if d = cleanText(d); d != "" && !isBoilerplate(d) {
			m.Description = d
			break
		}
	}
	m.Keywords = CleanKeywords(r.keywords)
	if len(m.Keywords) == 0 {
		m.Keywords = CleanKeywords(hierarchyLeaves(r.hierarchical))
	}
	if len(m.Keywords) == 0 {
		m.Keywords = CleanKeywords(strings.Split(ex.xpKeywords, ";"))
	}
	if len(m.Keywords) == 0 {
		m.Keywords = CleanKeywords(qt.keywords)
	}
}

// hierarchyLeaves returns the last level of each Lightroom hierarchical
// keyword: "Places|Europe|Zürich" gives "Zürich".
func hierarchyLeaves(h []string) []string {
	out := make([]string, 0, len(h))
	for _, s := range h {
		if i := strings.LastIndexByte(s, '|'); i >= 0 {
			s = s[i+1:]
		}
		out = append(out, s)
	}
	return out
}

// boilerplate are descriptions cameras and phones write into EXIF
// ImageDescription (and Lightroom then copies into XMP): never a caption.
var boilerplate = regexp.MustCompile(`(?i)^(` +
	`(olympus|nikon|sony|kodak|samsung|minolta|konica minolta|pentax|casio|canon|fujifilm|panasonic|leica|sanyo|ricoh|hp|)\s*(digital)?\s*(still)?\s*(camera|dsc|image)` +
	`|exif_jpeg_picture|exif jpeg|default|image|picture|untitled|dcf|` +
	`dcim[\\/].*|<[^>]*>` +
	`)$`)

func isBoilerplate(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || boilerplate.MatchString(s)
}
