//go:build darwin

package darwin

// ServiceManagement (SMAppService) and UserNotifications have no darwinkit
// bindings: they are called through objc.Call, and linking them here makes
// their classes exist at run time (objc.GetClass finds only loaded classes).

// #cgo LDFLAGS: -framework ServiceManagement -framework UserNotifications
import "C"
