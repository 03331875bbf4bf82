//! The room API's wire types: the contract between `worktogether-room` and its clients.
//!
//! Serde types only, plus the one computation both sides must agree on: which phase a
//! shared session is in at a given server instant ([`SharedSession::phase_at`]). Every path
//! lives under [`API_PREFIX`]; a breaking change gets a new prefix.

mod phase;
mod types;

pub use phase::*;
pub use types::*;

/// Every route of this version of the API starts with this.
pub const API_PREFIX: &str = "/v1";

/// The response header that carries the server's clock (RFC 3339, UTC, milliseconds).
pub const SERVER_TIME_HEADER: &str = "x-server-time";
/// The request header that makes a write safe to retry.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// The longest idempotency key the server accepts.
pub const IDEMPOTENCY_KEY_MAX_CHARS: usize = 100;

/// Room codes use these 31 characters: digits and capitals without 0/O, 1/I/L.
pub const ROOM_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Ten characters from the alphabet: 10 × log2(31) ≈ 49.5 bits, shown as `ABCDE-FGHJK`.
pub const ROOM_CODE_LEN: usize = 10;

/// A room code as a person may type it (any case, with or without dashes or spaces), in its
/// canonical form; `None` if it cannot be a room code.
pub fn normalize_room_code(input: &str) -> Option<String> {
    let mut code = String::with_capacity(ROOM_CODE_LEN + 1);
    let mut count = 0;
    for c in input.chars().filter(|c| !matches!(c, '-' | ' ')) {
        let c = c.to_ascii_uppercase();
        if !c.is_ascii() || !ROOM_CODE_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        if count == ROOM_CODE_LEN / 2 {
            code.push('-');
        }
        code.push(c);
        count += 1;
    }
    (count == ROOM_CODE_LEN).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_codes_are_read_aloud_forgivingly() {
        assert_eq!(normalize_room_code("abcde-fghjk").as_deref(), Some("ABCDE-FGHJK"));
        assert_eq!(normalize_room_code(" ABCDE FGHJK ").as_deref(), Some("ABCDE-FGHJK"));
        assert_eq!(normalize_room_code("ABCDEFGHJK").as_deref(), Some("ABCDE-FGHJK"));
        // Ambiguous characters are not in the alphabet, so a code with them is a typo.
        assert_eq!(normalize_room_code("ABCDE-FGHJ0"), None);
        assert_eq!(normalize_room_code("ABCDE-FGHJI"), None);
        assert_eq!(normalize_room_code("ABCDE-FGHJ"), None, "too short");
        assert_eq!(normalize_room_code("ABCDE-FGHJKM"), None, "too long");
        assert_eq!(normalize_room_code("ÄBCDE-FGHJK"), None);
    }

    #[test]
    fn the_alphabet_has_no_ambiguous_characters_and_enough_entropy() {
        for c in b"01OIL" {
            assert!(!ROOM_CODE_ALPHABET.contains(c), "{} is easily misread", *c as char);
        }
        let bits = ROOM_CODE_LEN as f64 * (ROOM_CODE_ALPHABET.len() as f64).log2();
        assert!(bits >= 40.0, "a room code must have at least 40 bits, has {bits}");
    }
}
