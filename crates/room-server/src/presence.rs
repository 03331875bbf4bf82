//! Presence as the connection shows it: a member whose event streams have all been gone
//! longer than the grace period shows as away, whatever they last set. In memory only: after
//! a restart every member counts as last seen at the start.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

pub struct Tracker {
    grace: Duration,
    started: DateTime<Utc>,
    members: Mutex<HashMap<Uuid, Seen>>,
}

#[derive(Clone, Copy)]
struct Seen {
    streams: u32,
    last_seen: DateTime<Utc>,
    /// Bumped on every connect, so a stale "went away" check does nothing.
    generation: u64,
    announced_away: bool,
}

impl Tracker {
    pub fn new(grace: std::time::Duration, now: DateTime<Utc>) -> Self {
        let grace = Duration::from_std(grace).unwrap_or(Duration::MAX);
        Self { grace, started: now, members: Mutex::new(HashMap::new()) }
    }

    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// A member was active (joined, created a room) without a stream yet.
    pub fn touch(&self, member: Uuid, now: DateTime<Utc>) {
        let mut members = self.members.lock().expect("presence lock");
        let seen =
            members.entry(member).or_insert(Seen { streams: 0, last_seen: now, generation: 0, announced_away: false });
        seen.last_seen = now;
    }

    /// A stream opened. True if the member had been announced away (announce them back).
    pub fn connect(&self, member: Uuid, now: DateTime<Utc>) -> bool {
        let mut members = self.members.lock().expect("presence lock");
        let seen =
            members.entry(member).or_insert(Seen { streams: 0, last_seen: now, generation: 0, announced_away: false });
        seen.streams += 1;
        seen.generation += 1;
        seen.last_seen = now;
        std::mem::take(&mut seen.announced_away)
    }

    /// A stream closed; returns the generation to pass to [`Tracker::went_away`] after the grace period.
    pub fn disconnect(&self, member: Uuid, now: DateTime<Utc>) -> u64 {
        let mut members = self.members.lock().expect("presence lock");
        let seen = members.get_mut(&member).expect("a stream that closes has connected");
        seen.streams = seen.streams.saturating_sub(1);
        seen.last_seen = now;
        seen.generation
    }

    /// After the grace period: true (once) if the member is still without a stream since `generation`.
    pub fn went_away(&self, member: Uuid, generation: u64) -> bool {
        let mut members = self.members.lock().expect("presence lock");
        match members.get_mut(&member) {
            Some(seen) if seen.streams == 0 && seen.generation == generation && !seen.announced_away => {
                seen.announced_away = true;
                true
            }
            _ => false,
        }
    }

    /// Whether the member shows as away at `now`.
    pub fn is_away(&self, member: Uuid, now: DateTime<Utc>) -> bool {
        let members = self.members.lock().expect("presence lock");
        let (streams, last_seen) = members.get(&member).map_or((0, self.started), |s| (s.streams, s.last_seen));
        streams == 0 && now - last_seen >= self.grace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn away_only_after_the_grace_period_without_a_stream() {
        let t = Tracker::new(std::time::Duration::from_secs(60), at(0));
        let m = Uuid::now_v7();
        assert!(!t.is_away(m, at(59)), "the server just started: everyone gets the grace period");
        assert!(t.is_away(m, at(60)));
        t.connect(m, at(100));
        assert!(!t.is_away(m, at(1000)), "an open stream means here");
        let generation = t.disconnect(m, at(1000));
        assert!(!t.is_away(m, at(1059)));
        assert!(t.is_away(m, at(1060)));
        assert!(t.went_away(m, generation));
        assert!(!t.went_away(m, generation), "announced once");
        assert!(t.connect(m, at(1100)), "back: announce the member's own state again");
        let old = generation;
        assert!(!t.went_away(m, old), "a reconnect makes the old check stale");
    }
}
