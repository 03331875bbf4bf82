//! The limits every entry point enforces, in one place so UI, CLI and tests agree.

/// Longest commitment text, in characters.
pub const COMMITMENT_MAX_CHARS: usize = 500;
/// Longest tag (client or area), in characters.
pub const TAG_MAX_CHARS: usize = 40;
/// Longest note on a commitment, a pause or a session, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;
/// Most commitments in one session: a ritual is about a few things, not a backlog.
pub const COMMITMENTS_PER_SESSION: usize = 20;
/// Estimates are given in minutes, up to one working day.
pub const ESTIMATE_MAX_MINUTES: u32 = 480;
/// A phase lasts at least one second (tests run whole sessions in seconds; the UI offers
/// whole minutes) and at most eight hours.
pub const PHASE_MIN_SECS: u32 = 1;
pub const PHASE_MAX_SECS: u32 = 8 * 60 * 60;
/// Most phases in one template.
pub const TEMPLATE_MAX_PHASES: usize = 41;
pub const TEMPLATE_NAME_MAX_CHARS: usize = 60;
/// One extension adds 1 to 60 minutes.
pub const EXTEND_MAX_MINUTES: u32 = 60;
/// History pages hold at most this many sessions.
pub const LIST_MAX: u32 = 500;
