package espfake

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stocksync/stocksync/core/esp"
)

const (
	apiPrefix = "/esp" // partner API root
	tokenPath = "/oauth2/token"
)

func (s *Server) routeAPI(mux *http.ServeMux) {
	batchesPath := s.prefix() + "/submission/v1/submission_batches"
	if s.opts.Mode == ModePartner {
		mux.Handle("POST "+tokenPath, s.endpoint(esp.EndpointToken, false, true, s.handleToken))
	}
	mux.Handle("GET "+batchesPath, s.endpoint(esp.EndpointBatchesList, true, true, s.listBatches))
	mux.Handle("GET "+batchesPath+"/{bid}", s.endpoint(esp.EndpointBatchesGet, true, true, s.getBatch))
	mux.Handle("GET "+batchesPath+"/{bid}/contributions", s.endpoint(esp.EndpointContributionsList, true, true, s.listContributions))
	mux.Handle("GET "+batchesPath+"/{bid}/contributions/{cid}", s.endpoint(esp.EndpointContributionsGet, true, true, s.getContribution))
	mux.Handle("PUT "+batchesPath+"/{bid}/contributions/{cid}", s.endpoint(esp.EndpointContributionUpdate, true, true, s.updateContribution))
	mux.Handle("PUT "+batchesPath+"/{bid}/contributions/{cid}/submit", s.endpoint(esp.EndpointContributionSubmit, true, true, s.submitContribution))
	mux.Handle("GET "+batchesPath+"/{bid}/releases", s.endpoint(esp.EndpointReleasesList, true, true, s.listReleases))
	mux.Handle("/", s.endpoint("unknown", false, true, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NotFound", "No such endpoint")
	}))
}

func (s *Server) routeThumbs(mux *http.ServeMux) {
	mux.Handle("GET /thumbs/{bid}/{file}", s.endpoint(esp.EndpointThumbnail, false, false, s.thumbnail))
	mux.Handle("GET /releases/{file}", s.endpoint("release.file", false, false, s.releaseFile))
}

// pageParams reads page and page_size (both 1-based positive integers).
func pageParams(r *http.Request, defSize, cap int) (page, size int, err error) {
	page, size = 1, defSize
	if v := r.URL.Query().Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return 0, 0, fmt.Errorf("page must be a positive integer")
		}
	}
	if v := r.URL.Query().Get("page_size"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			return 0, 0, fmt.Errorf("page_size must be a positive integer")
		}
	}
	return page, min(size, cap), nil
}

func pageBounds(n, page, size int) (int, int) {
	if page-1 > n/size { // past the end; also avoids overflow on absurd pages
		return n, n
	}
	start := min(n, (page-1)*size)
	return start, min(n, start+size)
}

func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) {
	s.knobMu.Lock()
	limit := s.batchCap
	s.knobMu.Unlock()
	page, size, err := pageParams(r, defaultBatchPageSize, limit)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	q := r.URL.Query()
	col := q.Get("sort_column")
	if col != "" && col != "created_at" && col != "updated_at" {
		writeError(w, http.StatusBadRequest, "BadRequest", "sort_column must be created_at or updated_at")
		return
	}
	desc, ok := parseSortOrder(q.Get("sort_order"))
	if !ok {
		writeError(w, http.StatusBadRequest, "BadRequest", "sort_order must be DESC or ASC")
		return
	}
	from, to, err := dateRange(q.Get("date_from"), q.Get("date_to"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}

	column := sortCreated
	if col == "updated_at" {
		column = sortUpdated
	}
	s.mu.RLock()
	body, err := s.batchPageLocked(column, desc, from, to, page, size)
	s.mu.RUnlock()
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	writeJSONBody(w, http.StatusOK, body)
}

// Unix ms bounds of an open date range.
const (
	minTime = -1 << 62
	maxTime = 1 << 62
)

// dateRange reads date_from and date_to (YYYY-MM-DD, inclusive) as Unix ms
// bounds [from, to); an absent bound is minTime or maxTime.
func dateRange(fromS, toS string) (int64, int64, error) {
	from, to := int64(minTime), int64(maxTime)
	if fromS != "" {
		t, err := time.Parse("2006-01-02", fromS)
		if err != nil {
			return 0, 0, fmt.Errorf("date_from must be YYYY-MM-DD")
		}
		from = t.UnixMilli()
	}
	if toS != "" {
		t, err := time.Parse("2006-01-02", toS)
		if err != nil {
			return 0, 0, fmt.Errorf("date_to must be YYYY-MM-DD")
		}
		to = t.AddDate(0, 0, 1).UnixMilli()
	}
	return from, to, nil
}

// lookupLocked finds the batch named in the path, answering 404 or 403 itself.
func (s *Server) lookupLocked(w http.ResponseWriter, r *http.Request) *batch {
	raw := r.PathValue("bid")
	n, err := strconv.ParseInt(raw, 10, 64)
	b := s.byID[n]
	if err != nil || b == nil {
		writeError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Submission batch %q not found", clipText(raw)))
		return nil
	}
	if slices.Contains(s.opts.ForbiddenTypes, b.typ) {
		writeError(w, http.StatusForbidden, "Forbidden", fmt.Sprintf("Your account is not permitted to access %s submissions", b.typ))
		return nil
	}
	return b
}

func (s *Server) lookupContributionLocked(w http.ResponseWriter, r *http.Request) (*batch, *contribution) {
	b := s.lookupLocked(w, r)
	if b == nil {
		return nil, nil
	}
	raw := r.PathValue("cid")
	n, err := strconv.ParseInt(raw, 10, 64)
	i := -1
	if err == nil {
		i = b.find(n)
	}
	if i < 0 {
		writeError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Contribution %q not found in submission batch %d", clipText(raw), b.id))
		return nil, nil
	}
	return b, &b.contributions[i]
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	b := s.lookupLocked(w, r)
	if b == nil {
		s.mu.RUnlock()
		return
	}
	out := s.renderBatchLocked(b)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listContributions(w http.ResponseWriter, r *http.Request) {
	s.knobMu.Lock()
	limit := s.contrCap
	s.knobMu.Unlock()
	page, size, err := pageParams(r, defaultContributionPageSize, limit)
	if q := r.URL.Query(); !q.Has("page") && !q.Has("page_size") {
		size = 1 << 30 // no paging parameters: the whole batch (confirmed, 2026)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	s.mu.RLock()
	b := s.lookupLocked(w, r)
	if b == nil {
		s.mu.RUnlock()
		return
	}
	start, end := pageBounds(len(b.contributions), page, size)
	body := make([]byte, 0, 2+(end-start)*1400)
	body = append(body, '[')
	for i := start; i < end; i++ {
		if i > start {
			body = append(body, ',')
		}
		c := s.renderContributionLocked(b, &b.contributions[i])
		body = appendContributionJSON(body, &c)
	}
	s.mu.RUnlock()
	writeJSONBody(w, http.StatusOK, append(body, ']'))
}

func (s *Server) getContribution(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	b, f := s.lookupContributionLocked(w, r)
	if f == nil {
		s.mu.RUnlock()
		return
	}
	out := s.renderContributionLocked(b, f)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) updateContribution(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "TooLarge", "The request body is too large")
		return
	}
	u, kws, err := parseUpdate(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	s.writeLock()
	b, f := s.lookupContributionLocked(w, r)
	if f == nil {
		s.writeUnlock()
		return
	}
	if fields := validateUpdate(f.status, u, kws, u.Keywords != nil); fields != nil {
		s.writeUnlock()
		writeValidation(w, fields)
		return
	}
	s.editLocked(b, f, u.Headline, u.Caption, kws, u.Keywords != nil)
	out := s.renderContributionLocked(b, f)
	s.writeUnlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) submitContribution(w http.ResponseWriter, r *http.Request) {
	s.writeLock()
	b, f := s.lookupContributionLocked(w, r)
	if f == nil {
		s.writeUnlock()
		return
	}
	if err := s.submitLocked(b, f); err != nil {
		s.writeUnlock()
		writeValidation(w, map[string][]string{"status": {err.Error()}})
		return
	}
	out := s.renderContributionLocked(b, f)
	s.writeUnlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listReleases(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	b := s.lookupLocked(w, r)
	if b == nil {
		s.mu.RUnlock()
		return
	}
	items := make([]wireRelease, 0, len(b.releases))
	for _, rel := range b.releases {
		items = append(items, s.renderReleaseLocked(rel))
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, items)
}

func (s *Server) thumbnail(w http.ResponseWriter, r *http.Request) {
	bid, err1 := strconv.ParseInt(r.PathValue("bid"), 10, 64)
	fid, err2 := strconv.ParseInt(strings.TrimSuffix(r.PathValue("file"), ".jpg"), 10, 64)
	s.mu.RLock()
	b := s.byID[bid]
	found := err1 == nil && err2 == nil && b != nil && b.find(fid) >= 0
	s.mu.RUnlock()
	if !found {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	img, err := thumbnailJPEG(s.opts.Seed, fid)
	if err != nil {
		http.Error(w, "could not draw the thumbnail", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(img)
}

func (s *Server) releaseFile(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/pdf")
	io.WriteString(w, "%PDF-1.4\n% espfake release placeholder\n%%EOF\n")
}
