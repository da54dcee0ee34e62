package loginitem

import (
	"fmt"
	"path/filepath"
	"strings"

	"howett.net/plist"
)

// Label names Stocksync's LaunchAgent.
const Label = "io.github.stocksync.Stocksync.login"

// BundleID is the app's CFBundleIdentifier (Info.plist). A LaunchAgent names
// it in AssociatedBundleIdentifiers so that System Settings → General → Login
// Items lists the agent under Stocksync, not under the signer of the program
// it runs (Apple, for /usr/bin/open).
const BundleID = "io.github.stocksync.Stocksync"

// launchAgent is the plist launchd reads. RunAtLoad starts the app at login;
// Aqua limits it to graphical sessions (not ssh logins); Interactive tells
// launchd it is an app the user is waiting for; AssociatedBundleIdentifiers
// (macOS 13+) ties the item to the app in System Settings.
type launchAgent struct {
	Label                       string   `plist:"Label"`
	ProgramArguments            []string `plist:"ProgramArguments"`
	RunAtLoad                   bool     `plist:"RunAtLoad"`
	LimitLoadToSessionType      string   `plist:"LimitLoadToSessionType"`
	ProcessType                 string   `plist:"ProcessType"`
	AssociatedBundleIdentifiers []string `plist:"AssociatedBundleIdentifiers"`
}

// Plist returns the XML LaunchAgent plist that runs executablePath with args
// at login, associated with the app whose CFBundleIdentifier is bundleID
// (normally BundleID).
func Plist(label, executablePath string, args []string, bundleID string) ([]byte, error) {
	if err := checkLabel(label); err != nil {
		return nil, err
	}
	if err := checkLabel(bundleID); err != nil {
		return nil, fmt.Errorf("launch agent %s: invalid bundle identifier %q", label, bundleID)
	}
	if !filepath.IsAbs(executablePath) {
		return nil, fmt.Errorf("launch agent %s: program %q is not an absolute path", label, executablePath)
	}
	agent := launchAgent{
		Label:                  label,
		ProgramArguments:       append([]string{executablePath}, args...),
		RunAtLoad:              true,
		LimitLoadToSessionType: "Aqua",
		ProcessType:            "Interactive",

		AssociatedBundleIdentifiers: []string{bundleID},
	}
	data, err := plist.MarshalIndent(agent, plist.XMLFormat, "\t")
	if err != nil {
		return nil, fmt.Errorf("launch agent %s: encode plist: %w", label, err)
	}
	return append(data, '\n'), nil
}

// Path returns where the LaunchAgent plist for label lives:
// ~/Library/LaunchAgents/<label>.plist.
func Path(home, label string) string {
	return filepath.Join(home, "Library", "LaunchAgents", label+".plist")
}

// OpenApp returns the program and arguments that open an app bundle the way
// Finder does. Prefer it to the executable inside the bundle: loading the
// agent then only activates a running copy instead of starting a second one,
// and unloading it cannot kill the running app.
func OpenApp(appPath string) (executable string, args []string) {
	return "/usr/bin/open", []string{"-a", appPath}
}

func checkLabel(label string) error {
	if label == "" || strings.ContainsAny(label, "/\x00") || strings.TrimSpace(label) != label {
		return fmt.Errorf("invalid launch agent label %q", label)
	}
	return nil
}
