package esp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The member walk (decodeMembers) must decode every item exactly as
// json.Unmarshal did: same fields, same error words. These tests and
// FuzzMembersMatchV1 compare it with the oracle in members_oracle_test.go.

var hostileItems = []string{
	`{"id":"1","status":"open","contributions_count":3}`,
	`{"id":"1","id":"2"}`,                               // later duplicate wins
	`{"id":"1","id":null}`,                              // null keeps what flexID had
	`{"id":"1","ID":"2","Id":"3"}`,                      // case-insensitive, later wins
	`{"ID":"7","STATUS":"Closed"}`,                      // only folded names
	`{"i\u0064":"5","st\u0061tus":"x"}`,                 // escaped names
	`{"\u0069\u0044":"5"}`,                              // escaped and folded
	`{"id":"1","file_name":"\u212a.jpg"}`,               // escapes in values
	"{\"id\":\"1\",\"file_name\":\"a\xffb\"}",           // invalid UTF-8 in a value
	"{\"id\":\"1\",\"\xff\":\"x\",\"status\":\"\xc3\"}", // and in a name
	`{"id":"1","\ud800":"x","status":"\udc00"}`,         // lone surrogates
	`{"id":"1","\u212aeywords":["a"]}`,                  // Kelvin sign folds to K
	`{"id":"1","ſtatus":"open"}`,                        // long s folds to S
	`{"id":"1","contributions_count":"3"}`,              // number as string: strict count
	`{"id":"1","contributions_count":-1}`,
	`{"id":"1","contributions_count":1.5}`,
	`{"id":"1","contributions_count":99999999999}`,
	`{"id":"1","image_width":"5472"}`,
	`{"id":1234,"is_getty":"1","is_istock":0,"istock_exclusive":"yes"}`,
	`{"id":-5}`,
	`{"id":1.5}`,
	`{"id":"  "}`,
	`{"id":{}}`,
	`{"id":["1"]}`,
	`{"id":true}`,
	`{"id":null}`,
	`{}`,
	`null`,
	`"a string"`,
	`42`,
	`true`,
	`[{"id":"1"}]`,
	`{"id":"1","is_getty":"maybe"}`,
	`{"id":"1","note":{"a":1}}`,
	`{"id":"1","created_at":"not a time","updated_at":12,"last_submitted_at":null}`,
	`{"id":"1","submitted_at":"2024-01-01 10:00:00","published_at":"2024-01-01"}`,
	`{"id":"1","keywords":"a, b ,a,,c"}`,
	`{"id":"1","keywords":[{"term":"x"},"y",3,null,{"term":{"deep":[1,2]}},[["z"]]]}`,
	`{"id":"1","keywords":{"a":1}}`,
	`{"id":"1","keywords":7}`,
	`{"id":"1","errors":{"headline":"too long","caption":["a","b"],"x":{"y":1},"z":null}}`,
	`{"id":"1","errors":[1,2]}`,
	`{"id":"1","model_ethnicities":["a",1,true,null]}`,
	`{"id":"1","model_ethnicities":[{"a":1}]}`,
	`{"id":"1","model_ethnicities":{"a":1}}`,
	`{"id":"1","model_ethnicities":"one"}`,
	`{"id":"1","reviews":[{"reviewed_at":"2024-01-05T09:00:00Z","outcome":"accepted","reasons":["a"],"notes":"n"}]}`,
	`{"id":"1","reviews":{"x":1}}`,
	`{"id":"1","reviews":"text"}`,
	`{"id":"1","reviews":[1,"a",null,{"reasons":{"k":"v"}}]}`,
	`{"id":"1","unknown":{"deep":[[[[{"a":[1,2,{"b":null}]}]]]]},"status":"open"}`,
	` { "id" : "1" , "status" : "open" } `,
	"{\"id\"\t:\n\"1\"\r,\"status\":\"open\"}",
	`{"id":"1","headline":"line\nbreak \"quoted\" \\ back \/ slash \u00e9"}`,
	`{"id":"1","submission_batch_id":77,"master_id":"abc"}`,
	`{"id":"1","image_width":null,"image_height":0}`,
	`{"id":"1","contributions_count":1e3}`,
	`{"id":"1","contributions_count":-0}`,
	`{"id":"1","camera_shot_date":2024}`,
	`{"id":"1","status":false,"note":12.50}`,
	`{"`, `{"id":"1",}`, `{"id" "1"}`, `{"id":"1"`, ``, `   `, `nul`, `{"id":01}`,
}

func TestMembersMatchV1OnHostileItems(t *testing.T) {
	for _, s := range hostileItems {
		if err := diffItem([]byte(s)); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// TestMembersMatchV1OnCorpus compares every item of the decoders' fuzz
// seed corpora (recorded server pages among them), and each whole input.
func TestMembersMatchV1OnCorpus(t *testing.T) {
	n := 0
	for _, data := range corpusInputs(t) {
		for _, item := range append(splitItems(data), data) {
			n++
			if err := diffItem(item); err != nil {
				t.Errorf("%.200q: %v", item, err)
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d corpus inputs compared", n)
	}
}

// TestMemberTablesMatchTags: each table row names its field by the field's
// json tag, and every field of the wire struct has its row.
func TestMemberTablesMatchTags(t *testing.T) {
	checkTable(t, batchMembers)
	checkTable(t, contributionMembers)
	checkTable(t, releaseMembers)
}

func checkTable[W any](t *testing.T, tab *memberTable[W]) {
	typ := reflect.TypeFor[W]()
	if len(tab.fields) != typ.NumField() {
		t.Errorf("%s: %d rows for %d fields", typ, len(tab.fields), typ.NumField())
	}
	var w W
	base := reflect.ValueOf(&w).Elem()
	for _, f := range tab.fields {
		ptr := reflect.ValueOf(f.field(&w)).Pointer()
		found := false
		for i := range typ.NumField() {
			if base.Field(i).Addr().Pointer() == ptr && base.Field(i).Addr().Type() == reflect.TypeOf(f.field(&w)) {
				found = true
				if tag := typ.Field(i).Tag.Get("json"); tag != f.name {
					t.Errorf("%s.%s: row says %q, tag %q", typ, typ.Field(i).Name, f.name, tag)
				}
			}
		}
		if !found {
			t.Errorf("%s: row %q points at no field", typ, f.name)
		}
	}
}

// corpusInputs reads the inputs of testdata/fuzz (Go's corpus file format:
// a header line, then []byte("…") lines).
func corpusInputs(t testing.TB) [][]byte {
	files, err := filepath.Glob("testdata/fuzz/*/*")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if lit, ok := strings.CutPrefix(line, "[]byte("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(lit, ")")); err == nil {
					out = append(out, []byte(s))
				}
			}
		}
	}
	return out
}

// splitItems returns the items of a list page (a plain array or an
// {"items":[…]} envelope), or nothing.
func splitItems(data []byte) [][]byte {
	var list []json.RawMessage
	if json.Unmarshal(data, &list) != nil {
		var env struct{ Items []json.RawMessage }
		if json.Unmarshal(data, &env) != nil {
			return nil
		}
		list = env.Items
	}
	out := make([][]byte, len(list))
	for i, r := range list {
		out[i] = r
	}
	return out
}

func FuzzMembersMatchV1(f *testing.F) {
	for _, s := range hostileItems {
		f.Add([]byte(s))
	}
	for _, data := range corpusInputs(f) {
		for _, item := range splitItems(data) {
			f.Add(item)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := diffItem(data); err != nil {
			t.Fatalf("%q: %v", data, err)
		}
	})
}
