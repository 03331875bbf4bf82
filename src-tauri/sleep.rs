//! Telling a sleep of the computer from a change of its clock.
//!
//! The wall clock jumps in both cases. On Linux the monotonic clock stops during suspend
//! while the boot-time clock runs on, so their difference is exactly the time asleep and a
//! clock change shows up in neither. Elsewhere the monotonic clock (`Instant`) is compared
//! with the wall clock, which also takes a clock change for a sleep.

use chrono::TimeDelta;
use std::time::{Duration, Instant};
use worktogether_core::Timestamp;

/// A gap this far beyond the tick interval is a sleep, not a slow tick.
const THRESHOLD: Duration = Duration::from_secs(30);

/// Where sleeps are found: the real clocks in the app, a script in tests.
pub trait SleepWatch: Send {
    /// When a sleep since the last check (or reset) began, if there was one; `now` is the
    /// app's time of day.
    fn check(&mut self, now: Timestamp) -> Option<Timestamp>;
    /// Forget the time since the last check (the ticker was idle: nothing ran that a sleep
    /// could change).
    fn reset(&mut self);
}

pub struct SleepDetector {
    last_awake: Instant,
    last_total: Duration,
}

/// Time that passed with the computer asleep, if more than the threshold: the clock that
/// includes sleep moved on `total` while the one that stops moved on `awake`.
pub fn asleep(awake: Duration, total: Duration) -> Option<Duration> {
    total.checked_sub(awake).filter(|gap| *gap > THRESHOLD)
}

impl SleepDetector {
    pub fn new() -> Self {
        Self { last_awake: Instant::now(), last_total: total_clock() }
    }
}

impl SleepWatch for SleepDetector {
    fn check(&mut self, now: Timestamp) -> Option<Timestamp> {
        let (awake, total) = (self.last_awake.elapsed(), total_clock().saturating_sub(self.last_total));
        self.reset();
        asleep(awake, total).map(|gap| now - TimeDelta::from_std(gap).unwrap_or(TimeDelta::MAX))
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}

/// A clock that keeps running while the computer sleeps.
#[cfg(target_os = "linux")]
fn total_clock() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    Duration::new(u64::try_from(t.tv_sec).unwrap_or(0), u32::try_from(t.tv_nsec).unwrap_or(0))
}

#[cfg(not(target_os = "linux"))]
fn total_clock() -> Duration {
    let t = crate::state::now();
    Duration::from_millis(u64::try_from(t.timestamp_millis()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sleep_is_where_the_clocks_part() {
        let s = Duration::from_secs;
        assert_eq!(asleep(s(1), s(1)), None, "an ordinary tick");
        assert_eq!(asleep(s(1), s(20)), None, "a slow tick is no sleep");
        assert_eq!(asleep(s(1), s(3601)), Some(s(3600)), "an hour asleep");
        assert_eq!(asleep(s(5), s(1)), None, "clocks never make a negative sleep");
    }
}
