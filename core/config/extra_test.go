package config

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// docs/cli.md promises that keys Stocksync does not know are kept; every
// save (config set, backup schedule, the app's settings) dropped them.
func TestUnknownKeysAreKeptOnSave(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(p, []byte(`{"server":"demo","from_the_future":{"a":[1,2]},"concurrency":3,
		"backup":{"keep":5,"cloud":"icloud"}}`), 0o600)
	if _, err := Update(p, func(c *Config) error { c.Concurrency = 4; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Concurrency != 4 || got.Backup.Keep != 5 || got.Server != "demo" {
		t.Errorf("known keys: %+v", got)
	}
	if u := got.Unknown(); !reflect.DeepEqual(u, []string{"backup.cloud", "from_the_future"}) {
		t.Errorf("Unknown() = %v, want [backup.cloud from_the_future]", u)
	}
	b, _ := os.ReadFile(p)
	for _, want := range []string{`"from_the_future": {`, `"cloud": "icloud"`, `"concurrency": 4`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("saved file lacks %s:\n%s", want, b)
		}
	}
	if Default().Unknown() != nil {
		t.Error("defaults carry unknown keys")
	}
}

// Errors name the key and what it must be, in the file's terms, with the
// line and column where the text is wrong (it said "cannot unmarshal string
// into Go struct field Config.concurrency of type int").
func TestDamagedFileMessagesUseTheFilesTerms(t *testing.T) {
	for content, want := range map[string]string{
		`{"concurrency":"8"}`:                   "concurrency is text in quotes, it must be a whole number without quotes",
		`{"concurrency":2.5}`:                   "concurrency is the number 2.5, it must be a whole number without quotes",
		"{\n \"backup\": {\"keep\": true}}":     "backup.keep is true or false, it must be a whole number without quotes",
		`[]`:                                    "the file holds a list [...], not a settings object",
		"{\"server\":\"demo\",\n \"x\": 3,}":    "at line 2, column 9, byte 26",
		`{"server": "produ`:                     "the file ends in the middle of the settings",
		`{"backup":{"snoozed_until":"monday"}}`: `backup.snoozed_until "monday" is not a time like 2026-12-01T09:00:00Z`,
		"\xef\xbb\xbf{\"server\":\"demo\"}\n}":  `unexpected text after the settings at line 2, column 1, byte 21: "}"`,
	} {
		p := filepath.Join(t.TempDir(), "config.json")
		os.WriteFile(p, []byte(content), 0o600)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want it to say %q", content, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "Go struct") {
			t.Errorf("%q: %v speaks Go", content, err)
		}
	}
}

// A settings file in a folder that cannot be written says so and what to
// do (it said "open …/.stocksync-tmp-config.json-123: read-only file system").
func TestSaveOnReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes whatever the permissions")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	if err := Save(p, Default()); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	err := Save(p, Default())
	if err == nil || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("Save on a read-only folder: %v", err)
	}
}

// Values that passed Validate and then broke something: a rate of 1e-300
// made a sync wait forever, NaN could not be saved ("json: unsupported
// value: NaN"), -0.5 meant "no limit" by accident, "not a url" as api_root
// failed only at sync time, and a relative backup.destination depended on
// the folder a command ran in.
func TestValidateRefusesValuesThatBreakLater(t *testing.T) {
	for name, set := range map[string]func(*Config){
		"tiny rate":        func(c *Config) { c.RequestsPerSecond = 1e-300 },
		"NaN rate":         func(c *Config) { c.RequestsPerSecond = math.NaN() },
		"negative rate":    func(c *Config) { c.RequestsPerSecond = -0.5 },
		"api_root not url": func(c *Config) { c.APIRoot = "not a url" },
		"token_url ftp":    func(c *Config) { c.TokenURL = "ftp://x/token" },
		"relative dest":    func(c *Config) { c.Backup.Destination = "relative/dir" },
		"api_root no host": func(c *Config) { c.APIRoot = "http:///esp" },
		"custom not a url": func(c *Config) { c.Server, c.APIRoot, c.TokenURL = ServerCustom, "127.0.0.1:8765/esp", "http://x/t" },
	} {
		c := Default()
		set(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for name, set := range map[string]func(*Config){
		"no limit":    func(c *Config) { c.RequestsPerSecond = -1 },
		"slowest":     func(c *Config) { c.RequestsPerSecond = MinRequestsPerSecond },
		"local https": func(c *Config) { c.APIRoot = "https://127.0.0.1:8765/esp" },
	} {
		c := Default()
		set(&c)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// "server custom needs api_root and token_url" did not say which one is
// missing or how to set it.
func TestCustomServerNamesWhatIsMissing(t *testing.T) {
	c := Default()
	c.Server, c.TokenURL = ServerCustom, "http://127.0.0.1:8765/oauth2/token"
	err := c.Validate()
	if !errors.Is(err, ErrNoAPIRoot) || !strings.Contains(err.Error(), "api_root is not set") {
		t.Errorf("Validate: %v", err)
	}
}
