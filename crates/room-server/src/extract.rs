//! Request extractors whose refusals are `{ code, message }` like every other error.

use crate::error::AppError;
use crate::secrets::sha256;
use crate::store::Idempotency;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use worktogether_room_protocol::{IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_CHARS, normalize_room_code};

/// A JSON body; malformed JSON, wrong types and missing fields are a 400, too large a 413.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::PayloadTooLarge(0)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(AppError::BadRequest("the body must be JSON (Content-Type: application/json)".into()))
            }
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
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

impl IdempotencyKey {
    /// Binds the key to what the request asks for, so reusing it for another request is caught.
    pub fn bind(self, operation: &str, request: &impl Serialize) -> Option<Idempotency> {
        let body = serde_json::to_vec(request).expect("requests serialize");
        self.0.map(|key| Idempotency { key, fingerprint: sha256(&[operation.as_bytes(), &body]) })
    }
}

/// The client's address (the peer of the TCP connection).
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
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
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
    }
}

/// A room code from the path in canonical form; one that cannot exist is simply not found.
pub fn room_code(raw: &str) -> Result<String, AppError> {
    normalize_room_code(raw).ok_or(AppError::NotFound("room"))
}
