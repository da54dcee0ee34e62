package timemachine

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"howett.net/plist"
)

// PathState is what tmutil says about one path.
type PathState int

const (
	// StateUnknown: tmutil reported [UNKNOWN] (e.g. the path is missing) or
	// did not mention the path.
	StateUnknown PathState = iota
	StateIncluded
	StateExcluded
)

func (s PathState) String() string {
	switch s {
	case StateIncluded:
		return "included"
	case StateExcluded:
		return "excluded"
	default:
		return "unknown"
	}
}

// PathResult is tmutil's answer for one of the paths asked about.
type PathResult struct {
	Path  string // as asked, not as tmutil rewrote it
	State PathState
}

// Exclusion says whether Time Machine skips the data folder.
type Exclusion struct {
	DataDir string
	// Excluded is true when the data folder or a folder above it is excluded:
	// excluding a folder excludes everything below it.
	Excluded bool
	// ExcludedPaths lists the excluded paths, the data folder first, then
	// upwards. Including the data folder means removing every one of them.
	ExcludedPaths []string
	// Checked holds tmutil's answer for every path asked about, in the same order.
	Checked []PathResult
}

// ExcludedBy returns the outermost excluded folder: the one to tell the user
// about. It is "" when nothing is excluded.
func (e Exclusion) ExcludedBy() string {
	if len(e.ExcludedPaths) == 0 {
		return ""
	}
	return e.ExcludedPaths[len(e.ExcludedPaths)-1]
}

// Exclusion asks tmutil whether dataDir or any folder above it (up to the home
// folder) is excluded from Time Machine backups.
func (c *Checker) Exclusion(ctx context.Context, dataDir string) (Exclusion, error) {
	paths, err := pathsToCheck(dataDir, c.home)
	if err != nil {
		return Exclusion{}, err
	}
	results, err := c.isExcluded(ctx, paths)
	if err != nil {
		return Exclusion{}, err
	}
	ex := Exclusion{DataDir: paths[0], Checked: results}
	for _, r := range results {
		if r.State == StateExcluded {
			ex.Excluded = true
			ex.ExcludedPaths = append(ex.ExcludedPaths, r.Path)
		}
	}
	return ex, nil
}

// pathsToCheck returns dataDir and the folders above it: up to and including
// home when dataDir is inside home, else up to (not including) the root.
// Whether tmutil reports a child of an excluded folder as excluded is not
// documented, so every ancestor is asked about.
func pathsToCheck(dataDir, home string) ([]string, error) {
	if dataDir == "" || !filepath.IsAbs(dataDir) {
		return nil, fmt.Errorf("check Time Machine exclusion: data folder %q is not an absolute path", dataDir)
	}
	dir := filepath.Clean(dataDir)
	stop := string(filepath.Separator)
	if home != "" && filepath.IsAbs(home) {
		h := filepath.Clean(home)
		if rel, err := filepath.Rel(h, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			stop = filepath.Dir(h)
			if stop == h { // home is the root
				stop = ""
			}
		}
	}
	paths := []string{dir}
	for {
		parent := filepath.Dir(dir)
		if parent == dir || parent == stop {
			break
		}
		paths = append(paths, parent)
		dir = parent
	}
	return paths, nil
}

// isExcluded prefers the plist form (-X) and falls back to the text form,
// which older tmutil versions print.
func (c *Checker) isExcluded(ctx context.Context, paths []string) ([]PathResult, error) {
	out, err := c.run(ctx, append([]string{"isexcluded", "-X"}, paths...)...)
	if err != nil {
		return nil, err
	}
	if reported, ok := parseIsExcludedPlist([]byte(out.stdout)); ok {
		return matchResults(paths, reported), nil
	}
	out, err = c.run(ctx, append([]string{"isexcluded"}, paths...)...)
	if err != nil {
		return nil, err
	}
	reported := parseIsExcludedText(out.stdout)
	if len(reported) == 0 {
		return nil, out.failure("isexcluded")
	}
	return matchResults(paths, reported), nil
}

type isExcludedEntry struct {
	Path       string      `plist:"Path"`
	IsExcluded interface{} `plist:"IsExcluded"`
}

func parseIsExcludedPlist(data []byte) ([]PathResult, bool) {
	trimmed := bytes.TrimSpace(data)
	if !isPlist(trimmed) {
		return nil, false
	}
	var entries []isExcludedEntry
	if _, err := plist.Unmarshal(trimmed, &entries); err != nil || len(entries) == 0 {
		return nil, false
	}
	results := make([]PathResult, 0, len(entries))
	for _, e := range entries {
		results = append(results, PathResult{Path: e.Path, State: plistState(e.IsExcluded)})
	}
	return results, true
}

// plistState reads IsExcluded, documented as an integer 0/1; booleans and
// strings are accepted too rather than guessed wrong.
func plistState(v interface{}) PathState {
	if b, ok := plistFlag(v); ok {
		return stateOf(b)
	}
	return StateUnknown
}

// plistFlag reads a 0/1 flag of a tmutil plist (integer, boolean, real or
// string); ok is false when v is none of these.
func plistFlag(v interface{}) (flag, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case uint64:
		return x != 0, true
	case int64:
		return x != 0, true
	case float64:
		return x != 0, true
	case string:
		s := strings.TrimSpace(x)
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			return n != 0, true
		}
		if b, err := strconv.ParseBool(s); err == nil {
			return b, true
		}
	}
	return false, false
}

func stateOf(excluded bool) PathState {
	if excluded {
		return StateExcluded
	}
	return StateIncluded
}

var isExcludedLine = regexp.MustCompile(`^\[(Excluded|Included|UNKNOWN)\]\s+(.+)$`)

func parseIsExcludedText(s string) []PathResult {
	var results []PathResult
	for _, line := range strings.Split(s, "\n") {
		m := isExcludedLine.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		st := StateUnknown
		switch m[1] {
		case "Excluded":
			st = StateExcluded
		case "Included":
			st = StateIncluded
		}
		results = append(results, PathResult{Path: strings.TrimSpace(m[2]), State: st})
	}
	return results
}

// matchResults maps tmutil's answers back to the paths asked about. tmutil
// answers one per path, in order, but may rewrite a path (e.g. prefix it with
// /System/Volumes/Data), so order decides when the counts agree and the
// normalised path otherwise.
func matchResults(asked []string, reported []PathResult) []PathResult {
	out := make([]PathResult, len(asked))
	if len(reported) == len(asked) {
		for i, p := range asked {
			out[i] = PathResult{Path: p, State: reported[i].State}
		}
		return out
	}
	byPath := make(map[string]PathState, len(reported))
	for _, r := range reported {
		byPath[normalize(r.Path)] = r.State
	}
	for i, p := range asked {
		out[i] = PathResult{Path: p, State: byPath[normalize(p)]} // missing → StateUnknown
	}
	return out
}

const dataVolume = "/System/Volumes/Data"

func normalize(p string) string {
	p = filepath.Clean(p)
	if rest, ok := strings.CutPrefix(p, dataVolume); ok && strings.HasPrefix(rest, "/") {
		p = rest
	}
	return p
}
