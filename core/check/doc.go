// Package check inspects a data folder the way restic's `check` inspects a
// repository: in phases, each producing typed findings — errors (something is
// wrong and data may be at risk), warnings (something needs attention) and
// hints. A finding states facts (its Kind, a sentence, the path and count
// concerned); the frontends word how to fix it from the kind (the CLI in
// cmd/stocksync/check.go), so nothing here names a command. It only reads:
// nothing in the data folder is changed, so it is safe to run on a damaged
// folder before deciding what to restore.
package check
