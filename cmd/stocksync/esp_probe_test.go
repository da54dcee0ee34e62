package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/esp/espfake"
	"github.com/stocksync/stocksync/core/secrets"
)

// Found by breaking issue #10: `esp probe` exited 0 when a call got no answer
// (a connection that broke off, a body that is not JSON), so a script could
// not tell a full report from a failed one; and signed out it said "sign in
// again with `stocksync login`" even with the session in STOCKSYNC_ESP_SESSION.
func TestESPProbeExitStatus(t *testing.T) {
	srv, dir := webServer(t, espfake.Options{Seed: 65, Batches: 2, ContributionsPerBatch: 3, NoThumbnails: true})
	t.Setenv(secrets.EnvSession, strings.TrimPrefix(browserCookieHeader(t, srv), "Cookie: "))
	for _, args := range [][]string{{"config", "set", "api_root", srv.URL()}, {"config", "set", "server", "custom"}} {
		if _, errs, code := runCLIIn(t, "", append([]string{"--data-dir", dir}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d, %q", args, code, errs)
		}
	}
	for _, tc := range []struct {
		fault    espfake.Fault
		endpoint string
		error    string
	}{
		{espfake.Fault{Endpoint: esp.EndpointContributionsList, Kind: espfake.FaultMalformedJSON, Probability: 1}, esp.EndpointContributionsList, "the body is not JSON"},
		{espfake.Fault{Endpoint: esp.EndpointReleasesList, Kind: espfake.FaultTruncated, Probability: 1}, esp.EndpointReleasesList, esp.ErrUnavailable.Error()},
	} {
		srv.ClearFaults()
		srv.AddFault(tc.fault)
		out, errs, code := runCLIIn(t, "", "--data-dir", dir, "esp", "probe", "--json")
		if code != exitPartial || !strings.Contains(errs, tc.endpoint) {
			t.Errorf("probe with %s on %s: exit %d, %q; want %d naming the endpoint", tc.fault.Kind, tc.endpoint, code, errs, exitPartial)
		}
		var rep esp.ProbeReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("the report is not JSON: %v\n%s", err, out)
		}
		var got string
		for _, c := range rep.Calls {
			if c.Endpoint == tc.endpoint {
				got = c.Error
			}
		}
		if got != tc.error {
			t.Errorf("probe with %s: %s error %q; want %q", tc.fault.Kind, tc.endpoint, got, tc.error)
		}
	}
	srv.ClearFaults()
	if _, errs, code := runCLIIn(t, "", "--data-dir", dir, "esp", "probe"); code != 0 {
		t.Fatalf("probe without faults: exit %d, %q", code, errs)
	}
	srv.ExpireSessions()
	_, errs, code := runCLIIn(t, "", "--data-dir", dir, "esp", "probe")
	if code != exitSignedOut || !strings.Contains(errs, secrets.EnvSession) {
		t.Errorf("probe signed out: exit %d, %q; want %d naming %s", code, errs, exitSignedOut, secrets.EnvSession)
	}
}
