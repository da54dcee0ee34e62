package esp

import "encoding/json"

// The member tables of the wire structs, for decodeMembers: one row per
// field, named by its json tag (members_test.go checks them against the
// structs' tags).

var batchMembers = newMemberTable(
	memberField[wireBatch]{"id", func(w *wireBatch) json.Unmarshaler { return &w.ID }},
	memberField[wireBatch]{"submission_name", func(w *wireBatch) json.Unmarshaler { return &w.SubmissionName }},
	memberField[wireBatch]{"submission_type", func(w *wireBatch) json.Unmarshaler { return &w.SubmissionType }},
	memberField[wireBatch]{"status", func(w *wireBatch) json.Unmarshaler { return &w.Status }},
	memberField[wireBatch]{"note", func(w *wireBatch) json.Unmarshaler { return &w.Note }},
	memberField[wireBatch]{"created_at", func(w *wireBatch) json.Unmarshaler { return &w.CreatedAt }},
	memberField[wireBatch]{"updated_at", func(w *wireBatch) json.Unmarshaler { return &w.UpdatedAt }},
	memberField[wireBatch]{"last_submitted_at", func(w *wireBatch) json.Unmarshaler { return &w.LastSubmittedAt }},
	memberField[wireBatch]{"last_contribution_submitted_at", func(w *wireBatch) json.Unmarshaler { return &w.LastContributionSubmittedAt }},
	memberField[wireBatch]{"contributions_count", func(w *wireBatch) json.Unmarshaler { return &w.ContributionsCount }},
	memberField[wireBatch]{"submitted_contributions_count", func(w *wireBatch) json.Unmarshaler { return &w.SubmittedCount }},
	memberField[wireBatch]{"contributions_awaiting_review_count", func(w *wireBatch) json.Unmarshaler { return &w.AwaitingReviewCount }},
	memberField[wireBatch]{"reviewed_contributions_count", func(w *wireBatch) json.Unmarshaler { return &w.ReviewedCount }},
	memberField[wireBatch]{"revisable_contributions_count", func(w *wireBatch) json.Unmarshaler { return &w.RevisableCount }},
	memberField[wireBatch]{"processed_contributions_count", func(w *wireBatch) json.Unmarshaler { return &w.ProcessedCount }},
	memberField[wireBatch]{"rejected_contributions_count", func(w *wireBatch) json.Unmarshaler { return &w.RejectedCount }},
	memberField[wireBatch]{"pending_contributions_count", func(w *wireBatch) json.Unmarshaler { return &w.PendingCount }},
	memberField[wireBatch]{"is_getty", func(w *wireBatch) json.Unmarshaler { return &w.IsGetty }},
	memberField[wireBatch]{"is_istock", func(w *wireBatch) json.Unmarshaler { return &w.IsIStock }},
	memberField[wireBatch]{"istock_exclusive", func(w *wireBatch) json.Unmarshaler { return &w.IStockExclusive }},
	memberField[wireBatch]{"user_id", func(w *wireBatch) json.Unmarshaler { return &w.UserID }},
	memberField[wireBatch]{"profile_id", func(w *wireBatch) json.Unmarshaler { return &w.ProfileID }},
)

var contributionMembers = newMemberTable(
	memberField[wireContribution]{"id", func(w *wireContribution) json.Unmarshaler { return &w.ID }},
	memberField[wireContribution]{"submission_batch_id", func(w *wireContribution) json.Unmarshaler { return &w.SubmissionBatchID }},
	memberField[wireContribution]{"master_id", func(w *wireContribution) json.Unmarshaler { return &w.MasterID }},
	memberField[wireContribution]{"status", func(w *wireContribution) json.Unmarshaler { return &w.Status }},
	memberField[wireContribution]{"file_name", func(w *wireContribution) json.Unmarshaler { return &w.FileName }},
	memberField[wireContribution]{"mime_type", func(w *wireContribution) json.Unmarshaler { return &w.MimeType }},
	memberField[wireContribution]{"media_type", func(w *wireContribution) json.Unmarshaler { return &w.MediaType }},
	memberField[wireContribution]{"image_width", func(w *wireContribution) json.Unmarshaler { return &w.ImageWidth }},
	memberField[wireContribution]{"image_height", func(w *wireContribution) json.Unmarshaler { return &w.ImageHeight }},
	memberField[wireContribution]{"thumbnail_url", func(w *wireContribution) json.Unmarshaler { return &w.ThumbnailURL }},
	memberField[wireContribution]{"headline", func(w *wireContribution) json.Unmarshaler { return &w.Headline }},
	memberField[wireContribution]{"caption", func(w *wireContribution) json.Unmarshaler { return &w.Caption }},
	memberField[wireContribution]{"keywords", func(w *wireContribution) json.Unmarshaler { return &w.Keywords }},
	memberField[wireContribution]{"country_of_shoot", func(w *wireContribution) json.Unmarshaler { return &w.CountryOfShoot }},
	memberField[wireContribution]{"city", func(w *wireContribution) json.Unmarshaler { return &w.City }},
	memberField[wireContribution]{"province_state", func(w *wireContribution) json.Unmarshaler { return &w.ProvinceState }},
	memberField[wireContribution]{"copyright", func(w *wireContribution) json.Unmarshaler { return &w.Copyright }},
	memberField[wireContribution]{"credit_line", func(w *wireContribution) json.Unmarshaler { return &w.CreditLine }},
	memberField[wireContribution]{"camera_shot_date", func(w *wireContribution) json.Unmarshaler { return &w.CameraShotDate }},
	memberField[wireContribution]{"submittable", func(w *wireContribution) json.Unmarshaler { return &w.Submittable }},
	memberField[wireContribution]{"submitted_at", func(w *wireContribution) json.Unmarshaler { return &w.SubmittedAt }},
	memberField[wireContribution]{"submitted_to_review_at", func(w *wireContribution) json.Unmarshaler { return &w.SubmittedToReviewAt }},
	memberField[wireContribution]{"published_at", func(w *wireContribution) json.Unmarshaler { return &w.PublishedAt }},
	memberField[wireContribution]{"created_at", func(w *wireContribution) json.Unmarshaler { return &w.CreatedAt }},
	memberField[wireContribution]{"updated_at", func(w *wireContribution) json.Unmarshaler { return &w.UpdatedAt }},
	memberField[wireContribution]{"errors", func(w *wireContribution) json.Unmarshaler { return &w.Errors }},
	memberField[wireContribution]{"nominate_for_signature_plus", func(w *wireContribution) json.Unmarshaler { return &w.NominateForSignaturePlus }},
	memberField[wireContribution]{"collection_cfw_name", func(w *wireContribution) json.Unmarshaler { return &w.CollectionCFWName }},
	memberField[wireContribution]{"reviews", func(w *wireContribution) json.Unmarshaler { return &w.Reviews }},
)

var releaseMembers = newMemberTable(
	memberField[wireRelease]{"id", func(w *wireRelease) json.Unmarshaler { return &w.ID }},
	memberField[wireRelease]{"release_type", func(w *wireRelease) json.Unmarshaler { return &w.ReleaseType }},
	memberField[wireRelease]{"file_name", func(w *wireRelease) json.Unmarshaler { return &w.FileName }},
	memberField[wireRelease]{"mime_type", func(w *wireRelease) json.Unmarshaler { return &w.MimeType }},
	memberField[wireRelease]{"storage_url", func(w *wireRelease) json.Unmarshaler { return &w.StorageURL }},
	memberField[wireRelease]{"model_date_of_birth", func(w *wireRelease) json.Unmarshaler { return &w.ModelDateOfBirth }},
	memberField[wireRelease]{"model_gender", func(w *wireRelease) json.Unmarshaler { return &w.ModelGender }},
	memberField[wireRelease]{"model_ethnicities", func(w *wireRelease) json.Unmarshaler { return &w.ModelEthnicities }},
)
