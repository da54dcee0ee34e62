package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadMissingGivesDefaults(t *testing.T) {
	got, err := Load(filepath.Join(t.TempDir(), "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, Default()) {
		t.Errorf("got %+v, want defaults", got)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	c := Default()
	c.PushLocalChanges = true
	c.Backup.Destination = "/Volumes/Backup"
	c.Backup.Schedule = "daily"
	if err := Save(p, c); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("got %+v, want %+v", got, c)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("perm %v, want 0600", st.Mode().Perm())
	}
}

func TestDamagedFileIsReportedAndKept(t *testing.T) {
	for name, content := range map[string]string{
		"truncated":   `{"server": "produ`,
		"wrong type":  `{"concurrency": "eight"}`,
		"bad value":   `{"server": "mars"}`,
		"bad backups": `{"backup": {"schedule": "hourly"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.json")
			os.WriteFile(p, []byte(content), 0o600)
			_, err := Load(p)
			if err == nil {
				t.Fatal("want error")
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file", err)
			}
			if _, err := Update(p, func(c *Config) error { c.PushLocalChanges = true; return nil }); err == nil {
				t.Error("Update over a damaged file must fail")
			}
			after, _ := os.ReadFile(p)
			if string(after) != content {
				t.Errorf("damaged file was rewritten to %q", after)
			}
		})
	}
}

func TestUnknownFieldsTolerated(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(p, []byte(`{"server":"demo","from_the_future":true}`), 0o600)
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Server != "demo" || got.Concurrency != 8 {
		t.Errorf("got %+v", got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Config)
		ok   bool
	}{
		{"default", func(*Config) {}, true},
		{"custom without urls", func(c *Config) { c.Server = ServerCustom }, false},
		{"custom with urls", func(c *Config) { c.Server = ServerCustom; c.APIRoot = "http://x"; c.TokenURL = "http://x/t" }, true},
		{"zero concurrency", func(c *Config) { c.Concurrency = 0 }, false},
		{"auth", func(c *Config) { c.AuthScheme = "basic" }, false},
		{"interval off", func(c *Config) { c.SyncIntervalMinutes = 0 }, true},
		{"keep zero", func(c *Config) { c.Backup.Keep = 0 }, false},
	}
	for _, tt := range tests {
		c := Default()
		tt.mod(&c)
		if err := c.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

// Errors name a setting as it is typed in `config set` (backup.keep, not
// "backup keep").
func TestValidateNamesTheSetting(t *testing.T) {
	for name, mod := range map[string]func(*Config){
		"backup.keep":     func(c *Config) { c.Backup.Keep = 1001 },
		"backup.schedule": func(c *Config) { c.Backup.Schedule = "hourly" },
		"concurrency":     func(c *Config) { c.Concurrency = 0 },
		"title_order":     func(c *Config) { c.TitleOrder = "x" },
	} {
		c := Default()
		mod(&c)
		if err := c.Validate(); err == nil || !strings.HasPrefix(err.Error(), name+" ") {
			t.Errorf("%s: %v, want an error starting with the setting's name", name, err)
		}
	}
}

// Issue 12: a UTF-8 byte-order mark (TextEdit, Notepad) is accepted;
// anything after the JSON object is refused, naming where it starts, and the
// file is left as it is.
func TestLoadBOMAndTrailingText(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	os.WriteFile(p, []byte("\xef\xbb\xbf{\"server\":\"demo\",\"concurrency\":4}\r\n"), 0o600)
	got, err := Load(p)
	if err != nil || got.Server != "demo" || got.Concurrency != 4 {
		t.Fatalf("BOM: %+v, %v", got, err)
	}
	type bad struct{ content, want string }
	cases := map[string]bad{
		"second object": {`{"server":"demo"}{"server":"sandbox"}`, "byte 17"},
		"stray brace":   {"{\"concurrency\":4}\n}\n", "byte 18"},
		"pasted text":   {"{}\nconcurrency = 4\n", "byte 3"},
		"bom and junk":  {"\xef\xbb\xbf{} x", "byte 6"},
		"empty":         {"", "empty"},
		"only spaces":   {" \n", "empty"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.json")
			os.WriteFile(p, []byte(tc.content), 0o600)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("error %v, want one naming %s and %q", err, p, tc.want)
			}
			if after, _ := os.ReadFile(p); string(after) != tc.content {
				t.Errorf("file rewritten to %q", after)
			}
		})
	}
}
