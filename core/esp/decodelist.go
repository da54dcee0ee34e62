package esp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

func decodeList[T any](r io.Reader, item func(*json.Decoder) (T, error)) ([]T, error) {
	out, _, err := decodeListTotal(r, item)
	return out, err
}

// decodeListTotal is decodeList also returning the total an envelope's
// "meta":{"total_items":N} gives (-1: none, as for a plain array).
func decodeListTotal[T any](r io.Reader, item func(*json.Decoder) (T, error)) ([]T, int, error) {
	total := -1
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return nil, total, errors.New(describe(err))
	}
	switch tok {
	case json.Delim('['):
		out, err := decodeArrayBody(dec, item)
		if err != nil {
			return nil, total, err
		}
		return out, total, endOfDocument(dec, ']')
	case json.Delim('{'):
		var out []T
		saw := false
		for dec.More() {
			key, err := objectKey(dec)
			if err != nil {
				return nil, total, err
			}
			switch key {
			case "items":
				saw = true
				if out, err = decodeArray(dec, item); err != nil {
					return nil, total, err
				}
			case "meta":
				var meta struct {
					TotalItems *count `json:"total_items"`
				}
				if err := dec.Decode(&meta); err != nil {
					return nil, total, fmt.Errorf("meta: %s", describe(err))
				}
				if meta.TotalItems != nil {
					total = int(*meta.TotalItems)
				}
			default:
				if err := skipValue(dec); err != nil {
					return nil, total, err
				}
			}
		}
		if !saw {
			return nil, total, errors.New("an object without an items list where a list belongs")
		}
		return out, total, endOfDocument(dec, '}')
	}
	return nil, total, fmt.Errorf("%s where a list belongs", tokenKind(tok))
}

// decodeOne reads one object, unwrapping {"<wrapper>":{…}} if the server
// wrapped it. The object is small, so it is read whole (within the limit).
func decodeOne[T any](r io.Reader, wrapper string, item func(*json.Decoder) (T, error)) (T, error) {
	var zero T
	var raw json.RawMessage
	dec := json.NewDecoder(r)
	if err := dec.Decode(&raw); err != nil {
		return zero, errors.New(describe(err))
	}
	if err := endOfDocument(dec, 0); err != nil {
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
	return item(json.NewDecoder(bytesReader(raw)))
}
