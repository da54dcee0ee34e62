package esp

import (
	"encoding/json"
	"strings"
	"testing"
)

// Found by breaking issue #10: `esp probe` printed every object key verbatim,
// so an object keyed by data (ids, file names, titles, e-mail addresses, as
// ESP's per-field "errors" or any id-keyed map may be) put values into a
// report meant to be safe to attach to a bug report.
func TestProbeShapeHidesKeysThatAreValues(t *testing.T) {
	body := `{"items":[{"id":"80000002","errors":{"headline":["too long"],"80000002":{"x":1},
		"DSC_0001.jpg":"bad","ann@example.com":true,"Zürich 東京":1,"Sunset over the sea":2,
		"a1b2c3d4e5f60718293a4b5c6d7e8f90":3,"\u001b[31mred":4,"":5},
		"@odata.type":"x","$ref":"y","sts_token":"secret-value","model_date_of_birth":null,"x-request-id":"z","ErrorCode":"c"}]}`
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(shapeOf(v))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, value := range []string{"80000002", "DSC_0001", "ann@example", "Zürich", "Sunset", "a1b2c3d4", "red", "secret-value", "too long"} {
		if strings.Contains(out, value) {
			t.Errorf("shape holds the value %q: %s", value, out)
		}
	}
	for _, name := range []string{`"headline"`, `"errors"`, `"@odata.type"`, `"$ref"`, `"sts_token"`, `"model_date_of_birth"`, `"x-request-id"`, `"ErrorCode"`, `"id"`, `"` + ValueKey + `"`} {
		if !strings.Contains(out, name) {
			t.Errorf("shape lost the field name %s: %s", name, out)
		}
	}
	// The value keys merge into one entry whose shape unites theirs.
	errs := shapeOf(v).Keys["items"].Items.Keys["errors"]
	if len(errs.Keys) != 2 || errs.Keys[ValueKey] == nil || errs.Keys[ValueKey].Type != "bool|number|object|string" {
		t.Errorf("errors shape = %s; want headline and one %s of type bool|number|object|string", out, ValueKey)
	}
}
