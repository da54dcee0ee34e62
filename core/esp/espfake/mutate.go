package espfake

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/stocksync/stocksync/core/esp"
)

// ErrNotFound is returned by mutations naming a batch or file that does not exist.
var ErrNotFound = errors.New("espfake: no such batch or contribution")

// Every mutation bumps the changed file's and its batch's updated_at, so a
// client can sync incrementally from the batch list alone.

// withContribution runs fn on a contribution under the write lock.
func (s *Server) withContribution(batchID, id string, fn func(b *batch, f *contribution) error) error {
	bid, err1 := strconv.ParseInt(batchID, 10, 64)
	fid, err2 := strconv.ParseInt(id, 10, 64)
	s.writeLock()
	defer s.writeUnlock()
	b := s.byID[bid]
	if err1 != nil || err2 != nil || b == nil {
		return fmt.Errorf("%w: batch %q, contribution %q", ErrNotFound, batchID, id)
	}
	i := b.find(fid)
	if i < 0 {
		return fmt.Errorf("%w: batch %q, contribution %q", ErrNotFound, batchID, id)
	}
	return fn(b, &b.contributions[i])
}

func (s *Server) touchLocked(b *batch, f *contribution) int64 {
	t := s.stampLocked()
	if f != nil {
		f.updated = t
	}
	b.updated = t
	return t
}

// Submit sends a pending file to review (or a revisable one back as
// revised), as PUT …/submit does.
func (s *Server) Submit(batchID, id string) error {
	return s.withContribution(batchID, id, func(b *batch, f *contribution) error { return s.submitLocked(b, f) })
}

func (s *Server) submitLocked(b *batch, f *contribution) error {
	switch f.status {
	case esp.StatusPending:
		f.status = esp.StatusReview
	case esp.StatusRevisable:
		f.status = esp.StatusRevised
	default:
		return errors.New("contribution has already been submitted")
	}
	t := s.touchLocked(b, f)
	if f.submitted == 0 {
		f.submitted = t
	}
	f.toReview = t
	b.lastSubmitted, b.lastContribSubmit = t, t
	return nil
}

// Accept records an accepting review: the file becomes processed and published.
func (s *Server) Accept(batchID, id string) error {
	return s.review(batchID, id, esp.StatusProcessed, esp.OutcomeAccepted, nil, "")
}

// RequestRevision records a review asking for changes.
func (s *Server) RequestRevision(batchID, id string, reasons []string, notes string) error {
	return s.review(batchID, id, esp.StatusRevisable, esp.OutcomeRevisable, reasons, notes)
}

// Reject records a rejecting review.
func (s *Server) Reject(batchID, id string, reasons []string, notes string) error {
	return s.review(batchID, id, esp.StatusRejected, esp.OutcomeRejected, reasons, notes)
}

func (s *Server) review(batchID, id, status, outcome string, reasons []string, notes string) error {
	return s.withContribution(batchID, id, func(b *batch, f *contribution) error {
		t := s.touchLocked(b, f)
		if f.submitted == 0 {
			f.submitted, f.toReview = t, t
			b.lastSubmitted, b.lastContribSubmit = t, t
		}
		f.status = status
		if status == esp.StatusProcessed && f.published == 0 {
			f.published = t
		}
		f.reviews = append(f.reviews, review{at: t, outcome: outcome, reasons: slices.Clone(reasons), notes: notes})
		return nil
	})
}

// SetStatus sets any status text, known or not (for testing unknown statuses).
func (s *Server) SetStatus(batchID, id, status string) error {
	return s.withContribution(batchID, id, func(b *batch, f *contribution) error {
		f.status = status
		s.touchLocked(b, f)
		return nil
	})
}

// EditMetadata changes a file's metadata server-side, whatever its status
// (as an ESP editor could); nil fields stay as they are.
func (s *Server) EditMetadata(batchID, id string, u esp.ContributionUpdate) error {
	return s.withContribution(batchID, id, func(b *batch, f *contribution) error {
		var kws []string
		if u.Keywords != nil {
			kws = *u.Keywords
		}
		s.editLocked(b, f, u.Headline, u.Caption, kws, u.Keywords != nil)
		return nil
	})
}

func (s *Server) editLocked(b *batch, f *contribution, headline, caption *string, keywords []string, keywordsSet bool) {
	m := f.metadata(s.opts.Seed)
	if headline != nil {
		m.headline = *headline
	}
	if caption != nil {
		m.caption = *caption
	}
	if keywordsSet {
		m.keywords = normaliseKeywords(keywords)
	}
	f.meta = &m
	s.touchLocked(b, f)
}

// BatchSpec describes a batch to add; zero fields are generated.
type BatchSpec struct {
	Name, Type, Note string
	Files            int // generated files, all pending
}

// AddBatch adds a batch created now and returns its id.
func (s *Server) AddBatch(spec BatchSpec) (string, error) {
	if spec.Files < 0 {
		return "", errors.New("espfake: a batch cannot have a negative number of files")
	}
	s.writeLock()
	defer s.writeUnlock()
	r := rand.New(rand.NewPCG(s.opts.Seed, uint64(s.nextBatchID)))
	t := s.stampLocked()
	mix := s.opts
	mix.StatusMix = StatusMix{Pending: 1}
	b := generator{opts: mix, s: s}.batch(r, t, spec.Files)
	if spec.Name != "" {
		b.name = spec.Name
	}
	if spec.Type != "" {
		b.typ = spec.Type
	}
	b.note = spec.Note
	b.updated = t
	s.addBatchLocked(b)
	return id(b.id), nil
}

// ContributionSpec describes a file to add; zero text fields are generated.
type ContributionSpec struct {
	Headline, Caption string
	Keywords          []string
	Status            string // default pending
}

// AddContribution adds a file, uploaded now, and returns its id.
func (s *Server) AddContribution(batchID string, spec ContributionSpec) (string, error) {
	bid, err := strconv.ParseInt(batchID, 10, 64)
	s.writeLock()
	defer s.writeUnlock()
	b := s.byID[bid]
	if err != nil || b == nil {
		return "", fmt.Errorf("%w: batch %q", ErrNotFound, batchID)
	}
	t := s.stampLocked()
	f := contribution{id: s.nextContributionID, created: t, updated: t, status: esp.StatusPending, width: 5472, height: 3648}
	s.nextContributionID++
	if spec.Status != "" {
		f.status = spec.Status
	}
	if spec.Headline != "" || spec.Caption != "" || spec.Keywords != nil {
		m := generateMetadata(s.opts.Seed, f.id)
		if spec.Headline != "" {
			m.headline = spec.Headline
		}
		if spec.Caption != "" {
			m.caption = spec.Caption
		}
		if spec.Keywords != nil {
			m.keywords = normaliseKeywords(spec.Keywords)
		}
		f.meta = &m
	}
	b.contributions = append(b.contributions, f) // ids only grow, so the contributions stay sorted
	b.updated = t
	return id(f.id), nil
}

// RemoveBatch deletes a batch and its files.
func (s *Server) RemoveBatch(batchID string) error {
	bid, err := strconv.ParseInt(batchID, 10, 64)
	s.writeLock()
	defer s.writeUnlock()
	if err != nil || s.byID[bid] == nil {
		return fmt.Errorf("%w: batch %q", ErrNotFound, batchID)
	}
	delete(s.byID, bid)
	s.batches = slices.DeleteFunc(s.batches, func(b *batch) bool { return b.id == bid })
	return nil
}

// RemoveContribution deletes a file from its batch.
func (s *Server) RemoveContribution(batchID, id string) error {
	return s.withContribution(batchID, id, func(b *batch, f *contribution) error {
		i := b.find(f.id)
		b.contributions = slices.Delete(b.contributions, i, i+1)
		s.touchLocked(b, nil)
		return nil
	})
}
