//go:build unix

package main

import "syscall"

// detached makes a child started in the background its own session, so it
// goes on after this command and its terminal are gone.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
