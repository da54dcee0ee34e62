// Package session holds an ESP browser session: the cookies a contributor
// gets by signing in to https://esp.gettyimages.com in a browser, and the
// access token carried in them.
//
// ESP's web API (https://esp.gettyimages.com/api/submission/v1/…) accepts
// either the session cookies as they are or the `sts_token` kept in the
// HttpOnly `ccw` cookie (base64 of a JSON object) sent as
// "Authorization: Bearer <sts_token>" (confirmed by public scripts, 2026; see
// docs/esp-api.md). This package decides what counts as signed in, which
// cookies belong to ESP, and when a session expires; the macOS sign-in window
// and `stocksync login` only hand it what they read. Sessions are secrets:
// they live in the keychain in the form Encode returns, never in files or logs.
package session
