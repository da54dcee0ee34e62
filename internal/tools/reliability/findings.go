package main

// finding is a bug the campaign found, with the test that shows it.
type finding struct {
	what, where, test, fix string
}

var findings = []finding{
	{"After an outage of the image host (or Wi-Fi dropping) during the background download, thumbnails were marked failed for good and never tried again.",
		"core/thumbs (Downloader.finish), core/store", "TestThumbnailsRetriedAfterOutage", "fixed in b7debf9: an outage leaves jobs queued"},
	{"A thumbnail whose body broke off or was garbled after a valid JPEG header was saved and marked done: a broken image for good.",
		"core/thumbs (Downloader.download)", "TestThumbnailNotWholeImageNotSaved", "fixed in b7debf9: images are decoded before saving"},
	{"Thumbnails of files removed from ESP were still fetched, failed with 404 and counted as failed forever.",
		"core/store (NextThumbnails, Summary)", "TestThumbnailsOfRemovedFiles", "fixed in b7debf9"},
	{"A page was decoded whole however many more items than page_size it held, up to the 32 MiB response limit; small items decode to ~30× their size and 16 batches are fetched at once, so one oversized answer per batch took `stocksync sync` to 6.2 GB (a 40 MB batch list: 1 GB).",
		"core/esp (list decoders)", "TestPageHoldsAtMostPageSize", "fixed in 946956c: at most page_size items, 16 MiB per page"},
	{"Server error text was copied into errors verbatim, so a server echoing the request headers put the access token and API key into the output and the database's sync history.",
		"core/esp (error bodies)", "TestServerMessagesCarryNoToken", "fixed in 946956c: the client's own secrets are redacted from server text"},
	{"`stocksync thumbnails --wait` prints \"0 downloaded, 0 failed\" and exits 0 while the image host is down: the queue is left waiting and nothing says so or why.",
		"cmd/stocksync/thumbnails.go", "TestThumbnailsWaitReportsOutage", "fixed in 460547a: says what is left and why, exits 3"},
	{"On a read-only data folder every command (even `status`) fails with \"open database …: unable to open database file (14)\", which does not say the folder is read-only.",
		"core/store (Open), cmd/stocksync/status.go", "TestDiskTrouble/data_folder_read_only", "fixed in 780011a: \"the data folder … is read-only\"; status reads through OpenReadOnly (immutable on a read-only disk)"},
	{"When the data folder is deleted while `stocksync sync` runs, the sync writes on into the unlinked files and reports success (exit 0); everything it fetched is gone.",
		"core/syncer, core/store", "TestDiskTrouble/data_folder_removed_mid_run", "fixed in 780011a: after every batch and before success the sync checks the path still names the open file (os.SameFile) and stops with \"the database … was removed or replaced\""},
	{"A zero-byte `stocksync.db` was silently given a fresh schema by `list pending` (the pending uploads gone without a word); another application's SQLite file got Stocksync's tables added; a database with damaged pages still let `sync` write and report ok.",
		"core/store (Open), cmd/stocksync (openStore)", "TestDamagedOrForeignDatabaseIsRefused", "fixed in h/integrity: only a missing file is created (built beside, linked in); empty, non-SQLite, foreign and quick_check-failing files are refused with exit 6, naming the newest snapshot and the exact `stocksync restore` command"},
	{"A restore killed between swapping the database and writing the settings left the new database with the old settings.",
		"core/backup (restoreFull), core/datadir", "TestRestoreKilledAtEveryStep", "fixed in h/integrity: database and settings are staged beside the old set and switched once through an intent record; the next command completes it"},
	{"A process killed while SQLite's rollback journal existed left every command failing with \"attempt to write a readonly database (776)\": read-only opens cannot roll back a hot journal.",
		"core/store (Open, OpenReadOnly, Quiesce)", "TestHotJournalIsRepairedByEveryCommand", "fixed in h/integrity: every open rolls a hot journal back through a writable connection first"},
	{"On a read-only data folder `backup status` said \"never backed up, 0 pending uploads\"; `list` and `backup --to elsewhere` refused.",
		"cmd/stocksync (backup status, list, backup), core/backup (build), core/store (CopyTo)", "TestReadOnlyDataFolderStillReadsAndBacksUp", "fixed in h/integrity: read paths open read-only; a backup stages its copy in the snapshot folder; nothing reports a zero it could not read"},
	{"`restore --local-only` was refused when one thumbnail or config.json was missing from the snapshot, though its database was intact.",
		"core/backup (restorable)", "TestRestoreWithMissingSnapshotFiles", "fixed in h/integrity: what is intact is restored and what is missing is named; only a damaged database refuses"},
	{"`backup destination LINK` (a link to the data folder) was accepted; `restore \"\"` restored the newest snapshot over live data; temporary folders of killed snapshots stayed 24 h; `check` said 0 errors with thumbnails/ a plain file; `STOCKSYNC_DATA_DIR='~/x'` made `./~/x`.",
		"cmd/stocksync, core/datadir, core/check", "TestBadArgumentsAndLeftovers", "fixed in h/integrity: containment by real path and device+inode; empty values are usage errors; leftovers no live process marks are removed at the next start; check has a layout phase"},
	{"Two syncs started together: the refused one sometimes said only \"another Stocksync process is already running\", read in the instant the holder's record was written or cleared.",
		"core/lockfile (TryAcquire)", "TestRacingSyncs", "fixed in h/integrity: an empty record is read again for up to 100 ms, or the lock is taken if it was let go"},
	{"A backup recorded while this computer's clock was ahead stayed \"the last backup\" after the clock was corrected, through every later backup, and local changes were counted since that future time: work added after the correction showed as backed up and the weekly reminder stayed silent for as long as the clock had been ahead (a year ahead: a year). A clock that was behind is harmless (the next backup is simply due at once).",
		"core/store (LastBackupRun orders by started_at), cmd/stocksync (backup status, status: changes since the last backup), core/reminder (Decide)", "TestBackupStatusAfterClockCorrected",
		"fixed on main: the last backup is the one recorded last (by id); a last backup dated after now is of unknown age, so every local change counts as not backed up (store.LocalChangesSince) and the reminder is due (reminder.Decide)"},
	{"A silent ESP did not stop a sync that had many batches to fetch: each file-list call that started when the 15-second stall detector freed a connection, and each call that failed for good, counted as progress, so \"ESP stopped answering\" came after 60.4 s in one run with 10 batches to fetch (45.5 s in another) and not within 2 minutes with 60 (the first sync of a real portfolio: far longer).",
		"core/syncer (watchdog in budget.go: calls started or failed count as progress)", "TestStalledConnections/files_silent_60",
		"fixed on main: only what came back from ESP (answers read to the end, body bytes of first attempts, per KiB) counts as progress, not calls started or given up; and the stop comes after 40 s, so a request that gets a connection only when the 15-s stall detector frees one still ends within 60 s"},
}

// minor are observations without a failing test.
var minor = []string{
	"A SIGKILL during thumbnail downloads left `.stocksync-tmp-*` files in thumbnails/ (counted per trial below). Fixed in 4f554df: Drain removes temporary files older than an hour.",
	"A killed snapshot left a temporary folder in the backup destination for 24 hours. Fixed in h/integrity: writers mark their temporaries (flock); the next snapshot, and any command for the data folder, removes the unmarked ones at once.",
	"The lock-held message said \"a sync is already running\" for the thumbnail lock too. Fixed in 4f554df: \"already running: <command>\".",
	"A full disk during sync was reported per batch. Fixed in 4f554df: the first SQLITE_FULL stops the run with \"the disk holding the data folder is full\" (store.ErrDiskFull).",
	"`stocksync thumbnails --wait` drew its progress bar on standard error when that was not a terminal. Fixed in 4f554df.",
	"Nine-MB thumbnails took `thumbnails --wait` to ~260 MB (eight workers each buffering up to the 8 MiB limit). Since 4f554df the limit is 2 MiB (ESP thumbnails are tens of kilobytes), bounding this at about 8 × 2 MiB; refusing on Content-Length before reading would bound it further.",
}
