package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/config"
)

// alteredFixture is a data folder with settings, thumbnails and release
// documents, backed up with BackUp (snapshot, verify, mark) as both
// frontends do it.
func alteredFixture(t *testing.T) (*fixture, Info) {
	t.Helper()
	f := newFixture(t)
	for rel, body := range map[string]string{"ab/abc.pdf": "%PDF-1.4 model release", "cd/cde.jpg": "\xff\xd8\xff property release"} {
		p := filepath.Join(f.dir.Root, ReleasesDir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := BackUp(context.Background(), BackUpOptions{SnapshotOptions: SnapshotOptions{
		DataDir: f.dir, DB: f.db, Dest: f.dest, WithThumbnails: true, Now: f.clk.Now}})
	if err != nil || !res.Verify.OK {
		t.Fatalf("BackUp: %v %+v", err, res.Verify.Findings)
	}
	f.close(t)
	return f, res.Snapshot
}

// rewrite replaces the file at p with data (a new file: a hard link to
// another snapshot's copy is left alone).
func rewrite(t *testing.T, p string, data []byte) {
	t.Helper()
	os.Remove(p)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// firstFile is the manifest's first entry under prefix.
func firstFile(t *testing.T, m Manifest, prefix string) FileEntry {
	t.Helper()
	for _, e := range m.Files {
		if strings.HasPrefix(e.Path, prefix) {
			return e
		}
	}
	t.Fatalf("no file under %s in the snapshot", prefix)
	return FileEntry{}
}

// An altered file in a snapshot is never restored silently: every kind of
// file a snapshot holds (the database, settings, each thumbnail, the
// thumbnail list, each release document, the manifest) is checked against
// the manifest before a restore, and an altered one either refuses the
// restore or is left out and named in RestoreResult.Missing. A previous
// note said a snapshot whose config.json had been altered "restored with
// exit 0": it did, but the altered settings were left out and named; this
// pins that down for every file, full and local-only.
func TestRestoreNeverBringsBackAnAlteredFile(t *testing.T) {
	type alteration struct {
		name string
		// alter changes the snapshot at snap and returns the snapshot
		// file (slash path) that was altered and its altered content.
		alter func(t *testing.T, snap string, m Manifest) (string, []byte)
		// refused: the restore must fail (the database or the manifest).
		refused bool
		// namedAs is the file named as not restored, when not the altered
		// one: thumbnails.json, for the thumbnails it lists.
		namedAs string
	}
	flip := func(rel string) func(t *testing.T, snap string, m Manifest) (string, []byte) {
		return func(t *testing.T, snap string, m Manifest) (string, []byte) {
			p := filepath.Join(snap, filepath.FromSlash(rel))
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x20
			rewrite(t, p, b)
			return rel, b
		}
	}
	tests := []alteration{
		{"config.json, same size, still valid settings", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			p := filepath.Join(snap, ConfigName)
			b, _ := os.ReadFile(p)
			dest := filepath.Dir(snap) // the backup destination, in the settings
			b = bytes.Replace(b, []byte(dest), []byte(dest[:len(dest)-1]+"X"), 1)
			rewrite(t, p, b)
			if _, err := config.Load(p); err != nil {
				t.Fatalf("test setup: the altered settings do not load: %v", err)
			}
			return ConfigName, b
		}, false, ""},
		{"config.json, longer", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			p := filepath.Join(snap, ConfigName)
			b, _ := os.ReadFile(p)
			b = append(b, ' ', '\n')
			rewrite(t, p, b)
			return ConfigName, b
		}, false, ""},
		{"database", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			rel, _ := flip(DBName)(t, snap, m)
			return rel, nil
		}, true, ""},
		{"a thumbnail", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			return flip(firstFile(t, m, ThumbsDir+"/").Path)(t, snap, m)
		}, false, ""},
		{"a thumbnail and its entry in thumbnails.json", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			e := firstFile(t, m, ThumbsDir+"/")
			rel, b := flip(e.Path)(t, snap, m)
			p := filepath.Join(snap, ThumbsManifestName)
			list, _ := os.ReadFile(p)
			rewrite(t, p, bytes.Replace(list, []byte(e.SHA256), []byte(sha256Hex(b)), 1))
			return rel, b
		}, false, ThumbsManifestName},
		{"thumbnails.json", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			p := filepath.Join(snap, ThumbsManifestName)
			b, _ := os.ReadFile(p)
			b = append(b, '\n')
			rewrite(t, p, b)
			return ThumbsManifestName, b
		}, false, ""},
		{"a release document", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			return flip(firstFile(t, m, ReleasesDir+"/").Path)(t, snap, m)
		}, false, ""},
		{"verified.json (not part of the snapshot: restores nothing)", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			rewrite(t, filepath.Join(snap, VerifiedName), []byte("{nope"))
			return VerifiedName, nil
		}, false, nothingNamed},
		{"a release document added after the snapshot", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			b := []byte("%PDF-1.4 slipped in later")
			rewrite(t, filepath.Join(snap, ReleasesDir, "ab", "later.pdf"), b)
			return ReleasesDir + "/ab/later.pdf", b
		}, false, nothingNamed},
		{"manifest.json's row counts", func(t *testing.T, snap string, m Manifest) (string, []byte) {
			editManifest(t, snap, func(m *Manifest) { m.Tables["pending_uploads"]++ })
			return ManifestName, nil
		}, true, ""},
	}
	for _, tt := range tests {
		for _, localOnly := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: "/full", true: "/local-only"}[localOnly], func(t *testing.T) {
				ctx := context.Background()
				f, snap := alteredFixture(t)
				m, err := ReadManifest(snap.Path)
				if err != nil {
					t.Fatal(err)
				}
				// The data folder lacks what a restore brings back, and its
				// settings differ from the snapshot's.
				os.RemoveAll(f.dir.Thumbnails())
				os.RemoveAll(filepath.Join(f.dir.Root, ReleasesDir))
				if localOnly {
					os.Remove(f.dir.Config()) // restored only when missing
				} else {
					c := config.Default()
					if err := config.Save(f.dir.Config(), c); err != nil {
						t.Fatal(err)
					}
				}
				rel, altered := tt.alter(t, snap.Path, m)

				dry, derr := Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: localOnly, DryRun: true, Now: f.clk.Now})
				res, err := Restore(ctx, f.dir, snap.Path, RestoreOptions{LocalOnly: localOnly, Now: f.clk.Now})
				if tt.refused {
					if err == nil || derr == nil {
						t.Fatalf("restore of a snapshot with an altered %s: %v (dry run %v), want refused", rel, err, derr)
					}
					return
				}
				if err != nil || derr != nil {
					t.Fatalf("restore refused (%v; dry run %v): only the altered file should be left out", err, derr)
				}
				name := rel
				if tt.namedAs != "" {
					name = tt.namedAs
				}
				for what, missing := range map[string][]Finding{"restore": res.Missing, "dry run": dry.Missing} {
					if name == nothingNamed {
						if len(missing) != 0 {
							t.Errorf("%s: named %s, want nothing", what, files(missing))
						}
						continue
					}
					if !named(missing, name) {
						t.Errorf("%s: altered %s not named among what was not restored: %s", what, name, files(missing))
					}
					if len(missing) != 1 {
						t.Errorf("%s: want only the altered %s named, once: %s", what, name, files(missing))
					}
				}
				// Nothing restored equals the altered content.
				filepath.WalkDir(f.dir.Root, func(p string, d os.DirEntry, err error) error {
					if err == nil && d.Type().IsRegular() && altered != nil {
						if b, _ := os.ReadFile(p); bytes.Equal(b, altered) {
							t.Errorf("the altered %s was restored as %s", rel, p)
						}
					}
					return nil
				})
				if name == ThumbsManifestName || rel == ConfigName {
					return // no thumbnail can be checked; the settings are not in the data folder's tree
				}
				// Every other file of the snapshot came back.
				for _, e := range m.Files {
					if e.Path == rel || e.Path == DBName || e.Path == ThumbsManifestName || e.Path == ConfigName || localOnly {
						continue
					}
					if _, err := os.Stat(filepath.Join(f.dir.Root, filepath.FromSlash(e.Path))); err != nil {
						t.Errorf("intact %s was not restored: %v", e.Path, err)
					}
				}
			})
		}
	}
}

// nothingNamed: the alteration touches no file of the snapshot, so
// nothing is left out.
const nothingNamed = "-"

func named(missing []Finding, rel string) bool {
	for _, f := range missing {
		if f.File == rel {
			return true
		}
	}
	return false
}

func files(missing []Finding) string {
	var s []string
	for _, f := range missing {
		s = append(s, f.File)
	}
	sort.Strings(s)
	b, _ := json.Marshal(s)
	return string(b)
}
