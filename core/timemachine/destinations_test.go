package timemachine

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestDestinations(t *testing.T) {
	local := Destination{Name: "Backup Anna", Kind: "Local", MountPoint: "/Volumes/Backup Anna", ID: "CD188373-789A-4AD5-B410-4A47A3B53FE8"}
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
			{Name: "TimeMachine", Kind: "Network", URL: "smb://anna@nas.local/TimeMachine", ID: "4B5ED0B0-4B3E-4A2F-976E-B302A27937A3"},
		}},
		{name: "two", reply: reply{stdout: "destinationinfo_two.txt"}, want: []Destination{local,
			{Name: "time_mach", Kind: "Network", URL: "afp://anna@zf/time_mach", MountPoint: "/Volumes/time_mach-1", ID: "C17BD870-304F-4FDB-AF6D-3A78B24729AB"},
		}},
		{name: "blocks without separators, marked current", reply: reply{stdout: "literal:> Name : A\nKind : Local\nID : 1\nName : B\nKind : Network\nID : 2\n"},
			want: []Destination{{Name: "A", Kind: "Local", ID: "1"}, {Name: "B", Kind: "Network", ID: "2"}}},
		{name: "empty output, exit 0", reply: reply{}, want: []Destination{}},
		{name: "failure", reply: reply{stderr: "literal:tmutil: XPC error", err: errExit1}, wantErr: true},
		{name: "unexpected text", reply: reply{stdout: "literal:what is this"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, map[string][]reply{"destinationinfo": {tt.reply}})
			got, err := NewChecker(f, home).Destinations(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if !(Destination{MountPoint: "/Volumes/X"}).Mounted() || (Destination{}).Mounted() {
		t.Error("Mounted is wrong")
	}
	if _, err := NewChecker(unavailable{}, home).Destinations(context.Background()); !errors.Is(err, ErrNotAvailable) {
		t.Errorf("err = %v, want ErrNotAvailable", err)
	}
}
