package esp

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"
)

// redactedHeaders lists a request's headers for a log, with every value
// that could sign someone in replaced.
func redactedHeaders(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteString(" ")
		}
		v := strings.Join(h[k], ",")
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Api-Key", "Cookie", "Proxy-Authorization":
			v = "[redacted]"
		}
		b.WriteString(k + "=" + v)
	}
	return b.String()
}

func (c *Client) logRequest(ctx context.Context, r request, req *http.Request, resp *http.Response, err error, took time.Duration) {
	if c.cfg.Logger == nil || !c.cfg.Logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("endpoint", r.endpoint), slog.String("method", req.Method),
		slog.String("host", req.URL.Host), slog.String("path", req.URL.Path),
		slog.Duration("took", took), slog.String("headers", redactedHeaders(req.Header)),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", scrubURLError(err).Error()))
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "esp request", attrs...)
}
