// Package check inspects a data folder the way restic's `check` inspects a
// repository: in phases, each producing typed findings — errors (something is
// wrong and data may be at risk), warnings (something needs attention) and
// hints — and every finding says how to fix it. It only reads: nothing in the
// data folder is changed, so it is safe to run on a damaged folder before
// deciding what to restore.
package check
