package esp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
)

// The oracle of the member walk: the item decoders as they were before
// issue 15, json.Unmarshal into the wire struct by reflection. Kept only
// here, so that members_diff_test.go can require the same results.

func oldDecodeBatchItem(dec *json.Decoder) (Batch, error) {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return Batch{}, errors.New(describe(err))
	}
	var w wireBatch
	if err := json.Unmarshal(raw, &w); err != nil {
		return Batch{}, errors.New(describe(err))
	}
	v, err := w.batch()
	v.Raw = raw
	return v, err
}

func oldDecodeContributionItem(dec *json.Decoder) (Contribution, error) {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return Contribution{}, errors.New(describe(err))
	}
	var w wireContribution
	if err := json.Unmarshal(raw, &w); err != nil {
		return Contribution{}, errors.New(describe(err))
	}
	v, err := w.contribution()
	v.Raw = raw
	return v, err
}

func oldDecodeReleaseItem(dec *json.Decoder) (Release, error) {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return Release{}, errors.New(describe(err))
	}
	var w wireRelease
	if err := json.Unmarshal(raw, &w); err != nil {
		return Release{}, errors.New(describe(err))
	}
	v, err := w.release()
	v.Raw = raw
	return v, err
}

// sameItem decodes data the old way and the new way with item decoders of
// one kind and describes the first difference ("" when there is none).
func sameItem[T any](data []byte, oldItem func(*json.Decoder) (T, error), newItem itemFunc[T]) string {
	ov, oerr := oldItem(json.NewDecoder(bytes.NewReader(data)))
	p := newPageDecoder(bytes.NewReader(data))
	defer p.free()
	nv, nerr := newItem(p)
	if errorWords(oerr) != errorWords(nerr) {
		return fmt.Sprintf("error: old %v, new %v", oerr, nerr)
	}
	if !reflect.DeepEqual(ov, nv) {
		return fmt.Sprintf("value:\nold %+v\nnew %+v", ov, nv)
	}
	return ""
}

// invalidAt is the one number allowed to differ between the old and the new
// error words: v1 counts a syntax error's offset past the byte it stopped at,
// jsontext at that byte, so "invalid JSON at byte N" differs by that.
var invalidAt = regexp.MustCompile(`invalid JSON at byte [0-9]+`)

// errorWords is err's text with that offset blanked ("<nil>" for no error).
func errorWords(err error) string {
	return invalidAt.ReplaceAllString(fmt.Sprint(err), "invalid JSON at byte N")
}

// diffItem checks data as a batch, a contribution and a release.
func diffItem(data []byte) error {
	if d := sameItem(data, oldDecodeBatchItem, decodeBatchItem); d != "" {
		return fmt.Errorf("batch %s", d)
	}
	if d := sameItem(data, oldDecodeContributionItem, decodeContributionItem); d != "" {
		return fmt.Errorf("contribution %s", d)
	}
	if d := sameItem(data, oldDecodeReleaseItem, decodeReleaseItem); d != "" {
		return fmt.Errorf("release %s", d)
	}
	return nil
}

// DiffItemForTest is diffItem for the external tests, which can render items
// with espfake.
var DiffItemForTest = diffItem
