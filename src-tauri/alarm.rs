//! Waiting for a moment of the wall clock, and waking for nothing else.
//!
//! Tokio's timers count on the monotonic clock: it stops while the computer sleeps and does
//! not see the clock being set, so a task that waits for a time of day with them has to look
//! at the clock again and again (a "coarse look") to notice either. On Linux a timerfd on
//! `CLOCK_REALTIME`, armed at the moment itself with `TFD_TIMER_CANCEL_ON_SET`, ends the
//! wait at that moment, right after a resume from sleep, and when the clock is set: the
//! kernel cancels such timers whenever the wall clock jumps against the monotonic one. It
//! also wakes once, through the runtime's I/O driver, where a long tokio timer cascades
//! through its wheel and wakes up to three times. Elsewhere, or if the timerfd cannot be
//! made, the wait is capped by the caller's coarse look, as before.

use std::time::Duration;
use worktogether_core::Timestamp;

/// A wait for a time of day in the person's zone ends after this at the latest, so that a
/// change of time zone (travel) moves it within this long: no alarm tells of one.
pub const ZONE_LOOK: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// One task's alarm; each waiting task has its own.
pub struct Alarm {
    #[cfg(target_os = "linux")]
    timer: Option<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>>,
}

impl Alarm {
    /// Needs the tokio runtime (it registers with its I/O driver).
    pub fn new() -> Self {
        Self {
            #[cfg(target_os = "linux")]
            timer: linux::timer().inspect_err(|e| log::warn!("no wall-clock alarm ({e}); looking every while")).ok(),
        }
    }

    /// Returns at `at` on the system's clock (already past: at once), or earlier: on Linux
    /// right after a resume from sleep or a change of the clock; elsewhere after `coarse_look`
    /// at the latest.
    pub async fn until(&mut self, at: Timestamp, coarse_look: Duration) {
        #[cfg(target_os = "linux")]
        if let Some(timer) = &self.timer {
            match linux::wait(timer, at).await {
                Ok(()) => return,
                Err(e) => {
                    log::warn!("the wall-clock alarm failed ({e}); looking every while");
                    self.timer = None;
                }
            }
        }
        let left = (at - crate::state::now()).to_std().unwrap_or(Duration::ZERO);
        tokio::time::sleep(left.min(coarse_look)).await;
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use rustix::time::{Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec};
    use std::io;
    use std::os::fd::OwnedFd;
    use tokio::io::unix::AsyncFd;
    use worktogether_core::Timestamp;

    #[allow(unsafe_code)]
    pub fn timer() -> io::Result<AsyncFd<OwnedFd>> {
        let fd =
            rustix::time::timerfd_create(TimerfdClockId::Realtime, TimerfdFlags::CLOEXEC | TimerfdFlags::NONBLOCK)?;
        // SAFETY: `register` asks that the descriptor stay open and the same for as long as the
        // `AsyncFd` owns it. An `OwnedFd` is exactly that: it is closed only when dropped, and
        // only the `AsyncFd`, which owns it, can drop it.
        unsafe { AsyncFd::register(fd) }.map_err(io::Error::from)
    }

    /// Arms the timer for `at` and waits until it fires or is cancelled by a clock jump.
    pub async fn wait(timer: &AsyncFd<OwnedFd>, at: Timestamp) -> io::Result<()> {
        let moment = Timespec { tv_sec: at.timestamp(), tv_nsec: at.timestamp_subsec_nanos().into() };
        // Re-arming also clears what a wait given up earlier left behind.
        let spec = Itimerspec { it_interval: Timespec { tv_sec: 0, tv_nsec: 0 }, it_value: moment };
        rustix::time::timerfd_settime(
            timer.get_ref(),
            TimerfdTimerFlags::ABSTIME | TimerfdTimerFlags::CANCEL_ON_SET,
            &spec,
        )?;
        loop {
            let mut ready = timer.readable().await?;
            let mut count = [0u8; 8];
            match rustix::io::read(timer.get_ref(), &mut count) {
                // Fired, or cancelled: the clock jumped (a resume, or the clock was set).
                Ok(_) | Err(rustix::io::Errno::CANCELED) => return Ok(()),
                // Readiness left from before the timer was re-armed.
                Err(rustix::io::Errno::AGAIN) => ready.clear_ready(),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[tokio::test]
    async fn it_wakes_at_the_moment_and_at_once_for_a_moment_past() {
        let mut alarm = Alarm::new();
        let started = std::time::Instant::now();
        alarm.until(crate::state::now() + TimeDelta::milliseconds(150), Duration::from_secs(60)).await;
        assert!(started.elapsed() >= Duration::from_millis(140), "not before: {:?}", started.elapsed());

        // Past, and armed again after a wait given up half-way: neither waits.
        let given_up = tokio::time::timeout(
            Duration::from_millis(20),
            alarm.until(crate::state::now() + TimeDelta::hours(1), Duration::from_secs(60)),
        );
        assert!(given_up.await.is_err(), "an hour away is not now");
        let started = std::time::Instant::now();
        alarm.until(crate::state::now() - TimeDelta::hours(1), Duration::from_secs(60)).await;
        assert!(started.elapsed() < Duration::from_secs(5), "a moment past is due at once");
        #[cfg(target_os = "linux")]
        assert!(alarm.timer.is_some(), "the timerfd is used here");
    }
}
