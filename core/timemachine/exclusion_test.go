package timemachine

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

const (
	home    = "/Users/anna"
	dataDir = "/Users/anna/Library/Application Support/Stocksync"
	appSupp = "/Users/anna/Library/Application Support"
	library = "/Users/anna/Library"
)

var asked = []string{dataDir, appSupp, library, home}

func xArgs(paths ...string) string    { return key(append([]string{"isexcluded", "-X"}, paths...)...) }
func textArgs(paths ...string) string { return key(append([]string{"isexcluded"}, paths...)...) }

func TestPathsToCheck(t *testing.T) {
	tests := []struct {
		name, dir, home string
		want            []string
		wantErr         bool
	}{
		{"inside home", dataDir, home, asked, false},
		{"trailing slash and dots", dataDir + "/./", home + "/", asked, false},
		{"is home", home, home, []string{home}, false},
		{"outside home stops below root", "/Volumes/Work/Stocksync", home, []string{"/Volumes/Work/Stocksync", "/Volumes/Work", "/Volumes"}, false},
		{"sibling with home as prefix", "/Users/annabel/Stocksync", home, []string{"/Users/annabel/Stocksync", "/Users/annabel", "/Users"}, false},
		{"no home", "/Users/anna/Stocksync", "", []string{"/Users/anna/Stocksync", "/Users/anna", "/Users"}, false},
		{"relative", "Stocksync", home, nil, true},
		{"empty", "", home, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pathsToCheck(tt.dir, tt.home)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func states(ss ...PathState) []PathResult {
	out := make([]PathResult, len(ss))
	for i, s := range ss {
		out[i] = PathResult{Path: asked[i], State: s}
	}
	return out
}

func TestExclusion(t *testing.T) {
	inc, exc, unk := StateIncluded, StateExcluded, StateUnknown
	unsupportedX := reply{stderr: "isexcluded_X_unsupported.stderr", err: errExit1}
	tests := []struct {
		name      string
		replies   map[string][]reply
		want      Exclusion
		wantCalls []string
		wantErr   error
	}{
		{
			name:      "plist, all included",
			replies:   map[string][]reply{xArgs(asked...): {{stdout: "isexcluded_X_included.plist"}}},
			want:      Exclusion{DataDir: dataDir, Checked: states(inc, inc, inc, inc)},
			wantCalls: []string{xArgs(asked...)},
		},
		{
			name:    "plist, data folder excluded, paths rewritten to the data volume",
			replies: map[string][]reply{xArgs(asked...): {{stdout: "isexcluded_X_excluded.plist"}}},
			want: Exclusion{DataDir: dataDir, Excluded: true, ExcludedPaths: []string{dataDir},
				Checked: states(exc, inc, inc, inc)},
			wantCalls: []string{xArgs(asked...)},
		},
		{
			name: "no -X: text with tabs, all included",
			replies: map[string][]reply{
				xArgs(asked...):    {unsupportedX},
				textArgs(asked...): {{stdout: "isexcluded_tab_included.txt"}},
			},
			want:      Exclusion{DataDir: dataDir, Checked: states(inc, inc, inc, inc)},
			wantCalls: []string{xArgs(asked...), textArgs(asked...)},
		},
		{
			name: "text with spaces, parent excluded",
			replies: map[string][]reply{
				xArgs(asked...):    {unsupportedX},
				textArgs(asked...): {{stdout: "isexcluded_spaces_parent_excluded.txt"}},
			},
			want: Exclusion{DataDir: dataDir, Excluded: true, ExcludedPaths: []string{appSupp},
				Checked: states(inc, exc, inc, inc)},
			wantCalls: []string{xArgs(asked...), textArgs(asked...)},
		},
		{
			name: "text with /System/Volumes/Data rewrite",
			replies: map[string][]reply{
				xArgs(asked...):    {{stdout: "literal:garbage that is not a plist"}},
				textArgs(asked...): {{stdout: "isexcluded_datavolume_excluded.txt"}},
			},
			want: Exclusion{DataDir: dataDir, Excluded: true, ExcludedPaths: []string{dataDir},
				Checked: states(exc, inc, inc, inc)},
			wantCalls: []string{xArgs(asked...), textArgs(asked...)},
		},
		{
			name: "text [UNKNOWN] for a missing folder",
			replies: map[string][]reply{
				xArgs(asked...):    {unsupportedX},
				textArgs(asked...): {{stdout: "isexcluded_unknown_missing.txt"}},
			},
			want:      Exclusion{DataDir: dataDir, Checked: states(unk, inc, inc, inc)},
			wantCalls: []string{xArgs(asked...), textArgs(asked...)},
		},
		{
			name: "nothing understandable",
			replies: map[string][]reply{
				xArgs(asked...):    {unsupportedX},
				textArgs(asked...): {{stderr: "literal:tmutil: something broke", err: errExit1}},
			},
			wantErr:   errExit1,
			wantCalls: []string{xArgs(asked...), textArgs(asked...)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.replies)
			got, err := NewChecker(f, home).Exclusion(context.Background(), dataDir)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(f.called(), tt.wantCalls) {
				t.Errorf("calls = %q, want %q", f.called(), tt.wantCalls)
			}
		})
	}
}

func TestExclusionOuterMostAndErrorText(t *testing.T) {
	ex := Exclusion{ExcludedPaths: []string{dataDir, home}}
	if got := ex.ExcludedBy(); got != home {
		t.Errorf("ExcludedBy = %q, want %q", got, home)
	}
	if got := (Exclusion{}).ExcludedBy(); got != "" {
		t.Errorf("ExcludedBy of nothing = %q", got)
	}
	f := newFake(t, map[string][]reply{
		xArgs(asked...):    {{stderr: "isexcluded_X_unsupported.stderr", err: errExit1}},
		textArgs(asked...): {{stderr: "literal:tmutil: something broke", err: errExit1}},
	})
	_, err := NewChecker(f, home).Exclusion(context.Background(), dataDir)
	if want := "tmutil isexcluded failed: something broke: exit status 1"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestMatchResultsByPathWhenCountsDiffer(t *testing.T) {
	reported := []PathResult{
		{Path: "/System/Volumes/Data/Users/anna/Library", State: StateExcluded},
		{Path: "/Users/anna/", State: StateIncluded},
	}
	got := matchResults(asked, reported)
	want := states(StateUnknown, StateUnknown, StateExcluded, StateIncluded)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestPlistStateTypes(t *testing.T) {
	tests := []struct {
		in   interface{}
		want PathState
	}{
		{uint64(1), StateExcluded}, {uint64(0), StateIncluded}, {int64(1), StateExcluded},
		{true, StateExcluded}, {false, StateIncluded}, {"1", StateExcluded}, {"false", StateIncluded},
		{"maybe", StateUnknown}, {nil, StateUnknown}, {float64(0), StateIncluded},
	}
	for _, tt := range tests {
		if got := plistState(tt.in); got != tt.want {
			t.Errorf("plistState(%#v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
