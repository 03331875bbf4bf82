//! The offset between this computer's clock and the room server's, from the server time
//! every response carries. The shared phase is computed on server time, so it is right
//! even when this computer's clock is wrong.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

/// How much the offset may age before a worse sample replaces it (clocks drift, and the
/// computer's clock may have been set).
const SAMPLE_MAX_AGE_SECS: i64 = 600;

#[derive(Clone, Default)]
pub struct ServerClock {
    best: Arc<Mutex<Option<Sample>>>,
}

#[derive(Clone, Copy)]
struct Sample {
    offset: Duration,
    round_trip: Duration,
    taken_at: DateTime<Utc>,
}

impl ServerClock {
    /// Records one exchange: sent at `sent` and answered at `received` (local clock) with
    /// the server's time `server`. The server read its clock about half-way, and the
    /// shortest exchange is the most precise.
    pub fn observe(&self, sent: DateTime<Utc>, received: DateTime<Utc>, server: DateTime<Utc>) {
        let round_trip = (received - sent).max(Duration::zero());
        let sample = Sample { offset: server - (sent + round_trip / 2), round_trip, taken_at: received };
        let mut best = self.best.lock().expect("clock lock");
        let replace = match *best {
            None => true,
            Some(b) => {
                sample.round_trip <= b.round_trip || received - b.taken_at > Duration::seconds(SAMPLE_MAX_AGE_SECS)
            }
        };
        if replace {
            *best = Some(sample);
        }
    }

    /// Server time minus local time (zero before the first answer).
    pub fn offset(&self) -> Duration {
        self.best.lock().expect("clock lock").map_or(Duration::zero(), |s| s.offset)
    }

    /// The server's time at local instant `local`.
    pub fn server_time(&self, local: DateTime<Utc>) -> DateTime<Utc> {
        local + self.offset()
    }

    /// How far the server's true time may be from [`ServerClock::server_time`]: the server
    /// read its clock somewhere within the fastest exchange, and sends it to the millisecond.
    /// `None` before the first answer (the offset is then a guess).
    pub fn uncertainty(&self) -> Option<Duration> {
        self.best.lock().expect("clock lock").map(|s| s.round_trip / 2 + Duration::milliseconds(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_800_000_000_000 + ms).unwrap()
    }

    #[test]
    fn the_offset_comes_from_the_fastest_exchange() {
        let clock = ServerClock::default();
        assert_eq!(clock.offset(), Duration::zero());
        // This computer is 5 s behind; a slow answer (400 ms) and a fast one (20 ms).
        clock.observe(at(0), at(400), at(5_300));
        clock.observe(at(1000), at(1020), at(6_010));
        assert_eq!(clock.offset(), Duration::milliseconds(5_000));
        // A later slow exchange does not spoil it.
        clock.observe(at(2000), at(3000), at(7_900));
        assert_eq!(clock.server_time(at(10_000)), at(15_000));
    }

    #[test]
    fn the_uncertainty_bounds_where_the_server_read_its_clock() {
        let clock = ServerClock::default();
        assert_eq!(clock.uncertainty(), None, "no answer yet: no bound");
        // The server read its clock at the very start of a 40 ms exchange, or at its very end.
        for (read_at, offset) in [(0, -20), (40, 20)] {
            let clock = ServerClock::default();
            clock.observe(at(0), at(40), at(5_000 + read_at));
            assert_eq!(clock.offset(), Duration::milliseconds(5_000 + offset));
            assert_eq!(clock.uncertainty(), Some(Duration::milliseconds(21)));
            let error = clock.offset() - Duration::milliseconds(5_000);
            assert!(error.abs() <= clock.uncertainty().unwrap());
        }
    }
}
