package main

// exitDamaged: the data folder is unusable (database damaged or foreign, or
// an interrupted restore that could not be completed). Declared here until
// cmd/stocksync/exitcodes.go (CLI) is merged; the lead deletes this file.
const exitDamaged = 6
