//! What can go wrong talking to a room server, in terms a person understands. Each error
//! has a catalog key (`locales/{de,en}.json`) and its placeholders, so the app shows it in
//! the person's language; `Display` is English, for logs.

use worktogether_room_protocol::{ErrorBody, ErrorCode};

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("the room server {server} cannot be reached")]
    Unreachable { server: String },
    #[error("{server} is not a valid server address")]
    BadServerAddress { server: String },
    #[error("{code} is not a room code (it looks like ABCDE-FGHJK)")]
    NotARoomCode { code: String },
    #[error("there is no room with this code")]
    RoomNotFound,
    #[error("this room membership is no longer valid (you left or were removed)")]
    TokenExpired,
    #[error("only the room's host, or the member who wrote an entry, can do this")]
    Forbidden,
    #[error("not found: {message}")]
    NotFound { message: String },
    #[error("the room is full")]
    RoomFull,
    #[error("not possible right now: {message}")]
    WrongState { message: String },
    #[error("the server refused the input: {message}")]
    Invalid { message: String },
    #[error("too many requests; try again in a moment")]
    RateLimited,
    #[error("the room server has a problem (HTTP {status}); try again later")]
    Server { status: u16 },
    #[error("the room server answered something unexpected: {detail}")]
    Protocol { detail: String },
    #[error("could not use the local database: {detail}")]
    LocalStore { detail: String },
}

impl SyncError {
    /// The catalog key of the message for a person.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "room.error.unreachable",
            Self::BadServerAddress { .. } => "room.error.bad_server_address",
            Self::NotARoomCode { .. } => "room.error.not_a_room_code",
            Self::RoomNotFound => "room.error.room_not_found",
            Self::TokenExpired => "room.error.token_expired",
            Self::Forbidden => "room.error.forbidden",
            Self::NotFound { .. } => "room.error.not_found",
            Self::RoomFull => "room.error.room_full",
            Self::WrongState { .. } => "room.error.wrong_state",
            Self::Invalid { .. } => "room.error.invalid",
            Self::RateLimited => "room.error.rate_limited",
            Self::Server { .. } => "room.error.server",
            Self::Protocol { .. } => "room.error.protocol",
            Self::LocalStore { .. } => "room.error.local_store",
        }
    }

    /// The placeholders of the message.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Unreachable { server } | Self::BadServerAddress { server } => vec![("server", server.clone())],
            Self::NotARoomCode { code } => vec![("code", code.clone())],
            Self::NotFound { message } | Self::WrongState { message } | Self::Invalid { message } => {
                vec![("detail", message.clone())]
            }
            Self::Server { status } => vec![("status", status.to_string())],
            Self::Protocol { detail } | Self::LocalStore { detail } => vec![("detail", detail.clone())],
            _ => Vec::new(),
        }
    }

    /// Whether sending the same request later may succeed (the outbox keeps it); otherwise
    /// the server has decided and repeating changes nothing.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unreachable { .. } | Self::RateLimited | Self::Server { .. })
    }

    /// The error for a refusal with `status` and, if the server sent one, its `{ code, message }`.
    pub fn from_refusal(status: u16, body: Option<ErrorBody>, server: &str) -> Self {
        let message = body.as_ref().map(|b| b.message.clone()).unwrap_or_default();
        match body.map(|b| b.code) {
            Some(ErrorCode::Unauthorized) => Self::TokenExpired,
            Some(ErrorCode::Forbidden) => Self::Forbidden,
            Some(ErrorCode::NotFound) if message.starts_with("room") => Self::RoomNotFound,
            Some(ErrorCode::NotFound) => Self::NotFound { message },
            Some(ErrorCode::RoomFull) => Self::RoomFull,
            Some(ErrorCode::WrongState | ErrorCode::IdempotencyKeyReused) => Self::WrongState { message },
            Some(ErrorCode::BadRequest | ErrorCode::InvalidInput | ErrorCode::PayloadTooLarge) => {
                Self::Invalid { message }
            }
            Some(ErrorCode::RateLimited) => Self::RateLimited,
            Some(ErrorCode::Unavailable) => Self::Server { status },
            None if status == 429 => Self::RateLimited,
            // A reverse proxy whose room server is down.
            None if status == 502 || status == 504 => Self::Unreachable { server: server.to_owned() },
            None if status >= 500 => Self::Server { status },
            None => Self::Protocol { detail: format!("HTTP {status} from {server}") },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn catalog(json: &str) -> BTreeMap<String, String> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn every_error_has_a_message_in_both_languages_with_its_placeholders() {
        let en = catalog(include_str!("../../../locales/en.json"));
        let de = catalog(include_str!("../../../locales/de.json"));
        let errors = [
            SyncError::Unreachable { server: "s".into() },
            SyncError::BadServerAddress { server: "s".into() },
            SyncError::NotARoomCode { code: "c".into() },
            SyncError::RoomNotFound,
            SyncError::TokenExpired,
            SyncError::Forbidden,
            SyncError::NotFound { message: "m".into() },
            SyncError::RoomFull,
            SyncError::WrongState { message: "m".into() },
            SyncError::Invalid { message: "m".into() },
            SyncError::RateLimited,
            SyncError::Server { status: 503 },
            SyncError::Protocol { detail: "d".into() },
            SyncError::LocalStore { detail: "d".into() },
        ];
        for e in errors {
            for (lang, cat) in [("en", &en), ("de", &de)] {
                let text = cat.get(e.message_key()).unwrap_or_else(|| panic!("{lang} lacks {}", e.message_key()));
                for (name, _) in e.message_args() {
                    assert!(text.contains(&format!("{{{name}}}")), "{lang} {} should show {{{name}}}", e.message_key());
                }
            }
        }
    }

    #[test]
    fn refusals_map_to_what_a_person_can_act_on() {
        let body = |code, message: &str| Some(ErrorBody { code, message: message.into() });
        assert_eq!(SyncError::from_refusal(401, body(ErrorCode::Unauthorized, "x"), "s"), SyncError::TokenExpired);
        assert_eq!(
            SyncError::from_refusal(404, body(ErrorCode::NotFound, "room not found"), "s"),
            SyncError::RoomNotFound
        );
        assert_eq!(SyncError::from_refusal(403, body(ErrorCode::Forbidden, "x"), "s"), SyncError::Forbidden);
        assert!(SyncError::from_refusal(503, None, "s").is_transient());
        assert!(!SyncError::from_refusal(422, body(ErrorCode::InvalidInput, "x"), "s").is_transient());
    }
}
