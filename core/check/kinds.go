package check

// Kind says what a finding is about. Core states the facts (Finding.What,
// Path, Count); each frontend words the advice from the kind (the CLI in
// cmd/stocksync/check.go), so no finding names a command.
type Kind string

// Kinds of findings, by phase.
const (
	// data folder: Path is the data folder.
	KindDataFolderGone   Kind = "data-folder-gone"    // a link to a folder that is not there (a disconnected drive)
	KindNoDataFolder     Kind = "no-data-folder"      // does not exist yet: a new user (a hint)
	KindDataFolderIsFile Kind = "data-folder-is-file" // a file where the folder should be
	KindDataFolderOpen   Kind = "data-folder-open"    // other users can read it

	// Unreadable: the data folder or one of its subfolders cannot be read
	// (Path).
	KindUnreadable Kind = "unreadable"

	// layout: Path is the file or folder concerned.
	KindSubfolderIsLink    Kind = "subfolder-is-link"   // thumbnails/ or snapshots/ is a link
	KindSubfolderIsFile    Kind = "subfolder-is-file"   // thumbnails/ or snapshots/ is a file
	KindFileIsFolder       Kind = "file-is-folder"      // the database, settings or lock file is a folder
	KindReadOnly           Kind = "read-only"           // the data folder cannot be written
	KindRestoreInterrupted Kind = "restore-interrupted" // Path is the intent record
	KindLeftovers          Kind = "leftovers"           // Count temporary files or folders

	// settings: Path is config.json.
	KindSettingsDamaged Kind = "settings-damaged"

	// database: Path is the database.
	KindNoDatabase         Kind = "no-database"         // nothing synced yet (a hint)
	KindDatabaseUnreadable Kind = "database-unreadable" // cannot be opened as a database
	KindSchemaTooNew       Kind = "schema-too-new"      // Count is its schema version
	KindIntegrityUnchecked Kind = "integrity-unchecked" // PRAGMA integrity_check could not run
	KindIntegrity          Kind = "integrity"           // one problem PRAGMA integrity_check reported
	KindForeignKeys        Kind = "foreign-keys"        // Count rows refer to batches or files that do not exist

	// ReadFailed: a table the phase needs could not be read (no advice
	// beyond the database's own findings).
	KindReadFailed Kind = "read-failed"

	// local-only data
	KindPendingFileMissing Kind = "pending-file-missing" // Path is the pending upload's file
	KindEditConflict       Kind = "edit-conflict"        // a local edit in conflict with ESP

	// thumbnails: Count missing from Path (the thumbnail cache).
	KindThumbnailsMissing Kind = "thumbnails-missing"

	// last sync
	KindNeverSynced Kind = "never-synced" // no sync has run (a hint)
	KindSyncStopped Kind = "sync-stopped" // the last sync was killed before it finished
	KindSyncFailed  Kind = "sync-failed"  // the last sync ended failed or partial

	// backups: Path is the configured backup destination.
	KindDestinationGone       Kind = "destination-gone"       // not there (a drive not connected?)
	KindDestinationUnreadable Kind = "destination-unreadable" // cannot be read
	KindDestinationIsFile     Kind = "destination-is-file"    // a file, not a folder
	KindDestinationInData     Kind = "destination-in-data"    // the data folder or inside it
	KindDestinationHoldsData  Kind = "destination-holds-data" // holds the data folder
)

// Kinds lists every kind a finding can have, for frontends to check they
// word each one.
func Kinds() []Kind {
	return []Kind{
		KindDataFolderGone, KindNoDataFolder, KindDataFolderIsFile, KindDataFolderOpen, KindUnreadable,
		KindSubfolderIsLink, KindSubfolderIsFile, KindFileIsFolder, KindReadOnly, KindRestoreInterrupted, KindLeftovers,
		KindSettingsDamaged,
		KindNoDatabase, KindDatabaseUnreadable, KindSchemaTooNew, KindIntegrityUnchecked, KindIntegrity, KindForeignKeys,
		KindReadFailed, KindPendingFileMissing, KindEditConflict, KindThumbnailsMissing,
		KindNeverSynced, KindSyncStopped, KindSyncFailed,
		KindDestinationGone, KindDestinationUnreadable, KindDestinationIsFile, KindDestinationInData, KindDestinationHoldsData,
	}
}
