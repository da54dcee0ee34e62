package filemeta

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// corpusDir is the real-world corpus (README.md there): files from the
// public test suites of ExifTool, Exiv2, metadata-extractor and others,
// with ExifTool's reading of each in exiftool.json. Test data only: it is
// read in place, never copied into the repository.
const corpusDir = "../../../shared/metadata-corpus"

// corpusDiff is a deliberate difference from what the documented rules
// give when applied to ExifTool's tags, with its reason.
type corpusDiff struct {
	reason string
	// fix adjusts the expectation; nil with refused set means the file is
	// refused.
	fix     func(*corpusWant)
	refused string // substring of the refusal
}

var corpusDiffs = map[string]corpusDiff{
	"derived-iim_utf8_undeclared.jpg": {
		reason: "IIM without 1:90 that is valid UTF-8 is read as UTF-8; ExifTool assumes Latin-1 and shows mojibake",
		fix: func(w *corpusWant) {
			w.Title, w.Description, w.Keywords = "Zürich 東京", "naïve café", []string{"Zürich"}
		},
	},
	"derived-kw2000_xmp.jpg": {
		reason: "ExifTool stops at 1,000 dc:subject items by default; Stocksync reads all 2,000 (and add warns: ESP takes 50)",
		fix: func(w *corpusWant) {
			w.Keywords = nil
			for i := range 2000 {
				w.Keywords = append(w.Keywords, fmt.Sprintf("keyword%04d", i))
			}
		},
	},
	"derived-lang_alt_no_default.jpg": {
		reason: "dc:title only in de and fr: Stocksync takes the first entry (XMP Part 1, 8.2.2.5: without x-default, any item may serve); ExifTool reports no plain Title",
		fix:    func(w *corpusWant) { w.Title = "Deutscher Titel" },
	},
	"real-1275-MWG.jpg": {
		reason: "ExifTool's MWG test prefers EXIF ImageDescription over XMP; Stocksync uses EXIF only as the last fallback (docs/metadata.md)",
		fix:    func(w *corpusWant) { w.Description = "WRONG-XMP-Description" },
	},
	"derived-truncated_in_app13.jpg": {
		reason:  "cut off inside APP13: it cannot be uploaded, so it is refused",
		refused: "the file is cut off",
	},
	"real-0127-issue_1847_poc.jpg": {
		reason:  "a fuzzing proof-of-concept whose image data has no end-of-image marker (cut off): it cannot be uploaded, so it is refused; ExifTool reads its metadata",
		refused: "stops before the end-of-image marker",
	},
	"real-0236-table.jpg": {
		reason:  "no image data (ExifTool: Missing JPEG SOS): it cannot be uploaded, so it is refused",
		refused: "no image data",
	},
}

// corpusWant is what a file should read as.
type corpusWant struct {
	Title, Description string
	Keywords           []string
	Width, Height      int
}

func TestCorpus(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(corpusDir, "exiftool.json"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("metadata corpus not found at %s (see /work/shared/metadata-corpus/README.md); skipping", corpusDir)
	} else if err != nil {
		t.Fatal(err)
	}
	var entries []map[string]any
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	byFile := map[string]map[string]any{}
	for _, e := range entries {
		byFile[filepath.Clean(e["SourceFile"].(string))] = e
	}
	names := make([]string, 0, len(byFile))
	for n := range byFile {
		names = append(names, n)
	}
	sort.Strings(names)
	checked := 0
	for _, name := range names {
		if strings.EqualFold(filepath.Ext(name), ".xmp") {
			continue // sidecars are read with their image
		}
		t.Run(name, func(t *testing.T) {
			e := byFile[name]
			want := expectFromExifTool(e)
			if sc, ok := byFile[strings.TrimSuffix(name, filepath.Ext(name))+".xmp"]; ok {
				want = sidecarWins(want, sc)
			}
			diff, deliberate := corpusDiffs[filepath.Base(name)]
			got, err := Read(filepath.Join(corpusDir, "files", name))
			if deliberate && diff.refused != "" {
				if err == nil || !strings.Contains(err.Error(), diff.refused) {
					t.Fatalf("Read = %v, want a refusal containing %q (%s)", err, diff.refused, diff.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if deliberate && diff.fix != nil {
				diff.fix(&want)
			} else if deliberate {
				t.Logf("deliberate difference: %s", diff.reason)
				return
			}
			checkMeta(t, got)
			if got.Title != want.Title {
				t.Errorf("title %q, want %q", got.Title, want.Title)
			}
			if got.Description != want.Description {
				t.Errorf("description %q, want %q", got.Description, want.Description)
			}
			if w := CleanKeywords(want.Keywords); !reflect.DeepEqual(got.Keywords, w) {
				t.Errorf("keywords %q, want %q", got.Keywords, w)
			}
			if got.Width != 0 && want.Width != 0 && (got.Width != want.Width || got.Height != want.Height) {
				t.Errorf("size %dx%d, want %dx%d", got.Width, got.Height, want.Width, want.Height)
			}
			checked++
		})
	}
	if checked < 100 {
		t.Errorf("only %d corpus files compared", checked)
	}
}

// expectFromExifTool applies the rules of docs/metadata.md to ExifTool's
// tags.
func expectFromExifTool(e map[string]any) corpusWant {
	str := func(k string) string { return cleanText(tagText(e[k])) }
	stored, current := str("Photoshop:IPTCDigest"), str("File:CurrentIPTCDigest")
	iimWins := stored != "" && current != "" && stored != current
	pick := func(xmpTag, iimTag string) string {
		x, i := str(xmpTag), str(iimTag)
		if iimWins {
			return firstNonEmpty(i, x)
		}
		return firstNonEmpty(x, i)
	}
	var w corpusWant
	headline := pick("XMP-photoshop:Headline", "IPTC:Headline")
	title := pick("XMP-dc:Title", "IPTC:ObjectName")
	w.Title = oneLine(firstNonEmpty(headline, title, str("IFD0:XPTitle"), str("PNG:Title"), str("Keys:Title"), str("ItemList:Title"), str("UserData:Title")))
	for _, d := range []string{pick("XMP-dc:Description", "IPTC:Caption-Abstract"), str("IFD0:ImageDescription"),
		str("IFD0:XPComment"), str("PNG:Description"), str("Keys:Description"), str("ItemList:Description"), str("UserData:Description")} {
		if !isBoilerplate(d) {
			w.Description = d
			break
		}
	}
	x, i := tagList(e["XMP-dc:Subject"]), tagList(e["IPTC:Keywords"])
	if iimWins && len(CleanKeywords(i)) > 0 || len(CleanKeywords(x)) == 0 {
		x = i
	}
	w.Keywords = x
	if len(CleanKeywords(w.Keywords)) == 0 {
		w.Keywords = hierarchyLeaves(tagList(e["XMP-lr:HierarchicalSubject"]))
	}
	if len(CleanKeywords(w.Keywords)) == 0 {
		w.Keywords = strings.Split(str("IFD0:XPKeywords"), ";")
	}
	if len(CleanKeywords(w.Keywords)) == 0 {
		w.Keywords = strings.Split(str("Keys:Keywords"), ",")
	}
	for _, k := range []string{"File", "PNG", "IFD0"} {
		if wd, ok := e[k+":ImageWidth"].(float64); ok && w.Width == 0 {
			w.Width = int(wd)
			if h, ok := e[k+":ImageHeight"].(float64); ok {
				w.Height = int(h)
			}
		}
	}
	return w
}

// sidecarWins lets the sidecar's XMP win field by field, as Lightroom
// writes it.
func sidecarWins(w corpusWant, sc map[string]any) corpusWant {
	s := expectFromExifTool(sc)
	w.Title = firstNonEmpty(s.Title, w.Title)
	w.Description = firstNonEmpty(s.Description, w.Description)
	if len(CleanKeywords(s.Keywords)) > 0 {
		w.Keywords = s.Keywords
	}
	return w
}

func tagText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []any:
		if len(v) > 0 {
			return tagText(v[0])
		}
		return ""
	}
	return fmt.Sprint(v)
}

func tagList(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, len(v))
		for i, x := range v {
			out[i] = tagText(x)
		}
		return out
	}
	return []string{tagText(v)}
}
