// Package esp is Stocksync's client for the Getty Images ESP (Enterprise
// Submission Portal) partner API: OAuth2 sign-in, submission batches,
// contributions (files), releases and thumbnails.
//
// Everything that crosses the network goes through one http.Client whose
// transport bounds the number of requests in flight, rate-limits each host and
// counts requests per endpoint; one retry loop above it handles 429/5xx and
// connection errors with exponential backoff and jitter, honouring
// Retry-After, and fetches a fresh token once on a 401.
//
// Errors are typed so a UI can act on them: test them with errors.Is against
// ErrBadCredentials, ErrForbidden, ErrNotFound, ErrRateLimited,
// ErrUnavailable, ErrMalformed, ErrValidation or ErrTooLarge, and read the
// details with errors.As into *Error. No error string ever carries a
// password, secret or token.
//
// The parts of the wire contract that no public source confirms (the reviews
// array, error body shapes, the update response) are kept in modeled.go so
// they can be corrected in one change; docs/esp-api.md describes the whole
// contract. Package espfake is a local server that speaks the same protocol.
package esp
