package bundle

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"howett.net/plist"

	"github.com/stocksync/stocksync/core/atomicfile"
)

// The Info.plist keys the build fills in; the committed file holds 0.0.0.
const (
	KeyShortVersion = "CFBundleShortVersionString"
	KeyVersion      = "CFBundleVersion"
)

// ErrBadVersion is wrapped by FillVersions when a version is not what macOS
// accepts: three period-separated integers for the short version, one to three
// for the build version.
var ErrBadVersion = errors.New("not a valid bundle version")

var (
	shortRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
	buildRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)
)

// Versions derives both bundle versions from the version string the Makefile
// has, normally `git describe --tags --always --dirty` output: "v1.2.3" and
// "v1.2.3-4-gabc1234-dirty" give 1.2.3, "v2.1" gives 2.1.0, and anything that
// does not start with a tag ("dev", a commit hash, even an all-digit one)
// gives 0.0.0, which macOS accepts and which marks an untagged build. The
// build version is the same as the short one: macOS allows at most three
// integers there too, so there is no room for a commit count.
func Versions(describe string) (short, build string) {
	const untagged = "0.0.0"
	s := strings.TrimSpace(describe)
	hasV := strings.HasPrefix(s, "v")
	s = strings.TrimPrefix(s, "v")
	// Drop git describe's -N-gHASH and -dirty, or a -pre/+build suffix.
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	// A bare number is not a tag: git describe --always prints an all-digit
	// commit hash about one time in 27.
	if !buildRE.MatchString(s) || (!hasV && !strings.Contains(s, ".")) {
		return untagged, untagged
	}
	parts := strings.Split(s, ".")
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return untagged, untagged
		}
		parts[i] = strconv.FormatUint(n, 10) // drops leading zeros
	}
	v := strings.Join(parts, ".")
	return v, v
}

// FillVersions returns info, an Info.plist in any plist format, as an XML
// plist with the two version keys set and every other key unchanged.
func FillVersions(info []byte, short, build string) ([]byte, error) {
	if !shortRE.MatchString(short) {
		return nil, fmt.Errorf("%s %q: %w: want three numbers like 1.2.3", KeyShortVersion, short, ErrBadVersion)
	}
	if !buildRE.MatchString(build) {
		return nil, fmt.Errorf("%s %q: %w: want one to three numbers like 1.2.3", KeyVersion, build, ErrBadVersion)
	}
	var dict map[string]any
	if _, err := plist.Unmarshal(info, &dict); err != nil {
		return nil, fmt.Errorf("read Info.plist: %w", err)
	}
	// Empty input parses as an empty OpenStep dictionary: require the one key
	// every app's Info.plist has.
	if id, ok := dict["CFBundleIdentifier"].(string); !ok || id == "" {
		return nil, errors.New("read Info.plist: no CFBundleIdentifier, so not an app's Info.plist")
	}
	dict[KeyShortVersion] = short
	dict[KeyVersion] = build
	out, err := plist.MarshalIndent(dict, plist.XMLFormat, "\t")
	if err != nil {
		return nil, fmt.Errorf("write Info.plist: %w", err)
	}
	return append(out, '\n'), nil
}

// FillVersionsFile reads the Info.plist at src and atomically writes it to dst
// with the versions set; src is left as it is.
func FillVersionsFile(src, dst, short, build string) error {
	info, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("fill Info.plist versions: %w", err)
	}
	out, err := FillVersions(info, short, build)
	if err != nil {
		return fmt.Errorf("fill versions of %s: %w", src, err)
	}
	if err := atomicfile.WriteFile(dst, out, 0o644); err != nil {
		return fmt.Errorf("fill Info.plist versions: %w", err)
	}
	return nil
}
