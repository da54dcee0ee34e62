// Package filemeta reads what a stock photographer has already written into
// an image or video file — title, description and keywords from embedded XMP
// and IPTC-IIM — plus its media type and, where it is cheap, its pixel size.
//
// JPEG (APP1 XMP, APP13 Photoshop/IPTC), TIFF and DNG (tags 700, 33723,
// 34377), PNG (iTXt XML:com.adobe.xmp) and MP4/QuickTime (uuid and
// moov/udta/XMP_ boxes) are walked by structure. Where that finds no XMP —
// HEIC, unusual videos — an XMP packet is searched for in a bounded window
// at each end of the file. XMP wins over IIM field by field, as Adobe's
// applications do.
//
// Every read is bounded: files are read through io.ReaderAt, metadata blocks
// are capped (MaxPacket), and hostile input yields an error or a warning,
// never a panic, an endless loop or an unbounded allocation.
package filemeta
