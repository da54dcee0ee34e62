package esp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// The page reader on jsontext (pages.go) must read every page as the v1
// page reader did (pages_oracle_test.go): same items, totals and error
// words. The one difference allowed is the number N in "invalid JSON at
// byte N" (errorWords blanks it): v1 and jsontext count the offset of a
// syntax error from different points. (A second, outside these tests: v1
// allowed 10,000 levels of nesting within each item, jsontext allows 10,000
// in the whole page, so an item nested deeper than 9,998 levels, which no
// server sends, is now refused as invalid JSON.)

var hostilePages = []string{
	`{"items":[{"id":"1","contributions_count":2}],"meta":{"total_items":1}}`,
	`{"meta":{"total_items":42,"x":1},"extra":[1,{"a":2}],"items":[{"id":"1"},{"id":"2"}]}`,
	`{"items":[]}`, `{"items":null}`, `{"items":{}}`, `{"items":5}`, `{"items":"x"}`, `{"items":true}`,
	`{"items":1e999}`, `1e999`, `[] 1e999`, `[] 1`, `[]{}`, `[] x`, `[] "ab`, `[] -`, `[]]`,
	`{"items":[],"items":[{"id":"2"}]}`, `{"items":[{"id":"1"}],"items":null}`,
	`{"meta":{"total_items":"x"},"items":[]}`, `{"meta":5,"items":[]}`, `{"meta":null,"items":[]}`,
	`{"meta":{"total_items":-1},"items":[]}`, `{"meta":{"TOTAL_ITEMS":3},"items":[]}`, `{"meta":{"total_items":3}`,
	`{"meta":{"total_items":3},"meta":{"total_items":null},"items":[]}`,
	`{"items":[{"id":"1"},]}`, `{"items":[{"id":"1"} {"id":"2"}]}`, `{"items":[{"id":"1"},`, `{"items":[{"id":"1"}`,
	`{"items":[{"id":"1"}],}`, `{"items":[{"id":"1"}] "x":1}`, `{"items" []}`, `{"items":[]`, `{"items"`, `{`, `{1:2}`,
	`{"items":[1,"a",null,true]}`, `{"items":[{"id":"1"},{"id":null}]}`, `{"items":[{"id":"1"}]}]`,
	`[{"id":"1"},{"id":"2"},{"id":"3"}]`, `[{"id":"1"},{"id":"2"},{"id":"3"},{"id":`, `[{"id":"1"},{"id":"2"},{"id":"3"},x]`,
	`[{"id":"1"}`, `[{"id":"1"},`, `[{"id":"1"},]`, `[{"id":"1"} ]  `, ` [ ] `, `[`, `]`, `[}`, `[1 2]`, `[1}`,
	`{"items":[{"id":"1"}]}  {}`, `[] []`, `{}`, `{"x":1}`, `null`, `true`, `"text"`, `42`, ``, `   `, `nul`,
	"[{\"id\":\"\xff\"},{\"\xff\":1}]", `[{"id":"\ud800"}]`, `{"it\u0065ms":[]}`, `{"ITEMS":[]}`,
	`{"contribution":{"id":"1","headline":"x"}}`, `{"contribution":{"id":"1"},"contribution":{"id":"2"}}`,
	`{"contribution":{"id":"1"},"other":1}`, `{"contribution":[{"id":"1"}]}`, `{"batch":{"id":"b"}}`,
	`{"submission_batch":{"id":"b"}}`, `{"contribution":{"id":"1"}} x`, `{"id":"1"} {"id":"2"}`,
	"<html><body><h1>502 Bad Gateway</h1></body></html>",
	strings.Repeat("[", 500) + strings.Repeat("]", 500),
	`{"items":[{"id":"1","x":` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + `}]}`,
	`{"items":[` + strings.Repeat(`{"id":"1","keywords":["a","b"]},`, 300) + `{"id":"x"}]}`,
	// Cut short inside a skipped member's value where a name belongs: v1
	// refused the byte, not the early end (make reliability's fuzz finding).
	`{"":{t`, `{"":[{t`, `{"":{"a":1,t`, `{"":{ t`, `{"" : {t`, `{"":{"a":1} , "b":{t`, `{"":{"a":{"b":[{"c":1,n`,
	`{"":{"a":tr`, `{"":{"a":1,"b`, `{"":[1,x`,
}

// pageLimit is the page size the tests ask for: the hostile pages' longer
// lists pass it.
const pageLimit = 3

// diffPage reads data with every page decoder, old and new, and describes
// the first difference.
func diffPage(data []byte) error {
	rd := func() io.Reader { return bytes.NewReader(data) }
	checks := []struct {
		name     string
		old, new func() (any, error)
	}{
		{"batch list", func() (any, error) { return pair(oldDecodeBatchListMax(rd(), 0)) },
			func() (any, error) { return pair(decodeBatchListMax(rd(), 0)) }},
		{"batch page", func() (any, error) { return pair(oldDecodeBatchListMax(rd(), pageLimit)) },
			func() (any, error) { return pair(decodeBatchListMax(rd(), pageLimit)) }},
		{"contribution list", func() (any, error) { return pair(oldDecodeListTotal(rd(), oldDecodeContributionItem)) },
			func() (any, error) { return pair(decodeListTotal(rd(), decodeContributionItem)) }},
		{"contribution page", func() (any, error) {
			return pair(oldDecodeListTotal(rd(), oldLimitItems(oldDecodeContributionItem, pageLimit)))
		}, func() (any, error) { return pair(decodeListTotal(rd(), limitItems(decodeContributionItem, pageLimit))) }},
		{"release list", func() (any, error) { return pair(oldDecodeListTotal(rd(), oldDecodeReleaseItem)) },
			func() (any, error) { return pair(decodeListTotal(rd(), decodeReleaseItem)) }},
		{"batch object", func() (any, error) { return oldDecodeOne(rd(), modeledBatchWrapper, oldDecodeBatchItem) },
			func() (any, error) { return decodeBatchObject(rd()) }},
		{"contribution object", func() (any, error) {
			return oldDecodeOne(rd(), modeledContributionWrapper, oldDecodeContributionItem)
		}, func() (any, error) { return decodeContributionObject(rd()) }},
	}
	for _, c := range checks {
		ov, oerr := c.old()
		nv, nerr := c.new()
		if errorWords(oerr) != errorWords(nerr) {
			return fmt.Errorf("%s error: old %v, new %v", c.name, oerr, nerr)
		}
		if !reflect.DeepEqual(ov, nv) {
			return fmt.Errorf("%s value:\nold %+v\nnew %+v", c.name, ov, nv)
		}
	}
	return nil
}

// pair packs a list and its total into one comparable value.
func pair[T any](items []T, total int, err error) (any, error) {
	return struct {
		Items []T
		Total int
	}{items, total}, err
}

func TestPagesMatchV1OnHostilePages(t *testing.T) {
	for _, s := range append(hostilePages, hostileItems...) {
		if err := diffPage([]byte(s)); err != nil {
			t.Errorf("%.300q: %v", s, err)
		}
	}
}

// TestPagesMatchV1OnCorpus compares the decoders' fuzz seed corpora
// (recorded server pages among them), whole and cut short at every tenth
// of their length.
func TestPagesMatchV1OnCorpus(t *testing.T) {
	n := 0
	for _, data := range corpusInputs(t) {
		for i := 10; i >= 1; i-- {
			n++
			if err := diffPage(data[:len(data)*i/10]); err != nil {
				t.Errorf("%.200q (%d/10): %v", data, i, err)
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d corpus inputs compared", n)
	}
}

// TestPageReadErrorInItsOwnWords: a body that breaks off is reported with
// the reader's error, not jsontext's wrapping of it, as v1 reported it.
func TestPageReadErrorInItsOwnWords(t *testing.T) {
	broken := errors.New("connection reset by peer")
	body := func() io.Reader {
		return io.MultiReader(strings.NewReader(`[{"id":"1"},{"id":`), iotest.ErrReader(broken))
	}
	_, _, oerr := oldDecodeListTotal(body(), oldDecodeContributionItem)
	_, _, nerr := decodeListTotal(body(), decodeContributionItem)
	if nerr == nil || nerr.Error() != "item 1: connection reset by peer" || nerr.Error() != oerr.Error() {
		t.Fatalf("new %v, old %v; want item 1: connection reset by peer", nerr, oerr)
	}
	// One byte at a time: items cut at every read boundary decode the same.
	data := []byte(hostilePages[1])
	items, total, err := decodeBatchListMax(iotest.OneByteReader(bytes.NewReader(data)), 0)
	oitems, ototal, oerr := oldDecodeBatchListMax(bytes.NewReader(data), 0)
	if err != nil || oerr != nil || total != ototal || !reflect.DeepEqual(items, oitems) || len(items) != 2 {
		t.Fatalf("one byte at a time: %v %d %v; v1 %v %d %v", items, total, err, oitems, ototal, oerr)
	}
}

func FuzzPagesMatchV1(f *testing.F) {
	for _, s := range hostilePages {
		f.Add([]byte(s))
	}
	for _, data := range corpusInputs(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := diffPage(data); err != nil {
			t.Fatalf("%q: %v", data, err)
		}
	})
}
