//! The shell's clock. The app reads the system's; tests hand it one they move, so a
//! 50-minute focus block passes in a moment. Nothing else in the shell reads the time of day.

use chrono::TimeDelta;
use std::sync::atomic::{AtomicI64, Ordering};
use worktogether_core::Timestamp;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
    /// Moves the clock on by `by`; `false` when this clock cannot be moved (the system's).
    fn advance(&self, by: TimeDelta) -> bool;
    /// The system's time when this clock shows `at` (they differ on a moved clock): what a
    /// wait for `at` on the system's clock waits for.
    fn to_system(&self, at: Timestamp) -> Timestamp {
        at
    }
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        chrono::Utc::now()
    }

    fn advance(&self, _: TimeDelta) -> bool {
        false
    }
}

/// The wall clock plus an offset the tests move (`WORKTOGETHER_TEST_CLOCK=1` in the e2e
/// tests, `advance` over the control channel); it runs on like the real one in between.
#[derive(Default)]
pub struct MovedClock {
    offset_ms: AtomicI64,
}

impl Clock for MovedClock {
    fn now(&self) -> Timestamp {
        chrono::Utc::now() + TimeDelta::milliseconds(self.offset_ms.load(Ordering::Acquire))
    }

    fn advance(&self, by: TimeDelta) -> bool {
        self.offset_ms.fetch_add(by.num_milliseconds(), Ordering::AcqRel);
        true
    }

    fn to_system(&self, at: Timestamp) -> Timestamp {
        at - TimeDelta::milliseconds(self.offset_ms.load(Ordering::Acquire))
    }
}

/// The environment variable that gives the app a [`MovedClock`]: for tests only.
pub const TEST_CLOCK_VAR: &str = "WORKTOGETHER_TEST_CLOCK";

/// The clock the app runs on: the system's, unless a test asked for one it can move.
pub fn from_env() -> Box<dyn Clock> {
    if std::env::var_os(TEST_CLOCK_VAR).is_some_and(|v| v == "1") {
        log::warn!("{TEST_CLOCK_VAR}=1: running on a clock the tests move");
        Box::new(MovedClock::default())
    } else {
        Box::new(SystemClock)
    }
}
