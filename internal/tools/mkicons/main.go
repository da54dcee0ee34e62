package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"

	"github.com/stocksync/stocksync/core/atomicfile"
	"github.com/stocksync/stocksync/internal/bundle"
)

func main() {
	out := flag.String("o", "resources", "folder to write the icons to")
	flag.Parse()
	if err := writeAll(*out); err != nil {
		fmt.Fprintf(os.Stderr, "mkicons: %v\n", err)
		os.Exit(1)
	}
}

// statusIcons maps each template icon's base name to its badge.
var statusIcons = []struct {
	name string
	v    variant
}{
	{"StatusIcon", idle},
	{"StatusIconSyncing", syncing},
	{"StatusIconAlert", alert},
}

// statusPx is the status icons' size: systray shows the image at 16×16 pt,
// so 32 px is pixel-exact on Retina displays and scaled down elsewhere.
const statusPx = 32

// icnsOrder lists the ICNS entries written, largest first like iconutil.
var icnsOrder = []string{"ic10", "ic09", "ic14", "ic08", "ic13", "ic07", "ic12", "ic11"}

// generate draws every file and returns its bytes by file name.
func generate() (map[string][]byte, error) {
	files := make(map[string][]byte)
	for _, s := range statusIcons {
		name := s.name + ".png"
		b, err := encodePNG(renderTemplate(glyph(s.v), statusPx))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		files[name] = b
	}
	largest := appCoverage(appLargest, appSamples)
	byPx := make(map[int][]byte)
	var entries []bundle.ICNSEntry
	for _, typ := range icnsOrder {
		px := bundle.ICNSPixels[typ]
		if appLargest%px != 0 {
			return nil, fmt.Errorf("AppIcon %d px: not a divisor of %d px", px, appLargest)
		}
		if byPx[px] == nil {
			b, err := encodePNG(largest.shrink(appLargest / px).image())
			if err != nil {
				return nil, fmt.Errorf("AppIcon %d px: %w", px, err)
			}
			byPx[px] = b
		}
		entries = append(entries, bundle.ICNSEntry{Type: typ, Data: byPx[px]})
	}
	icns, err := bundle.EncodeICNS(entries)
	if err != nil {
		return nil, err
	}
	files["AppIcon.icns"] = icns
	return files, nil
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// writeAll generates the icons and replaces the files in dir atomically.
func writeAll(dir string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("output folder %s not found: run from the repository root or pass -o", dir)
	}
	files, err := generate()
	if err != nil {
		return err
	}
	return writeFiles(dir, files)
}

// writeFiles replaces each file in dir atomically, in name order.
func writeFiles(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if err := atomicfile.WriteFile(path, files[name], 0o644); err != nil {
			return fmt.Errorf("write icon: %w", err)
		}
		fmt.Printf("%s\t%d bytes\n", path, len(files[name]))
	}
	return nil
}
