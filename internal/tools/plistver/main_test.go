package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"
)

func TestRun(t *testing.T) {
	info := filepath.Join("..", "..", "..", "Info.plist")
	dir := t.TempDir()
	out := filepath.Join(dir, "Info.plist")
	tests := []struct {
		name        string
		args        []string
		code        int
		short, long string // versions written, when code is 0
	}{
		{"describe", []string{"-in", info, "-out", out, "-version", "v1.4.2-3-gdeadbee-dirty"}, 0, "1.4.2", "1.4.2"},
		{"build override", []string{"-in", info, "-out", out, "-version", "v1.4.2", "-build", "17"}, 0, "1.4.2", "17"},
		{"untagged", []string{"-in", info, "-out", out, "-version", "dev"}, 0, "0.0.0", "0.0.0"},
		{"bad build", []string{"-in", info, "-out", out, "-version", "v1.0.0", "-build", "x"}, 1, "", ""},
		{"missing input", []string{"-in", filepath.Join(dir, "nope"), "-out", out, "-version", "v1.0.0"}, 1, "", ""},
		{"no -out", []string{"-in", info, "-version", "v1.0.0"}, 2, "", ""},
		{"no -version", []string{"-in", info, "-out", out}, 2, "", ""},
		{"stray argument", []string{"-in", info, "-out", out, "-version", "1.0.0", "extra"}, 2, "", ""},
		{"unknown flag", []string{"-nope"}, 2, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(out)
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr %s", code, tt.code, stderr.String())
			}
			if tt.code != 0 {
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("output written despite failure (stat: %v)", err)
				}
				if stderr.Len() == 0 {
					t.Error("no message on stderr")
				}
				return
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				CFBundleShortVersionString, CFBundleVersion, CFBundleIdentifier string
			}
			if _, err := plist.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if got.CFBundleShortVersionString != tt.short || got.CFBundleVersion != tt.long || got.CFBundleIdentifier == "" {
				t.Errorf("wrote %+v, want versions %s (%s)", got, tt.short, tt.long)
			}
			if !strings.Contains(stdout.String(), tt.short) {
				t.Errorf("stdout %q does not name the version", stdout.String())
			}
		})
	}
}
