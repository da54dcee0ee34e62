package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/stocksync/stocksync/core/account"
	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/secrets"
)

var _ = register(newLoginCmd)
var _ = register(newLogoutCmd)

func newLoginCmd() *cobra.Command {
	var username, server string
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to ESP and keep the credentials in the keychain",
		Long: `Asks for your ESP username, password, API key and API secret, checks them by
requesting a token, and stores them in the system keychain (macOS Keychain, or the
Secret Service on Linux). Nothing secret is written to the data folder.

Where no keychain is reachable (a headless Linux machine), set these variables
instead: ` + strings.Join([]string{secrets.EnvUsername, secrets.EnvPassword, secrets.EnvAPIKey, secrets.EnvAPISecret}, ", "),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := dataDir()
			if err != nil {
				return err
			}
			if err := d.Ensure(); err != nil {
				return err
			}
			cfg, err := loadConfig(d)
			if err != nil {
				return err
			}
			if server != "" {
				if server != config.ServerProduction && server != config.ServerSandbox {
					return &exitError{code: exitUsage, msg: "--server must be production or sandbox"}
				}
				cfg.Server = server
			}
			store := secrets.Auto()
			if env, ok := store.(*secrets.Env); ok {
				return loginFromEnv(cmd, env, cfg)
			}
			in := bufio.NewReader(cmd.InOrStdin())
			p := &prompter{in: in, out: cmd.ErrOrStderr()}
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
				return fmt.Errorf("read credentials: %w", p.err)
			}
			if err := cr.Validate(); err != nil {
				return &exitError{code: exitUsage, msg: err.Error()}
			}
			if err := verify(cmd, cfg, cr); err != nil {
				return err
			}
			if err := store.Save(cr); err != nil {
				return fmt.Errorf("save credentials to the keychain: %w", err)
			}
			if _, err := config.Update(d.Config(), func(c *config.Config) error { c.Server = cfg.Server; return nil }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Signed in to ESP (%s) as %s; credentials saved in the keychain. Run `stocksync sync`.\n", cfg.Server, cr.Username)
			return nil
		},
	}
	cmd.Flags().StringVar(&username, "username", "", "ESP username")
	cmd.Flags().StringVar(&server, "server", "", "production or sandbox (default: the current setting)")
	return cmd
}

// loginFromEnv explains that there is no keychain and checks the variables instead.
func loginFromEnv(cmd *cobra.Command, env *secrets.Env, cfg config.Config) error {
	fmt.Fprintf(cmd.ErrOrStderr(), "No keychain is reachable here (%s).\nStocksync reads the credentials from %s, %s, %s and %s instead; it never stores them in a file.\n",
		env.Reason(), secrets.EnvUsername, secrets.EnvPassword, secrets.EnvAPIKey, secrets.EnvAPISecret)
	cr, err := env.Load()
	if err != nil {
		return &exitError{code: exitFailure, msg: "set those variables, then run `stocksync login` again to check them: " + err.Error()}
	}
	if err := verify(cmd, cfg, cr); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "The credentials in the environment work: signed in to ESP (%s) as %s.\n", cfg.Server, cr.Username)
	return nil
}

func verify(cmd *cobra.Command, cfg config.Config, cr secrets.Credentials) error {
	ec, err := account.ESPConfig(cfg, cr)
	if err != nil {
		return err
	}
	client, err := esp.New(ec)
	if err != nil {
		return err
	}
	if err := client.VerifyCredentials(cmd.Context()); err != nil {
		if errors.Is(err, esp.ErrBadCredentials) {
			return &exitError{code: exitFailure, msg: "ESP refused these credentials (nothing was saved): check the username, password, API key and secret"}
		}
		return fmt.Errorf("could not check the credentials with ESP (nothing was saved): %w", err)
	}
	return nil
}

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

func newLogoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Remove the ESP credentials from the keychain",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := secrets.Auto().Delete(); err != nil {
				return fmt.Errorf("remove credentials: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Signed out: the ESP credentials were removed from the keychain.")
			return nil
		},
	}
}
