package esp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

func decodeList[T any](r io.Reader, item itemFunc[T]) ([]T, error) {
	out, _, err := decodeListTotal(r, item)
	return out, err
}

// decodeListTotal is decodeList also returning the total an envelope's
// "meta":{"total_items":N} gives (-1: none, as for a plain array).
func decodeListTotal[T any](r io.Reader, item itemFunc[T]) ([]T, int, error) {
	total := -1
	p := newPageDecoder(r)
	defer p.free()
	kind, err := p.token()
	if err != nil {
		return nil, total, err
	}
	switch kind {
	case '[':
		out, err := decodeArrayBody(p, item)
		if err != nil {
			return nil, total, err
		}
		return out, total, p.endOfDocument(']')
	case '{':
		var out []T
		saw := false
		for p.more() {
			key, err := p.objectKey()
			if err != nil {
				return nil, total, err
			}
			switch key {
			case "items":
				saw = true
				if out, err = decodeArray(p, item); err != nil {
					return nil, total, err
				}
			case "meta":
				t, err := p.meta(total)
				if err != nil {
					return nil, total, err
				}
				total = t
			default:
				if err := p.skipValue(); err != nil {
					return nil, total, err
				}
			}
		}
		if !saw {
			return nil, total, errors.New("an object without an items list where a list belongs")
		}
		return out, total, p.endOfDocument('}')
	}
	return nil, total, fmt.Errorf("%s where a list belongs", tokenKind(kind))
}

// decodeOne reads one object, unwrapping {"<wrapper>":{…}} if the server
// wrapped it. The object is small, so it is read whole (within the limit).
func decodeOne[T any](r io.Reader, wrapper string, fromRaw func(json.RawMessage) (T, error)) (T, error) {
	var zero T
	p := newPageDecoder(r)
	defer p.free()
	raw, err := p.item()
	if err != nil {
		return zero, err
	}
	if err := p.endOfDocument(0); err != nil {
		return zero, err
	}
	if jsonKind(raw) != "object" {
		return zero, fmt.Errorf("a %s where an object belongs", jsonKind(raw))
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err == nil && len(env) == 1 {
		if inner, ok := env[wrapper]; ok && jsonKind(inner) == "object" {
			raw = inner
		}
	}
	return fromRaw(raw)
}
