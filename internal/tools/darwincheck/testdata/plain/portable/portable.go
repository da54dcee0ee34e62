// Package portable has no darwin-only code at all.
package portable

import "strings"

// Shout upper-cases s.
func Shout(s string) string { return strings.ToUpper(s) + "!" }
