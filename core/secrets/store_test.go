package secrets

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

var errNoDBus = errors.New("dbus: couldn't determine address of session bus")

func TestKeychainRoundTrip(t *testing.T) {
	keyring.MockInit()
	k := Keychain{}

	if _, err := k.Load(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load before Save: err = %v, want ErrNotFound", err)
	}
	if err := k.Save(full); err != nil {
		t.Fatal(err)
	}
	got, err := k.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(full) {
		t.Errorf("loaded credentials differ from the saved ones: %v", got)
	}

	// One item under our service holds everything.
	raw, err := keyring.Get(Service, "esp")
	if err != nil || !strings.Contains(raw, full.APISecret.Reveal()) {
		t.Errorf("keychain item = %v", err)
	}

	updated := full
	updated.Password = NewSecret("new-password")
	updated.RefreshToken = Secret{}
	if err := k.Save(updated); err != nil {
		t.Fatal(err)
	}
	if got, _ := k.Load(); got.Password.Reveal() != "new-password" || got.RefreshToken.IsSet() {
		t.Error("Save did not replace the credentials")
	}

	if err := k.Delete(); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Load(); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load after Delete: err = %v", err)
	}
	if err := k.Delete(); err != nil {
		t.Errorf("second Delete: %v", err)
	}
}

func TestKeychainRejectsIncompleteAndCorrupt(t *testing.T) {
	keyring.MockInit()
	k := Keychain{}
	if err := k.Save(Credentials{Username: "anna"}); err == nil {
		t.Error("saved incomplete credentials")
	}
	if _, err := keyring.Get(Service, "esp"); !errors.Is(err, keyring.ErrNotFound) {
		t.Error("incomplete credentials reached the keychain")
	}
	for _, item := range []string{"not json SECRET", `{"v":2,"password":"SECRET"}`, ""} {
		if err := keyring.Set(Service, "esp", item); err != nil {
			t.Fatal(err)
		}
		_, err := k.Load()
		if err == nil {
			t.Fatalf("loaded %q", item)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error quotes the item: %v", err)
		}
	}
}

func TestKeychainErrorsPassThrough(t *testing.T) {
	keyring.MockInitWithError(errNoDBus)
	k := Keychain{}
	if err := k.Save(full); !errors.Is(err, errNoDBus) {
		t.Errorf("Save err = %v", err)
	}
	if _, err := k.Load(); !errors.Is(err, errNoDBus) {
		t.Errorf("Load err = %v", err)
	}
	if err := k.Delete(); !errors.Is(err, errNoDBus) {
		t.Errorf("Delete err = %v", err)
	}
}

func TestAuto(t *testing.T) {
	keyring.MockInit()
	if _, ok := Auto().(Keychain); !ok {
		t.Errorf("reachable keychain: Auto() = %T, want Keychain", Auto())
	}
	if err := Probe(); err != nil {
		t.Errorf("Probe = %v", err)
	}

	keyring.MockInitWithError(errNoDBus)
	err := Probe()
	if !errors.Is(err, ErrNoKeychain) || !errors.Is(err, errNoDBus) {
		t.Fatalf("Probe = %v, want ErrNoKeychain wrapping the cause", err)
	}
	want := "no keychain is reachable on this system (dbus: couldn't determine address of session bus): set STOCKSYNC_ESP_SESSION (a signed-in ESP session) or, for the partner API, STOCKSYNC_ESP_USERNAME, STOCKSYNC_ESP_PASSWORD, STOCKSYNC_ESP_API_KEY and STOCKSYNC_ESP_API_SECRET in the environment instead"
	if err.Error() != want {
		t.Errorf("message = %q\nwant      %q", err.Error(), want)
	}
	env, ok := Auto().(*Env)
	if !ok {
		t.Fatalf("no keychain: Auto() = %T, want *Env", Auto())
	}
	if !errors.Is(env.Reason(), ErrNoKeychain) {
		t.Errorf("Reason = %v", env.Reason())
	}

	setEnv(t, full)
	got, err := env.Load()
	if err != nil || !got.Equal(full) {
		t.Errorf("Load from env: %v, %v", got, err)
	}
	err = env.Save(full)
	if !errors.Is(err, ErrNoKeychain) || !errors.Is(err, ErrReadOnly) {
		t.Errorf("Save err = %v, want ErrNoKeychain and ErrReadOnly", err)
	}
	if err.Error() != "cannot save ESP credentials: "+want {
		t.Errorf("Save message = %q", err.Error())
	}
}

func setEnv(t *testing.T, c Credentials) {
	t.Helper()
	t.Setenv(EnvUsername, c.Username)
	t.Setenv(EnvPassword, c.Password.Reveal())
	t.Setenv(EnvAPIKey, c.APIKey.Reveal())
	t.Setenv(EnvAPISecret, c.APISecret.Reveal())
	t.Setenv(EnvRefreshToken, c.RefreshToken.Reveal())
	t.Setenv(EnvSession, c.Session.Reveal())
}

func TestEnv(t *testing.T) {
	tests := []struct {
		name        string
		env         Credentials
		reason      *NoKeychainError
		want        Credentials
		wantErr     string
		wantNoKeych bool
	}{
		{name: "all set", env: full, want: full},
		{name: "refresh token optional", env: Credentials{Username: "u", Password: NewSecret("p"), APIKey: NewSecret("k"), APISecret: NewSecret("s")},
			want: Credentials{Username: "u", Password: NewSecret("p"), APIKey: NewSecret("k"), APISecret: NewSecret("s")}},
		{name: "some missing", env: Credentials{Username: "u", APIKey: NewSecret("k")},
			wantErr: "ESP credentials are not in the environment: set STOCKSYNC_ESP_PASSWORD, STOCKSYNC_ESP_API_SECRET"},
		{name: "none, because no keychain", reason: &NoKeychainError{Cause: errNoDBus}, wantNoKeych: true,
			wantErr: "no keychain is reachable on this system (dbus: couldn't determine address of session bus): set STOCKSYNC_ESP_SESSION (a signed-in ESP session) or, for the partner API, STOCKSYNC_ESP_USERNAME, STOCKSYNC_ESP_PASSWORD, STOCKSYNC_ESP_API_KEY and STOCKSYNC_ESP_API_SECRET in the environment instead (missing: STOCKSYNC_ESP_USERNAME, STOCKSYNC_ESP_PASSWORD, STOCKSYNC_ESP_API_KEY, STOCKSYNC_ESP_API_SECRET)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, tt.env)
			got, err := (&Env{reason: tt.reason}).Load()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v\nwant %s", err, tt.wantErr)
				}
				if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrNoKeychain) != tt.wantNoKeych {
					t.Errorf("err kinds wrong: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	e := NewEnv()
	if e.Reason() != nil {
		t.Error("plain Env has a reason")
	}
	for _, err := range []error{e.Save(full), e.Delete()} {
		if !errors.Is(err, ErrReadOnly) || errors.Is(err, ErrNoKeychain) {
			t.Errorf("err = %v, want ErrReadOnly only", err)
		}
	}
	if got, want := e.Delete().Error(), "cannot delete ESP credentials: ESP credentials from environment variables cannot be changed by Stocksync: change the STOCKSYNC_ESP_* variables instead"; got != want {
		t.Errorf("message = %q", got)
	}
}

func TestEnvSession(t *testing.T) {
	setEnv(t, Credentials{})
	t.Setenv(EnvSession, "ccw=abc; other=1")
	got, err := NewEnv().Load()
	if err != nil || !got.IsSession() || got.Session.Reveal() != "ccw=abc; other=1" || got.Validate() != nil {
		t.Fatalf("Load = %v, %v; want the session alone", got, err)
	}
	if s := fmt.Sprint(got); strings.Contains(s, "abc") {
		t.Errorf("the session leaks into %s", s)
	}
}

// issue #12 item 14: a NoKeychainError without a cause printed "%!s(<nil>)".
func TestNoKeychainErrorWithoutCause(t *testing.T) {
	msg := (&NoKeychainError{}).Error()
	if strings.Contains(msg, "%!") || strings.Contains(msg, "<nil>") {
		t.Errorf("message = %q", msg)
	}
}
