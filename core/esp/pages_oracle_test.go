package esp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The oracle of the page decoders: the envelope readers as they were before
// issue 15 moved them to jsontext, an encoding/json v1 Decoder reading
// tokens. Kept only here, so that pages_diff_test.go can require the same
// results and the same error words (all but the number N in "invalid JSON
// at byte N": v1 and jsontext count the offset of a syntax error from
// different points).

func oldDecodeBatchListMax(r io.Reader, max int) (items []Batch, total int, err error) {
	dec := json.NewDecoder(r)
	total = -1
	sawItems := false
	if err := oldExpectDelim(dec, '{', "an object with items"); err != nil {
		return nil, 0, err
	}
	for dec.More() {
		key, err := oldObjectKey(dec)
		if err != nil {
			return nil, 0, err
		}
		switch key {
		case "items":
			sawItems = true
			items, err = oldDecodeArray(dec, oldLimitItems(oldDecodeBatchItem, max))
			if err != nil {
				return nil, 0, err
			}
		case "meta":
			var meta struct {
				TotalItems *count `json:"total_items"`
			}
			if err := dec.Decode(&meta); err != nil {
				return nil, 0, fmt.Errorf("meta: %s", describe(err))
			}
			if meta.TotalItems != nil {
				total = int(*meta.TotalItems)
			}
		default:
			if err := oldSkipValue(dec); err != nil {
				return nil, 0, err
			}
		}
	}
	if err := oldEndOfDocument(dec, '}'); err != nil {
		return nil, 0, err
	}
	if !sawItems {
		return nil, 0, errors.New(`no "items" list`)
	}
	return items, total, nil
}

func oldLimitItems[T any](item func(*json.Decoder) (T, error), max int) func(*json.Decoder) (T, error) {
	return oldLimitItemsSaying(item, max, fmt.Sprintf("more items than the page size of %d asked for", max))
}

func oldLimitItemsSaying[T any](item func(*json.Decoder) (T, error), max int, why string) func(*json.Decoder) (T, error) {
	n := 0
	return func(dec *json.Decoder) (T, error) {
		n++
		if max > 0 && n > max {
			var zero T
			return zero, errors.New(why)
		}
		return item(dec)
	}
}

func oldDecodeArray[T any](dec *json.Decoder, item func(*json.Decoder) (T, error)) ([]T, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, errors.New(describe(err))
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('[') {
		return nil, fmt.Errorf("items: %s where a list belongs", oldTokenKind(tok))
	}
	out, err := oldDecodeArrayBody(dec, item)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != nil { // the closing ]
		return nil, errors.New(describe(err))
	}
	return out, nil
}

func oldDecodeArrayBody[T any](dec *json.Decoder, item func(*json.Decoder) (T, error)) ([]T, error) {
	var out []T
	for i := 0; dec.More(); i++ {
		v, err := item(dec)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func oldExpectDelim(dec *json.Decoder, want json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		return errors.New(describe(err))
	}
	if tok != want {
		return fmt.Errorf("%s where %s belongs", oldTokenKind(tok), what)
	}
	return nil
}

func oldObjectKey(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", errors.New(describe(err))
	}
	key, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("%s where an object key belongs", oldTokenKind(tok))
	}
	return key, nil
}

func oldSkipValue(dec *json.Decoder) error {
	var discard json.RawMessage
	if err := dec.Decode(&discard); err != nil {
		return errors.New(describe(err))
	}
	return nil
}

func oldEndOfDocument(dec *json.Decoder, close json.Delim) error {
	if close != 0 {
		tok, err := dec.Token()
		if err != nil {
			return errors.New(describe(err))
		}
		if tok != close {
			return fmt.Errorf("%s where %q belongs", oldTokenKind(tok), string(close))
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return errors.New(describe(err))
		}
		return errors.New("more data after the end of the JSON document")
	}
	return nil
}

func oldTokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '[', ']':
			return "a list"
		case '{', '}':
			return "an object"
		}
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "something"
}

func oldDecodeListTotal[T any](r io.Reader, item func(*json.Decoder) (T, error)) ([]T, int, error) {
	total := -1
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return nil, total, errors.New(describe(err))
	}
	switch tok {
	case json.Delim('['):
		out, err := oldDecodeArrayBody(dec, item)
		if err != nil {
			return nil, total, err
		}
		return out, total, oldEndOfDocument(dec, ']')
	case json.Delim('{'):
		var out []T
		saw := false
		for dec.More() {
			key, err := oldObjectKey(dec)
			if err != nil {
				return nil, total, err
			}
			switch key {
			case "items":
				saw = true
				if out, err = oldDecodeArray(dec, item); err != nil {
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
				if err := oldSkipValue(dec); err != nil {
					return nil, total, err
				}
			}
		}
		if !saw {
			return nil, total, errors.New("an object without an items list where a list belongs")
		}
		return out, total, oldEndOfDocument(dec, '}')
	}
	return nil, total, fmt.Errorf("%s where a list belongs", oldTokenKind(tok))
}

func oldDecodeOne[T any](r io.Reader, wrapper string, item func(*json.Decoder) (T, error)) (T, error) {
	var zero T
	var raw json.RawMessage
	dec := json.NewDecoder(r)
	if err := dec.Decode(&raw); err != nil {
		return zero, errors.New(describe(err))
	}
	if err := oldEndOfDocument(dec, 0); err != nil {
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
	return item(json.NewDecoder(bytes.NewReader(raw)))
}
