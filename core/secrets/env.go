package secrets

import "os"

// Env reads credentials from STOCKSYNC_ESP_* environment variables. It is
// read-only: Stocksync never writes secrets anywhere but the keychain.
type Env struct {
	reason *NoKeychainError
}

var _ Store = (*Env)(nil)

// NewEnv returns a store that reads the process environment.
func NewEnv() *Env { return &Env{} }

// Reason is why the environment is used instead of the keychain, when
// Auto chose it; nil otherwise.
func (e *Env) Reason() error {
	if e.reason == nil {
		return nil
	}
	return e.reason
}

func (e *Env) get(name string) string { return os.Getenv(name) }

// Load reads the variables: STOCKSYNC_ESP_SESSION alone (a browser
// session, as pasted: a Cookie header value or a bare token), or else all
// the partner variables but the refresh token.
func (e *Env) Load() (Credentials, error) {
	if v := e.get(EnvSession); v != "" {
		return Credentials{Session: NewSecret(v)}, nil
	}
	var missing []string
	required := func(name string) string {
		v := e.get(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	c := Credentials{
		Username:     required(EnvUsername),
		Password:     NewSecret(required(EnvPassword)),
		APIKey:       NewSecret(required(EnvAPIKey)),
		APISecret:    NewSecret(required(EnvAPISecret)),
		RefreshToken: NewSecret(e.get(EnvRefreshToken)),
	}
	if len(missing) > 0 {
		return Credentials{}, &MissingEnvError{Missing: missing, NoKeychain: e.reason}
	}
	return c, nil
}

// Save refuses: secrets are not written anywhere but a keychain.
func (e *Env) Save(Credentials) error { return e.readOnly("save") }

// Delete refuses: unset the variables instead.
func (e *Env) Delete() error { return e.readOnly("delete") }

func (e *Env) readOnly(op string) error { return &readOnlyError{op: op, reason: e.reason} }

// readOnlyError is ErrReadOnly and, when no keychain was found, also
// ErrNoKeychain, whose message tells the user what to do.
type readOnlyError struct {
	op     string
	reason *NoKeychainError
}

func (e *readOnlyError) Error() string {
	if e.reason != nil {
		return "cannot " + e.op + " ESP credentials: " + e.reason.Error()
	}
	return "cannot " + e.op + " ESP credentials: " + ErrReadOnly.Error() + ": change the STOCKSYNC_ESP_* variables instead"
}

func (e *readOnlyError) Is(target error) bool { return target == ErrReadOnly }

func (e *readOnlyError) Unwrap() error {
	if e.reason == nil {
		return nil
	}
	return e.reason
}
