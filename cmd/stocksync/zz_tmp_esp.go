package main

// exitSignedOut is the exit code for "signed out of ESP" (contracts.md §4).
// Declared here until the CLI engineer's exitcodes.go is merged; the lead
// deletes this file at merge.
const exitSignedOut = 5
