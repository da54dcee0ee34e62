package esp

import "strings"

// redact replaces every credential this client holds — password, API key,
// API secret, access and refresh tokens, the session's token and cookie
// values — in text that came from a server.
// Error pages of proxies and debug servers echo request headers; such text
// goes into error messages, the terminal and the sync history, and must
// never carry a way to sign in.
func (c *Client) redact(s string, extra ...string) string {
	if s == "" {
		return s
	}
	c.tokMu.Lock()
	secrets := []string{c.cfg.Password, c.cfg.APIKey, c.cfg.APISecret, c.tok.access, c.tok.refresh}
	c.tokMu.Unlock()
	if c.cfg.Session != nil {
		secrets = append(secrets, c.cfg.Session.BearerToken)
		for _, ck := range c.cfg.Session.Cookies {
			if ck != nil {
				secrets = append(secrets, ck.Value)
			}
		}
	}
	secrets = append(secrets, extra...)
	for _, sec := range secrets {
		// Very short values would redact ordinary words; credentials are longer.
		if len(sec) >= 6 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

func (c *Client) redactFields(f map[string][]string, extra ...string) map[string][]string {
	for k, vs := range f {
		for i, v := range vs {
			vs[i] = c.redact(v, extra...)
		}
		f[k] = vs
	}
	return f
}
