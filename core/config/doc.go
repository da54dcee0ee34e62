// Package config holds the user's non-secret settings, stored as config.json
// in the data folder. Settings are local-only data (backups include them), so
// the file is always written atomically and a damaged file is reported, never
// silently replaced with defaults. Secrets live in package secrets, never here.
package config
