package main

import (
	"strings"
)

// cobraUsagePrefixes are the beginnings of the errors cobra and pflag return
// for a bad command line (they have no types to match).
var cobraUsagePrefixes = []string{
	"unknown command ", "unknown flag: ", "unknown shorthand flag: ", "flag needs an argument",
	"invalid argument ", "bad flag syntax", "required flag(s) ", "if any flags in the group",
	"accepts ", "requires at least ", "requires at most ", "received ", "invalid argument ",
	"unknown help topic",
}

// isCobraUsageError reports whether err is cobra's or pflag's complaint
// about the command line.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range cobraUsagePrefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
