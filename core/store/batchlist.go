package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"time"
)

// BatchListState is the stored side of a batch list's comparison — every
// stored batch's fingerprints, removal and raw JSON — read by
// ReadBatchListState before the list arrives, so that a no-change sync
// does not read it after the last page. UpsertBatchListFrom uses it only
// if no batch changed since it was read.
type BatchListState struct {
	// generation and schema are batches_generation.value and PRAGMA
	// schema_version in the read transaction the rows come from.
	generation, schema int64
	known              map[string]knownBatch
}

// batchGeneration reads batches_generation.value and the schema version in
// q's transaction; ok is false when the generation cannot prove anything
// (its row or a trigger missing, or the query failed).
func batchGeneration(ctx context.Context, tx *sql.Tx) (gen, schema int64, ok bool) {
	var g sql.NullInt64
	var triggers int
	if err := tx.QueryRowContext(ctx, batchGenerationQuery).Scan(&g, &schema, &triggers); err != nil {
		return 0, 0, false
	}
	return g.Int64, schema, g.Valid && triggers == 3
}

// knownBatch is one stored batch as the batch list compares it.
type knownBatch struct {
	synced, server string
	// raw is the stored raw JSON when read ahead (hasRaw); otherwise sha
	// (when hasSHA) is its stored SHA-256.
	raw                     string
	sha                     [sha256.Size]byte
	hasRaw, hasSHA, removed bool
}

// unchanged reports whether ESP's description of the batch, raw, is the
// one stored: the same bytes, compared directly when read ahead, else by
// SHA-256. A row without a stored hash (its raw was written by another
// program) counts as changed, so it is rewritten with one.
func (k *knownBatch) unchanged(raw []byte) bool {
	if len(raw) == 0 || !k.hasSHA {
		return false
	}
	if k.hasRaw {
		return k.raw == string(raw)
	}
	return k.sha == sha256.Sum256(raw)
}

const (
	// The generation, the schema version, and whether the three triggers
	// that move the generation are all there (a hand-edited database may
	// lack them; then no state read ahead is used).
	batchGenerationQuery = `SELECT (SELECT value FROM batches_generation WHERE id = 1),
		(SELECT schema_version FROM pragma_schema_version),
		(SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'batches' AND name IN
			('batches_generation_insert', 'batches_generation_update', 'batches_generation_delete'))`
	// The in-transaction read: small columns only, from the covering index
	// batches_list_state (schema 6).
	knownBatchesQuery = `SELECT id, synced_version, server_version, raw_sha256, removed_at != '' FROM batches`
	// The read ahead, off the critical path, takes the raw JSON too so the
	// comparison after the last page needs no hashing.
	knownBatchesRawQuery = `SELECT id, synced_version, server_version, raw_sha256, removed_at != '', raw FROM batches`
)

// readAheadRawMax bounds the batches whose raw JSON ReadBatchListState
// holds (about 8 MB at ESP's typical 800 bytes each); above it, the state
// keeps only each raw's stored SHA-256 and the incoming raws are hashed.
var readAheadRawMax = 10_000

// ReadBatchListState reads, in one read transaction that does not block
// writers, what UpsertBatchListFrom compares a batch list against. Call it
// while the list is being fetched; the result is used at most once and is
// about as large as the stored batches' raw JSON (~1.6 MB for 2,000; above
// readAheadRawMax batches only their hashes are held). It is
// nil, with no error, when the database cannot prove later that nothing
// changed (schema 6's generation row or triggers removed by hand).
func (db *DB) ReadBatchListState(ctx context.Context) (*BatchListState, error) {
	st := &BatchListState{}
	var ok bool
	err := db.Read(ctx, func(tx *sql.Tx) error {
		if st.generation, st.schema, ok = batchGeneration(ctx, tx); !ok {
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM batches`).Scan(&n); err != nil {
			return err
		}
		var err error
		st.known, err = readKnownBatches(ctx, tx, n <= readAheadRawMax)
		return err
	})
	if err != nil {
		return nil, db.wrapErr("read the stored batches", err)
	}
	if !ok {
		return nil, nil
	}
	return st, nil
}

func readKnownBatches(ctx context.Context, tx *sql.Tx, withRaw bool) (map[string]knownBatch, error) {
	q := knownBatchesQuery
	if withRaw {
		q = knownBatchesRawQuery
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := map[string]knownBatch{}
	dest := make([]any, 5, 6)
	var id string
	var sha sql.RawBytes
	var k knownBatch
	dest[0], dest[1], dest[2], dest[3], dest[4] = &id, &k.synced, &k.server, &sha, &k.removed
	if withRaw {
		dest = append(dest, &k.raw)
	}
	for rows.Next() {
		k = knownBatch{hasRaw: withRaw}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		k.hasSHA = len(sha) == sha256.Size
		copy(k.sha[:], sha)
		known[id] = k
	}
	return known, rows.Err()
}

// UpsertBatchListFrom is UpsertBatchList comparing against st, the stored
// batches read ahead by ReadBatchListState (nil: read them here).
//
// A batch ESP describes exactly as stored — same server fingerprint and the
// same raw JSON, which every stored field comes from — is not rewritten, so
// a no-change sync writes nothing. Without st the raw JSON is compared
// through its SHA-256 stored with the row (batches.raw_sha256, schema 6).
//
// Why st may stand in for the rows this transaction would read: st was
// read in one read transaction together with batches_generation.value (g0)
// and the schema version. This transaction is immediate (it holds the write
// lock, so nothing commits while it runs) and reads both again. Schema 6's
// triggers give the generation a new random 64-bit value in the very
// statement that inserts, updates or deletes any batches row, whichever
// connection or program runs it, so it commits with the change. The same
// generation (and schema, so the triggers found with it are all still there)
// therefore means no transaction changed a batches row since st was read —
// but for a 2^-64 chance per change that random() repeated g0. Otherwise
// (any change, a restored snapshot, another database) the rows are read
// again here. PRAGMA data_version could not prove this: it is per
// connection and blind to the connection's own commits.
func (db *DB) UpsertBatchListFrom(ctx context.Context, st *BatchListState, batches []Batch, now time.Time) (BatchListResult, error) {
	var res BatchListResult
	err := db.writeRefetchable(ctx, func(tx *sql.Tx) error {
		res = BatchListResult{}
		var known map[string]knownBatch
		if st != nil {
			if gen, schema, ok := batchGeneration(ctx, tx); ok && gen == st.generation && schema == st.schema {
				known = st.known
			}
		}
		if known == nil {
			var err error
			if known, err = readKnownBatches(ctx, tx, false); err != nil {
				return err
			}
		}
		up := newBulkInsert(db, tx, batchesQuery)
		seen := make(map[string]bool, len(batches))
		for _, b := range batches {
			seen[b.ID] = true
			p, ok := known[b.ID]
			if !ok || p.removed || p.server != b.ServerVersion || !p.unchanged(b.Raw) {
				c := b.Counts
				up.row(b.ID, b.Name, b.Type, b.Status, b.Note, fmtTime(b.CreatedAt),
					fmtTime(b.UpdatedAt), fmtTime(b.LastSubmitted), c.Contributions, c.Submitted, c.AwaitingReview,
					c.Reviewed, c.Revisable, c.Accepted, c.Rejected, c.Pending, b2i(b.IsGetty), b2i(b.IsIStock),
					b2i(b.IStockExclusive), b.ServerVersion, string(b.Raw), "", rawSHA256(b.Raw))
			}
			if !ok || p.synced != b.ServerVersion || p.removed {
				res.Stale = append(res.Stale, b)
			}
		}
		if err := up.flush(ctx); err != nil {
			return fmt.Errorf("store the batch list: %w", err)
		}
		ts := fmtTime(now)
		for id, p := range known {
			if seen[id] || p.removed {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE batches SET removed_at = ?, synced_version = '' WHERE id = ?`, ts, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contributions SET removed_at = ? WHERE batch_id = ? AND removed_at = ''`, ts, id); err != nil {
				return err
			}
			res.Removed++
		}
		return nil
	})
	return res, err
}
