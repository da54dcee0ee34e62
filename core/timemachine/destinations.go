package timemachine

import (
	"bytes"
	"context"
	"regexp"
	"strings"

	"howett.net/plist"
)

// Destination is one configured Time Machine backup disk, as `tmutil
// destinationinfo -X` (keys Name, Kind, ID, MountPoint, URL,
// LastDestination) or its text form (Name, Kind, Mount Point, ID, URL) names
// it.
type Destination struct {
	Name       string
	Kind       string // "Local" or "Network", as tmutil prints it
	MountPoint string // "" while the disk is not mounted
	ID         string
	URL        string // network destinations only; "" when tmutil did not say
	// Current marks the disk Time Machine backed up to last (LastDestination
	// = 1 in the plist, the `>` before its block in the text form).
	Current bool
}

// Mounted reports whether the backup disk is mounted right now.
func (d Destination) Mounted() bool { return d.MountPoint != "" }

// Network reports whether the destination is a network share (NAS, Time
// Capsule, another Mac).
func (d Destination) Network() bool { return strings.EqualFold(d.Kind, "Network") }

// NotConnected reports whether the disk is known to be unplugged: a local
// disk without a mount point. A network destination is mounted only while a
// backup runs, so a missing mount point says nothing about it, and a
// destination of unknown kind is not called disconnected either.
func (d Destination) NotConnected() bool {
	return strings.EqualFold(d.Kind, "Local") && d.MountPoint == ""
}

// Destinations lists the configured backup disks; none configured is an
// empty list, not an error. It reads `tmutil destinationinfo -X` (which needs
// no Full Disk Access) and falls back to the text form where -X is not
// understood.
func (c *Checker) Destinations(ctx context.Context) ([]Destination, error) {
	out, err := c.run(ctx, "destinationinfo", "-X")
	if err != nil {
		return nil, err
	}
	if noDestinations(out) {
		return []Destination{}, nil
	}
	if dests, ok := parseDestinationsPlist([]byte(out.stdout)); ok {
		return dests, nil
	}
	out, err = c.run(ctx, "destinationinfo")
	if err != nil {
		return nil, err
	}
	if noDestinations(out) {
		return []Destination{}, nil
	}
	dests := parseDestinations(out.stdout)
	if len(dests) == 0 {
		if out.runErr != nil || strings.TrimSpace(out.combined()) != "" {
			return nil, out.failure("destinationinfo")
		}
		return []Destination{}, nil
	}
	return dests, nil
}

func noDestinations(out output) bool {
	return strings.Contains(out.combined(), "No destinations configured")
}

type destinationsPlist struct {
	Destinations *[]destinationEntry `plist:"Destinations"`
}

type destinationEntry struct {
	Name            string      `plist:"Name"`
	Kind            string      `plist:"Kind"`
	ID              string      `plist:"ID"`
	MountPoint      string      `plist:"MountPoint"`
	URL             string      `plist:"URL"`
	LastDestination interface{} `plist:"LastDestination"`
}

// parseDestinationsPlist reads destinationinfo -X. ok is false when data is
// not a plist dictionary with a Destinations array; an empty array is no
// destination.
func parseDestinationsPlist(data []byte) ([]Destination, bool) {
	trimmed := bytes.TrimSpace(data)
	if !isPlist(trimmed) {
		return nil, false
	}
	var p destinationsPlist
	if _, err := plist.Unmarshal(trimmed, &p); err != nil || p.Destinations == nil {
		return nil, false
	}
	dests := make([]Destination, 0, len(*p.Destinations))
	for _, e := range *p.Destinations {
		if e.Name == "" && e.ID == "" {
			continue
		}
		current, _ := plistFlag(e.LastDestination)
		dests = append(dests, Destination{Name: e.Name, Kind: e.Kind, MountPoint: e.MountPoint, ID: e.ID, URL: e.URL,
			Current: current})
	}
	return dests, true
}

func isPlist(b []byte) bool {
	return bytes.HasPrefix(b, []byte("<?xml")) || bytes.HasPrefix(b, []byte("<plist")) || bytes.HasPrefix(b, []byte("bplist"))
}

// separator matches the row of '=' between blocks, also when prefixed with
// '>', which marks the block after it as the current disk.
var separator = regexp.MustCompile(`^\s*(>?)[\s>]*=+\s*$`)

func parseDestinations(s string) []Destination {
	var (
		dests       []Destination
		cur         *Destination
		nextCurrent bool
	)
	flush := func() {
		if cur != nil && (cur.Name != "" || cur.ID != "") {
			dests = append(dests, *cur)
		}
		cur = nil
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if m := separator.FindStringSubmatch(line); m != nil {
			flush()
			nextCurrent = m[1] == ">"
			continue
		}
		marked := strings.HasPrefix(strings.TrimSpace(line), ">")
		key, value, ok := strings.Cut(strings.TrimLeft(line, "> \t"), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if cur == nil || (key == "Name" && cur.Name != "") {
			flush()
			cur = &Destination{Current: nextCurrent}
			nextCurrent = false
		}
		if marked {
			cur.Current = true
		}
		switch key {
		case "Name":
			cur.Name = value
		case "Kind":
			cur.Kind = value
		case "Mount Point":
			cur.MountPoint = value
		case "ID":
			cur.ID = value
		case "URL":
			cur.URL = value
		}
	}
	flush()
	return dests
}
