package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocksync/stocksync/core/backup"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/esp/espfake/espfaketest"
	"github.com/stocksync/stocksync/core/reminder"
	"github.com/stocksync/stocksync/core/store"
	"github.com/stocksync/stocksync/core/syncer"
)

// A clock that was wrong and then corrected leaves local timestamps a year
// in the future (or past): sync runs, snapshots, backup records. A child
// process's clock cannot be moved (see clock_test.go), so this runs
// in-process through the seams the CLI and the app pass time.Now to:
// syncer.Engine.Now, esp.Config.Now, backup.SnapshotOptions.Now,
// backup.SafetyOptions.Now and reminder.Input.Now, with the real store on a
// real SQLite file and the built-in server on loopback.

type jumpCase struct {
	id   string
	name string
	skew time.Duration // how wrong the clock was (+ ahead)
}

func jumpCases() []jumpCase {
	return []jumpCase{
		{"was_ahead_1y", "clock 1 year ahead, then corrected", year},
		{"was_behind_1y", "clock 1 year behind, then corrected", -year},
		{"was_ahead_6h", "clock 6 hours ahead, then corrected", 6 * time.Hour},
	}
}

// TestClockCorrected syncs, takes snapshots and safety snapshots while the
// clock is wrong, then corrects it: incremental sync must converge and
// fetch nothing twice, the newest sync run and backup must be the real
// newest, no snapshot taken with the right clock may be pruned for one from
// the "future", and with work added after the correction a backup reminder
// must be due once a backup period has passed.
func TestClockCorrected(t *testing.T) {
	for _, jc := range jumpCases() {
		t.Run(jc.id, func(t *testing.T) {
			t.Parallel()
			rec := runJump(t, jc)
			report(t, rec)
			if !rec.OK {
				t.Errorf("%s: %s\nreproduce: go test ./internal/reliability -run 'TestClockCorrected/^%s$'", jc.name, rec.Detail, jc.id)
			}
		})
	}
}

func runJump(t *testing.T, jc jumpCase) record {
	rec := record{Group: "clock", Name: jc.name + " (in-process)", Counts: map[string]int{}}
	ctx := context.Background()
	srv := espfaketest.New(t, espfake.Options{Mode: espfake.ModePartner, Seed: 66, Batches: 6, ContributionsPerBatch: 5,
		StatusMix: espfake.StatusMix{Pending: 0.6, Processed: 0.3, Rejected: 0.1}})
	dir := datadir.Dir{Root: t.TempDir()}
	if err := dir.Ensure(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, dir.DB(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wrong := func() time.Time { return time.Now().Add(jc.skew) }
	cr := srv.Credentials()
	engine := func(now func() time.Time) *syncer.Engine {
		c, err := esp.New(esp.Config{APIRoot: srv.URL(), TokenURL: srv.TokenURL(), APIKey: cr.APIKey, APISecret: cr.APISecret,
			Username: cr.Username, Password: cr.Password, RequestsPerSecond: -1, Now: now, ModeledReviews: true,
			RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return &syncer.Engine{DB: db, ESP: c, Now: now}
	}
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	// Sync while the clock is wrong, then with it corrected.
	if _, err := engine(wrong).Run(ctx, syncer.Options{}); err != nil {
		t.Fatalf("sync with the wrong clock: %v", err)
	}
	mutateServer(rand.New(rand.NewPCG(66, 4)), srv, nil)
	res, err := engine(time.Now).Run(ctx, syncer.Options{})
	if err != nil {
		fail("incremental sync after the correction: %v", err)
	} else {
		rec.Counts["files_incremental"] = res.Run.FilesWritten
		if err := converged(ctx, dir.DB(), srv); err != nil {
			fail("incremental sync after the correction: %v", err)
		}
	}
	if res, err := engine(time.Now).Run(ctx, syncer.Options{}); err != nil {
		fail("no-change sync: %v", err)
	} else {
		rec.Counts["files_no_change"] = res.Run.FilesWritten
		if res.Run.FilesWritten != 0 {
			fail("a sync with nothing new on ESP wrote %d files again", res.Run.FilesWritten)
		}
		if last, err := db.LastSyncRun(ctx); err != nil || last.ID != res.Run.ID {
			fail("the last sync run is #%d (%v), want the latest, #%d", last.ID, err, res.Run.ID)
		}
	}

	// Snapshots and safety snapshots: one with the wrong clock, then ones
	// with the right clock. The right ones stay, and the newest backup on
	// record is the real newest.
	dest := filepath.Join(t.TempDir(), "backups")
	if err := os.MkdirAll(dest, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Snapshot(ctx, backup.SnapshotOptions{DataDir: dir, DB: db, Dest: dest, Now: wrong, Record: db}); err != nil {
		t.Fatalf("snapshot with the wrong clock: %v", err)
	}
	if _, err := backup.SafetySnapshot(ctx, backup.SafetyOptions{Dir: dir, DB: db, Reason: "test", Now: wrong}); err != nil {
		t.Fatalf("safety snapshot with the wrong clock: %v", err)
	}
	right, err := backup.Snapshot(ctx, backup.SnapshotOptions{DataDir: dir, DB: db, Dest: dest, Record: db})
	if err != nil {
		t.Fatalf("snapshot with the right clock: %v", err)
	}
	if _, err := backup.Prune(dest, backup.DefaultPolicy(10), time.Now()); err != nil {
		fail("prune: %v", err)
	}
	var rightSafety []string
	for range 3 {
		s, err := backup.SafetySnapshot(ctx, backup.SafetyOptions{Dir: dir, DB: db, Reason: "test"})
		if err != nil {
			t.Fatalf("safety snapshot with the right clock: %v", err)
		}
		rightSafety = append(rightSafety, s.Path)
	}
	if _, err := os.Stat(right.Path); err != nil {
		fail("the snapshot taken with the right clock was pruned: %v", err)
	}
	if _, err := os.Stat(rightSafety[len(rightSafety)-1]); err != nil {
		fail("the newest safety snapshot (right clock) was pruned: %v", err)
	}
	last, err := db.LastBackupRun(ctx, backup.KindSnapshot, true)
	if err != nil {
		fail("last backup: %v", err)
	} else if d := last.StartedAt.Sub(time.Now()).Abs(); d > time.Hour {
		fail("the newest backup on record is the one taken with the wrong clock (%s), not the one just taken", last.StartedAt.UTC().Format(time.RFC3339))
	}

	// Work added after the correction is not in any backup: it counts as
	// changed since the last backup, and once a backup period has passed a
	// reminder is due.
	added := time.Now()
	if _, err := db.AddPendingUpload(ctx, store.PendingUpload{Path: "/Users/ana/Pictures/after.jpg", Title: "After the correction",
		MediaType: "image"}, added.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	changed, err := db.LocalChangesSince(ctx, last.StartedAt, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rec.Counts["changed_since_backup"] = changed.PendingUploads
	if changed.PendingUploads != 1 {
		fail("a file added after the last backup counts %d pending uploads changed since it, want 1", changed.PendingUploads)
	}
	week := added.Add(8 * 24 * time.Hour)
	dec := reminder.Decide(reminder.Input{Now: week, Schedule: reminder.Weekly, LastAppBackup: last.StartedAt,
		AtRisk: reminder.AtRisk{PendingUploads: max(changed.PendingUploads, 1)}})
	if !dec.Remind {
		fail("8 days after the last backup, with a file added since, no weekly reminder is due (last backup on record %s)", last.StartedAt.UTC().Format(time.RFC3339))
	} else {
		rec.Message = dec.Body
	}
	rec.OK = len(problems) == 0
	rec.Detail = strings.Join(problems, "; ")
	return rec
}

// Bug (found here): core/store/runs.go LastBackupRun orders by started_at,
// so a backup recorded while this computer's clock was ahead stays "the last
// backup" after the clock is corrected — through every later backup — and
// cmd/stocksync/backup_status.go counts local changes since that future
// time: work added after the correction shows as backed up and the reminder
// stays silent for as long as the clock was ahead. The real binary shows it:
// a backup on record from a year ahead, a real `backup`, then a file added.
func TestBackupStatusAfterClockCorrected(t *testing.T) {
	linuxOnly(t)
	ctx := context.Background()
	e := newEnv(t, envOptions{server: espfake.Options{Seed: 67, Batches: 3, ContributionsPerBatch: 4}})
	e.mustRun("sync", "--no-thumbnails")
	if err := os.MkdirAll(e.backups(), 0o700); err != nil {
		t.Fatal(err)
	}
	e.mustRun("backup", "destination", e.backups())
	e.mustRun("backup")
	addUpload := func(name string) {
		db, err := store.Open(ctx, e.dbPath(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if name == "" {
			// The record a backup leaves when it ran with the clock a year ahead.
			if err := db.RecordBackupRun(ctx, store.BackupRun{Kind: backup.KindSnapshot, Path: filepath.Join(e.backups(), "ahead"),
				StartedAt: time.Now().Add(year), OK: true}); err != nil {
				t.Fatal(err)
			}
			return
		}
		if _, err := db.AddPendingUpload(ctx, store.PendingUpload{Path: "/Users/ana/Pictures/" + name, Title: name, MediaType: "image"},
			time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	addUpload("")
	e.mustRun("backup") // with the corrected clock
	time.Sleep(10 * time.Millisecond)
	addUpload("after.jpg")
	res := e.mustRun("backup", "status", "--json")
	var bs struct {
		LastBackup struct {
			StartedAt time.Time `json:"started_at"`
		} `json:"last_backup"`
		Changed struct {
			PendingUploads int `json:"pending_uploads"`
		} `json:"changed_since_last_backup"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &bs); err != nil {
		t.Fatalf("backup status --json: %v\n%s", err, res.stdout)
	}
	if d := bs.LastBackup.StartedAt.Sub(time.Now()).Abs(); d > time.Hour {
		t.Errorf("backup status: last backup %s, want the backup just taken (the one from a year ahead is older in fact)", bs.LastBackup.StartedAt.UTC().Format(time.RFC3339))
	}
	if bs.Changed.PendingUploads != 1 {
		t.Errorf("backup status: %d pending uploads changed since the last backup, want 1 (the file added after it)", bs.Changed.PendingUploads)
	}
}
