//! Room codes and member tokens: random, never stored in the clear, compared in constant time.
//!
//! A token is `<member id>.<secret>`: the id finds the member's row, and the SHA-256 of the
//! 256-bit secret is compared with the stored hash in constant time. Stored idempotent answers,
//! which can hold a token, are sealed with an AEAD (see [`seal`]).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;
use worktogether_room_protocol::{ROOM_CODE_ALPHABET, ROOM_CODE_LEN, normalize_room_code};

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system provides random numbers");
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// A new room code such as `7KQ2M-X9RTB` (about 49.5 bits).
pub fn new_room_code() -> String {
    let mut raw = String::with_capacity(ROOM_CODE_LEN);
    while raw.len() < ROOM_CODE_LEN {
        for b in random_bytes::<16>() {
            // Rejection sampling keeps every character equally likely.
            let n = ROOM_CODE_ALPHABET.len() as u8;
            if b < n * (255 / n) && raw.len() < ROOM_CODE_LEN {
                raw.push(ROOM_CODE_ALPHABET[(b % n) as usize] as char);
            }
        }
    }
    normalize_room_code(&raw).expect("generated from the alphabet")
}

/// A new token for `member` and the hash to store.
pub fn new_token(member: Uuid) -> (String, [u8; 32]) {
    let secret = hex(&random_bytes::<32>());
    let hash = sha256(&[secret.as_bytes()]);
    (format!("{}.{secret}", member.simple()), hash)
}

/// The member a token claims to be, and its secret; `None` if it is no token of ours.
pub fn parse_token(token: &str) -> Option<(Uuid, &str)> {
    let (id, secret) = token.split_once('.')?;
    (secret.len() == 64).then_some(())?;
    Some((Uuid::try_parse(id).ok()?, secret))
}

/// Whether `secret` hashes to `stored`, in time independent of where they differ.
pub fn secret_matches(secret: &str, stored: &[u8]) -> bool {
    sha256(&[secret.as_bytes()]).ct_eq(stored).into()
}

/// What a sealed answer starts with: its format and version. Answers sealed before it (a bare
/// SHA-256 key stream, no authentication) lack it.
const SEALED_V1: &[u8; 8] = b"wt-aead1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// HKDF's salt: a fixed label for domain separation (a salt need not be secret, RFC 5869 §3.1).
const HKDF_SALT: &[u8] = b"worktogether-room: idempotent answers";
const HKDF_INFO: &[u8] = b"XChaCha20-Poly1305 key, v1";

/// Why a stored answer does not open. Every case is refused: nothing unauthenticated is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Sealed by the scheme before authenticated encryption (or not by us at all).
    #[error("the stored answer was sealed by the old scheme, without authentication")]
    OldScheme,
    #[error("the stored answer is cut short")]
    Truncated,
    /// The tag does not verify: another key or context, or altered bytes.
    #[error("the stored answer does not open with this key and context: altered, or sealed for another")]
    NotAuthentic,
}

/// Stored idempotent answers can hold a new member's token. They are kept encrypted and
/// authenticated (XChaCha20-Poly1305) under a key derived with HKDF-SHA-256 from the client's
/// idempotency key, which the server keeps only hashed: the database alone never reveals a
/// usable token, and an altered answer is refused, never read. `context` is bound as associated
/// data (the row and the request the answer belongs to): an answer opens only where it was
/// sealed. The nonce is 24 random bytes, so even two answers under one key never share one.
///
/// The layout: `wt-aead1` ‖ nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes).
pub fn seal(idempotency_key: &str, context: &[&[u8]], plain: &[u8]) -> Vec<u8> {
    let nonce = random_bytes::<NONCE_LEN>();
    let aad = associated_data(context);
    let sealed = cipher(idempotency_key)
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: &aad })
        .expect("XChaCha20-Poly1305 seals messages up to 256 GiB; an answer is far smaller");
    [SEALED_V1.as_slice(), &nonce, &sealed].concat()
}

/// The answer [`seal`] sealed with `idempotency_key` and `context`, or why it cannot be opened.
pub fn open(idempotency_key: &str, context: &[&[u8]], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
    let rest = sealed.strip_prefix(SEALED_V1.as_slice()).ok_or(OpenError::OldScheme)?;
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(OpenError::Truncated);
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let aad = associated_data(context);
    cipher(idempotency_key)
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: &aad })
        .map_err(|_| OpenError::NotAuthentic)
}

fn cipher(idempotency_key: &str) -> XChaCha20Poly1305 {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(HKDF_SALT), idempotency_key.as_bytes())
        .expand(HKDF_INFO, &mut key)
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    XChaCha20Poly1305::new(&key.into())
}

/// The format's version and each part of the context, each with its length: no two contexts
/// give the same bytes.
fn associated_data(context: &[&[u8]]) -> Vec<u8> {
    let mut aad = SEALED_V1.to_vec();
    for part in context {
        aad.extend_from_slice(&(part.len() as u64).to_le_bytes());
        aad.extend_from_slice(part);
    }
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_canonical_and_differ() {
        let a = new_room_code();
        assert_eq!(normalize_room_code(&a).as_deref(), Some(a.as_str()));
        assert_ne!(a, new_room_code(), "two codes in a row are (with overwhelming odds) different");
    }

    #[test]
    fn tokens_verify_only_with_their_secret() {
        let id = Uuid::now_v7();
        let (token, hash) = new_token(id);
        let (parsed, secret) = parse_token(&token).unwrap();
        assert_eq!(parsed, id);
        assert!(secret_matches(secret, &hash));
        let mut wrong = secret.to_owned();
        wrong.replace_range(0..1, if wrong.starts_with('a') { "b" } else { "a" });
        assert!(!secret_matches(&wrong, &hash));
        assert_eq!(parse_token("nonsense"), None);
        assert_eq!(parse_token(&format!("{}.short", id.simple())), None);
    }

    const KEY: &str = "0196f1c2-7a3b-7c4d-8e5f-a0b1c2d3e4f5";
    const ANSWER: &[u8] = b"{\"token\":\"secret\"}";

    fn context<'a>(row: &'a [u8], request: &'a [u8]) -> [&'a [u8]; 2] {
        [row, request]
    }

    /// What the scheme before authenticated encryption stored: the answer XORed with a
    /// SHA-256 key stream of the key.
    fn old_seal(key: &str, plain: &[u8]) -> Vec<u8> {
        let stream = (0u64..).flat_map(|block| sha256(&[b"seal", key.as_bytes(), &block.to_le_bytes()]));
        plain.iter().zip(stream).map(|(p, k)| p ^ k).collect()
    }

    #[test]
    fn sealed_answers_open_with_their_key_and_context() {
        let ctx = context(b"row", b"request");
        let sealed = seal(KEY, &ctx, ANSWER);
        assert!(sealed.starts_with(SEALED_V1));
        assert_eq!(sealed.len(), SEALED_V1.len() + NONCE_LEN + ANSWER.len() + TAG_LEN);
        assert!(!sealed.windows(ANSWER.len()).any(|w| w == ANSWER), "the answer is not there in the clear");
        assert_eq!(open(KEY, &ctx, &sealed).as_deref(), Ok(ANSWER));
        assert_ne!(seal(KEY, &ctx, ANSWER), sealed, "a new random nonce each time");
        assert_eq!(open(KEY, &ctx, &seal(KEY, &ctx, b"")).as_deref(), Ok(&b""[..]), "an empty answer too");
    }

    #[test]
    fn a_wrong_key_or_context_is_refused() {
        let sealed = seal(KEY, &context(b"row", b"request"), ANSWER);
        assert_eq!(
            open("0196f1c2-7a3b-7c4d-8e5f-a0b1c2d3e4f6", &context(b"row", b"request"), &sealed),
            Err(OpenError::NotAuthentic)
        );
        assert_eq!(open(KEY, &context(b"other row", b"request"), &sealed), Err(OpenError::NotAuthentic));
        assert_eq!(open(KEY, &context(b"row", b"other request"), &sealed), Err(OpenError::NotAuthentic));
        assert_eq!(open(KEY, &context(b"ro", b"wrequest"), &sealed), Err(OpenError::NotAuthentic), "parts are framed");
        assert_eq!(open(KEY, &[], &sealed), Err(OpenError::NotAuthentic));
    }

    #[test]
    fn every_altered_byte_is_refused() {
        let ctx = context(b"row", b"request");
        let sealed = seal(KEY, &ctx, ANSWER);
        for i in 0..sealed.len() {
            let mut altered = sealed.clone();
            altered[i] ^= 0x01;
            let expected = if i < SEALED_V1.len() { OpenError::OldScheme } else { OpenError::NotAuthentic };
            assert_eq!(open(KEY, &ctx, &altered), Err(expected), "byte {i} altered");
        }
        let mut longer = sealed.clone();
        longer.push(0);
        assert_eq!(open(KEY, &ctx, &longer), Err(OpenError::NotAuthentic), "a byte appended");
    }

    #[test]
    fn a_truncated_answer_is_refused() {
        let ctx = context(b"row", b"request");
        let sealed = seal(KEY, &ctx, ANSWER);
        for len in 0..sealed.len() {
            let expected = match len {
                l if l < SEALED_V1.len() => OpenError::OldScheme,
                l if l < SEALED_V1.len() + NONCE_LEN + TAG_LEN => OpenError::Truncated,
                _ => OpenError::NotAuthentic,
            };
            assert_eq!(open(KEY, &ctx, &sealed[..len]), Err(expected), "cut to {len} bytes");
        }
    }

    #[test]
    fn answers_sealed_by_the_old_scheme_are_refused() {
        let ctx = context(b"row", b"request");
        let old = old_seal(KEY, ANSWER);
        assert_eq!(old_seal(KEY, &old), ANSWER, "the old scheme as it was");
        assert_eq!(open(KEY, &ctx, &old), Err(OpenError::OldScheme));
        let long = old_seal(KEY, &[b'x'; 200]);
        assert_eq!(open(KEY, &ctx, &long), Err(OpenError::OldScheme));
        // Should an old answer start with the new prefix (odds of 2^-64), it still fails
        // authentication.
        let disguised = [SEALED_V1.as_slice(), &long].concat();
        assert_eq!(open(KEY, &ctx, &disguised), Err(OpenError::NotAuthentic));
    }
}
