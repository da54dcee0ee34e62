package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
)

// Servers a user can pick. Production (also "") is ESP's web API
// (https://esp.gettyimages.com/api) for a browser session, or the partner
// API for partner keys; sandbox is the partner sandbox; custom uses APIRoot
// (and, for partner keys, TokenURL) as given.
const (
	ServerProduction = "production"
	ServerSandbox    = "sandbox"
	ServerDemo       = "demo"
	ServerCustom     = "custom"
)

// Config is everything the user can set that is not a secret.
type Config struct {
	Server     string `json:"server"`              // production (or ""), sandbox, demo, custom
	APIRoot    string `json:"api_root,omitempty"`  // custom: the web API root (…/api) or the partner root (…/esp)
	TokenURL   string `json:"token_url,omitempty"` // custom with partner keys: the OAuth2 token URL
	AuthScheme string `json:"auth_scheme"`         // partner API: "bearer" or "token"
	// ModeledReviews reads the modeled inline "reviews" array of files
	// (esp.Config.ModeledReviews); no evidence shows it on ESP, so it is off.
	ModeledReviews bool `json:"modeled_reviews,omitempty"`

	SyncIntervalMinutes int  `json:"sync_interval_minutes"`
	PushLocalChanges    bool `json:"push_local_changes"`
	Concurrency         int  `json:"concurrency"`
	// RequestsPerSecond limits requests to each ESP host: 0 means the
	// client's polite default, -1 no limit (for a local server).
	RequestsPerSecond float64 `json:"requests_per_second,omitempty"`

	Backup Backup `json:"backup"`
}

// Backup holds the backup settings.
type Backup struct {
	Destination       string    `json:"destination,omitempty"`
	Schedule          string    `json:"schedule"` // off, daily, weekly
	IncludeThumbnails bool      `json:"include_thumbnails"`
	Keep              int       `json:"keep"`
	SnoozedUntil      time.Time `json:"snoozed_until,omitzero"`
}

// Default is the configuration of a fresh install.
func Default() Config {
	return Config{
		Server:              ServerProduction,
		AuthScheme:          "bearer",
		SyncIntervalMinutes: 60,
		Concurrency:         8,
		Backup:              Backup{Schedule: "weekly", Keep: 10},
	}
}

// Validate names the first setting that is out of range.
func (c Config) Validate() error {
	switch c.Server {
	case ServerProduction, "", ServerSandbox, ServerDemo:
	case ServerCustom:
		if strings.TrimSpace(c.APIRoot) == "" {
			return errors.New(`server "custom" needs api_root (and token_url for partner keys)`)
		}
	default:
		return fmt.Errorf("server %q is not one of production, sandbox, demo, custom", c.Server)
	}
	if c.AuthScheme != "bearer" && c.AuthScheme != "token" && c.AuthScheme != "" {
		return fmt.Errorf("auth_scheme %q is not bearer or token", c.AuthScheme)
	}
	if c.SyncIntervalMinutes < 0 || c.SyncIntervalMinutes > 7*24*60 {
		return fmt.Errorf("sync_interval_minutes %d is out of range 0..10080 (0 turns automatic sync off)", c.SyncIntervalMinutes)
	}
	if c.Concurrency < 1 || c.Concurrency > 32 {
		return fmt.Errorf("concurrency %d is out of range 1..32", c.Concurrency)
	}
	if c.RequestsPerSecond < -1 || c.RequestsPerSecond > 1000 {
		return fmt.Errorf("requests_per_second %v is out of range -1..1000 (-1 means no limit)", c.RequestsPerSecond)
	}
	switch c.Backup.Schedule {
	case "off", "daily", "weekly":
	default:
		return fmt.Errorf("backup schedule %q is not off, daily or weekly", c.Backup.Schedule)
	}
	if c.Backup.Keep < 1 || c.Backup.Keep > 1000 {
		return fmt.Errorf("backup keep %d is out of range 1..1000", c.Backup.Keep)
	}
	return nil
}

// Load reads path. A missing file gives the defaults; a damaged one is an
// error that names the file, and the file is left as it is so the user can
// repair it or restore it from a backup.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return Config{}, fmt.Errorf("read settings %s: %w", path, err)
	}
	c := Default()
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("settings file %s is damaged (%v): fix it, or restore it with `stocksync restore SNAPSHOT --local-only`; it was left untouched", path, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("settings file %s: %w; fix the value or delete the line to use the default", path, err)
	}
	return c, nil
}

// Save writes c to path atomically (0600).
func Save(path string, c Config) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o600)
}

// Update loads path, applies fn and saves the result. fn's error aborts the
// save and leaves the file unchanged.
func Update(path string, fn func(*Config) error) (Config, error) {
	c, err := Load(path)
	if err != nil {
		return Config{}, err
	}
	if err := fn(&c); err != nil {
		return Config{}, err
	}
	if err := Save(path, c); err != nil {
		return Config{}, err
	}
	return c, nil
}
