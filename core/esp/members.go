package esp

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// One-pass decoding of a list item's members (issue 15). The item's raw
// bytes have already been read and validated by the page's reader (pages.go);
// instead of json.Unmarshal (which scans them again and finds every field by
// reflection) a jsontext tokenizer walks the members once and hands each
// member's raw value to its field's UnmarshalJSON directly. The outcome —
// fields set, and the error and its words — is that of encoding/json v1 on
// the same bytes; members_diff_test.go proves it against json.Unmarshal.

// memberField is one field of a wire struct: its JSON member name (the
// struct tag) and where the field is in a *W.
type memberField[W any] struct {
	name  string
	field func(*W) json.Unmarshaler
}

// memberTable finds a wire struct's field by member name the way
// encoding/json v1 does: the exact tag name first, else the name folded
// (case-insensitive, Unicode simple folding).
type memberTable[W any] struct {
	fields []memberField[W]
	exact  map[string]int
	folded map[string]int
	typ    reflect.Type // W, named in the error for an item that is no object
	name   string       // W's name, v1's UnmarshalTypeError.Struct
}

func newMemberTable[W any](fields ...memberField[W]) *memberTable[W] {
	t := &memberTable[W]{
		fields: fields,
		exact:  make(map[string]int, len(fields)),
		folded: make(map[string]int, len(fields)),
		typ:    reflect.TypeFor[W](),
	}
	t.name = t.typ.Name()
	for i, f := range fields {
		t.exact[f.name] = i
		t.folded[string(foldName(nil, []byte(f.name)))] = i
	}
	return t
}

// lookup returns the field for the member name as it is in the JSON text
// (quoted, maybe escaped), or -1 when W has none (the member is ignored).
func (t *memberTable[W]) lookup(quoted []byte) int {
	name := quoted[1 : len(quoted)-1]
	var arr [64]byte
	if bytes.IndexByte(name, '\\') >= 0 {
		// v1 replaces invalid UTF-8 by U+FFFD too; the error only says so.
		name, _ = jsontext.AppendUnquote(arr[:0], quoted)
	}
	if i, ok := t.exact[string(name)]; ok {
		return i
	}
	var farr [64]byte
	if i, ok := t.folded[string(foldName(farr[:0], name))]; ok {
		return i
	}
	return -1
}

// foldName is encoding/json v1's appendFoldedName: ASCII letters upper
// case, every other rune the smallest of its simple-folding orbit.
func foldName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// memberWalker is a reusable tokenizer over one item's bytes.
type memberWalker struct {
	buf bytes.Buffer
	dec jsontext.Decoder
}

var memberWalkers = sync.Pool{New: func() any { return new(memberWalker) }}

// Nothing encoding/json v1 accepted may be refused.
var memberOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// decodeMembers fills w from raw, one JSON value already validated, as
// json.Unmarshal(raw, w) would: members in order, later duplicates win,
// unknown members ignored, null handed to the field's UnmarshalJSON, the
// first error aborts. An *json.UnmarshalTypeError comes back with Struct and
// Field filled as v1 fills them (Field is the tag name), so describe words
// it the same. An item that is null leaves w zero; one of another kind is
// v1's type error naming W.
func decodeMembers[W any](raw []byte, w *W, t *memberTable[W]) error {
	if len(raw) == 0 || raw[0] != '{' {
		return nonObject(raw, t.typ)
	}
	mw := memberWalkers.Get().(*memberWalker)
	defer func() {
		mw.buf = bytes.Buffer{}
		mw.dec.Reset(&mw.buf)
		memberWalkers.Put(mw)
	}()
	mw.buf = *bytes.NewBuffer(raw)
	mw.dec.Reset(&mw.buf, memberOptions...)
	dec := &mw.dec
	if _, err := dec.ReadToken(); err != nil { // the {
		return err
	}
	for {
		if dec.PeekKind() == '}' {
			return nil
		}
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		value, err := dec.ReadValue()
		if err != nil {
			return err
		}
		i := t.lookup(name)
		if i < 0 {
			continue
		}
		f := t.fields[i]
		if err := f.field(w).UnmarshalJSON(value); err != nil {
			if te, ok := err.(*json.UnmarshalTypeError); ok { // v1's addErrorContext
				te.Struct = t.name
				if te.Field != "" {
					te.Field = f.name + "." + te.Field
				} else {
					te.Field = f.name
				}
			}
			return err
		}
	}
}

// nonObject is v1's error (or none) for an item that is not an object.
func nonObject(raw []byte, typ reflect.Type) error {
	if len(raw) == 0 {
		return &json.SyntaxError{Offset: 0}
	}
	switch raw[0] {
	case 'n':
		return nil
	case '"':
		return &json.UnmarshalTypeError{Value: "string", Type: typ}
	case '[':
		return &json.UnmarshalTypeError{Value: "array", Type: typ}
	case 't', 'f':
		return &json.UnmarshalTypeError{Value: "bool", Type: typ}
	}
	return &json.UnmarshalTypeError{Value: "number", Type: typ}
}
