package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
	// Always in the JSON (config get --json shows every default).
	ModeledReviews bool `json:"modeled_reviews"`

	SyncIntervalMinutes int  `json:"sync_interval_minutes"`
	PushLocalChanges    bool `json:"push_local_changes"`
	Concurrency         int  `json:"concurrency"`
	// RequestsPerSecond limits requests to each ESP host: 0 means the
	// client's polite default, -1 no limit (for a local server).
	RequestsPerSecond float64 `json:"requests_per_second,omitempty"`

	Backup Backup `json:"backup"`

	// TitleOrder decides which embedded field becomes a pending upload's
	// title when a file has both: "headline-first" (photoshop:Headline /
	// IPTC Headline, then dc:title / Object Name) or "title-first"; ""
	// means headline-first. See docs/metadata.md.
	TitleOrder string `json:"title_order,omitempty"`

	extra string // keys this version does not know, kept (extra.go)
}

// Backup holds the backup settings.
type Backup struct {
	Destination       string    `json:"destination,omitempty"`
	Schedule          string    `json:"schedule"` // off, daily, weekly
	IncludeThumbnails bool      `json:"include_thumbnails"`
	Keep              int       `json:"keep"`
	SnoozedUntil      time.Time `json:"snoozed_until,omitzero"`

	extra string // keys this version does not know, kept (extra.go)
}

// Default is the configuration of a fresh install.
func Default() Config {
	return Config{
		Server:              ServerProduction,
		AuthScheme:          "bearer",
		SyncIntervalMinutes: 60,
		Concurrency:         8,
		Backup:              Backup{Schedule: "weekly", Keep: 10},
		TitleOrder:          "headline-first",
	}
}

// MinRequestsPerSecond is the slowest request rate that can be set (one
// request every 10 seconds); below it a sync would seem to hang.
const MinRequestsPerSecond = 0.1

// validateURL checks that a URL setting, when set, is an absolute http or
// https URL with a host.
func validateURL(key, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q is not a web address: give one like http://127.0.0.1:8765/api", key, v)
	}
	return nil
}

// ErrNoAPIRoot: the custom server is chosen but api_root is not set.
var ErrNoAPIRoot = errors.New("server \"custom\" needs api_root (and token_url for partner keys), and api_root is not set")

// DamagedError means the settings file at Path could not be parsed (Err
// says where); it was left untouched. The frontends say what to do.
type DamagedError struct {
	Path string
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("settings file %s is damaged (%v); it was left untouched", e.Path, e.Err)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// Validate names the first setting that is out of range.
func (c Config) Validate() error {
	switch c.Server {
	case ServerProduction, "", ServerSandbox, ServerDemo:
	case ServerCustom:
		if strings.TrimSpace(c.APIRoot) == "" {
			return ErrNoAPIRoot
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
	if err := validateURL("api_root", c.APIRoot); err != nil {
		return err
	}
	if err := validateURL("token_url", c.TokenURL); err != nil {
		return err
	}
	// A tiny positive rate (1e-300) made a sync wait forever for its next
	// request, NaN could not be saved, and a negative rate other than -1
	// meant "no limit" by accident.
	if r := c.RequestsPerSecond; !(r == -1 || r == 0 || r >= MinRequestsPerSecond && r <= 1000) {
		return fmt.Errorf("requests_per_second %v is out of range: -1 (no limit), 0 (the polite default) or %v..1000", r, MinRequestsPerSecond)
	}
	if d := c.Backup.Destination; d != "" && !filepath.IsAbs(d) {
		return fmt.Errorf("backup.destination %q is not a full path (it would depend on the folder a command runs in): give one starting with /", d)
	}
	switch c.TitleOrder {
	case "", "headline-first", "title-first":
	default:
		return fmt.Errorf("title_order %q is not headline-first or title-first", c.TitleOrder)
	}
	switch c.Backup.Schedule {
	case "off", "daily", "weekly":
	default:
		return fmt.Errorf("backup.schedule %q is not off, daily or weekly", c.Backup.Schedule)
	}
	if c.Backup.Keep < 1 || c.Backup.Keep > 1000 {
		return fmt.Errorf("backup.keep %d is out of range 1..1000", c.Backup.Keep)
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
	if errors.Is(err, syscall.EISDIR) {
		return Config{}, fmt.Errorf("the settings file %s is a folder, not a file: move it away (mv %q %q)", path, path, path+".moved")
	}
	if err != nil {
		return Config{}, fmt.Errorf("read settings %s: %w", path, err)
	}
	c, err := parse(data)
	if err != nil {
		return Config{}, &DamagedError{Path: path, Err: err}
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("settings file %s: %w; fix the value or delete the line to use the default", path, err)
	}
	return c, nil
}

// utf8BOM is the byte-order mark some editors (TextEdit, Notepad) put at the
// start of a UTF-8 file.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// parse decodes one JSON object over the defaults. A leading UTF-8 BOM and
// surrounding white space are accepted; anything else after the object
// (a second object, a stray "}", text pasted below it) is an error naming
// the byte offset, because it usually means the file was edited by hand and
// part of it did not take effect.
func parse(data []byte) (Config, error) {
	c := Default()
	bom := 0
	if bytes.HasPrefix(data, utf8BOM) {
		data, bom = data[len(utf8BOM):], len(utf8BOM)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, errors.New("the file is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&c); err != nil {
		return Config{}, decodeError(data, bom, err)
	}
	off := int(dec.InputOffset())
	rest := bytes.TrimLeft(data[off:], " \t\r\n")
	if len(rest) > 0 {
		pos := bom + len(data) - len(rest)
		return Config{}, fmt.Errorf("unexpected text after the settings at %s: %q", where(data, bom, int64(pos-bom)), clipBytes(bytes.TrimSpace(rest), 20))
	}
	return c, nil
}

func clipBytes(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// Save writes c to path atomically (0600). A folder that cannot be written
// (a read-only disk, missing permission) is said plainly; the file is then
// unchanged.
func Save(path string, c Config) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		return saveError(path, err)
	}
	return nil
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
