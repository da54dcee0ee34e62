// Package account turns the user's settings and credentials into a
// connection to ESP, and starts the built-in demo server when the "demo"
// server is chosen. The CLI and the menu-bar app both go through here, so
// they always talk to the same server in the same way.
package account
