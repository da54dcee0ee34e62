package app

import "testing"

func TestIconChoice(t *testing.T) {
	tests := []struct {
		name    string
		syncing bool
		dbGone  bool
		want    Icon
	}{
		{"idle", false, false, IconIdle},
		{"syncing", true, false, IconSyncing},
		{"alarm", false, true, IconAttention},
		{"alarm while syncing", true, true, IconAttention},
	}
	for _, tt := range tests {
		var f facts
		f.sync.running, f.dbGone = tt.syncing, tt.dbGone
		if got := renderMenu(f, t0).Icon; got != tt.want {
			t.Errorf("%s: icon %d, want %d", tt.name, got, tt.want)
		}
	}
}
