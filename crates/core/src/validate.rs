//! The rules for what a person writes: commitments and notes. Shared by the store and the
//! application layer, so every entry point refuses the same input with the same message.

use crate::error::{CoreError, Result};
use crate::limits::{COMMITMENT_MAX_CHARS, ESTIMATE_MAX_MINUTES, NOTE_MAX_CHARS, TAG_MAX_CHARS};
use crate::model::CommitmentDraft;

/// Trims a note; an empty one is no note.
pub fn clean_note(note: Option<String>) -> Result<Option<String>> {
    let Some(note) = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(CoreError::NoteTooLong { max: NOTE_MAX_CHARS });
    }
    Ok(Some(note))
}

/// Checks a draft and returns it trimmed, with an empty tag as no tag.
pub fn validate_draft(draft: CommitmentDraft) -> Result<CommitmentDraft> {
    let text = draft.text.trim().to_owned();
    if text.is_empty() {
        return Err(CoreError::CommitmentEmpty);
    }
    let len = text.chars().count();
    if len > COMMITMENT_MAX_CHARS {
        return Err(CoreError::CommitmentTooLong { len, max: COMMITMENT_MAX_CHARS });
    }
    let tag = draft.tag.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if tag.as_ref().is_some_and(|t| t.chars().count() > TAG_MAX_CHARS) {
        return Err(CoreError::TagTooLong { max: TAG_MAX_CHARS });
    }
    if draft.estimate_minutes.is_some_and(|m| m == 0 || m > ESTIMATE_MAX_MINUTES) {
        return Err(CoreError::EstimateOutOfRange { max: ESTIMATE_MAX_MINUTES });
    }
    Ok(CommitmentDraft { text, tag, estimate_minutes: draft.estimate_minutes })
}

/// A focus rating is 1 to 5 stars, or none.
pub fn check_rating(rating: Option<u8>) -> Result<()> {
    if rating.is_some_and(|r| !(1..=5).contains(&r)) {
        return Err(CoreError::RatingOutOfRange);
    }
    Ok(())
}
