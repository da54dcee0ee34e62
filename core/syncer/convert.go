package syncer

import (
	"strconv"
	"time"

	"github.com/stocksync/stocksync/core/esp"
	"github.com/stocksync/stocksync/core/store"
)

// fingerprint sums up what the batch list says about a batch. If it is the
// same as when the batch's files were last synced, nothing in the batch has
// changed and its files are not fetched again. ESP moves updated_at when a
// file changes; the counts catch a server that does not.
//
// Its text is "updated|last submitted|last file submitted|8 counts|status"
// (times RFC 3339 with nanoseconds, UTC), built without fmt: a no-change
// sync computes it for every listed batch after the last page arrives.
func fingerprint(b esp.Batch) string {
	var a [192]byte
	buf := b.UpdatedAt.UTC().AppendFormat(a[:0], time.RFC3339Nano)
	buf = append(buf, '|')
	buf = b.LastSubmittedAt.UTC().AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, '|')
	buf = b.LastContributionSubmittedAt.UTC().AppendFormat(buf, time.RFC3339Nano)
	for _, n := range [...]int{b.ContributionsCount, b.SubmittedCount, b.AwaitingReviewCount, b.ReviewedCount,
		b.RevisableCount, b.ProcessedCount, b.RejectedCount, b.PendingCount} {
		buf = append(buf, '|')
		buf = strconv.AppendInt(buf, int64(n), 10)
	}
	buf = append(buf, '|')
	buf = append(buf, b.Status...)
	return string(buf)
}

func toStoreBatch(b esp.Batch) store.Batch {
	return store.Batch{
		ID: b.ID, Name: b.Name, Type: b.Type, Status: b.Status, Note: b.Note,
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt, LastSubmitted: b.LastSubmittedAt,
		Counts: store.BatchCounts{
			Contributions: b.ContributionsCount, Submitted: b.SubmittedCount, AwaitingReview: b.AwaitingReviewCount,
			Reviewed: b.ReviewedCount, Revisable: b.RevisableCount, Accepted: b.ProcessedCount,
			Rejected: b.RejectedCount, Pending: b.PendingCount,
		},
		IsGetty: b.IsGetty, IsIStock: b.IsIStock, IStockExclusive: b.IStockExclusive,
		ServerVersion: fingerprint(b), Raw: b.Raw,
	}
}

func toStoreContribution(c esp.Contribution, batchID string) store.Contribution {
	f := store.Contribution{
		ID: c.ID, BatchID: batchID, MasterID: c.MasterID, Status: c.Status, FileName: c.FileName,
		MimeType: c.MimeType, MediaType: c.MediaType, Width: c.ImageWidth, Height: c.ImageHeight,
		ThumbnailURL: c.ThumbnailURL, Headline: c.Headline, Caption: c.Caption, Keywords: c.Keywords,
		CountryOfShoot: c.CountryOfShoot, City: c.City, ProvinceState: c.ProvinceState, Copyright: c.Copyright,
		CreditLine: c.CreditLine, CameraShotDate: c.CameraShotDate, Submittable: c.Submittable,
		SubmittedAt: c.SubmittedAt, SubmittedToReviewAt: c.SubmittedToReview, PublishedAt: c.PublishedAt,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Errors: c.Errors, Raw: c.Raw,
	}
	for _, r := range c.Reviews {
		f.Reviews = append(f.Reviews, store.Review{ReviewedAt: r.ReviewedAt, Outcome: r.Outcome, Reasons: r.Reasons, Notes: r.Notes})
	}
	return f
}

func toStoreRelease(r esp.Release, batchID string) store.Release {
	return store.Release{
		ID: r.ID, BatchID: batchID, Type: r.ReleaseType, FileName: r.FileName, MimeType: r.MimeType,
		StorageURL: r.StorageURL, ModelDateOfBirth: r.ModelDateOfBirth, ModelGender: r.ModelGender,
		ModelEthnicities: r.ModelEthnicities, Raw: r.Raw,
	}
}
