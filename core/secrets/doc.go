// Package secrets keeps the ESP credentials (username, password, API key,
// API secret and an optional OAuth refresh token) in the macOS keychain, or,
// where no keychain is reachable (a headless Linux box without a Secret
// Service), reads them from STOCKSYNC_ESP_* environment variables. They are
// never written to a plain-text file.
//
// Credentials redact their secrets whenever they are formatted, logged with
// slog or encoded as JSON, so a stray log line cannot leak them.
package secrets
