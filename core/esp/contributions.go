package esp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// DefaultContributionPageSize is the page size seen in ESP's own clients.
const DefaultContributionPageSize = 200

func contributionsPath(batchID string) string {
	return batchesPath + "/" + url.PathEscape(batchID) + "/contributions"
}

// ListContributionsPage fetches one page (1-based) of a batch's
// contributions. ESP sends a plain array with no total.
func (c *Client) ListContributionsPage(ctx context.Context, batchID string, page, pageSize int) ([]Contribution, error) {
	if batchID == "" {
		return nil, errors.New("list contributions: empty batch id")
	}
	if page < 1 || pageSize < 1 {
		return nil, errors.New("list contributions: page and page size must be at least 1")
	}
	q := url.Values{"page": {strconv.Itoa(page)}, "page_size": {strconv.Itoa(pageSize)}}
	var items []Contribution
	err := c.do(ctx, c.listGet(EndpointContributionsList, contributionsPath(batchID), q).readingFirst(), func(_ *http.Response, body io.Reader) error {
		var err error
		items, err = decodeContributionListMax(body, pageSize)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c.reviewsSwitch(items), nil
}

// MaxBatchContributions is the most files an ESP batch holds (confirmed: ESP stops
// accepting uploads at 100).
const MaxBatchContributions = 100

// ListContributions fetches all of a batch's contributions. It first asks
// with no paging parameters: ESP answers the whole batch (a batch holds at
// most 100 files) as a plain array (confirmed, 2026). Only if the answer
// says there is more (an envelope's total above what came, or fewer items
// than expected, the batch's contributions_count) does it page, with the
// server's own page length (pageSize if it sent none), while pages are full
// and bring new items. Contributions seen twice are kept once.
func (c *Client) ListContributions(ctx context.Context, batchID string, expected, pageSize int) ([]Contribution, error) {
	if batchID == "" {
		return nil, errors.New("list contributions: empty batch id")
	}
	if pageSize <= 0 {
		pageSize = DefaultContributionPageSize
	}
	var first []Contribution
	total := -1
	// A whole answer is bounded like a page: a batch holds at most
	// MaxBatchContributions files, so an answer far past that (or past the batch's
	// own count) is refused before it fills memory.
	limit := 2 * max(expected, MaxBatchContributions)
	err := c.do(ctx, c.listGet(EndpointContributionsList, contributionsPath(batchID), nil), func(_ *http.Response, body io.Reader) error {
		var err error
		first, total, err = decodeListTotal(body, limitItemsSaying(decodeContributionItem, limit,
			fmt.Sprintf("more items than a batch of %d files can hold (ESP's batches hold at most %d)", max(expected, 0), MaxBatchContributions)))
		return err
	})
	if err != nil {
		return nil, err
	}
	want := max(expected, total)
	if len(first) == 0 || len(first) >= want {
		return c.reviewsSwitch(dedupe([][]Contribution{first}, contributionID)), nil
	}
	per := len(first)
	pages := [][]Contribution{first}
	for p := 2; len(pages[len(pages)-1]) >= per && !repeats(pages, contributionID) && (p-1)*per < want+per; p++ {
		items, err := c.ListContributionsPage(ctx, batchID, p, per)
		if err != nil {
			return nil, err
		}
		pages = append(pages, items)
	}
	return c.reviewsSwitch(dedupe(pages, contributionID)), nil
}

// reviewsSwitch drops the modeled inline reviews unless Config.ModeledReviews.
func (c *Client) reviewsSwitch(list []Contribution) []Contribution {
	if !c.cfg.ModeledReviews {
		for i := range list {
			list[i].Reviews = nil
		}
	}
	return list
}

func contributionID(c Contribution) string { return c.ID }

// GetContribution fetches one contribution.
func (c *Client) GetContribution(ctx context.Context, batchID, id string) (Contribution, error) {
	if batchID == "" || id == "" {
		return Contribution{}, errors.New("get contribution: empty batch or contribution id")
	}
	var out Contribution
	path := contributionsPath(batchID) + "/" + url.PathEscape(id)
	err := c.do(ctx, c.apiGet(EndpointContributionsGet, path, nil), func(_ *http.Response, body io.Reader) error {
		var err error
		out, err = decodeContributionObject(body)
		return err
	})
	if !c.cfg.ModeledReviews {
		out.Reviews = nil
	}
	return out, err
}

// UpdateContribution sends a metadata change and returns the contribution as
// ESP now has it. ESP refuses changes to submitted files with ErrValidation.
func (c *Client) UpdateContribution(ctx context.Context, batchID, id string, u ContributionUpdate) (Contribution, error) {
	if batchID == "" || id == "" {
		return Contribution{}, errors.New("update contribution: empty batch or contribution id")
	}
	body, err := modeledUpdateBody(u)
	if err != nil {
		return Contribution{}, err
	}
	r := request{
		endpoint: EndpointContributionUpdate,
		method:   http.MethodPut,
		url:      c.endpointURL(contributionsPath(batchID)+"/"+url.PathEscape(id), nil),
		body:     body,
		auth:     true,
		accept:   "application/json",
	}
	var out Contribution
	err = c.do(ctx, r, func(_ *http.Response, body io.Reader) error {
		var err error
		out, err = decodeContributionObject(body)
		return err
	})
	if !c.cfg.ModeledReviews {
		out.Reviews = nil
	}
	return out, err
}

// ListReleases fetches a batch's model and property releases.
func (c *Client) ListReleases(ctx context.Context, batchID string) ([]Release, error) {
	if batchID == "" {
		return nil, errors.New("list releases: empty batch id")
	}
	var out []Release
	path := batchesPath + "/" + url.PathEscape(batchID) + "/releases"
	err := c.do(ctx, c.apiGet(EndpointReleasesList, path, nil), func(_ *http.Response, body io.Reader) error {
		var err error
		out, err = decodeReleaseList(body)
		return err
	})
	return out, err
}
