// Package clock is the one time seam of the long-running parts (the app's
// controller and the data-folder watcher): the current time and a delayed
// call. Production passes System(); tests pass clocktest.Fake, or run the
// system clock inside a testing/synctest bubble where nothing blocks on
// real I/O.
package clock
