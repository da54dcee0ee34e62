package esp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// DefaultMaxThumbnailBytes bounds a thumbnail when DownloadThumbnail is given no limit.
const DefaultMaxThumbnailBytes = 8 << 20

// DownloadThumbnail fetches the image at rawURL (a contribution's
// thumbnail_url) and writes it to w. The URL may be on another host than the
// API: credentials go only to the API's own origin. The image is held in
// memory (at most maxBytes) until complete, so a retried download never
// writes twice and w receives nothing on failure.
func (c *Client) DownloadThumbnail(ctx context.Context, rawURL string, w io.Writer, maxBytes int64) (int64, string, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxThumbnailBytes
	}
	return c.download(ctx, EndpointThumbnail, rawURL, w, maxBytes, "image/*")
}

// download fetches a file (thumbnail, release document) whole into memory,
// then writes it to w; credentials go only to the API's origin.
func (c *Client) download(ctx context.Context, endpoint, rawURL string, w io.Writer, maxBytes int64, accept string) (int64, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, "", &Error{Endpoint: endpoint, Kind: ErrMalformed, Message: fmt.Sprintf("URL %q is not an http(s) URL", redactURL(rawURL))}
	}
	r := request{
		endpoint: endpoint,
		method:   http.MethodGet,
		url:      u.String(),
		auth:     c.sameOrigin(u),
		accept:   accept,
		maxBytes: maxBytes,
	}
	var buf bytes.Buffer
	var contentType string
	err = c.do(ctx, r, func(resp *http.Response, body io.Reader) error {
		buf.Reset()
		if _, err := buf.ReadFrom(body); err != nil {
			return err
		}
		contentType = resp.Header.Get("Content-Type")
		return nil
	})
	if err != nil {
		return 0, "", err
	}
	n, err := w.Write(buf.Bytes())
	if err != nil {
		return int64(n), contentType, fmt.Errorf("save %s: %w", endpoint, err)
	}
	return int64(n), contentType, nil
}
