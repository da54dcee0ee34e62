package notify

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
)

type fakeRunner struct {
	mu     sync.Mutex
	calls  [][]string
	stderr string
	err    error
}

func (f *fakeRunner) Run(_ context.Context, args ...string) ([]byte, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, append([]string(nil), args...))
	return nil, []byte(f.stderr), f.err
}

func TestOsascriptArgs(t *testing.T) {
	tests := []struct {
		name string
		n    Notification
		want []string
	}{
		{
			name: "title and body",
			n:    Notification{Title: "Back up your Stocksync work", Body: "37 pending uploads and 5 edits exist only on this Mac. Last backup: 9 days ago.", Actions: []Action{BackupNow}},
			want: []string{"-e", "on run argv",
				"-e", "display notification (item -1 of argv) with title (item -2 of argv)",
				"-e", "end run", "--",
				"Back up your Stocksync work", "37 pending uploads and 5 edits exist only on this Mac. Last backup: 9 days ago."},
		},
		{
			name: "with subtitle",
			n:    Notification{Title: "Stocksync", Subtitle: "Backup", Body: "Done."},
			want: []string{"-e", "on run argv",
				"-e", "display notification (item -1 of argv) with title (item -3 of argv) subtitle (item -2 of argv)",
				"-e", "end run", "--", "Stocksync", "Backup", "Done."},
		},
		{
			name: "body only",
			n:    Notification{Body: "-e"},
			want: []string{"-e", "on run argv",
				"-e", "display notification (item -1 of argv) with title (item -2 of argv)",
				"-e", "end run", "--", "", "-e"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeRunner{}
			if err := NewOsascript(f).Notify(context.Background(), tt.n); err != nil {
				t.Fatal(err)
			}
			if len(f.calls) != 1 || !reflect.DeepEqual(f.calls[0], tt.want) {
				t.Errorf("args = %q\nwant   %q", f.calls, tt.want)
			}
		})
	}
}

// Hostile texts must arrive verbatim as arguments after "--" and never in
// the script.
func TestOsascriptNeverSplicesTexts(t *testing.T) {
	hostile := []string{
		`" & (do shell script "touch /tmp/pwned") & "`,
		`\" with title \"x`,
		"line one\nend run\non run argv\n\tdo shell script \"id\"",
		`back\\slash \ and "quotes" 'single' «chevrons» ¬`,
		"-e",
		"--",
		"Ünïcødé — 写真 📷",
	}
	scripts := map[string]bool{scriptBegin: true, scriptEnd: true, scriptTitleBody: true, scriptTitleSubBody: true}
	for _, title := range hostile {
		for _, body := range hostile {
			for _, sub := range []string{"", hostile[0], hostile[2]} {
				f := &fakeRunner{}
				n := Notification{Title: title, Subtitle: sub, Body: body}
				if err := NewOsascript(f).Notify(context.Background(), n); err != nil {
					t.Fatal(err)
				}
				args := f.calls[0]
				sep := 6
				for i := 0; i < sep; i += 2 {
					if args[i] != "-e" || !scripts[args[i+1]] {
						t.Fatalf("script part %d = %q, not one of the fixed script lines", i, args[i:i+2])
					}
				}
				want := []string{title, body}
				if sub != "" {
					want = []string{title, sub, body}
				}
				if args[sep] != "--" || !reflect.DeepEqual(args[sep+1:], want) {
					t.Errorf("arguments = %q, want -- %q", args[sep:], want)
				}
			}
		}
	}
}

func TestOsascriptBadInputAndFailures(t *testing.T) {
	ctx := context.Background()
	f := &fakeRunner{}
	if err := NewOsascript(f).Notify(ctx, Notification{Title: "  ", Body: ""}); err == nil {
		t.Error("showed an empty notification")
	}
	if err := NewOsascript(f).Notify(ctx, Notification{Title: "a\x00b", Body: "c"}); err != nil {
		t.Fatal(err)
	}
	if got := f.calls[0][7]; got != "ab" {
		t.Errorf("NUL not dropped: %q", got)
	}

	f = &fakeRunner{stderr: "36:120: execution error: Notifications are not allowed for this application (-1743)\n", err: errors.New("exit status 1")}
	err := NewOsascript(f).Notify(ctx, Notification{Title: "T", Body: "B"})
	want := `show notification "T" with osascript: 36:120: execution error: Notifications are not allowed for this application (-1743): exit status 1`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}

	if isDarwin {
		return
	}
	if err := NewOsascript(SystemRunner()).Notify(ctx, Notification{Title: "T"}); !errors.Is(err, ErrNotAvailable) {
		t.Errorf("err = %v, want ErrNotAvailable", err)
	}
}

func TestFallback(t *testing.T) {
	ctx := context.Background()
	n := Notification{ID: "reminder", Title: "T", Body: "B", Actions: []Action{BackupNow, OpenBackups}}
	boom, bang := errors.New("boom"), errors.New("bang")

	tests := []struct {
		name            string
		primaryErr      error
		secondaryErr    error
		wantPrimary     int
		wantSecondary   int
		wantErrContains []error
	}{
		{name: "primary works", wantPrimary: 1},
		{name: "primary fails, secondary shows it", primaryErr: boom, wantSecondary: 1},
		{name: "both fail", primaryErr: boom, secondaryErr: bang, wantErrContains: []error{boom, bang}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := &Recorder{Err: tt.primaryErr}, &Recorder{Err: tt.secondaryErr}
			err := Fallback(p, s).Notify(ctx, n)
			for _, e := range tt.wantErrContains {
				if !errors.Is(err, e) {
					t.Errorf("err = %v, want it to wrap %v", err, e)
				}
			}
			if len(tt.wantErrContains) == 0 && err != nil {
				t.Errorf("err = %v", err)
			}
			if got := len(p.Notifications()); got != tt.wantPrimary {
				t.Errorf("primary showed %d, want %d", got, tt.wantPrimary)
			}
			if got := len(s.Notifications()); got != tt.wantSecondary {
				t.Errorf("secondary showed %d, want %d", got, tt.wantSecondary)
			}
			if tt.wantSecondary == 1 && !reflect.DeepEqual(s.Notifications()[0], n) {
				t.Errorf("secondary got %+v, want %+v", s.Notifications()[0], n)
			}
		})
	}

	t.Run("cancelled: no fallback", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		p, s := &Recorder{Err: context.Canceled}, &Recorder{}
		if err := Fallback(p, s).Notify(cctx, n); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		if len(s.Notifications()) != 0 {
			t.Error("fell back after cancellation")
		}
	})

	t.Run("nil sides", func(t *testing.T) {
		r := &Recorder{}
		if Fallback(nil, r) != Notifier(r) || Fallback(r, nil) != Notifier(r) {
			t.Error("nil side not skipped")
		}
	})

	t.Run("osascript as the fallback", func(t *testing.T) {
		f := &fakeRunner{}
		err := Fallback(&Recorder{Err: errors.New("Notifications are not allowed for this application")}, NewOsascript(f)).Notify(ctx, n)
		if err != nil || len(f.calls) != 1 || !strings.Contains(strings.Join(f.calls[0], "\n"), "B") {
			t.Errorf("err = %v, calls = %q", err, f.calls)
		}
	})
}

func TestRecorderCopies(t *testing.T) {
	r := &Recorder{}
	acts := []Action{BackupNow}
	if err := r.Notify(context.Background(), Notification{Title: "T", Actions: acts}); err != nil {
		t.Fatal(err)
	}
	acts[0] = OpenBackups
	got := r.Notifications()
	got[0].Title = "changed"
	again := r.Notifications()
	if again[0].Title != "T" || again[0].Actions[0] != BackupNow {
		t.Errorf("recorder shares memory with callers: %+v", again[0])
	}
}
