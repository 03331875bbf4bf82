//! Room codes and member tokens: random, never stored in the clear, compared in constant time.
//!
//! A token is `<member id>.<secret>`: the id finds the member's row, and the SHA-256 of the
//! 256-bit secret is compared with the stored hash in constant time.

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

/// Stored idempotent responses can hold a new member's token. They are kept encrypted with
/// a key stream derived from the client's idempotency key, which the server keeps only
/// hashed: the database alone never reveals a usable token.
pub fn seal(idempotency_key: &str, plain: &[u8]) -> Vec<u8> {
    plain.iter().zip(key_stream(idempotency_key)).map(|(p, k)| p ^ k).collect()
}

pub use seal as unseal;

fn key_stream(key: &str) -> impl Iterator<Item = u8> + '_ {
    (0u64..).flat_map(move |block| sha256(&[b"seal", key.as_bytes(), &block.to_le_bytes()]))
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

    #[test]
    fn sealed_responses_open_only_with_the_key() {
        let sealed = seal("key-1", b"{\"token\":\"secret\"}");
        assert_ne!(sealed, b"{\"token\":\"secret\"}");
        assert_eq!(unseal("key-1", &sealed), b"{\"token\":\"secret\"}");
        assert_ne!(unseal("key-2", &sealed), b"{\"token\":\"secret\"}");
    }
}
