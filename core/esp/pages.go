package esp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// The reader of list pages and single objects (issue 15): a
// jsontext.Decoder over the body, streaming, each item read once with
// ReadValue and copied out (the decoder's buffer is reused) before the
// member walk decodes it. It accepts what encoding/json v1's Decoder
// accepted and words every error as v1's reading did; the v1 reader is kept
// in pages_oracle_test.go and pages_diff_test.go holds the two together.

// itemFunc reads one list item from the page.
type itemFunc[T any] func(*pageDecoder) (T, error)

// pageDecoder is a pooled jsontext.Decoder over one body.
type pageDecoder struct {
	dec jsontext.Decoder
	rd  errReader
}

// errReader remembers the body's first read error other than io.EOF, so
// that it is reported in its own words, not jsontext's.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(b []byte) (int, error) {
	n, err := e.r.Read(b)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

var pageDecoders = sync.Pool{New: func() any { return new(pageDecoder) }}

func newPageDecoder(r io.Reader) *pageDecoder {
	p := pageDecoders.Get().(*pageDecoder)
	if bb, ok := r.(*bytes.Buffer); ok {
		// A page read whole (call.go, readFirst): jsontext parses the
		// buffer in place instead of copying it; it has no read errors.
		p.rd = errReader{}
		p.dec.Reset(bb, memberOptions...)
		return p
	}
	p.rd = errReader{r: r}
	p.dec.Reset(&p.rd, memberOptions...)
	return p
}

// free returns p to the pool; nothing it returned may be used after.
func (p *pageDecoder) free() {
	p.rd = errReader{}
	p.dec.Reset(&p.rd)
	pageDecoders.Put(p)
}

// fail words err as describe does, a read error in the body's own words.
func (p *pageDecoder) fail(err error) error {
	if p.rd.err != nil && errors.Is(err, p.rd.err) {
		err = p.rd.err
	}
	return errors.New(describe(err))
}

// more is v1's Decoder.More: whether a byte other than white space follows
// and it is not ']' or '}'. When the next token is wrong jsontext says no
// more, so the bytes decide, as they did for v1: the error then comes from
// the item or key read next (and so names the item), as it did.
func (p *pageDecoder) more() bool {
	switch p.dec.PeekKind() {
	case ']', '}':
		return false
	case 0:
		for _, c := range p.dec.UnreadBuffer() {
			switch c {
			case ' ', '\t', '\r', '\n':
				continue
			case ']', '}':
				return false
			}
			return true
		}
		return false
	}
	return true
}

// token reads one token and returns its kind ('n', 't', 'f', '"', '0',
// '{', '}', '[', ']'). Like v1's Decoder.Token it refuses a number beyond
// float64, in v1's words.
func (p *pageDecoder) token() (jsontext.Kind, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return 0, p.fail(err)
	}
	if err := beyondFloat(tok); err != nil {
		return 0, err
	}
	return tok.Kind(), nil
}

// beyondFloat is v1's refusal of a number token float64 cannot hold.
func beyondFloat(tok jsontext.Token) error {
	if tok.Kind() != '0' {
		return nil
	}
	s := tok.String()
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return errors.New(describe(&json.UnmarshalTypeError{Value: "number " + s, Type: reflect.TypeFor[float64]()}))
	}
	return nil
}

// item reads the next value whole and returns a copy the caller owns.
func (p *pageDecoder) item() (json.RawMessage, error) {
	v, err := p.dec.ReadValue()
	if err != nil {
		return nil, p.fail(err)
	}
	return append(json.RawMessage(nil), v...), nil
}

func (p *pageDecoder) expectDelim(want jsontext.Kind, what string) error {
	k, err := p.token()
	if err != nil {
		return err
	}
	if k != want {
		return fmt.Errorf("%s where %s belongs", tokenKind(k), what)
	}
	return nil
}

func (p *pageDecoder) objectKey() (string, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			if at, ok := p.notAName(); ok {
				return "", fmt.Errorf("invalid JSON at byte %d", at) // v1 judged the byte first
			}
		}
		return "", p.fail(err)
	}
	if tok.Kind() != '"' { // jsontext refuses anything else as a name
		return "", fmt.Errorf("%s where an object key belongs", tokenKind(tok.Kind()))
	}
	return tok.String(), nil
}

// notAName finds, after a body cut short where an object's member name
// belongs, the offset of the byte that cannot begin a name (a literal or
// number cut short: jsontext reads it to its end first, v1 refused its
// first byte, so the error was a syntax error, not an early end).
func (p *pageDecoder) notAName() (int64, bool) {
	b := p.dec.UnreadBuffer()
	i := skipSpace(b, 0)
	if i < len(b) && b[i] == ',' {
		i = skipSpace(b, i+1)
	}
	if i < len(b) && b[i] != '"' {
		return p.dec.InputOffset() + int64(i), true
	}
	return 0, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

func (p *pageDecoder) skipValue() error {
	if err := p.dec.SkipValue(); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) && p.atName() {
			if at, ok := p.notAName(); ok {
				return fmt.Errorf("invalid JSON at byte %d", at) // v1 judged the byte first
			}
		}
		return p.fail(err)
	}
	return nil
}

// atName reports whether the decoder stopped inside an object where a
// member name belongs (its names and values so far are even in number):
// within a value being skipped, as objectKey's case is at the page's level.
func (p *pageDecoder) atName() bool {
	k, n := p.dec.StackIndex(p.dec.StackDepth())
	return k == '{' && n%2 == 0
}

// meta reads an envelope's "meta" value and returns its total_items (total
// unchanged when there is none). It is small, so v1 decodes it.
func (p *pageDecoder) meta(total int) (int, error) {
	v, err := p.dec.ReadValue()
	if err != nil {
		return 0, fmt.Errorf("meta: %s", p.fail(err))
	}
	var meta struct {
		TotalItems *count `json:"total_items"`
	}
	if err := json.Unmarshal(v, &meta); err != nil {
		return 0, fmt.Errorf("meta: %s", describe(err))
	}
	if meta.TotalItems != nil {
		total = int(*meta.TotalItems)
	}
	return total, nil
}

// endOfDocument consumes the closing delimiter (if close is not 0) and checks
// that nothing but white space follows.
func (p *pageDecoder) endOfDocument(close jsontext.Kind) error {
	if close != 0 {
		k, err := p.token()
		if err != nil {
			return err
		}
		if k != close {
			return fmt.Errorf("%s where %q belongs", tokenKind(k), string(rune(close)))
		}
	}
	tok, err := p.dec.ReadToken()
	switch {
	case err == io.EOF:
		return nil
	case err != nil:
		return p.fail(err)
	}
	if err := beyondFloat(tok); err != nil {
		return err
	}
	return errors.New("more data after the end of the JSON document")
}

func tokenKind(k jsontext.Kind) string {
	switch k {
	case '[', ']':
		return "a list"
	case '{', '}':
		return "an object"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "something"
}
