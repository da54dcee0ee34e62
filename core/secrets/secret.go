package secrets

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Secret holds a secret string that no formatting reveals. The string sits
// behind a pointer so that even fmt's raw printing (a Secret inside an
// unexported field of another struct, or a wrong verb such as %p) shows an
// address, never the text. Reveal is the only way to read it.
type Secret struct {
	p *string
}

// NewSecret wraps s; the empty string gives the zero Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &s}
}

// Reveal returns the secret text, for the one place that must send it.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s.p != nil && *s.p != "" }

// Equal compares the secret texts.
func (s Secret) Equal(o Secret) bool { return s.Reveal() == o.Reveal() }

const redacted = "[redacted]"

// String is "[redacted]", or "" when the secret is empty.
func (s Secret) String() string {
	if !s.IsSet() {
		return ""
	}
	return redacted
}

// GoString is what %#v prints.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// Format prints the redacted form for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.String())
}

// LogValue makes slog log the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON encodes the redacted form.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }
