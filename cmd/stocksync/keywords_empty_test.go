package main

import (
	"strings"
	"testing"
)

// `add --keywords ";;"` and `pending edit ID --keywords ",,,"` stored an
// empty keyword list; like `edit --keywords ",,,"` they are usage errors
// now, and nothing is stored.
func TestEmptyKeywordListsAreUsageErrors(t *testing.T) {
	t.Parallel()
	e := newAddEnv(t)
	_, stderr, code := e.run(t, "add", "--keywords", ";;", e.photo("maple.jpg"))
	want := "stocksync: --keywords \";;\" holds no keywords: give them separated by commas, e.g. --keywords \"fog, river, dawn\"\n"
	if code != exitUsage || stderr != want {
		t.Errorf("add --keywords \";;\": exit %d, stderr\n got %q\nwant %q", code, stderr, want)
	}
	if out, _, _ := e.run(t, "pending", "list"); strings.Contains(out, "maple") {
		t.Errorf("add with no keywords stored a pending upload:\n%s", out)
	}

	if _, stderr, code := e.run(t, "add", "--keywords", "fog, river", e.photo("maple.jpg")); code != 0 {
		t.Fatal(stderr)
	}
	for _, kw := range []string{",,,", " ; , "} {
		_, stderr, code := e.run(t, "pending", "edit", "1", "--keywords", kw)
		want := "stocksync: --keywords " + `"` + kw + `"` + " holds no keywords: give them separated by commas, e.g. --keywords \"fog, river, dawn\"\n"
		if code != exitUsage || stderr != want {
			t.Errorf("pending edit --keywords %q: exit %d, stderr\n got %q\nwant %q", kw, code, stderr, want)
		}
	}
	if out, stderr, _ := e.run(t, "pending", "list", "--json"); !strings.Contains(out, `"fog"`) || !strings.Contains(out, `"river"`) {
		t.Errorf("keywords after refused edits: %s %s; want fog and river kept", out, stderr)
	}
}
