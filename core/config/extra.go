package config

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// Keys this version does not know (written by a newer Stocksync, or added
// by hand) are kept: they are read into an unexported field as one compact
// JSON object and written back after the known keys, so `config set`, the
// app's settings and `backup schedule` never drop them (docs/cli.md,
// "keys Stocksync does not know are kept"). The field is a string so that
// Config stays comparable.

type plainConfig Config
type plainBackup Backup

// UnmarshalJSON decodes the known keys over what c holds (the defaults, in
// Load) and keeps the others.
func (c *Config) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, (*plainConfig)(c)); err != nil {
		return err
	}
	extra, err := unknownKeys(b, reflect.TypeOf(Config{}))
	c.extra = extra
	return err
}

// MarshalJSON writes the known keys, then the kept unknown ones.
func (c Config) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainConfig(c))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, c.extra), nil
}

// UnmarshalJSON decodes the known backup keys and keeps the others.
func (bk *Backup) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, (*plainBackup)(bk)); err != nil {
		return err
	}
	extra, err := unknownKeys(b, reflect.TypeOf(Backup{}))
	bk.extra = extra
	return err
}

// MarshalJSON writes the known backup keys, then the kept unknown ones.
func (bk Backup) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainBackup(bk))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, bk.extra), nil
}

// Unknown lists the keys of the file that this version does not know
// ("backup.x" for one inside "backup"), sorted.
func (c Config) Unknown() []string {
	var out []string
	for _, k := range extraKeys(c.extra) {
		out = append(out, k)
	}
	for _, k := range extraKeys(c.Backup.extra) {
		out = append(out, "backup."+k)
	}
	sort.Strings(out)
	return out
}

func extraKeys(extra string) []string {
	if extra == "" {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(extra), &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// unknownKeys is the compact JSON object of the keys of the object b that
// are not json tags of t, or "" when there are none.
func unknownKeys(b []byte, t reflect.Type) (string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return "", err
	}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			delete(m, name)
		}
	}
	if len(m) == 0 {
		return "", nil
	}
	out, err := json.Marshal(m) // keys sorted, values compacted
	return string(out), err
}

// appendExtra adds the members of the JSON object extra to the JSON object b.
func appendExtra(b []byte, extra string) []byte {
	inner := strings.TrimSuffix(strings.TrimPrefix(extra, "{"), "}")
	if inner == "" {
		return b
	}
	b = bytes.TrimSuffix(b, []byte("}"))
	if !bytes.HasSuffix(b, []byte("{")) {
		b = append(b, ',')
	}
	b = append(b, inner...)
	return append(b, '}')
}
