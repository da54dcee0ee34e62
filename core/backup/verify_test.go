package backup

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func flipByte(t *testing.T, path string, at func(size int64) int64) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	off := at(st.Size())
	b := make([]byte, 1)
	fh.ReadAt(b, off)
	b[0] ^= 0xff
	if _, err := fh.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func editManifest(t *testing.T, dir string, fn func(*Manifest)) {
	t.Helper()
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	fn(&m)
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, ManifestName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

type want struct {
	check, file, table string
}

func TestVerifyNamesTheCulprit(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []want // each must be among the error findings
		ok     bool
	}{
		{"intact", func(*testing.T, string) {}, nil, true},
		{"flipped byte in the database", func(t *testing.T, dir string) {
			flipByte(t, filepath.Join(dir, DBName), func(n int64) int64 { return n - 100 })
		}, []want{{CheckHash, DBName, ""}}, false},
		{"flipped byte in the database header", func(t *testing.T, dir string) {
			flipByte(t, filepath.Join(dir, DBName), func(int64) int64 { return 3 })
		}, []want{{CheckHash, DBName, ""}, {CheckDatabase, DBName, ""}}, false},
		{"truncated database", func(t *testing.T, dir string) {
			p := filepath.Join(dir, DBName)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()/2)
		}, []want{{CheckSize, DBName, ""}}, false},
		{"database missing", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, DBName))
		}, []want{{CheckMissing, DBName, ""}}, false},
		{"settings missing", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, ConfigName))
		}, []want{{CheckMissing, ConfigName, ""}}, false},
		{"flipped byte in a thumbnail", func(t *testing.T, dir string) {
			flipByte(t, filepath.Join(dir, ThumbsDir, "02", "t2.jpg"), func(int64) int64 { return 7 })
		}, []want{{CheckHash, "thumbnails/02/t2.jpg", ""}}, false},
		{"thumbnail list damaged", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ThumbsManifestName), []byte(`{"files": [`), 0o600)
		}, []want{{CheckManifest, ThumbsManifestName, ""}, {CheckSize, ThumbsManifestName, ""}}, false},
		{"manifest damaged", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"format": 1, "files": [`), 0o600)
		}, []want{{CheckManifest, ManifestName, ""}}, false},
		{"manifest missing", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, ManifestName))
		}, []want{{CheckManifest, ManifestName, ""}}, false},
		{"row count differs", func(t *testing.T, dir string) {
			editManifest(t, dir, func(m *Manifest) { m.Tables["contributions"]++ })
		}, []want{{CheckRows, DBName, "contributions"}}, false},
		{"a local-only row changed, hashes rewritten to match", func(t *testing.T, dir string) {
			p := filepath.Join(dir, DBName)
			c, _ := sql.Open("sqlite", "file:"+p)
			if _, err := c.Exec(`UPDATE local_paths SET path = '/elsewhere' WHERE contribution_id = 'c1'`); err != nil {
				t.Fatal(err)
			}
			c.Close()
			sum, n, _ := hashFile(p)
			editManifest(t, dir, func(m *Manifest) {
				for i := range m.Files {
					if m.Files[i].Path == DBName {
						m.Files[i].SHA256, m.Files[i].Size = sum, n
					}
				}
			})
		}, []want{{CheckLocalOnly, DBName, "local_paths"}}, false},
		{"extra file is only a hint", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
		}, nil, true},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := f.snapshot(t, true)
			tt.damage(t, info.Path)
			rep, err := Verify(context.Background(), info.Path, VerifyOptions{Mark: true, Now: f.clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK != tt.ok {
				t.Fatalf("OK = %v, want %v; findings %+v", rep.OK, tt.ok, rep.Findings)
			}
			if (rep.Err() == nil) != tt.ok {
				t.Errorf("Err() = %v with OK %v", rep.Err(), rep.OK)
			}
			errs := rep.Errors()
			for _, w := range tt.want {
				found := false
				for _, f := range errs {
					if f.Check == w.check && f.File == w.file && f.Table == w.table {
						found = true
					}
				}
				if !found {
					t.Errorf("no %s finding naming %s %s in %+v", w.check, w.file, w.table, errs)
				}
			}
			// The outcome is remembered for retention and List.
			if v := readVerified(info.Path); v.IsZero() == tt.ok {
				t.Errorf("verified.json says %v after OK=%v", v, tt.ok)
			}
			// The JSON form carries the findings.
			b, _ := json.Marshal(rep)
			var back Report
			if err := json.Unmarshal(b, &back); err != nil || len(back.Findings) != len(rep.Findings) || back.OK != rep.OK {
				t.Errorf("JSON round trip: %v %s", err, b)
			}
		})
	}
}

func TestVerifyMissingSnapshot(t *testing.T) {
	if _, err := Verify(context.Background(), filepath.Join(t.TempDir(), "nope"), VerifyOptions{}); err == nil {
		t.Error("want an error for a snapshot that does not exist")
	}
}

func TestVerifyRecords(t *testing.T) {
	f := newFixture(t)
	info := f.snapshot(t, false)
	ctx := context.Background()
	if _, err := Verify(ctx, info.Path, VerifyOptions{Record: f.db, Now: f.clk.Now}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(info.Path, ConfigName))
	if _, err := Verify(ctx, info.Path, VerifyOptions{Record: f.db, Now: f.clk.Now}); err != nil {
		t.Fatal(err)
	}
	ok, err := f.db.LastBackupRun(ctx, KindVerify, true)
	if err != nil {
		t.Fatal(err)
	}
	last, err := f.db.LastBackupRun(ctx, KindVerify, false)
	if err != nil {
		t.Fatal(err)
	}
	if last.OK || !last.StartedAt.After(ok.StartedAt) || last.Path != info.Path {
		t.Errorf("last verify %+v, last ok %+v", last, ok)
	}
}

func TestListSkipsForeignAndTemp(t *testing.T) {
	f := newFixture(t)
	good := f.snapshot(t, false)
	os.Mkdir(filepath.Join(f.dest, "Holiday photos"), 0o700)
	os.Mkdir(filepath.Join(f.dest, ".stocksync-tmp-snapshot-123"), 0o700)
	os.Mkdir(filepath.Join(f.dest, "stocksync-notatime"), 0o700)
	os.WriteFile(filepath.Join(f.dest, "stocksync-20261122T101500Z"), []byte("a file"), 0o600)
	broken := filepath.Join(f.dest, "stocksync-20200101T000000Z")
	os.Mkdir(broken, 0o700)
	list, err := List(f.dest)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != good.Name || list[1].Path != broken || list[1].Problem == "" {
		t.Errorf("list %+v: want the snapshot, then the broken one with a problem", list)
	}
	if _, err := List(filepath.Join(f.dest, "missing")); err == nil {
		t.Error("missing destination: want an error")
	}
}
