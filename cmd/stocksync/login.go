package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/datadir"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/secrets"
	"github.com/stocksync/stocksync/core/session"
)

// browsers --from-browser names.
var browsers = []string{"safari", "chrome", "firefox", "edge", "brave"}

// loginOptions are the flags of `stocksync login`.
type loginOptions struct {
	username, server, apiRoot, tokenURL, browser string
	sessionStdin, partner, check                 bool
}

// AddFlags adds the flags to fl.
func (f *loginOptions) AddFlags(fl *pflag.FlagSet) {
	fl.BoolVar(&f.sessionStdin, "session-stdin", false, "read a session (Cookie header value or token) from standard input")
	fl.StringVar(&f.browser, "from-browser", "", "read the ESP session from a browser profile: "+strings.Join(browsers, ", "))
	fl.BoolVar(&f.partner, "partner", false, "sign in to the partner API with username, password, API key and secret")
	fl.BoolVar(&f.check, "check", false, "verify the stored sign-in with ESP without changing anything")
	fl.StringVar(&f.username, "username", "", "ESP username (with --partner)")
	fl.StringVar(&f.server, "server", "", "production or sandbox (sandbox: partner keys only; default: the current setting)")
	fl.StringVar(&f.apiRoot, "api-root", "", "a custom API root, e.g. the one stocksync esp-server prints (sets server custom)")
	fl.StringVar(&f.tokenURL, "token-url", "", "with --partner and --api-root: the OAuth2 token URL")
}

func newLoginCmd(gopts *globalOptions) *cobra.Command {
	var opts loginOptions
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to ESP and keep the session in the keychain",
		Long: `Signs Stocksync in to ESP the way ESP works today: with the session of a browser in
which you are signed in to https://esp.gettyimages.com. The session is checked with ESP
and kept in the system keychain (macOS Keychain, or the Secret Service on Linux); it is
never written to config.json, logs or the data folder, and never taken on the command line.

Ways to sign in:
  --session-stdin   paste a session on standard input (the default on a terminal):
                    1. sign in at https://esp.gettyimages.com in your browser;
                    2. open the developer tools (Safari: Develop > Show Web Inspector;
                       Chrome/Edge/Brave: View > Developer > Developer Tools;
                       Firefox: Tools > Browser Tools > Web Developer Tools), Network tab;
                    3. reload the page, pick a request to esp.gettyimages.com/api/…,
                       and copy the value of its "Cookie" request header;
                    4. run stocksync login --session-stdin, paste it and press
                       Ctrl-D (or pipe it in: pbpaste | … on macOS, wl-paste | …
                       or xclip -o | … on Linux).
                    A bare access token ("Bearer …" or the token alone) is accepted too.
  --from-browser B  read the ESP cookies from your own browser profile
                    (safari, chrome, firefox, edge, brave). Safari's cookies need
                    Full Disk Access for the terminal (System Settings > Privacy &
                    Security > Full Disk Access).
  --partner         the 2016 partner API, for the few accounts with an API key and
                    secret: asks for the username, password, API key and secret.
  --check           verify the stored sign-in with ESP; changes nothing.

A session ends when ESP ends it (commands then stop with exit code 5 and ask you to sign
in again). To try it against the built-in server: run "stocksync esp-server", sign in at
the address it prints, and use --api-root with the API root it prints.

Where no keychain is reachable (a headless Linux machine), set ` + secrets.EnvSession + ` to the
session (a Cookie header value or a token), or the partner variables ` +
			strings.Join([]string{secrets.EnvUsername, secrets.EnvPassword, secrets.EnvAPIKey, secrets.EnvAPISecret}, ", ") + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogin(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runLogin signs in (or with --check verifies the sign-in) as the flags say.
func runLogin(ctx context.Context, f loginOptions, gopts globalOptions, _ []string) error {
	modes := 0
	for _, on := range []bool{f.sessionStdin, f.browser != "", f.partner, f.check} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return &exitError{code: exitUsage, msg: "choose one of --session-stdin, --from-browser, --partner and --check"}
	}
	if f.username != "" && !f.partner {
		return &exitError{code: exitUsage, msg: "--username goes with --partner"}
	}
	if f.tokenURL != "" && (!f.partner || f.apiRoot == "") {
		return &exitError{code: exitUsage, msg: "--token-url goes with --partner and --api-root"}
	}
	d, err := gopts.dataDir()
	if err != nil {
		return err
	}
	if f.check {
		if f.server != "" || f.apiRoot != "" {
			return &exitError{code: exitUsage, msg: "--check verifies the settings as they are; --server and --api-root change them"}
		}
		return loginCheck(ctx, gopts, d.Config())
	}
	cfg, err := loadConfig(d)
	if err != nil {
		return err
	}
	if err := applyServerFlags(&cfg, f); err != nil {
		return err
	}
	store := secrets.Auto()
	if env, ok := store.(*secrets.Env); ok {
		return loginFromEnv(ctx, gopts, env, cfg, f, func() error { return saveServer(d, cfg) })
	}
	var cr secrets.Credentials
	var who string
	switch {
	case f.browser != "":
		return fromBrowser(f.browser)
	case f.partner:
		if cr, err = promptPartner(gopts, f.username); err != nil {
			return err
		}
		who = "as " + cr.Username
	default:
		if !f.sessionStdin && term.IsTerminal(int(os.Stdin.Fd())) {
			fmt.Fprintln(gopts.stderr, "Paste the Cookie header of a signed-in ESP page (see `stocksync login --help`), then press Ctrl-D:")
		}
		s, err := readPastedSession(gopts.stdin)
		if err != nil {
			return err
		}
		cr = secrets.Credentials{Session: secrets.NewSecret(s.Encode())}
		who = "with your browser session"
		if !s.Expires.IsZero() {
			who += " (valid until " + s.Expires.Local().Format("2 Jan 2006 15:04") + ")"
		}
	}
	if err := verify(ctx, gopts, cfg, cr); err != nil {
		return err
	}
	if err := d.Ensure(); err != nil {
		return err
	}
	if err := store.Save(cr); err != nil {
		return fmt.Errorf("save the sign-in to the keychain: %w", err)
	}
	if err := saveServer(d, cfg); err != nil {
		return err
	}
	fmt.Fprintf(gopts.stdout, "Signed in to ESP (%s) %s; saved in the keychain. Run `stocksync sync`.\n", serverName(cfg), who)
	return nil
}

// saveServer records the server the sign-in was checked against.
func saveServer(d datadir.Dir, cfg config.Config) error {
	if err := d.Ensure(); err != nil {
		return err
	}
	_, err := config.Update(d.Config(), func(c *config.Config) error {
		c.Server, c.APIRoot, c.TokenURL = cfg.Server, cfg.APIRoot, cfg.TokenURL
		return nil
	})
	return err
}

func applyServerFlags(cfg *config.Config, f loginOptions) error {
	if strings.TrimSpace(f.server) == "" && f.server != "" {
		return &exitError{code: exitUsage, msg: "--server is empty: use production or sandbox"}
	}
	if f.server != "" {
		if f.server != config.ServerProduction && f.server != config.ServerSandbox {
			return &exitError{code: exitUsage, msg: "--server must be production or sandbox (or use --api-root)"}
		}
		if f.apiRoot != "" {
			return &exitError{code: exitUsage, msg: "use --server or --api-root, not both"}
		}
		cfg.Server, cfg.APIRoot, cfg.TokenURL = f.server, "", ""
	}
	if f.apiRoot != "" {
		if strings.TrimSpace(f.apiRoot) == "" {
			return &exitError{code: exitUsage, msg: "--api-root is empty"}
		}
		cfg.Server, cfg.APIRoot, cfg.TokenURL = config.ServerCustom, strings.TrimSpace(f.apiRoot), strings.TrimSpace(f.tokenURL)
		if err := esp.CheckAPIRoot(cfg.APIRoot); err != nil {
			return &exitError{code: exitUsage, msg: "--api-root: " + termSafe(err.Error()) + " (e.g. the API root `stocksync esp-server` prints)"}
		}
		if cfg.TokenURL != "" {
			if err := esp.CheckTokenURL(cfg.TokenURL); err != nil {
				return &exitError{code: exitUsage, msg: "--token-url: " + termSafe(err.Error())}
			}
		}
	}
	return nil
}

func serverName(cfg config.Config) string {
	if cfg.Server == config.ServerCustom {
		return cfg.APIRoot
	}
	if cfg.Server == "" {
		return config.ServerProduction
	}
	return cfg.Server
}

// readPastedSession reads standard input (bounded) as pasted session text.
func readPastedSession(in io.Reader) (session.Session, error) {
	b, err := io.ReadAll(io.LimitReader(in, session.MaxPastedBytes+1))
	if err != nil {
		return session.Session{}, fmt.Errorf("read the session from standard input: %w", err)
	}
	s, err := session.FromPasted(string(b), time.Now())
	if err != nil {
		return session.Session{}, &exitError{code: exitUsage, msg: err.Error()}
	}
	return s, nil
}

// fromBrowser would read the cookies with github.com/browserutils/kooky,
// which the Go module proxy did not serve when this was built.
func fromBrowser(name string) error {
	known := false
	for _, b := range browsers {
		known = known || strings.EqualFold(b, name)
	}
	if !known {
		return &exitError{code: exitUsage, msg: fmt.Sprintf("--from-browser %q: use one of %s", name, strings.Join(browsers, ", "))}
	}
	return &exitError{code: exitFailure, msg: "reading cookies from a browser profile is not available in this build; copy the session instead: `stocksync login --session-stdin` (see `stocksync login --help`)"}
}

func promptPartner(gopts globalOptions, username string) (secrets.Credentials, error) {
	p := &prompter{in: bufio.NewReader(gopts.stdin), out: gopts.stderr}
	if username == "" {
		username = p.line("ESP username: ")
	}
	cr := secrets.Credentials{
		Username:  strings.TrimSpace(username),
		Password:  secrets.NewSecret(p.secret("ESP password: ")),
		APIKey:    secrets.NewSecret(p.line("API key: ")),
		APISecret: secrets.NewSecret(p.secret("API secret: ")),
	}
	if p.err != nil {
		return cr, fmt.Errorf("read credentials: %w", p.err)
	}
	if err := cr.Validate(); err != nil {
		return cr, &exitError{code: exitUsage, msg: err.Error()}
	}
	return cr, nil
}

// loginFromEnv explains that there is no keychain and checks the variables
// (or a pasted session, which then cannot be stored) instead.
func loginFromEnv(ctx context.Context, gopts globalOptions, env *secrets.Env, cfg config.Config, f loginOptions, save func() error) error {
	why := "The ESP sign-in comes from the environment"
	if reason := env.Reason(); reason != nil {
		var nk *secrets.NoKeychainError
		if errors.As(reason, &nk) && nk.Cause != nil {
			why = fmt.Sprintf("No keychain is reachable here (%s)", nk.Cause)
		} else {
			why = "No keychain is reachable here"
		}
	}
	if f.sessionStdin || f.browser != "" {
		if !f.sessionStdin {
			return &exitError{code: exitFailure, msg: why + ": Stocksync cannot store a sign-in. Set " + secrets.EnvSession + " (or the partner variables) instead; see `stocksync login --help`"}
		}
		s, err := readPastedSession(gopts.stdin)
		if err != nil {
			return err
		}
		if err := verify(ctx, gopts, cfg, secrets.Credentials{Session: secrets.NewSecret(s.Encode())}); err != nil {
			return err
		}
		return &exitError{code: exitFailure, msg: why + ": the session works, but Stocksync cannot store it. Set " + secrets.EnvSession +
			" to the same text in the environment (e.g. export " + secrets.EnvSession + "='…' with the pasted text, or \"$(pbpaste)\" on macOS, \"$(wl-paste)\" or \"$(xclip -o)\" on Linux); it is never written to a file"}
	}
	fmt.Fprintf(gopts.stderr, "%s: Stocksync reads %s (a session) or %s, %s, %s and %s (partner keys); it never stores them in a file.\n",
		why, secrets.EnvSession, secrets.EnvUsername, secrets.EnvPassword, secrets.EnvAPIKey, secrets.EnvAPISecret)
	cr, err := env.Load()
	if err != nil {
		var me *secrets.MissingEnvError
		if errors.As(err, &me) {
			return &exitError{code: exitFailure, msg: "set " + secrets.EnvSession + " (or " + strings.Join(me.Missing, ", ") + "), then run `stocksync login` again to check"}
		}
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	if err := verify(ctx, gopts, cfg, cr); err != nil {
		return err
	}
	if err := save(); err != nil {
		return err
	}
	who := "with the session in " + secrets.EnvSession
	if !cr.IsSession() {
		who = "as " + cr.Username
	}
	fmt.Fprintf(gopts.stdout, "The sign-in in the environment works: signed in to ESP (%s) %s.\n", serverName(cfg), who)
	return nil
}

// loginCheck verifies the stored sign-in; it writes nothing.
func loginCheck(ctx context.Context, gopts globalOptions, configPath string) error {
	cfg, err := config.Load(configPath)
	if err != nil {
		return err
	}
	client, err := gopts.espClient(cfg)
	if err != nil {
		return err
	}
	source := "the stored sign-in"
	switch {
	case os.Getenv(secrets.EnvSession) != "":
		source = "the session in " + secrets.EnvSession
	case os.Getenv(secrets.EnvUsername) != "" && os.Getenv(secrets.EnvPassword) != "":
		source = "the sign-in in the " + secrets.EnvUsername + "… variables"
	}
	if err := client.VerifyCredentials(ctx); err != nil {
		if source != "the stored sign-in" && (errors.Is(err, esp.ErrSignedOut) || errors.Is(err, esp.ErrBadCredentials)) {
			return signedOut(err) // names the variable to renew
		}
		return verifyError(err)
	}
	fmt.Fprintf(gopts.stdout, "Signed in to ESP (%s): %s works.\n", serverName(cfg), source)
	return nil
}

// verify checks cr with ESP before anything is saved.
func verify(ctx context.Context, gopts globalOptions, cfg config.Config, cr secrets.Credentials) error {
	client, err := account.NewClient(cfg, memCreds{cr}, account.ClientOptions{Logger: gopts.debugLogger()})
	if err != nil {
		if errors.Is(err, esp.ErrSignedOut) {
			return &exitError{code: exitSignedOut, msg: "this session has already expired (nothing was saved): sign in to ESP in the browser again and copy a fresh one"}
		}
		return fmt.Errorf("nothing was saved: %w", err)
	}
	if err := client.VerifyCredentials(ctx); err != nil {
		return verifyError(err)
	}
	return nil
}

func verifyError(err error) error {
	switch {
	case errors.Is(err, esp.ErrSignedOut):
		return &exitError{code: exitSignedOut, msg: "ESP did not accept the session: it has expired or is not from a signed-in ESP page (nothing was changed); sign in to ESP in the browser again and copy a fresh one"}
	case errors.Is(err, esp.ErrBadCredentials):
		return &exitError{code: exitSignedOut, msg: "ESP refused the sign-in (nothing was changed): check the username, password, API key and secret"}
	}
	return fmt.Errorf("could not check the sign-in with ESP (nothing was changed): %w", err)
}

// memCreds is a read-only secrets.Store holding credentials not yet saved.
type memCreds struct{ c secrets.Credentials }

func (m memCreds) Load() (secrets.Credentials, error) { return m.c, nil }
func (memCreds) Save(secrets.Credentials) error       { return secrets.ErrReadOnly }
func (memCreds) Delete() error                        { return secrets.ErrReadOnly }

type prompter struct {
	in  *bufio.Reader
	out io.Writer
	err error
}

func (p *prompter) line(prompt string) string {
	if p.err != nil {
		return ""
	}
	fmt.Fprint(p.out, prompt)
	s, err := p.in.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		p.err = err
	}
	return strings.TrimSpace(s)
}

// secret reads without echo on a terminal.
func (p *prompter) secret(prompt string) string {
	if p.err != nil {
		return ""
	}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		fmt.Fprint(p.out, prompt)
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(p.out)
		if err != nil {
			p.err = err
		}
		return strings.TrimSpace(string(b))
	}
	return p.line(prompt)
}

// logoutOptions are the flags of `stocksync logout`: it has none but the global ones.
type logoutOptions struct{}

// AddFlags adds no flags: `stocksync logout` has none of its own.
func (o *logoutOptions) AddFlags(*pflag.FlagSet) {}

func newLogoutCmd(gopts *globalOptions) *cobra.Command {
	var opts logoutOptions
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Remove the ESP sign-in from the keychain",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogout(cmd.Context(), opts, gopts.forCommand(cmd), args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runLogout removes the ESP sign-in from the keychain.
func runLogout(ctx context.Context, o logoutOptions, gopts globalOptions, _ []string) error {
	if err := secrets.Auto().Delete(); err != nil {
		return fmt.Errorf("remove the sign-in: %w", err)
	}
	fmt.Fprintln(gopts.stdout, "Signed out: the ESP sign-in was removed from the keychain.")
	return nil
}
