//! The one error type handlers return. It becomes `{ code, message }` with the right status;
//! storage failures are logged with details and reported without them.

use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use worktogether_room_protocol::{ErrorBody, ErrorCode};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// When a refused stream may try again: a closed connection's place is free once the server
/// notices, at the latest with the next keep-alive.
const STREAM_RETRY_AFTER_SECS: u64 = 15;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String),
    #[error("a valid member token of this room is needed (Authorization: Bearer …)")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    WrongState(std::borrow::Cow<'static, str>),
    #[error("this idempotency key was used for a different request")]
    IdempotencyKeyReused,
    #[error("the room has reached its limit of {0} members")]
    RoomFull(u32),
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    #[error("too many requests: {what}; try again in {retry_after} s")]
    RateLimited { what: &'static str, retry_after: u64 },
    #[error("too many open event streams {what} (at most {max}); close one first")]
    TooManyStreams { what: &'static str, max: u32 },
    /// The database failed (the backend's own error, logged and never shown).
    #[error("storage: {0}")]
    Storage(Box<dyn std::error::Error + Send + Sync>),
    /// The database could not be opened or holds something this version cannot read.
    #[error("storage: {0}")]
    StoreBroken(String),
}

impl AppError {
    pub fn parts(&self) -> (StatusCode, ErrorCode) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            Self::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidInput),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::WrongState(_) => (StatusCode::CONFLICT, ErrorCode::WrongState),
            Self::IdempotencyKeyReused => (StatusCode::CONFLICT, ErrorCode::IdempotencyKeyReused),
            Self::RoomFull(_) => (StatusCode::CONFLICT, ErrorCode::RoomFull),
            Self::BodyTimeout => (StatusCode::REQUEST_TIMEOUT, ErrorCode::BadRequest),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
            Self::RateLimited { .. } | Self::TooManyStreams { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
            }
            Self::Storage(_) | Self::StoreBroken(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
        }
    }

    /// Refused in the state things are in (a session running, a limit reached…).
    pub fn wrong_state(message: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        Self::WrongState(message.into())
    }

    /// A text too long, empty or otherwise unacceptable.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let message = match &self {
            Self::Storage(_) | Self::StoreBroken(_) => {
                let e = &self;
                tracing::error!(error = %e, "storage failure");
                "the server could not store or read this; try again".to_owned()
            }
            other => other.to_string(),
        };
        let retry_after = match self {
            Self::RateLimited { retry_after, .. } => Some(retry_after.max(1)),
            Self::TooManyStreams { .. } => Some(STREAM_RETRY_AFTER_SECS),
            _ => None,
        };
        let mut res = (status, Json(ErrorBody { code, message })).into_response();
        if let Some(secs) = retry_after {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// Checks a person's text: normalized to NFC, trimmed, not empty, at most `max` characters
/// (counted after normalizing), with something a person can see, and nothing that changes how
/// the text around it is shown (direction controls, line and paragraph separators, control
/// characters other than newline and tab).
pub fn text(what: &str, value: &str, max: usize) -> Result<String> {
    let value = visible::nfc(value);
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(format!("the {what} is empty")));
    }
    let len = value.chars().count();
    if len > max {
        return Err(AppError::invalid(format!("the {what} has {len} characters, at most {max} are allowed")));
    }
    if value.chars().any(visible::changes_direction) {
        return Err(AppError::invalid(format!("the {what} contains a character that changes the text's direction")));
    }
    if value.contains(['\u{2028}', '\u{2029}']) {
        return Err(AppError::invalid(format!("the {what} contains a line or paragraph separator")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(AppError::invalid(format!("the {what} contains control characters")));
    }
    if value.chars().all(visible::is_invisible) {
        return Err(AppError::invalid(format!("the {what} has no visible characters")));
    }
    Ok(value.to_owned())
}

/// A name or title: like [`text`], on one line.
pub fn name(what: &str, value: &str, max: usize) -> Result<String> {
    let value = text(what, value, max)?;
    if value.contains(['\n', '\t']) {
        return Err(AppError::invalid(format!("the {what} must be on one line")));
    }
    Ok(value)
}

/// Like [`text`], but an absent or blank value means "none".
pub fn optional_text(what: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(what, v, max).map(Some),
    }
}

/// At most `max` characters of a client's input, for an error message: never more, so a
/// message stays short whatever was sent; and without what would change how the message
/// around it is shown (control and direction characters, line and paragraph separators).
pub fn excerpt(input: &str, max: usize) -> String {
    let shown = |c: &char| !c.is_control() && !visible::changes_direction(*c) && !matches!(c, '\u{2028}' | '\u{2029}');
    let mut out: String = input.chars().filter(shown).take(max).collect();
    if input.chars().count() > max {
        out.push('…');
    }
    out
}

/// What a person can see in a text, from the Unicode Character Database (ICU4X's compiled
/// data, the same crates `url` already uses for host names).
mod visible {
    use icu_normalizer::ComposingNormalizerBorrowed;
    use icu_properties::CodePointSetData;
    use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint};

    /// The text in Normalization Form C, so one name has one spelling and one length.
    pub fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
        ComposingNormalizerBorrowed::new_nfc().normalize(text)
    }

    /// Bidi_Control: the embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
    /// and the marks U+200E, U+200F, U+061C. `Host\u{202E}txt.exe` shows as `Hostexe.txt`.
    pub fn changes_direction(c: char) -> bool {
        CodePointSetData::new::<BidiControl>().contains(c)
    }

    /// Nothing to see: white space, a Default_Ignorable_Code_Point (zero-width space and
    /// joiners, word joiner, BOM, soft hyphen, variation selectors, Hangul fillers…), or the
    /// blank braille pattern U+2800, which fonts draw as nothing. A name may contain them
    /// (a zero-width joiner is part of many emoji and scripts); it may not be only them.
    pub fn is_invisible(c: char) -> bool {
        c.is_whitespace() || c == '\u{2800}' || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
    }
}
