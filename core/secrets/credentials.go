package secrets

import (
	"fmt"
	"log/slog"
	"strings"
)

// Credentials sign Stocksync in to ESP, one of two ways: a browser Session
// (the default: ESP's web API), or the partner API's username, password,
// API key and secret. Only Username is not secret; the secrets are read
// with Reveal where they are sent.
type Credentials struct {
	// Session is an ESP browser session in the form session.Session.Encode
	// writes (cookies and the ccw cookie's sts_token); set for session
	// sign-in, empty for the partner API.
	Session Secret `json:"session"`

	Username     string `json:"username"`
	Password     Secret `json:"password"`
	APIKey       Secret `json:"api_key"`
	APISecret    Secret `json:"api_secret"`
	RefreshToken Secret `json:"refresh_token"` // optional: set once OAuth has granted one
}

// IsSession reports whether c signs in with a browser session.
func (c Credentials) IsSession() bool { return c.Session.IsSet() }

// Validate reports which required fields are empty: none for a session;
// username, password, API key and secret for the partner API.
func (c Credentials) Validate() error {
	if c.IsSession() {
		return nil
	}
	var missing []string
	if c.Username == "" {
		missing = append(missing, "username")
	}
	for _, f := range []struct {
		name  string
		value Secret
	}{{"password", c.Password}, {"API key", c.APIKey}, {"API secret", c.APISecret}} {
		if !f.value.IsSet() {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("ESP credentials incomplete: %s missing", strings.Join(missing, ", "))
	}
	return nil
}

// Equal compares all fields, secrets included.
func (c Credentials) Equal(o Credentials) bool {
	return c.Session.Equal(o.Session) && c.Username == o.Username && c.Password.Equal(o.Password) && c.APIKey.Equal(o.APIKey) &&
		c.APISecret.Equal(o.APISecret) && c.RefreshToken.Equal(o.RefreshToken)
}

// String shows the username and whether each secret is set, never a secret.
func (c Credentials) String() string {
	return fmt.Sprintf("{Session:%q Username:%q Password:%q APIKey:%q APISecret:%q RefreshToken:%q}",
		c.Session.String(), c.Username, c.Password.String(), c.APIKey.String(), c.APISecret.String(), c.RefreshToken.String())
}

// GoString is what %#v prints: the same, redacted.
func (c Credentials) GoString() string { return "secrets.Credentials" + c.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q, %x, %d, …) print the
// redacted form.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, c.GoString())
		return
	}
	fmt.Fprint(f, c.String())
}

// LogValue makes slog log the redacted form.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("session", c.Session.String()),
		slog.String("username", c.Username),
		slog.String("password", c.Password.String()),
		slog.String("api_key", c.APIKey.String()),
		slog.String("api_secret", c.APISecret.String()),
		slog.String("refresh_token", c.RefreshToken.String()),
	)
}
