//go:build windows

package main

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// detached starts a child in the background with no console and its own
// process group, so it goes on after this command and its window are gone
// and Ctrl+C there does not reach it.
func detached() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: windows.DETACHED_PROCESS | windows.CREATE_NEW_PROCESS_GROUP}
}
