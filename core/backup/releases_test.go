package backup

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Snapshots include releases/ (listed in the manifest, verified, linked
// when unchanged), and a restore brings back documents the folder lacks.
func TestSnapshotIncludesReleaseDocuments(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	docs := map[string]string{"ab/abc.pdf": "%PDF-1.4 model release", "cd/cde.jpg": "\xff\xd8\xff property release"}
	for rel, body := range docs {
		p := filepath.Join(f.dir.Root, ReleasesDir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	snap := f.snapshot(t, false)
	m, err := ReadManifest(snap.Path)
	if err != nil {
		t.Fatal(err)
	}
	for rel, body := range docs {
		e, ok := m.File(ReleasesDir + "/" + rel)
		if !ok || e.Size != int64(len(body)) {
			t.Errorf("manifest entry for %s: %+v, %v", rel, e, ok)
		}
		got, err := os.ReadFile(filepath.Join(snap.Path, ReleasesDir, filepath.FromSlash(rel)))
		if err != nil || string(got) != body {
			t.Errorf("snapshot copy of %s: %q, %v", rel, got, err)
		}
	}
	rep, err := Verify(ctx, snap.Path, VerifyOptions{Mark: true, Now: f.clk.Now})
	if err != nil || !rep.OK {
		t.Fatalf("verify: %+v, %v", rep.Findings, err)
	}
	// Unchanged documents are hard-linked by the next snapshot.
	snap2 := f.snapshot(t, false)
	if snap2.Written == nil || snap2.Written.FilesLinked < len(docs) {
		t.Errorf("second snapshot linked %+v, want at least %d", snap2.Written, len(docs))
	}
	f.close(t)
	os.RemoveAll(filepath.Join(f.dir.Root, ReleasesDir))
	if _, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{Now: f.clk.Now}); err != nil {
		t.Fatal(err)
	}
	for rel, body := range docs {
		got, err := os.ReadFile(filepath.Join(f.dir.Root, ReleasesDir, filepath.FromSlash(rel)))
		if err != nil || string(got) != body {
			t.Errorf("restored %s: %q, %v", rel, got, err)
		}
	}
}
