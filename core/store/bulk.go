package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strings"
	"sync"
	"unicode/utf8"
)

// bulkRows is the most rows one multi-row statement carries: 64 rows of the
// widest table (contributions, 29 columns) bind 1,856 values, far below
// SQLite's limit of 32,766.
const bulkRows = 64

// bulkStmts holds the writer's multi-row statements, prepared on the writer
// pool once per database and reused by every transaction (Tx.StmtContext
// finds them already prepared on the one connection). Chunks are split in
// powers of two (64, 32, … 1 rows), so each table has at most seven.
type bulkStmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// prepare makes sure every chunk size of each query in qs is prepared. It
// must run outside a transaction: the writer pool has one connection.
func (db *DB) prepareBulk(ctx context.Context, qs ...*bulkQuery) error {
	db.bulk.mu.Lock()
	defer db.bulk.mu.Unlock()
	if db.bulk.m == nil {
		db.bulk.m = map[string]*sql.Stmt{}
	}
	for _, q := range qs {
		for n := bulkRows; n >= 1; n /= 2 {
			text := q.text(n)
			if db.bulk.m[text] != nil {
				continue
			}
			st, err := db.w.PrepareContext(ctx, text)
			if err != nil {
				return db.wrapErr("prepare write", err)
			}
			db.bulk.m[text] = st
		}
	}
	return nil
}

// prepareFixed prepares single statements (no row lists) once per
// database, for txStmt; like prepareBulk it must run outside a transaction.
func (db *DB) prepareFixed(ctx context.Context, texts ...string) error {
	db.bulk.mu.Lock()
	defer db.bulk.mu.Unlock()
	if db.bulk.m == nil {
		db.bulk.m = map[string]*sql.Stmt{}
	}
	for _, text := range texts {
		if db.bulk.m[text] != nil {
			continue
		}
		st, err := db.w.PrepareContext(ctx, text)
		if err != nil {
			return db.wrapErr("prepare write", err)
		}
		db.bulk.m[text] = st
	}
	return nil
}

// txStmt is the statement text in tx: the one prepareFixed or prepareBulk
// made (parsed once per database), else prepared for this transaction. The
// caller closes it.
func (db *DB) txStmt(ctx context.Context, tx *sql.Tx, text string) (*sql.Stmt, error) {
	return db.bulkStmt(ctx, tx, text)
}

func (db *DB) bulkStmt(ctx context.Context, tx *sql.Tx, text string) (*sql.Stmt, error) {
	db.bulk.mu.Lock()
	st := db.bulk.m[text]
	db.bulk.mu.Unlock()
	if st == nil {
		return tx.PrepareContext(ctx, text) // not prepared ahead: prepared for this transaction only
	}
	return tx.StmtContext(ctx, st), nil
}

// bulkQuery is a statement over a list of rows or ids: either an INSERT
// (head VALUES (…), (…) tail) with cols columns, or, with cols 0, head with
// "%s" standing for the list of ids.
// Its texts are made once (a 64-row text has up to 1,856 placeholders).
type bulkQuery struct {
	head, tail string
	cols       int

	mu    sync.Mutex
	texts [7]string // by log2 of the row count
}

// text is the statement for n rows (a power of two up to bulkRows).
func (q *bulkQuery) text(n int) string {
	i := bits.TrailingZeros(uint(n))
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.texts[i] == "" {
		if q.cols == 0 {
			q.texts[i] = strings.Replace(q.head, "%s", marks(n), 1)
		} else {
			q.texts[i] = q.head + " VALUES " + placeholders(n, q.cols) + " " + q.tail
		}
	}
	return q.texts[i]
}

// bulkInsert writes rows into one table with multi-row statements
// (INSERT … VALUES (…), (…) … [ON CONFLICT …]). Per-row statements cost
// most of a file's CPU in the pure-Go SQLite (a database/sql round trip and
// a VDBE run each); one statement per 64 rows does the same work set-wise.
type bulkInsert struct {
	db   *DB
	tx   *sql.Tx
	q    *bulkQuery
	args []any
	n    int
}

func newBulkInsert(db *DB, tx *sql.Tx, q *bulkQuery) *bulkInsert {
	return &bulkInsert{db: db, tx: tx, q: q}
}

// row adds one row's values (exactly cols of them). Nothing is written
// until flush, so a caller can order its tables (a file before its reviews).
func (b *bulkInsert) row(vals ...any) {
	if len(vals) != b.q.cols {
		panic(fmt.Sprintf("store: %d values for a row of %d columns (%s)", len(vals), b.q.cols, b.q.head))
	}
	b.args = append(b.args, vals...)
	b.n++
}

// flush writes the rows added since the last flush.
func (b *bulkInsert) flush(ctx context.Context) error {
	err := bulkRun(ctx, b.db, b.tx, b.q, nil, b.args, b.q.cols)
	clear(b.args)
	b.args, b.n = b.args[:0], 0
	return err
}

// bulkRun executes q over args (per item: per values, each item a row of
// cols values or one id) in power-of-two chunks, with lead bound before each
// chunk's values.
func bulkRun(ctx context.Context, db *DB, tx *sql.Tx, q *bulkQuery, lead, args []any, per int) error {
	var buf []any          // lead and a chunk's values, when there is a lead
	var stmts [7]*sql.Stmt // by log2 of the chunk's rows
	defer func() {
		for _, st := range stmts {
			if st != nil {
				st.Close()
			}
		}
	}()
	for items := len(args) / per; items > 0; {
		n := bulkRows
		for n > items {
			n /= 2
		}
		k := bits.TrailingZeros(uint(n))
		st := stmts[k]
		if st == nil {
			var err error
			if st, err = db.bulkStmt(ctx, tx, q.text(n)); err != nil {
				return err
			}
			stmts[k] = st
		}
		chunk := args[:n*per]
		if len(lead) > 0 {
			if buf == nil {
				buf = make([]any, 0, len(lead)+min(items, bulkRows)*per)
			}
			chunk = append(append(buf[:0], lead...), chunk...)
		}
		if _, err := st.ExecContext(ctx, chunk...); err != nil {
			return err
		}
		args, items = args[n*per:], items-n
	}
	return nil
}

// bulkExec runs q (a query over "%s" ids) over ids, with lead bound first.
func bulkExec(ctx context.Context, db *DB, tx *sql.Tx, q *bulkQuery, lead []any, ids []string) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return bulkRun(ctx, db, tx, q, lead, args, 1)
}

// marks is "?, ?, …": n of them.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// placeholders is "(?, …), (?, …)…": rows groups of cols.
func placeholders(rows, cols int) string {
	var s strings.Builder
	s.Grow(rows * (cols*3 + 4))
	for r := range rows {
		if r > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		for c := range cols {
			if c > 0 {
				s.WriteString(", ")
			}
			s.WriteByte('?')
		}
		s.WriteByte(')')
	}
	return s.String()
}

// stringsJSON is json.Marshal of a string list (nil as []), without
// reflection for the common case of plain text; anything json.Marshal
// would escape goes through json.Marshal itself, so the bytes are the same.
func stringsJSON(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	n := 2
	for _, s := range list {
		if !plainJSON(s) {
			return toJSON(list)
		}
		n += len(s) + 3
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String()
}

// plainJSON reports whether encoding/json writes s unchanged between quotes:
// valid UTF-8 with no control characters, quotes, backslashes, HTML
// characters (<, >, &) or U+2028/U+2029.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
				return false
			}
			i += size - 1
		}
	}
	return true
}
