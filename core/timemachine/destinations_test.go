package timemachine

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

const (
	idAnna = "CD188373-789A-4AD5-B410-4A47A3B53FE8"
	idNAS  = "4B5ED0B0-4B3E-4A2F-976E-B302A27937A3"
)

var (
	destX            = key("destinationinfo", "-X")
	unsupportedDestX = reply{stderr: "destinationinfo_X_unsupported.stderr", err: errExit1}
)

// TestDestinationsPlist reads `tmutil destinationinfo -X`, the preferred form.
func TestDestinationsPlist(t *testing.T) {
	tests := []struct {
		name  string
		reply reply
		want  []Destination
	}{
		{name: "local mounted, network current and unmounted", reply: reply{stdout: "destinationinfo_X_two.plist"}, want: []Destination{
			{Name: "Backup Anna", Kind: "Local", MountPoint: "/Volumes/Backup Anna", ID: idAnna},
			{Name: "TimeMachine", Kind: "Network", ID: idNAS, Current: true},
		}},
		{name: "local unplugged", reply: reply{stdout: "destinationinfo_X_local_unplugged.plist"}, want: []Destination{
			{Name: "Backup Anna", Kind: "Local", ID: idAnna, Current: true},
		}},
		{name: "empty array", reply: reply{stdout: "destinationinfo_X_empty.plist"}, want: []Destination{}},
		{name: "no destinations message", reply: reply{stderr: "destinationinfo_none.txt", err: errExit1}, want: []Destination{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, map[string][]reply{destX: {tt.reply}})
			got, err := NewChecker(f, home).Destinations(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if calls := f.called(); len(calls) != 1 {
				t.Errorf("calls = %q, want only destinationinfo -X", calls)
			}
		})
	}
}

// TestDestinationsText reads the text form, used when -X is not understood.
func TestDestinationsText(t *testing.T) {
	local := Destination{Name: "Backup Anna", Kind: "Local", MountPoint: "/Volumes/Backup Anna", ID: idAnna}
	tests := []struct {
		name    string
		reply   reply
		want    []Destination
		wantErr bool
	}{
		{name: "none, on stdout, exit 0", reply: reply{stdout: "destinationinfo_none.txt"}, want: []Destination{}},
		{name: "none, on stderr, exit 1", reply: reply{stderr: "destinationinfo_none.txt", err: errExit1}, want: []Destination{}},
		{name: "one local", reply: reply{stdout: "destinationinfo_one_local.txt"}, want: []Destination{local}},
		{name: "one network, unmounted", reply: reply{stdout: "destinationinfo_one_network_unmounted.txt"}, want: []Destination{
			{Name: "TimeMachine", Kind: "Network", URL: "smb://anna@nas.local/TimeMachine", ID: idNAS},
		}},
		{name: "two", reply: reply{stdout: "destinationinfo_two.txt"}, want: []Destination{local,
			{Name: "time_mach", Kind: "Network", URL: "afp://anna@zf/time_mach", MountPoint: "/Volumes/time_mach-1", ID: "C17BD870-304F-4FDB-AF6D-3A78B24729AB"},
		}},
		{name: "two, current marked with > ===", reply: reply{stdout: "destinationinfo_two_current_marked.txt"}, want: []Destination{local,
			{Name: "TimeMachine", Kind: "Network", URL: "smb://anna@nas.local/TimeMachine", ID: idNAS, Current: true},
		}},
		{name: "blocks without separators, marked current", reply: reply{stdout: "literal:> Name : A\nKind : Local\nID : 1\nName : B\nKind : Network\nID : 2\n"},
			want: []Destination{{Name: "A", Kind: "Local", ID: "1", Current: true}, {Name: "B", Kind: "Network", ID: "2"}}},
		{name: "empty output, exit 0", reply: reply{}, want: []Destination{}},
		{name: "failure", reply: reply{stderr: "literal:tmutil: XPC error", err: errExit1}, wantErr: true},
		{name: "unexpected text", reply: reply{stdout: "literal:what is this"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, map[string][]reply{destX: {unsupportedDestX}, "destinationinfo": {tt.reply}})
			got, err := NewChecker(f, home).Destinations(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	t.Run("a plist without Destinations falls back", func(t *testing.T) {
		f := newFake(t, map[string][]reply{
			destX:             {{stdout: "literal:<plist version=\"1.0\"><dict><key>Other</key><string>x</string></dict></plist>"}},
			"destinationinfo": {{stdout: "destinationinfo_one_local.txt"}},
		})
		got, err := NewChecker(f, home).Destinations(context.Background())
		if err != nil || !reflect.DeepEqual(got, []Destination{local}) {
			t.Errorf("got %+v, %v", got, err)
		}
	})
	if _, err := NewChecker(unavailable{}, home).Destinations(context.Background()); !errors.Is(err, ErrNotAvailable) {
		t.Errorf("err = %v, want ErrNotAvailable", err)
	}
}

func TestDestinationConnected(t *testing.T) {
	tests := []struct {
		d                     Destination
		mounted, notConnected bool
	}{
		{Destination{Kind: "Local", MountPoint: "/Volumes/X"}, true, false},
		{Destination{Kind: "Local"}, false, true},
		// A NAS is mounted only while a backup runs: never "not connected".
		{Destination{Kind: "Network"}, false, false},
		{Destination{Kind: "Network", MountPoint: "/Volumes/TimeMachine"}, true, false},
		{Destination{}, false, false},
	}
	for _, tt := range tests {
		if tt.d.Mounted() != tt.mounted || tt.d.NotConnected() != tt.notConnected {
			t.Errorf("%+v: Mounted %v NotConnected %v, want %v %v", tt.d, tt.d.Mounted(), tt.d.NotConnected(), tt.mounted, tt.notConnected)
		}
	}
}
