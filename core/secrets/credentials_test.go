package secrets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"
)

var full = Credentials{
	Username:     "anna.photo",
	Password:     NewSecret("pw-hunter2-SECRET"),
	APIKey:       NewSecret("key-7f3a9c-SECRET"),
	APISecret:    NewSecret("apisecret-b81d-SECRET"),
	RefreshToken: NewSecret("refresh-0c2e-SECRET"),
}

var secretsOf = []string{"pw-hunter2-SECRET", "key-7f3a9c-SECRET", "apisecret-b81d-SECRET", "refresh-0c2e-SECRET", "SECRET"}

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	type wrapper struct {
		Name  string
		Creds Credentials
		Ptr   *Credentials
		// Unexported fields are printed by reflection, past every method.
		creds  Credentials
		secret Secret
	}
	c := full
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%10.3v", "%-40s", "% x", "%U", "%e"} {
		outputs[verb] = fmt.Sprintf(verb, c)
		outputs["pointer "+verb] = fmt.Sprintf(verb, &c)
		outputs["nested "+verb] = fmt.Sprintf(verb, wrapper{Name: "w", Creds: c, Ptr: &c, creds: c, secret: c.APISecret})
		outputs["secret "+verb] = fmt.Sprintf(verb, c.Password)
		outputs["secret pointer "+verb] = fmt.Sprintf(verb, &c.Password)
		outputs["slice "+verb] = fmt.Sprintf(verb, []Credentials{c})
		outputs["map "+verb] = fmt.Sprintf(verb, map[string]Credentials{"k": c})
		outputs["any "+verb] = fmt.Sprintf(verb, []interface{}{c, &c})
	}
	outputs["Sprint"] = fmt.Sprint(c, &c)
	outputs["Sprintln"] = fmt.Sprintln(c)
	outputs["String"] = c.String()
	outputs["GoString"] = c.GoString()
	outputs["error wrap"] = fmt.Errorf("login as %v failed: %w", c, errors.New("401")).Error()

	var logBuf bytes.Buffer
	log.New(&logBuf, "", 0).Printf("creds %v %+v", c, &c)
	outputs["log"] = logBuf.String()

	var textBuf, jsonBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&textBuf, nil)).Info("signing in", "creds", c, "ptr", &c, slog.Any("any", c))
	slog.New(slog.NewJSONHandler(&jsonBuf, nil)).Info("signing in", "creds", c, "ptr", &c, slog.Group("g", "c", c))
	outputs["slog text"] = textBuf.String()
	outputs["slog json"] = jsonBuf.String()

	j, err := json.Marshal(wrapper{Creds: c, Ptr: &c})
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(j)

	for name, out := range outputs {
		for _, s := range secretsOf {
			if strings.Contains(out, s) {
				t.Errorf("%s leaks %q: %s", name, s, out)
			}
		}
	}
	// They still say something useful.
	for _, name := range []string{"%v", "%+v", "%s", "slog text", "slog json", "json"} {
		if !strings.Contains(outputs[name], "anna.photo") || !strings.Contains(outputs[name], "[redacted]") {
			t.Errorf("%s does not show the username and redaction: %s", name, outputs[name])
		}
	}
}

func TestCredentialsExactForms(t *testing.T) {
	c := Credentials{Username: "anna", Password: NewSecret("x")}
	tests := []struct{ got, want string }{
		{fmt.Sprintf("%v", c), `{Session:"" Username:"anna" Password:"[redacted]" APIKey:"" APISecret:"" RefreshToken:""}`},
		{fmt.Sprintf("%#v", c), `secrets.Credentials{Session:"" Username:"anna" Password:"[redacted]" APIKey:"" APISecret:"" RefreshToken:""}`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %s\nwant %s", tt.got, tt.want)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})).Info("x", "creds", c)
	if want := "level=INFO msg=x creds.session=\"\" creds.username=anna creds.password=[redacted] creds.api_key=\"\" creds.api_secret=\"\" creds.refresh_token=\"\"\n"; buf.String() != want {
		t.Errorf("slog = %q\nwant   %q", buf.String(), want)
	}
}

func TestValidate(t *testing.T) {
	if err := full.Validate(); err != nil {
		t.Errorf("full credentials: %v", err)
	}
	noRefresh := full
	noRefresh.RefreshToken = Secret{}
	if err := noRefresh.Validate(); err != nil {
		t.Errorf("refresh token is optional: %v", err)
	}
	err := Credentials{Username: "a", APIKey: NewSecret("k")}.Validate()
	if want := "ESP credentials incomplete: password, API secret missing"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestSecret(t *testing.T) {
	s := NewSecret("hunter2")
	if s.Reveal() != "hunter2" || !s.IsSet() || s.String() != "[redacted]" {
		t.Errorf("secret = %q, %v, %q", s.Reveal(), s.IsSet(), s.String())
	}
	var zero Secret
	if zero.Reveal() != "" || zero.IsSet() || zero.String() != "" || NewSecret("") != zero {
		t.Error("empty secret is not the zero Secret")
	}
	if !s.Equal(NewSecret("hunter2")) || s.Equal(zero) {
		t.Error("Equal compares texts")
	}
	if a, b := full, full; !a.Equal(b) {
		t.Error("Credentials.Equal")
	}
	other := full
	other.APISecret = NewSecret("different")
	if full.Equal(other) {
		t.Error("Credentials.Equal ignores a secret")
	}
}
