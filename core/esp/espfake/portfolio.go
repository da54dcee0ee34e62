package espfake

import (
	"slices"

	"github.com/stocksync/stocksync/core/esp"
)

// Portfolio is the server's whole state as a client would decode it.
type Portfolio struct {
	Batches []PortfolioBatch // newest first, as the batch list is sorted by default
}

// PortfolioBatch is one batch with its files (in list order) and releases.
type PortfolioBatch struct {
	esp.Batch
	Contributions []esp.Contribution
	Releases      []esp.Release
}

// Portfolio returns the server's current batches, files and releases, for
// tests that check a synced copy equals the server. ("Snapshot" in Stocksync
// means a backup only.)
func (s *Server) Portfolio() Portfolio {
	s.mu.RLock()
	defer s.mu.RUnlock()
	list := s.sortedLocked(sortCreated)
	out := Portfolio{Batches: make([]PortfolioBatch, 0, len(list))}
	for _, b := range slices.Backward(list) {
		pb := PortfolioBatch{Batch: s.espBatchLocked(b)}
		for i := range b.contributions {
			pb.Contributions = append(pb.Contributions, s.espContributionLocked(b, &b.contributions[i]))
		}
		for _, r := range b.releases {
			pb.Releases = append(pb.Releases, s.espReleaseLocked(r))
		}
		out.Batches = append(out.Batches, pb)
	}
	return out
}

// BatchIDs returns the ids of all batches, newest first.
func (s *Server) BatchIDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	list := s.sortedLocked(sortCreated)
	ids := make([]string, 0, len(list))
	for _, b := range slices.Backward(list) {
		ids = append(ids, id(b.id))
	}
	return ids
}

// ContributionIDs returns the ids of a batch's files in list order (nil for an unknown batch).
func (s *Server) ContributionIDs(batchID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, b := range s.batches {
		if id(b.id) == batchID {
			ids := make([]string, len(b.contributions))
			for i := range b.contributions {
				ids[i] = id(b.contributions[i].id)
			}
			return ids
		}
	}
	return nil
}
