package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// cobra's raw complaints, reworded by plainCobraError.
var (
	reAccepts   = regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)`)
	reAtLeast   = regexp.MustCompile(`^requires at least (\d+) arg\(s\), only received (\d+)`)
	reAtMost    = regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)`)
	reBetween   = regexp.MustCompile(`^accepts between (\d+) and (\d+) arg\(s\), received (\d+)`)
	reExclusive = regexp.MustCompile(`^if any flags in the group \[([^\]]*)\] are set none of the others can be`)
	reTogether  = regexp.MustCompile(`^if any flags in the group \[([^\]]*)\] are set they must all be set`)
	reOneOf     = regexp.MustCompile(`^at least one of the flags in the group \[([^\]]*)\] is required`)
)

// plainCobraError words cobra's argument and flag-group errors ("accepts 1
// arg(s), received 0", "if any flags in the group [keep-local keep-esp] are
// set none of the others can be") as a sentence naming the command, e.g.
// "`stocksync resolve` takes 1 argument, but got none". Other errors come
// back as they are, with ok false.
func plainCobraError(c *cobra.Command, err error) (msg string, ok bool) {
	s, cmd := err.Error(), "`"+c.CommandPath()+"`"
	args := func(n string) string {
		if k, _ := strconv.Atoi(n); k == 1 {
			return "1 argument"
		}
		return n + " arguments"
	}
	got := func(n string) string {
		if n == "0" {
			return "none"
		}
		return n
	}
	flags := func(group, and string) string {
		names := strings.Fields(group)
		for i := range names {
			names[i] = "--" + names[i]
		}
		if len(names) > 1 {
			names[len(names)-2] += " " + and + " " + names[len(names)-1]
			names = names[:len(names)-1]
		}
		return strings.Join(names, ", ")
	}
	switch m := []*regexp.Regexp{reAccepts, reAtLeast, reAtMost, reBetween, reExclusive, reTogether, reOneOf}; {
	case m[0].MatchString(s):
		g := m[0].FindStringSubmatch(s)
		return fmt.Sprintf("%s takes %s, but got %s", cmd, args(g[1]), got(g[2])), true
	case m[1].MatchString(s):
		g := m[1].FindStringSubmatch(s)
		return fmt.Sprintf("%s takes at least %s, but got %s", cmd, args(g[1]), got(g[2])), true
	case m[2].MatchString(s):
		g := m[2].FindStringSubmatch(s)
		return fmt.Sprintf("%s takes at most %s, but got %s", cmd, args(g[1]), g[2]), true
	case m[3].MatchString(s):
		g := m[3].FindStringSubmatch(s)
		return fmt.Sprintf("%s takes %s to %s arguments, but got %s", cmd, g[1], g[2], got(g[3])), true
	case m[4].MatchString(s):
		return fmt.Sprintf("%s takes only one of %s", cmd, flags(m[4].FindStringSubmatch(s)[1], "or")), true
	case m[5].MatchString(s):
		return fmt.Sprintf("%s needs %s together", cmd, flags(m[5].FindStringSubmatch(s)[1], "and")), true
	case m[6].MatchString(s):
		return fmt.Sprintf("%s needs one of %s", cmd, flags(m[6].FindStringSubmatch(s)[1], "or")), true
	}
	return s, false
}
