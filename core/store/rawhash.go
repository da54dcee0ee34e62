package store

import (
	"crypto/sha256"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// rawSHA256 is the fingerprint stored beside a batch's raw JSON
// (batches.raw_sha256, schema 6): SHA-256 of the bytes exactly as ESP sent
// them; nil for no raw JSON (the column is NULL, "not known").
func rawSHA256(raw []byte) []byte {
	if len(raw) == 0 {
		return nil
	}
	h := sha256.Sum256(raw)
	return h[:]
}

// stocksync_sha256(text or blob) is SHA-256 as a 32-byte blob (NULL for
// NULL), registered on every connection this process opens. Migration 6
// fills batches.raw_sha256 with it; no trigger or view uses it, so the
// database stays readable by any SQLite.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("stocksync_sha256", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case nil:
				return nil, nil
			case string:
				h := sha256.Sum256([]byte(v))
				return h[:], nil
			case []byte:
				h := sha256.Sum256(v)
				return h[:], nil
			default:
				return nil, fmt.Errorf("stocksync_sha256: want text or blob, got %T", v)
			}
		})
}
