package esp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
)

// TestMembersMatchV1OnServerItems decodes the batches, contributions and
// releases the built-in ESP server renders (their Raw bytes, as sent) both
// the old way and the new, and the same items with wrong types as the
// server's wrong_types fault writes them.
func TestMembersMatchV1OnServerItems(t *testing.T) {
	for _, seed := range []uint64{7, 8} {
		_, c := pair(t, espfake.Options{Seed: seed, Batches: 30, ContributionsPerBatch: 5}, nil)
		ctx := t.Context()
		batches, err := c.ListBatches(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var items [][]byte
		for i, b := range batches {
			items = append(items, b.Raw)
			if i%5 != 0 {
				continue
			}
			list, err := c.ListContributions(ctx, b.ID, b.ContributionsCount, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range list {
				items = append(items, x.Raw)
			}
			rel, err := c.ListReleases(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rel {
				items = append(items, r.Raw)
			}
		}
		if len(items) < 50 {
			t.Fatalf("only %d items rendered", len(items))
		}
		for _, raw := range items {
			for _, item := range [][]byte{raw, wrongTyped(t, raw)} {
				if err := esp.DiffItemForTest(item); err != nil {
					t.Errorf("%s: %v", item, err)
				}
			}
		}
	}
}

// wrongTyped is espfake's wrong_types fault on one item: ids booleans,
// counts and the image width strings.
func wrongTyped(t *testing.T, raw []byte) []byte {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		if k == "id" {
			m[k] = true
		} else if strings.HasSuffix(k, "_count") || k == "image_width" {
			m[k] = "many"
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
