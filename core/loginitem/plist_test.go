package loginitem

import (
	"reflect"
	"testing"

	"howett.net/plist"
)

func TestPlistRoundTrip(t *testing.T) {
	exe, args := OpenApp("/Applications/Stocksync.app")
	data, err := Plist(Label, exe, args, BundleID)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]interface{}
	format, err := plist.Unmarshal(data, &got)
	if err != nil {
		t.Fatal(err)
	}
	if format != plist.XMLFormat {
		t.Errorf("format = %d, want XML", format)
	}
	want := map[string]interface{}{
		"Label":                  "io.github.stocksync.Stocksync.login",
		"ProgramArguments":       []interface{}{"/usr/bin/open", "-a", "/Applications/Stocksync.app"},
		"RunAtLoad":              true,
		"LimitLoadToSessionType": "Aqua",
		"ProcessType":            "Interactive",
		// Without it System Settings lists the item as Apple's (the signer of /usr/bin/open).
		"AssociatedBundleIdentifiers": []interface{}{"io.github.stocksync.Stocksync"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestPlistEscapesArguments(t *testing.T) {
	data, err := Plist("x.y", "/Applications/A & <B>.app/Contents/MacOS/Stocksync", []string{`--name="q"`, "</string>"}, BundleID)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ProgramArguments []string
	}
	if _, err := plist.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"/Applications/A & <B>.app/Contents/MacOS/Stocksync", `--name="q"`, "</string>"}
	if !reflect.DeepEqual(got.ProgramArguments, want) {
		t.Errorf("got %q, want %q", got.ProgramArguments, want)
	}
}

func TestPlistRejectsBadInput(t *testing.T) {
	tests := []struct{ label, exe, bundle string }{
		{"", "/usr/bin/open", BundleID},
		{"a/b", "/usr/bin/open", BundleID},
		{" x", "/usr/bin/open", BundleID},
		{Label, "open", BundleID},
		{Label, "", BundleID},
		{Label, "/usr/bin/open", ""},
		{Label, "/usr/bin/open", "a/b"},
	}
	for _, tt := range tests {
		if _, err := Plist(tt.label, tt.exe, nil, tt.bundle); err == nil {
			t.Errorf("Plist(%q, %q, %q) succeeded", tt.label, tt.exe, tt.bundle)
		}
	}
}

func TestPath(t *testing.T) {
	if got, want := Path("/Users/anna", Label), "/Users/anna/Library/LaunchAgents/io.github.stocksync.Stocksync.login.plist"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		status SMStatus
		err    error
		want   Mechanism
		state  State
	}{
		{SMNotRegistered, nil, UseSMAppService, Disabled},
		{SMEnabled, nil, UseSMAppService, Enabled},
		{SMRequiresApproval, nil, UseSMAppService, RequiresApproval},
		// A signed app that was never registered reports notFound: register it.
		{SMNotFound, nil, UseSMAppService, Disabled},
		{SMStatus(42), nil, UseLaunchAgent, Unsupported},
		{SMEnabled, errSM, UseLaunchAgent, Enabled},
	}
	for _, tt := range tests {
		if got := Choose(tt.status, tt.err); got != tt.want {
			t.Errorf("Choose(%d, %v) = %v, want %v", tt.status, tt.err, got, tt.want)
		}
		if got := tt.status.State(); got != tt.state {
			t.Errorf("SMStatus(%d).State() = %v, want %v", tt.status, got, tt.state)
		}
	}
	for s, want := range map[State]string{Unsupported: "not available", Disabled: "disabled", Enabled: "enabled",
		RequiresApproval: "requires approval in System Settings"} {
		if got := s.String(); got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
	}
}
