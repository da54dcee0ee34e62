// Package espfake is a local server that speaks ESP the way the evidence
// shows it (docs/esp-api.md). By default (ModeWeb) it is ESP's web API under
// /api/submission/v1 with a browser sign-in page that sets session cookies
// (among them a base64-JSON ccw cookie holding an sts_token), 401
// TokenRequired when a session is missing or expired, batches of at most
// 100 files, whole contribution lists, and throttling like Getty's gateway
// (403 with X-Error-Detail, or 429 without Retry-After). ModePartner is the
// 2016 partner API: the OAuth2 token endpoint with expiring access
// tokens and refresh tokens, Api-Key checking, both authorization schemes,
// paginated batch lists with meta.total_items, plain-array contribution
// lists, metadata updates (422 once a file is submitted), releases, 404s, and
// JPEG thumbnails served from a second loopback listener (another host, as
// far as a client can tell).
//
// Its portfolio is generated deterministically from a seed and kept
// compactly (metadata is regenerated on demand until edited), so 100,000
// files cost a few tens of megabytes. Knobs add latency, a rate limit that
// answers 429 with Retry-After, a page-size cap, and faults by endpoint and
// probability. A Go API lets tests move files through review, edit metadata,
// add and remove batches and files, expire tokens, read the request log and
// read the whole Portfolio.
//
// The server usually shares the client's CPU (benchmarks run both in one
// process), so its hot paths are cheap: batch-list pages come from cached
// sort orders and pre-encoded items that every change invalidates
// (listcache.go), byte for byte what encoding them afresh would give.
//
// It listens on loopback addresses only. Tests, the demo, benchmarks and
// `stocksync esp-server` all use it; modeled.go holds the parts of the
// contract no public source confirms (see docs/esp-api.md).
package espfake
