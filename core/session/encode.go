package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// encodedVersion is the version of the keychain form.
const encodedVersion = 1

type wireCookie struct {
	Name     string    `json:"name"`
	Value    string    `json:"value"`
	Domain   string    `json:"domain,omitempty"`
	Path     string    `json:"path,omitempty"`
	Expires  time.Time `json:"expires,omitzero"`
	Secure   bool      `json:"secure,omitempty"`
	HttpOnly bool      `json:"http_only,omitempty"`
}

type wireSession struct {
	Version     int          `json:"v"`
	Cookies     []wireCookie `json:"cookies,omitempty"`
	BearerToken string       `json:"bearer,omitempty"`
	Expires     time.Time    `json:"expires,omitzero"`
}

// Encode is the keychain form of s: a small JSON object. It holds the
// secrets themselves; store it only in the keychain.
func (s Session) Encode() string {
	w := wireSession{Version: encodedVersion, BearerToken: s.BearerToken, Expires: s.Expires.UTC()}
	if s.Expires.IsZero() {
		w.Expires = time.Time{}
	}
	for _, c := range s.Cookies {
		if c == nil {
			continue
		}
		wc := wireCookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path, Secure: c.Secure, HttpOnly: c.HttpOnly}
		if !c.Expires.IsZero() {
			wc.Expires = c.Expires.UTC()
		}
		w.Cookies = append(w.Cookies, wc)
	}
	b, _ := json.Marshal(w)
	return string(b)
}

// Decode reads what Encode wrote. An error means the keychain item is not a
// session this version understands (sign in again).
func Decode(s string) (Session, error) {
	var w wireSession
	if err := json.Unmarshal([]byte(s), &w); err != nil {
		return Session{}, errors.New("the stored ESP session is damaged; sign in again")
	}
	if w.Version != encodedVersion {
		return Session{}, fmt.Errorf("the stored ESP session has format version %d, this version reads %d; sign in again", w.Version, encodedVersion)
	}
	out := Session{BearerToken: w.BearerToken, Expires: w.Expires}
	for _, c := range w.Cookies {
		out.Cookies = append(out.Cookies, &http.Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path,
			Expires: c.Expires, Secure: c.Secure, HttpOnly: c.HttpOnly})
	}
	if out.Empty() {
		return Session{}, errors.New("the stored ESP session holds no cookie or token; sign in again")
	}
	return out, nil
}
