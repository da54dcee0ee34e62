// Package lockfile gives one process at a time the right to sync (or
// restore) a data folder. It uses flock(2) on a file in the data folder, so a
// lock held by a process that crashed or was killed is released by the kernel
// at once: there is no stale lock to clean up. The file also says who holds
// the lock, so a refused process can tell the user what is running and where.
package lockfile
