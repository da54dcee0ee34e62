package secrets

import (
	"fmt"
	"log/slog"
	"strings"
)

// Credentials sign Stocksync in to ESP. Only Username is not secret; the
// secrets are read with Reveal where they are sent.
type Credentials struct {
	Username     string `json:"username"`
	Password     Secret `json:"password"`
	APIKey       Secret `json:"api_key"`
	APISecret    Secret `json:"api_secret"`
	RefreshToken Secret `json:"refresh_token"` // optional: set once OAuth has granted one
}

// Validate reports which required fields are empty.
func (c Credentials) Validate() error {
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
	return c.Username == o.Username && c.Password.Equal(o.Password) && c.APIKey.Equal(o.APIKey) &&
		c.APISecret.Equal(o.APISecret) && c.RefreshToken.Equal(o.RefreshToken)
}

// String shows the username and whether each secret is set, never a secret.
func (c Credentials) String() string {
	return fmt.Sprintf("{Username:%q Password:%q APIKey:%q APISecret:%q RefreshToken:%q}",
		c.Username, c.Password.String(), c.APIKey.String(), c.APISecret.String(), c.RefreshToken.String())
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
		slog.String("username", c.Username),
		slog.String("password", c.Password.String()),
		slog.String("api_key", c.APIKey.String()),
		slog.String("api_secret", c.APISecret.String()),
		slog.String("refresh_token", c.RefreshToken.String()),
	)
}
