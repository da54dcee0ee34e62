package secrets

import (
	"errors"
	"fmt"
	"strings"
)

// Store keeps credentials.
type Store interface {
	Save(Credentials) error
	Load() (Credentials, error)
	Delete() error
}

// Names of the environment variables read where no keychain is reachable.
const (
	EnvUsername     = "STOCKSYNC_ESP_USERNAME"
	EnvPassword     = "STOCKSYNC_ESP_PASSWORD"
	EnvAPIKey       = "STOCKSYNC_ESP_API_KEY"
	EnvAPISecret    = "STOCKSYNC_ESP_API_SECRET"
	EnvRefreshToken = "STOCKSYNC_ESP_REFRESH_TOKEN" // optional
	// EnvSession holds an ESP browser session: a Cookie header value or a
	// bare access token (see session.FromPasted). When set, the partner
	// variables are not needed.
	EnvSession = "STOCKSYNC_ESP_SESSION"
)

var (
	// ErrNoKeychain: no keychain is reachable; credentials come from the
	// environment. Errors that say so are *NoKeychainError.
	ErrNoKeychain = errors.New("no keychain is reachable")
	// ErrNotFound: no credentials are stored (or set) yet.
	ErrNotFound = errors.New("no ESP credentials stored")
	// ErrReadOnly: the store cannot be written (environment variables).
	ErrReadOnly = errors.New("ESP credentials from environment variables cannot be changed by Stocksync")
)

// NoKeychainError says that no keychain could be reached, why, and what the
// user can do instead.
type NoKeychainError struct {
	Cause error
}

func (e *NoKeychainError) Error() string {
	cause := "no keychain service answered"
	if e.Cause != nil {
		cause = e.Cause.Error()
	}
	return fmt.Sprintf("no keychain is reachable on this system (%s): set %s (a signed-in ESP session) or, for the partner API, %s, %s, %s and %s in the environment instead",
		cause, EnvSession, EnvUsername, EnvPassword, EnvAPIKey, EnvAPISecret)
}

func (e *NoKeychainError) Is(target error) bool { return target == ErrNoKeychain }
func (e *NoKeychainError) Unwrap() error        { return e.Cause }

// MissingEnvError lists the environment variables that are not set.
type MissingEnvError struct {
	Missing []string
	// NoKeychain is set when the environment is used because no keychain
	// is reachable.
	NoKeychain *NoKeychainError
}

func (e *MissingEnvError) Error() string {
	if e.NoKeychain != nil {
		return e.NoKeychain.Error() + " (missing: " + strings.Join(e.Missing, ", ") + ")"
	}
	return "ESP credentials are not in the environment: set " + strings.Join(e.Missing, ", ")
}

func (e *MissingEnvError) Is(target error) bool { return target == ErrNotFound }

func (e *MissingEnvError) Unwrap() error {
	if e.NoKeychain == nil {
		return nil
	}
	return e.NoKeychain
}
