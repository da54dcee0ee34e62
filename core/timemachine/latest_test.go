package timemachine

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestLatestBackup(t *testing.T) {
	cest := time.FixedZone("CEST", 2*60*60)
	tests := []struct {
		name    string
		reply   reply
		want    LatestBackup
		wantErr bool
	}{
		{name: "APFS path", reply: reply{stdout: "latestbackup_apfs.txt"}, want: LatestBackup{
			State: BackupFound, Time: time.Date(2026, 8, 1, 0, 51, 34, 0, cest),
			Path: "/Volumes/.timemachine/CD188373-789A-4AD5-B410-4A47A3B53FE8/2026-08-01-005134.backup/2026-08-01-005134.backup"}},
		{name: "HFS+ path", reply: reply{stdout: "latestbackup_hfs.txt"}, want: LatestBackup{
			State: BackupFound, Time: time.Date(2011, 8, 26, 10, 45, 14, 0, cest),
			Path: "/Volumes/Backup Anna/Backups.backupdb/Annas MacBook Pro/2011-08-26-104514"}},
		{name: "needs Full Disk Access", reply: reply{stderr: "latestbackup_fda.stderr", err: errExit1}, want: LatestBackup{
			State:  BackupNeedsFullDiskAccess,
			Detail: "latestbackup requires Full Disk Access privileges.\nTo allow this operation to complete, the Full Disk Access privilege can be granted to the Terminal application from the Privacy tab in the Security & Privacy preference pane."}},
		{name: "disk not connected, exit 0", reply: reply{stdout: "latestbackup_mount_failed.txt"}, want: LatestBackup{
			State:  BackupDestinationUnavailable,
			Detail: `Failed to mount backup destination, error: Error Domain=com.apple.backupd.ErrorDomain Code=18 "Failed to mount destination." UserInfo={NSLocalizedDescription=Failed to mount destination.}`}},
		{name: "no destination", reply: reply{stderr: "destinationinfo_none.txt", err: errExit1}, want: LatestBackup{
			State: BackupNoDestination, Detail: "No destinations configured."}},
		// macOS 12 may print only the backup's name, in local time.
		{name: "macOS 12: bare backup name", reply: reply{stdout: "latestbackup_macos12_name.txt"}, want: LatestBackup{
			State: BackupFound, Time: time.Date(2026, 8, 1, 0, 51, 34, 0, cest), Path: "2026-08-01-005134.backup"}},
		// No destination: backupd error 17 on stderr, exit 0. Not "disk not connected".
		{name: "mount failed, code 17: no destination", reply: reply{stderr: "latestbackup_no_destination.stderr"}, want: LatestBackup{
			State:  BackupNoDestination,
			Detail: "Failed to mount backup destination, error: Error Domain=com.apple.backupd.ErrorDomain Code=17 \"The operation couldn’t be completed. (com.apple.backupd.ErrorDomain error 17.)\" UserInfo={}"}},
		// Code 18 is the disk not connected, whatever language the NSError text is in.
		{name: "mount failed, code 18, German: not connected", reply: reply{stderr: "latestbackup_not_connected_de.stderr"}, want: LatestBackup{
			State:  BackupDestinationUnavailable,
			Detail: "Failed to mount backup destination, error: Error Domain=com.apple.backupd.ErrorDomain Code=18 \"Der Vorgang konnte nicht abgeschlossen werden. (com.apple.backupd.ErrorDomain Fehler 18.)\" UserInfo={}"}},
		{name: "no machine directory: disk not reachable", reply: reply{stderr: "latestbackup_no_machine_directory.stderr", err: errExit1}, want: LatestBackup{
			State: BackupDestinationUnavailable, Detail: "Unable to locate machine directory for host."}},
		{name: "no machine directory, exit 0", reply: reply{stdout: "latestbackup_no_machine_directory.stderr"}, want: LatestBackup{
			State: BackupDestinationUnavailable, Detail: "Unable to locate machine directory for host."}},
		{name: "no backups yet, empty", reply: reply{}, want: LatestBackup{State: BackupNone}},
		{name: "path without a date", reply: reply{stdout: "literal:/Volumes/Backup Anna/Backups.backupdb/Mac/Latest\n"}, wantErr: true},
		{name: "unknown failure", reply: reply{stderr: "literal:tmutil: XPC error", err: errExit1}, wantErr: true},
		{name: "a name that is no backup", reply: reply{stdout: "literal:Latest.backup\n"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, map[string][]reply{"latestbackup": {tt.reply}})
			c := NewChecker(f, home)
			c.Location = cest
			got, err := c.LatestBackup(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestBackupTimeUsesLocalTimeByDefault(t *testing.T) {
	f := newFake(t, map[string][]reply{"latestbackup": {{stdout: "latestbackup_hfs.txt"}}})
	got, err := NewChecker(f, home).LatestBackup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2011, 8, 26, 10, 45, 14, 0, time.Local); !got.Time.Equal(want) {
		t.Errorf("time = %v, want %v", got.Time, want)
	}
}
