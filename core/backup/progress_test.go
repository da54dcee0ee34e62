package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// progressLog collects Progress reports; the operations promise one call
// at a time, which the race detector checks through the unguarded slice.
type progressLog struct{ got []Progress }

func (l *progressLog) add(p Progress) { l.got = append(l.got, p) }

func (l *progressLog) phases() []string {
	var out []string
	for _, p := range l.got {
		if len(out) == 0 || out[len(out)-1] != p.Phase {
			out = append(out, p.Phase)
		}
	}
	return out
}

func (l *progressLog) last(phase string) Progress {
	for i := len(l.got) - 1; i >= 0; i-- {
		if l.got[i].Phase == phase {
			return l.got[i]
		}
	}
	return Progress{}
}

func TestSnapshotAndVerifyProgress(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var snap progressLog
	info, err := Snapshot(ctx, SnapshotOptions{DataDir: f.dir, DB: f.db, Dest: f.dest, WithThumbnails: true, Now: f.clk.Now, Progress: snap.add})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := snap.phases(), []string{PhaseDatabase, PhaseSettings, PhaseThumbnails}; !slices.Equal(got, want) {
		t.Errorf("snapshot phases %v, want %v", got, want)
	}
	m, err := ReadManifest(info.Path)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := m.File(DBName)
	if p := snap.last(PhaseDatabase); p.Files != 1 || p.FilesTotal != 1 || p.Bytes != db.Size || p.Op != KindSnapshot {
		t.Errorf("database progress at its end %+v, want 1 of 1 file, %d bytes, op snapshot", p, db.Size)
	}
	var thumbBytes int64
	thumbs := 0
	for _, e := range m.Files {
		if isThumb(e.Path) {
			thumbs++
			thumbBytes += e.Size
		}
	}
	if p := snap.last(PhaseThumbnails); thumbs != 5 || p.Files != thumbs || p.FilesTotal != thumbs || p.Bytes != thumbBytes {
		t.Errorf("thumbnail progress at its end %+v, want %d of %d files, %d bytes", p, thumbs, thumbs, thumbBytes)
	}

	var ver progressLog
	rep, err := Verify(ctx, info.Path, VerifyOptions{Progress: ver.add})
	if err != nil || !rep.OK {
		t.Fatal(err, rep.Findings)
	}
	if got, want := ver.phases(), []string{PhaseFiles, PhaseIntegrity}; !slices.Equal(got, want) {
		t.Errorf("verify phases %v, want %v", got, want)
	}
	if p := ver.last(PhaseFiles); p.Op != KindVerify || p.Files != len(m.Files) || p.FilesTotal != len(m.Files) ||
		p.Bytes != rep.BytesChecked || p.BytesTotal != rep.BytesChecked {
		t.Errorf("verify progress at the end of reading %+v, want %d of %d files, %d of %d bytes",
			p, len(m.Files), len(m.Files), rep.BytesChecked, rep.BytesChecked)
	}
	var tr progressLog
	if rep, err := TestRestore(ctx, info.Path, TestRestoreOptions{Progress: tr.add, TempDir: t.TempDir()}); err != nil || !rep.OK {
		t.Fatal(err, rep.Findings)
	}
	if got, want := tr.phases(), []string{PhaseFiles, PhaseIntegrity, PhaseRestore}; !slices.Equal(got, want) || tr.got[0].Op != KindTestRestore {
		t.Errorf("test restore phases %v (op %q), want %v (op %q)", got, tr.got[0].Op, want, KindTestRestore)
	}
	for i := 1; i < len(ver.got); i++ {
		a, b := ver.got[i-1], ver.got[i]
		if a.Phase == b.Phase && (b.Files < a.Files || b.Bytes < a.Bytes) {
			t.Errorf("progress went back: %+v then %+v", a, b)
		}
	}
}

// A phase of 10,000 files gets about a hundred reports, not 10,000, and
// the last one says all is done — from several goroutines at once.
func TestMeterBoundsReports(t *testing.T) {
	var log progressLog
	m := newMeter(KindVerify, log.add)
	m.phase(PhaseFiles, 10_000, 10_000*100)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 2_500 {
				m.add(1, 100)
			}
		})
	}
	wg.Wait()
	m.flush()
	if n := len(log.got); n < 50 || n > 2*steps+2 {
		t.Errorf("%d reports for 10,000 files, want about %d", n, steps)
	}
	if p := log.got[len(log.got)-1]; p.Files != 10_000 || p.Bytes != 1_000_000 || p.FilesTotal != 10_000 {
		t.Errorf("last report %+v, want all 10,000 files and 1,000,000 bytes", p)
	}
	var nilMeter *meter // no Progress function: nothing to report, nothing breaks
	nilMeter.phase(PhaseFiles, 1, 1)
	nilMeter.add(1, 1)
	nilMeter.flush()
}

// Files are checked several at once; the findings still come in the
// manifest's order, the same on every run.
func TestVerifyFindingsInManifestOrder(t *testing.T) {
	f := newFixture(t)
	for i := range 40 {
		writeThumb(t, f.dir, fmt.Sprintf("%02x/many%d.jpg", i%7, i), []byte(strings.Repeat("x", 100+i)))
	}
	info := f.snapshot(t, true)
	m, err := ReadManifest(info.Path)
	if err != nil {
		t.Fatal(err)
	}
	var damaged []string
	for i, e := range m.Files {
		if isThumb(e.Path) && i%3 == 0 {
			damaged = append(damaged, e.Path)
			flipByte(t, filepath.Join(info.Path, filepath.FromSlash(e.Path)), func(int64) int64 { return 0 })
		}
	}
	os.Remove(filepath.Join(info.Path, filepath.FromSlash(damaged[len(damaged)-1])))
	for run := range 3 {
		rep, err := Verify(context.Background(), info.Path, VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range rep.Errors() {
			got = append(got, e.File)
		}
		if !slices.Equal(got, damaged) {
			t.Fatalf("run %d: findings name %v, want %v in that order", run, got, damaged)
		}
		if last := rep.Errors()[len(got)-1]; last.Check != CheckMissing {
			t.Errorf("the removed file's finding is %+v, want check %s", last, CheckMissing)
		}
		if rep.FilesChecked != len(m.Files)-1 {
			t.Errorf("files checked %d, want %d", rep.FilesChecked, len(m.Files)-1)
		}
	}
}
