package timemachine

import (
	"context"
	"regexp"
	"strings"
)

// Destination is one configured Time Machine backup disk.
type Destination struct {
	Name       string
	Kind       string // "Local" or "Network"
	MountPoint string // "" when the disk is not mounted
	ID         string
	URL        string // network destinations only
}

// Mounted reports whether the backup disk is connected right now.
func (d Destination) Mounted() bool { return d.MountPoint != "" }

// Destinations lists the configured backup disks; none configured is an
// empty list, not an error.
func (c *Checker) Destinations(ctx context.Context) ([]Destination, error) {
	out, err := c.run(ctx, "destinationinfo")
	if err != nil {
		return nil, err
	}
	if strings.Contains(out.combined(), "No destinations configured") {
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

// separator matches the row of '=' between blocks, also when prefixed with
// '>' (which some versions are reported to use to mark the current disk).
var separator = regexp.MustCompile(`^[>\s]*=+\s*$`)

func parseDestinations(s string) []Destination {
	var (
		dests []Destination
		cur   *Destination
	)
	flush := func() {
		if cur != nil && (cur.Name != "" || cur.ID != "") {
			dests = append(dests, *cur)
		}
		cur = nil
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if separator.MatchString(line) {
			flush()
			continue
		}
		key, value, ok := strings.Cut(strings.TrimLeft(line, "> \t"), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if cur == nil || (key == "Name" && cur.Name != "") {
			flush()
			cur = &Destination{}
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
