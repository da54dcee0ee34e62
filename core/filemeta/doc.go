// Package filemeta reads what a stock photographer has already written into
// an image or video file — title, description and keywords from embedded XMP,
// IPTC-IIM, EXIF and QuickTime metadata, and from an XMP sidecar — plus its
// media type and, where it is cheap, its pixel size.
//
// JPEG (APP1 XMP, ExtendedXMP and Exif, APP13 Photoshop/IPTC), TIFF, BigTIFF
// and DNG (IFD0), PNG (iTXt XMP and ImageMagick raw profiles) and
// MP4/QuickTime/HEIC (uuid, moov/udta/XMP_, Keys and ItemList boxes) are
// walked by structure. Where that finds no XMP — HEIC, unusual videos — an
// XMP packet is searched for in a bounded window at each end of the file.
// Which value wins (XMP or IIM by the Metadata Working Group's IPTCDigest
// rule; Headline or dc:title by Options.TitleOrder; EXIF and QuickTime as
// fallbacks) is documented in docs/metadata.md and decided in resolve.go.
//
// Files cut off before their structure ends are refused with an
// *UnsupportedError: they are damaged or still being copied and cannot be
// uploaded.
//
// Every read is bounded: files are read through io.ReaderAt, metadata blocks
// are capped (MaxPacket), and hostile input yields an error or a warning,
// never a panic, an endless loop or an unbounded allocation.
package filemeta
