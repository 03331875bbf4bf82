//! The rules for what a person writes: commitments and notes. Shared by the store and the
//! application layer, so every entry point refuses the same input with the same message.

use crate::error::{CoreError, Result};
use crate::limits::{COMMITMENT_MAX_CHARS, ESTIMATE_MAX_MINUTES, NOTE_MAX_CHARS, TAG_MAX_CHARS};
use crate::model::CommitmentDraft;
use icu_properties::CodePointSetData;
use icu_properties::props::DefaultIgnorableCodePoint;

/// Nothing to see: white space, a Default_Ignorable_Code_Point (zero-width space and joiners,
/// word joiner, BOM, soft hyphen…), or the blank braille pattern U+2800, which fonts draw as
/// nothing. The room server's rule too: a text may contain them, not only them.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace() || c == '\u{2800}' || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

/// Whether `text` shows nothing at all (empty, or only invisible characters).
pub fn shows_nothing(text: &str) -> bool {
    text.chars().all(is_invisible)
}

/// Trims a note; an empty one, or one that shows nothing, is no note.
pub fn clean_note(note: Option<String>) -> Result<Option<String>> {
    let Some(note) = note.map(|n| n.trim().to_owned()).filter(|n| !shows_nothing(n)) else {
        return Ok(None);
    };
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(CoreError::NoteTooLong { max: NOTE_MAX_CHARS });
    }
    Ok(Some(note))
}

/// Checks a draft and returns it trimmed, with a tag that shows nothing as no tag.
pub fn validate_draft(draft: CommitmentDraft) -> Result<CommitmentDraft> {
    let text = draft.text.trim().to_owned();
    if shows_nothing(&text) {
        return Err(CoreError::CommitmentEmpty);
    }
    let len = text.chars().count();
    if len > COMMITMENT_MAX_CHARS {
        return Err(CoreError::CommitmentTooLong { len, max: COMMITMENT_MAX_CHARS });
    }
    let tag = draft.tag.map(|t| t.trim().to_owned()).filter(|t| !shows_nothing(t));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(text: &str, tag: Option<&str>) -> CommitmentDraft {
        CommitmentDraft { text: text.into(), tag: tag.map(Into::into), estimate_minutes: None }
    }

    #[test]
    fn a_text_that_shows_nothing_is_as_good_as_empty() {
        for nothing in ["\u{200B}", " \u{2060}\u{FEFF} ", "\u{00AD}", "\u{2800}", "\u{200D}\u{200C}"] {
            assert!(matches!(validate_draft(draft(nothing, None)), Err(CoreError::CommitmentEmpty)), "{nothing:?}");
            assert_eq!(clean_note(Some(nothing.into())).unwrap(), None, "{nothing:?} is no note");
            assert_eq!(validate_draft(draft("Invoices", Some(nothing))).unwrap().tag, None, "{nothing:?} is no tag");
            assert!(matches!(crate::templates::validate_name(nothing), Err(CoreError::TemplateNameEmpty)));
        }
        // Invisible characters inside a visible text are kept: joiners make emoji and words.
        let kept = validate_draft(draft("Caf\u{00E9}\u{200D}\u{2615}", None)).unwrap();
        assert_eq!(kept.text, "Caf\u{00E9}\u{200D}\u{2615}");
    }
}
