//! Request extractors whose refusals are `{ code, message }` like every other error.

use crate::AppState;
use crate::domain::Idempotency;
use crate::error::{AppError, excerpt};
use crate::secrets::sha256;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;
use worktogether_room_protocol::{IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_CHARS, normalize_room_code};

/// A JSON body; malformed JSON, wrong types and missing fields are a 400, too large a 413,
/// one not sent in full within the body read timeout a 408. Messages are our own: they name
/// at most the field at fault (cut short), never the parser's text or the client's input.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.to_ascii_lowercase())
            .is_some_and(|v| {
                v.starts_with("application/json") || v.split(';').next().is_some_and(|m| m.ends_with("+json"))
            });
        if !json {
            return Err(AppError::BadRequest("the body must be JSON (Content-Type: application/json)".into()));
        }
        let timeout = Duration::from_secs(state.limits.body_read_timeout_secs.max(1));
        let bytes = match tokio::time::timeout(timeout, Bytes::from_request(req, state)).await {
            Err(_) => return Err(AppError::BodyTimeout),
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(AppError::PayloadTooLarge(0)),
            Ok(Err(_)) => return Err(AppError::BadRequest("the body could not be read".into())),
        };
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| AppError::BadRequest(body_error(&e)))?;
        de.end().map_err(|_| AppError::BadRequest("the body is not valid JSON".into()))?;
        Ok(Self(value))
    }
}

/// Our message for a body that does not parse as the request.
fn body_error(e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    use serde_json::error::Category;
    if !matches!(e.inner().classify(), Category::Data) {
        return "the body is not valid JSON".into();
    }
    let inner = e.inner().to_string();
    // serde's "missing field `name`" names one of our fields, not the client's input.
    if let Some(field) = inner.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        return format!("the body lacks the field {}", excerpt(field, 40));
    }
    match e.path().to_string() {
        p if p == "." => "the body does not fit this request".into(),
        p => format!("the body does not fit this request at {}", excerpt(&p, 40)),
    }
}

/// The member token from `Authorization: Bearer …`.
pub struct Bearer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let value = parts.headers.get(axum::http::header::AUTHORIZATION).ok_or(AppError::Unauthorized)?;
        let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or(AppError::Unauthorized)?;
        Ok(Self(token.trim().to_owned()))
    }
}

/// The optional `Idempotency-Key` header: 1 to 100 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let Some(value) = parts.headers.get(IDEMPOTENCY_KEY_HEADER) else { return Ok(Self(None)) };
        let key = value
            .to_str()
            .ok()
            .filter(|k| (1..=IDEMPOTENCY_KEY_MAX_CHARS).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
        match key {
            Some(k) => Ok(Self(Some(k.to_owned()))),
            None => Err(AppError::BadRequest(format!(
                "the Idempotency-Key header must be 1 to {IDEMPOTENCY_KEY_MAX_CHARS} visible ASCII characters"
            ))),
        }
    }
}

/// The fewest characters of an `Idempotency-Key` under which the server stores an answer that
/// holds a member's token (creating or joining a room): 128 bits when each character carries
/// only 4, as in hex, the least dense way clients write keys (16 random bytes in hex are 32
/// characters; in base64, 22 characters carry 128 bits but 24 random bytes are needed to reach
/// 32). The header allows only visible ASCII, so characters and bytes are the same count. The
/// server cannot see how random a key is, only how long: the app and `worktogether-sync` send
/// `Uuid::now_v7().to_string()`, 36 characters, which pass, though a v7 UUID holds 74 random
/// bits (the rest is its time, version and variant).
pub const TOKEN_ANSWER_KEY_MIN_CHARS: usize = 32;

impl IdempotencyKey {
    /// For a write whose answer holds a member's token: the key is the only secret between
    /// the stored answer and whoever retries with it (the key seals it and finds it), so a key
    /// under [`TOKEN_ANSWER_KEY_MIN_CHARS`] is refused (400) before anything is counted or
    /// changed. No key at all is fine: then nothing is stored.
    pub fn for_token_answer(self) -> Result<Self, AppError> {
        match &self.0 {
            Some(key) if key.len() < TOKEN_ANSWER_KEY_MIN_CHARS => Err(AppError::BadRequest(format!(
                "an Idempotency-Key for creating or joining a room needs at least {TOKEN_ANSWER_KEY_MIN_CHARS} characters: the answer holds a token"
            ))),
            _ => Ok(self),
        }
    }

    /// Binds the key to what the request asks for, so reusing it for another request is caught.
    pub fn bind(self, operation: &str, request: &impl Serialize) -> Option<Idempotency> {
        let body = serde_json::to_vec(request).expect("requests serialize");
        self.0.map(|key| Idempotency { key, fingerprint: sha256(&[operation.as_bytes(), &body]) })
    }

    /// Like [`Self::bind`], for a write made without a token (creating or joining a room):
    /// the key counts per client address. A retry from the same address gets the first answer,
    /// token included; the same key and body from another address is another request, so a
    /// key seen on the way cannot fetch someone's token.
    pub fn bind_at(self, addr: IpAddr, operation: &str, request: &impl Serialize) -> Option<Idempotency> {
        Self(self.0.map(|key| format!("{addr} {key}"))).bind(operation, request)
    }
}

/// The client's address: the peer of the TCP connection, or behind a trusted reverse proxy
/// the address the proxy appended to `X-Forwarded-For`.
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.limits.trust_forwarded_for {
            let forwarded = parts.headers.get_all("x-forwarded-for").iter().next_back();
            let last = forwarded.and_then(|v| v.to_str().ok()).and_then(|v| v.rsplit(',').next());
            if let Some(ip) = last.and_then(|ip| ip.trim().parse().ok()) {
                return Ok(Self(ip));
            }
        }
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(Self(ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

/// Path parameters; a malformed one (not a UUID) is a 400.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(_) => Err(AppError::BadRequest("the path is malformed: ids are UUIDs".into())),
        }
    }
}

/// A room code from the path in canonical form; one that cannot exist is simply not found.
pub fn room_code(raw: &str) -> Result<String, AppError> {
    normalize_room_code(raw).ok_or(AppError::NotFound("room"))
}
