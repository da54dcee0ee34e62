package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stocksync/stocksync/core/config"
)

// configKeyHelp says what each key of config.json does; docs/cli.md has
// the same list, and TestConfigKeysDocumented keeps the three (this map,
// config.Config's JSON fields and the docs) in step.
var configKeyHelp = map[string]string{
	"server":                    "which ESP to talk to: production, sandbox, demo (the built-in server of `stocksync demo`) or custom (api_root; token_url too for partner keys)",
	"api_root":                  "with server custom: the API root, e.g. http://127.0.0.1:8765/api from `stocksync esp-server` (http://127.0.0.1:8765/esp with --mode partner)",
	"token_url":                 "with server custom and partner keys (`stocksync login --partner`) only: the OAuth token URL of that server",
	"auth_scheme":               "how the access token is sent: bearer (Authorization: Bearer) or token (Authorization: Token)",
	"modeled_reviews":           "true: read the modeled inline reviews array of files (no evidence shows it on ESP; off by default, see docs/esp-api.md)",
	"sync_interval_minutes":     "how often the app syncs on its own, in minutes, 0..10080 (0: only when asked)",
	"push_local_changes":        "true: every sync first sends local edits to ESP, as `sync --push` does",
	"concurrency":               "how many requests or downloads run at once, 1..32",
	"requests_per_second":       "a limit on requests to each ESP host: 0 the polite default, -1 no limit (a local server), else 0.1 to 1000",
	"title_order":               "which embedded title `add` uses: headline-first (IPTC/XMP Headline, else dc:title) or title-first (docs/metadata.md)",
	"backup.destination":        "the folder snapshots go to (set with `stocksync backup destination DIR`, which checks it)",
	"backup.schedule":           "how often to remind you to back up: off, daily or weekly",
	"backup.include_thumbnails": "true: snapshots include the thumbnail cache (bigger, but no re-download after a restore)",
	"backup.keep":               "how many snapshots to keep in the destination, 1..1000; older ones are pruned after a verified backup",
	"backup.snoozed_until":      "the backup reminder is silent until this time (RFC 3339), set by Snooze in the app",
}

// configField is one key of config.json, found by walking config.Config's
// JSON tags (so a setting added to the struct is a key here at once).
type configField struct {
	key   string
	index []int
	typ   reflect.Type
}

var timeType = reflect.TypeOf(time.Time{})

func configFields() []configField {
	var out []configField
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			idx := append(append([]int{}, index...), i)
			if f.Type.Kind() == reflect.Struct && f.Type != timeType {
				walk(f.Type, prefix+name+".", idx)
				continue
			}
			out = append(out, configField{key: prefix + name, index: idx, typ: f.Type})
		}
	}
	walk(reflect.TypeOf(config.Config{}), "", nil)
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

func findConfigField(key string) (configField, error) {
	var keys []string
	for _, f := range configFields() {
		if f.key == key {
			return f, nil
		}
		keys = append(keys, f.key)
	}
	return configField{}, usageError(fmt.Sprintf("unknown setting %q: the settings are %s (see `stocksync config --help`)", termSafe(key), strings.Join(keys, ", ")))
}

// configValue is f's value in c, as it is written in config.json.
func configValue(c config.Config, f configField) any {
	return reflect.ValueOf(c).FieldByIndex(f.index).Interface()
}

// configText shows a value for people: times in RFC 3339, "" as (not set).
func configText(v any) string {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return "(not set)"
		}
		return x.Format(time.RFC3339)
	case string:
		if x == "" {
			return "(not set)"
		}
		return termSafe(x)
	}
	return fmt.Sprint(v)
}

// setConfigValue parses text as f's type and stores it in c.
func setConfigValue(c *config.Config, f configField, text string) error {
	v := reflect.ValueOf(c).Elem().FieldByIndex(f.index)
	bad := func(what string) error {
		return usageError(fmt.Sprintf("%s takes %s, not %q", f.key, what, termSafe(text)))
	}
	switch {
	case f.typ == timeType:
		t, err := time.Parse(time.RFC3339, text)
		if err != nil {
			return bad("a time like 2026-12-01T09:00:00Z")
		}
		v.Set(reflect.ValueOf(t))
	case f.typ.Kind() == reflect.String:
		v.SetString(text)
	case f.typ.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return bad("true or false")
		}
		v.SetBool(b)
	case f.typ.Kind() >= reflect.Int && f.typ.Kind() <= reflect.Int64:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return bad("a whole number")
		}
		v.SetInt(n)
	case f.typ.Kind() == reflect.Float64 || f.typ.Kind() == reflect.Float32:
		x, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return bad("a number")
		}
		v.SetFloat(x)
	default:
		return fmt.Errorf("%s cannot be set from the command line: edit config.json", f.key)
	}
	return nil
}

func newConfigCmd(gopts *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show and change the settings (config.json in the data folder)",
		Long: `Show and change the settings kept in config.json in the data folder. Secrets are
never there: ` + "`stocksync login`" + ` keeps them in the keychain.

Settings:
` + configHelpText() + `
A setting not in config.json has its default. ` + "`config set`" + ` checks the value and
writes the file atomically; a damaged config.json is never overwritten.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newConfigGetCmd(gopts), newConfigSetCmd(gopts), newConfigUnsetCmd(gopts))
	return cmd
}

func configHelpText() string {
	var b strings.Builder
	for _, f := range configFields() {
		fmt.Fprintf(&b, "  %-26s %s\n", f.key, configKeyHelp[f.key])
	}
	return b.String()
}

// configGetOptions are the flags of `stocksync config get`.
type configGetOptions struct {
	asJSON bool
}

// AddFlags adds the flags to f.
func (o *configGetOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.asJSON, "json", false, "print JSON")
}

func newConfigGetCmd(gopts *globalOptions) *cobra.Command {
	var opts configGetOptions
	cmd := &cobra.Command{
		Use:   "get [KEY]",
		Short: "Print one setting, or all of them",
		Long: `Print one setting's value, or every setting with its value. --json prints the
value as JSON, or without KEY the whole settings object as config.json holds it
(defaults filled in).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfigGet(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runConfigGet prints one setting (args[0]), or all of them.
func runConfigGet(ctx context.Context, o configGetOptions, gopts globalOptions, args []string) error {
	var f configField
	if len(args) == 1 {
		var err error
		if f, err = findConfigField(args[0]); err != nil {
			return err
		}
	}
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	c, err := loadConfig(d)
	if err != nil {
		return err
	}
	w := gopts.stdout
	switch {
	case len(args) == 1 && o.asJSON:
		return writeJSON(w, configValue(c, f))
	case len(args) == 1:
		fmt.Fprintln(w, configText(configValue(c, f)))
		return nil
	case o.asJSON:
		return writeJSON(w, c)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range configFields() {
		fmt.Fprintf(tw, "%s\t%s\n", f.key, configText(configValue(c, f)))
	}
	return tw.Flush()
}

// configSetOptions are the flags of `stocksync config set`: it has none but the global ones.
type configSetOptions struct{}

// AddFlags adds no flags: `stocksync config set` has none of its own.
func (o *configSetOptions) AddFlags(*pflag.FlagSet) {}

func newConfigSetCmd(gopts *globalOptions) *cobra.Command {
	var opts configSetOptions
	cmd := &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Change one setting",
		Example: `  stocksync config set push_local_changes true
  stocksync config set api_root http://127.0.0.1:8765/api
  stocksync config set server custom
  stocksync config set token_url http://127.0.0.1:8765/oauth2/token   (partner keys only)`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfigSet(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	// Everything after KEY is the value, so a negative number
	// (requests_per_second -1) is not taken for a flag.
	cmd.Flags().SetInterspersed(false)
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runConfigSet sets the setting args[0] to args[1], checked and saved
// atomically.
func runConfigSet(ctx context.Context, o configSetOptions, gopts globalOptions, args []string) error {
	f, err := findConfigField(args[0])
	if err != nil {
		return err
	}
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	if f.key == "backup.destination" {
		// The same checks as `backup destination` (not inside the
		// data folder, writable, created if its parent exists).
		dest, err := setBackupDestination(d, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(gopts.stdout, "backup.destination = %s\n", termSafe(dest))
		return nil
	}
	return updateConfig(gopts.stdout, d.Config(), d.Ensure, func(c *config.Config) error {
		return setConfigValue(c, f, args[1])
	}, f)
}

// configUnsetOptions are the flags of `stocksync config unset`: it has none but the global ones.
type configUnsetOptions struct{}

// AddFlags adds no flags: `stocksync config unset` has none of its own.
func (o *configUnsetOptions) AddFlags(*pflag.FlagSet) {}

func newConfigUnsetCmd(gopts *globalOptions) *cobra.Command {
	var opts configUnsetOptions
	cmd := &cobra.Command{
		Use:   "unset KEY",
		Short: "Put one setting back to its default",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfigUnset(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runConfigUnset puts the setting args[0] back to its default.
func runConfigUnset(ctx context.Context, o configUnsetOptions, gopts globalOptions, args []string) error {
	f, err := findConfigField(args[0])
	if err != nil {
		return err
	}
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	def := reflect.ValueOf(config.Default()).FieldByIndex(f.index)
	return updateConfig(gopts.stdout, d.Config(), d.Ensure, func(c *config.Config) error {
		reflect.ValueOf(c).Elem().FieldByIndex(f.index).Set(def)
		return nil
	}, f)
}

// updateConfig applies change to the settings at path: a value that does
// not parse or is out of range is a usage error and nothing is written (not
// even the data folder is created); otherwise the file is saved atomically
// and the new value printed.
func updateConfig(out io.Writer, path string, ensure func() error, change func(*config.Config) error, f configField) error {
	cur, err := config.Load(path)
	if err != nil {
		return err
	}
	if err := change(&cur); err != nil {
		return err
	}
	if err := cur.Validate(); err != nil {
		return usageError(withHint(err))
	}
	if err := ensure(); err != nil {
		return err
	}
	saved, err := config.Update(path, change)
	if err != nil {
		return err
	}
	v := configValue(saved, f)
	if b, err := json.Marshal(v); err == nil && f.typ.Kind() != reflect.String && f.typ != timeType {
		fmt.Fprintf(out, "%s = %s\n", f.key, b)
		return nil
	}
	fmt.Fprintf(out, "%s = %s\n", f.key, configText(v))
	return nil
}
