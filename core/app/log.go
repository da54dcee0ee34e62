package app

import (
	"log/slog"

	"github.com/stocksync/stocksync/core/backup"
)

// logs are the controller's loggers, one per component (Deps.Logger.With
// "component"), so a line says which part of the app wrote it. Every
// failure in the background — where no window shows it — is logged. No
// credential, token or cookie is ever passed to a logger: only errors,
// paths, counts and outcomes (internal/reliability's secrets test reads
// the log).
type logs struct {
	app, sync, thumbs, backup, tm, watch, notify, login, db, signin *slog.Logger
}

func newLogs(l *slog.Logger) logs {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	c := func(name string) *slog.Logger { return l.With("component", name) }
	return logs{
		app: c("app"), sync: c("sync"), thumbs: c("thumbnails"), backup: c("backup"), tm: c("timemachine"),
		watch: c("watch"), notify: c("notify"), login: c("login"), db: c("database"), signin: c("signin"),
	}
}

// LogSafetyResult is backup.SafetySnapshotterOptions.OnResult for the app:
// each safety snapshot attempt goes to log (nil: slog.Default()).
func LogSafetyResult(log *slog.Logger) func(backup.SafetyResult) {
	if log == nil {
		log = slog.Default()
	}
	return func(r backup.SafetyResult) {
		switch {
		case r.Err != nil:
			log.Error("safety snapshot failed", "err", r.Err)
		case r.Taken:
			log.Info("safety snapshot taken", "path", r.Info.Path, "files", r.Info.Files)
		default:
			log.Debug("safety snapshot not needed: local-only data unchanged")
		}
	}
}
