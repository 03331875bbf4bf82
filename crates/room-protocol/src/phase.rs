//! Where a shared session stands at an instant. Server and clients run this same code on
//! the same server timestamps, so every member sees the same phase — also one that joins
//! late or whose laptop just woke up.

use crate::{PhaseKind, SessionAction, SharedSession};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The phase of a shared session at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "state", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum SharedPhase {
    Running {
        index: u32,
        kind: PhaseKind,
        started_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    },
    Paused {
        index: u32,
        kind: PhaseKind,
        started_at: DateTime<Utc>,
        remaining_ms: i64,
    },
    /// Every phase has run, or the host ended the session.
    Over {
        at: DateTime<Utc>,
    },
}

/// Why a host's session action does not apply now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionRefused {
    SessionOver,
    AlreadyPaused,
    NotPaused,
}

impl SharedSession {
    /// The phase at server instant `now`. Pure: the same inputs give the same phase on
    /// every machine.
    pub fn phase_at(&self, now: DateTime<Utc>) -> SharedPhase {
        if let Some(at) = self.ended_at {
            return SharedPhase::Over { at };
        }
        // While paused, time stands still at the pause.
        let t = self.paused_at.unwrap_or(now);
        let mut index = self.anchor_index as usize;
        let mut start = self.anchor_at;
        while let Some(phase) = self.phases.get(index) {
            let end = start + Duration::seconds(i64::from(phase.duration_secs));
            if t < end {
                let index = index as u32;
                return match self.paused_at {
                    Some(p) => SharedPhase::Paused {
                        index,
                        kind: phase.kind,
                        started_at: start,
                        remaining_ms: (end - p).num_milliseconds(),
                    },
                    None => SharedPhase::Running { index, kind: phase.kind, started_at: start, ends_at: end },
                };
            }
            index += 1;
            start = end;
        }
        SharedPhase::Over { at: start }
    }

    /// Applies a host's action at server instant `now`.
    pub fn apply(&mut self, action: SessionAction, now: DateTime<Utc>) -> Result<(), ActionRefused> {
        let phase = self.phase_at(now);
        let index = match phase {
            SharedPhase::Over { .. } => return Err(ActionRefused::SessionOver),
            SharedPhase::Running { index, .. } | SharedPhase::Paused { index, .. } => index,
        };
        match action {
            SessionAction::Pause => {
                if self.paused_at.is_some() {
                    return Err(ActionRefused::AlreadyPaused);
                }
                self.paused_at = Some(now);
            }
            SessionAction::Resume => {
                let paused_at = self.paused_at.take().ok_or(ActionRefused::NotPaused)?;
                // The phase counts as started later by the length of the pause.
                self.anchor_index = index;
                self.anchor_at = match phase {
                    SharedPhase::Paused { started_at, .. } => started_at + (now - paused_at),
                    _ => unreachable!("a session with paused_at is paused"),
                };
            }
            SessionAction::Skip => {
                self.anchor_index = index + 1;
                self.anchor_at = now;
                if self.paused_at.is_some() {
                    self.paused_at = Some(now);
                }
                if self.anchor_index as usize >= self.phases.len() {
                    self.paused_at = None;
                    self.ended_at = Some(now);
                }
            }
            SessionAction::End => {
                self.paused_at = None;
                self.ended_at = Some(now);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PlannedPhase;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn session() -> SharedSession {
        let phases = [(PhaseKind::Commitment, 10), (PhaseKind::Focus, 50), (PhaseKind::Closing, 10)]
            .map(|(kind, duration_secs)| PlannedPhase { kind, duration_secs })
            .to_vec();
        SharedSession {
            id: uuid::Uuid::nil(),
            template_name: "t".into(),
            phases,
            started_at: at(0),
            anchor_index: 0,
            anchor_at: at(0),
            paused_at: None,
            ended_at: None,
        }
    }

    fn running(index: u32, from: i64, to: i64) -> SharedPhase {
        let kind = session().phases[index as usize].kind;
        SharedPhase::Running { index, kind, started_at: at(from), ends_at: at(to) }
    }

    #[test]
    fn phases_follow_back_to_back_from_the_start() {
        let s = session();
        assert_eq!(s.phase_at(at(0)), running(0, 0, 10));
        assert_eq!(s.phase_at(at(9)), running(0, 0, 10));
        assert_eq!(s.phase_at(at(10)), running(1, 10, 60), "a boundary belongs to the next phase");
        assert_eq!(s.phase_at(at(69)), running(2, 60, 70));
        assert_eq!(s.phase_at(at(70)), SharedPhase::Over { at: at(70) });
        assert_eq!(s.phase_at(at(10_000)), SharedPhase::Over { at: at(70) }, "a late look sees the same end");
    }

    #[test]
    fn a_pause_stops_time_and_resume_shifts_the_rest() {
        let mut s = session();
        s.apply(SessionAction::Pause, at(15)).unwrap();
        let paused = SharedPhase::Paused { index: 1, kind: PhaseKind::Focus, started_at: at(10), remaining_ms: 45_000 };
        assert_eq!(s.phase_at(at(15)), paused);
        assert_eq!(s.phase_at(at(500)), paused, "nothing moves while paused");
        assert_eq!(s.apply(SessionAction::Pause, at(20)), Err(ActionRefused::AlreadyPaused));
        s.apply(SessionAction::Resume, at(115)).unwrap();
        assert_eq!(s.phase_at(at(115)), running(1, 110, 160), "100 s of pause move the focus block");
        assert_eq!(s.phase_at(at(160)), running(2, 160, 170));
        assert_eq!(s.apply(SessionAction::Resume, at(120)), Err(ActionRefused::NotPaused));
    }

    #[test]
    fn skip_starts_the_next_phase_now_and_skipping_the_last_ends() {
        let mut s = session();
        s.apply(SessionAction::Skip, at(3)).unwrap();
        assert_eq!(s.phase_at(at(3)), running(1, 3, 53));
        s.apply(SessionAction::Skip, at(4)).unwrap();
        s.apply(SessionAction::Skip, at(5)).unwrap();
        assert_eq!(s.phase_at(at(5)), SharedPhase::Over { at: at(5) });
        assert_eq!(s.apply(SessionAction::Skip, at(6)), Err(ActionRefused::SessionOver));
    }

    #[test]
    fn skip_while_paused_stays_paused_in_the_next_phase() {
        let mut s = session();
        s.apply(SessionAction::Pause, at(2)).unwrap();
        s.apply(SessionAction::Skip, at(4)).unwrap();
        assert_eq!(
            s.phase_at(at(100)),
            SharedPhase::Paused { index: 1, kind: PhaseKind::Focus, started_at: at(4), remaining_ms: 50_000 }
        );
        s.apply(SessionAction::Resume, at(10)).unwrap();
        assert_eq!(s.phase_at(at(10)), running(1, 10, 60));
    }

    #[test]
    fn end_is_final() {
        let mut s = session();
        s.apply(SessionAction::End, at(30)).unwrap();
        assert_eq!(s.phase_at(at(31)), SharedPhase::Over { at: at(30) });
        for action in [SessionAction::Pause, SessionAction::Resume, SessionAction::Skip, SessionAction::End] {
            assert_eq!(s.apply(action, at(40)), Err(ActionRefused::SessionOver));
        }
    }

    #[test]
    fn events_round_trip_as_json() {
        let e = crate::RoomEvent {
            id: 7,
            at: at(1),
            change: crate::RoomChange::PresenceChanged {
                member_id: uuid::Uuid::nil(),
                presence: crate::Presence::Away,
            },
        };
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""type":"presence_changed""#) && json.contains(r#""memberId""#), "{json}");
        assert_eq!(serde_json::from_str::<crate::RoomEvent>(&json).unwrap(), e);
    }
}
