package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name of Stocksync's items.
const Service = "io.github.stocksync.Stocksync"

const (
	account      = "esp"
	probeAccount = "keychain-probe" // never stored: asking for it only tests reachability
)

// Keychain stores credentials as one keychain item, so a save is all or
// nothing. On macOS go-keyring passes the secret to /usr/bin/security on
// stdin, never on its command line.
type Keychain struct{}

var _ Store = Keychain{}

// stored is the item's content; Credentials' own JSON encoding is redacted.
type stored struct {
	Version      int    `json:"v"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	APIKey       string `json:"api_key"`
	APISecret    string `json:"api_secret"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Session      string `json:"session,omitempty"`
}

// Save replaces the stored credentials.
func (Keychain) Save(c Credentials) error {
	if err := c.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(stored{Version: 1, Username: c.Username, Password: c.Password.Reveal(),
		APIKey: c.APIKey.Reveal(), APISecret: c.APISecret.Reveal(), RefreshToken: c.RefreshToken.Reveal(), Session: c.Session.Reveal()})
	if err != nil {
		return fmt.Errorf("save ESP credentials to the keychain: %w", err)
	}
	if err := keyring.Set(Service, account, string(data)); err != nil {
		return fmt.Errorf("save ESP credentials to the keychain: %w", err)
	}
	return nil
}

// Load reads the stored credentials; ErrNotFound when there are none.
func (Keychain) Load() (Credentials, error) {
	data, err := keyring.Get(Service, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return Credentials{}, fmt.Errorf("read ESP credentials from the keychain: %w: sign in to ESP first", ErrNotFound)
	}
	if err != nil {
		return Credentials{}, fmt.Errorf("read ESP credentials from the keychain: %w", err)
	}
	var s stored
	// The decoder's error could quote part of the item, so it is not passed on.
	if json.Unmarshal([]byte(data), &s) != nil || s.Version != 1 {
		return Credentials{}, fmt.Errorf("read ESP credentials from the keychain: the item %q of service %s is not in a format this version understands: sign in to ESP again", account, Service)
	}
	return Credentials{Username: s.Username, Password: NewSecret(s.Password), APIKey: NewSecret(s.APIKey),
		APISecret: NewSecret(s.APISecret), RefreshToken: NewSecret(s.RefreshToken), Session: NewSecret(s.Session)}, nil
}

// Delete removes the stored credentials; deleting nothing is not an error.
func (Keychain) Delete() error {
	err := keyring.Delete(Service, account)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("delete ESP credentials from the keychain: %w", err)
	}
	return nil
}

// Probe reports whether a keychain is reachable: nil, or a *NoKeychainError.
func Probe() error {
	_, err := keyring.Get(Service, probeAccount)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return &NoKeychainError{Cause: err}
}

// Auto returns the environment when STOCKSYNC_ESP_USERNAME and
// STOCKSYNC_ESP_PASSWORD are both set (an explicit choice wins, as for any
// Unix tool: scripts, CI, a second account), else the keychain when it is
// reachable, else the environment (whose errors then explain that no
// keychain was found).
func Auto() Store {
	if os.Getenv(EnvSession) != "" || os.Getenv(EnvUsername) != "" && os.Getenv(EnvPassword) != "" {
		return NewEnv()
	}
	if err := Probe(); err != nil {
		var nk *NoKeychainError
		errors.As(err, &nk)
		return &Env{reason: nk}
	}
	return Keychain{}
}
