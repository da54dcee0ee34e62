package timemachine

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestActivity(t *testing.T) {
	tests := []struct {
		name    string
		reply   reply
		want    Activity
		phase   string
		wantErr bool
	}{
		{name: "idle", reply: reply{stdout: "status_idle.txt"}, want: Activity{Fraction: -1}},
		{name: "copying", reply: reply{stdout: "status_copying.txt"}, phase: "copying", want: Activity{
			Running: true, Phase: "Copying", Fraction: 0.1233463305829486, TimeRemaining: 2103 * time.Second,
			BytesCopied: 6399180800, TotalBytes: 51880083456, FilesCopied: 114378, TotalFiles: 1156789,
			DestinationID: idAnna, DestinationMountPoint: "/Volumes/Backup Anna"}},
		{name: "starting, progress unknown", reply: reply{stdout: "status_starting.txt"}, phase: "preparing", want: Activity{
			Running: true, Phase: "Starting", Fraction: -1, DestinationID: idNAS}},
		{name: "stopping while thinning", reply: reply{stdout: "status_thinning_stopping.txt"}, phase: "stopping", want: Activity{
			Running: true, Stopping: true, Phase: "ThinningPostBackup", Fraction: 1, DestinationID: idAnna,
			DestinationMountPoint: "/Volumes/Backup Anna"}},
		{name: "unknown phase", reply: reply{stdout: "literal:Backup session status:\n{\n    BackupPhase = HealthCheckFsck;\n    Running = 1;\n}\n"},
			phase: "health check fsck", want: Activity{Running: true, Phase: "HealthCheckFsck", Fraction: -1}},
		{name: "not a status", reply: reply{stdout: "literal:what is this"}, wantErr: true},
		{name: "no Running key", reply: reply{stdout: "literal:Backup session status:\n{\n    ClientID = \"com.apple.backupd\";\n}\n"}, wantErr: true},
		{name: "failure", reply: reply{stderr: "literal:tmutil: XPC error", err: errExit1}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, map[string][]reply{"status": {tt.reply}})
			got, err := NewChecker(f, home).Activity(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if p := got.PhaseText(); p != tt.phase {
				t.Errorf("PhaseText = %q, want %q", p, tt.phase)
			}
		})
	}
}

// TestStatusNeverNoDiskAndNotConnected: with no backup disk, latestbackup's
// mount failure must not turn into "not connected" beside "no disk".
func TestStatusNeverNoDiskAndNotConnected(t *testing.T) {
	tests := []struct {
		name      string
		dest      reply
		latest    reply
		wantState BackupState
		noDest    bool
		away      bool
	}{
		{name: "no destination, code 17", dest: reply{stderr: "destinationinfo_none.txt"},
			latest: reply{stderr: "latestbackup_no_destination.stderr"}, wantState: BackupNoDestination, noDest: true},
		{name: "no destination, older code 18 wording", dest: reply{stdout: "destinationinfo_X_empty.plist"},
			latest: reply{stdout: "latestbackup_mount_failed.txt"}, wantState: BackupNoDestination, noDest: true},
		{name: "local disk unplugged, code 18", dest: reply{stdout: "destinationinfo_X_local_unplugged.plist"},
			latest: reply{stderr: "latestbackup_not_connected_de.stderr"}, wantState: BackupDestinationUnavailable, away: true},
		{name: "NAS between backups: not disconnected", dest: reply{stdout: "destinationinfo_X_two.plist"},
			latest: reply{stdout: "latestbackup_apfs.txt"}, wantState: BackupFound},
		{name: "disk listed but code 17", dest: reply{stdout: "destinationinfo_X_local_unplugged.plist"},
			latest: reply{stderr: "latestbackup_no_destination.stderr"}, wantState: BackupDestinationUnavailable, away: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, map[string][]reply{
				xArgs(asked...): {{stdout: "isexcluded_X_included.plist"}},
				destX:           {tt.dest},
				"latestbackup":  {tt.latest},
				"status":        {{stdout: "status_idle.txt"}},
			})
			s := NewChecker(f, home).Status(context.Background(), dataDir)
			if s.Latest.State != tt.wantState || s.NoDestination() != tt.noDest || s.DisksNotConnected() != tt.away {
				t.Errorf("latest %v, NoDestination %v, DisksNotConnected %v; want %v, %v, %v",
					s.Latest.State, s.NoDestination(), s.DisksNotConnected(), tt.wantState, tt.noDest, tt.away)
			}
			if s.NoDestination() && (s.DisksNotConnected() || s.Latest.State == BackupDestinationUnavailable) {
				t.Error("says both: no backup disk, and the backup disk is not connected")
			}
			if s.BackingUp() {
				t.Error("idle Time Machine reported as backing up")
			}
		})
	}
}
