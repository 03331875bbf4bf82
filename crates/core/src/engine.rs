//! The phase engine: a pure state machine over a session's stored wall-clock timestamps.
//!
//! Nothing here counts: the current phase is derived from when each phase started, the
//! plan, extensions and pauses, evaluated against the `now` the caller passes in. That is
//! why the timer is right after a restart, a crash, a suspend or a clock change, and why
//! evaluating at every tick or only once at the end gives the same state.

use crate::Timestamp;
use crate::error::{CoreError, Result, WrongState};
use crate::limits::{EXTEND_MAX_MINUTES, PHASE_MAX_SECS};
use crate::model::{EndReason, PauseKind, PhaseKind, PlannedPhase, RoomPosition, SessionStatus, SleepMode};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One phase as it actually ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseRun {
    /// Index into the session's plan.
    pub plan_index: usize,
    pub kind: PhaseKind,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    /// Minutes added with "+5 min", in seconds.
    pub extended_secs: u32,
    pub end_reason: Option<EndReason>,
    /// In a session that follows a room: when the room's phase ends. It is the deadline;
    /// neither extensions nor this person's own pauses move it.
    pub room_deadline: Option<Timestamp>,
}

/// A stretch that is not focus. Interruptions and sleeps in "pause while asleep" mode move
/// the phase's deadline; sleeps in "keep wall-clock time" mode do not, but are still not
/// counted as focus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub kind: PauseKind,
    pub shifts_deadline: bool,
    pub note: Option<String>,
}

/// The phase change one evaluation found. Several phases that passed while the app was
/// closed or the computer slept are reported as one change (`missed` counts the ones in
/// between), so the person gets one catch-up notice instead of a burst.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PhaseChange {
    pub session_id: Uuid,
    pub from: PhaseKind,
    pub to: PhaseKind,
    pub to_index: u32,
    pub missed: u32,
}

/// The timing state of one session: everything the engine needs, nothing it derives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClock {
    pub session_id: Uuid,
    pub plan: Vec<PlannedPhase>,
    pub status: SessionStatus,
    /// Never empty; the last run is the current phase while the session is in progress.
    pub runs: Vec<PhaseRun>,
    pub pauses: Vec<Pause>,
    /// The phases follow a room's shared session ([`SessionClock::follow`]): the host moves
    /// them on, not this person (no skip, no "+5 min").
    pub follows_room: bool,
}

fn secs(s: u32) -> Duration {
    Duration::seconds(i64::from(s))
}

impl SessionClock {
    /// Starts a session on `plan` at `now`, in its first phase.
    pub fn start(session_id: Uuid, plan: Vec<PlannedPhase>, now: Timestamp) -> Self {
        let first = PhaseRun {
            plan_index: 0,
            kind: plan.first().map_or(PhaseKind::Commitment, |p| p.kind),
            started_at: now,
            ended_at: None,
            extended_secs: 0,
            end_reason: None,
            room_deadline: None,
        };
        Self {
            session_id,
            plan,
            status: SessionStatus::Running,
            runs: vec![first],
            pauses: Vec::new(),
            follows_room: false,
        }
    }

    /// Starts a session that follows a room's shared session on `plan`, in the room's phase
    /// (a late joiner begins where the room is, not at its first phase).
    pub fn join_room(session_id: Uuid, plan: Vec<PlannedPhase>, at: &RoomPosition, now: Timestamp) -> Self {
        let mut clock = Self::start(session_id, plan, now);
        clock.follows_room = true;
        let index = (at.index as usize).min(clock.plan.len().saturating_sub(1));
        // The record starts when this person joined; the phase's end is the room's.
        let kind = clock.plan[index].kind;
        let first = clock.current_mut();
        first.plan_index = index;
        first.kind = kind;
        let _ = clock.follow(at, now);
        clock
    }

    pub fn started_at(&self) -> Timestamp {
        self.runs[0].started_at
    }

    /// The current phase run (the last one).
    pub fn current(&self) -> &PhaseRun {
        self.runs.last().expect("a session always has a run")
    }

    fn current_mut(&mut self) -> &mut PhaseRun {
        self.runs.last_mut().expect("a session always has a run")
    }

    /// When the session ended, if it has.
    pub fn ended_at(&self) -> Option<Timestamp> {
        if self.status.in_progress() { None } else { self.current().ended_at }
    }

    fn is_last_phase(&self, run: &PhaseRun) -> bool {
        run.plan_index + 1 >= self.plan.len()
    }

    pub fn open_pause(&self) -> Option<&Pause> {
        self.pauses.iter().rev().find(|p| p.ended_at.is_none())
    }

    /// Planned length of a run plus its extensions.
    pub fn run_duration(&self, run: &PhaseRun) -> Duration {
        secs(self.plan[run.plan_index].duration_secs) + secs(run.extended_secs)
    }

    /// Time within `[from, to)` covered by pauses (open ones count up to `now`);
    /// `only_shifting` restricts it to pauses that move the deadline.
    fn paused_within(&self, from: Timestamp, to: Timestamp, now: Timestamp, only_shifting: bool) -> Duration {
        self.pauses
            .iter()
            .filter(|p| !only_shifting || p.shifts_deadline)
            .map(|p| {
                let start = p.started_at.max(from);
                let end = p.ended_at.unwrap_or(now).min(to);
                (end - start).max(Duration::zero())
            })
            .sum()
    }

    /// The wall-clock instant the run ends by time, as of `now`. While paused the deadline
    /// moves with `now`, so the remaining time stays frozen.
    pub fn deadline(&self, run: &PhaseRun, now: Timestamp) -> Timestamp {
        if let Some(room) = run.room_deadline {
            return room.max(run.started_at);
        }
        let end = run.ended_at.unwrap_or(now.max(run.started_at));
        run.started_at + self.run_duration(run) + self.paused_within(run.started_at, end, now, true)
    }

    /// Remaining time of the current phase at `now`; negative in the closing round's overtime.
    pub fn remaining(&self, now: Timestamp) -> Duration {
        self.deadline(self.current(), now) - now
    }

    /// Moves the clock to `now`: every phase whose deadline has passed ends at its
    /// deadline and the next begins there. The closing round never ends by time: it waits
    /// for the person's report.
    pub fn advance(&mut self, now: Timestamp) -> Option<PhaseChange> {
        let now = self.no_earlier_than_recorded(now);
        let from = self.current().kind;
        let mut passed = 0u32;
        while self.status == SessionStatus::Running && !self.is_last_phase(self.current()) {
            let deadline = self.deadline(self.current(), now);
            if deadline > now {
                break;
            }
            self.end_current(deadline, EndReason::Elapsed);
            let next = self.current().plan_index + 1;
            self.begin(next, deadline);
            passed += 1;
        }
        (passed > 0).then(|| PhaseChange {
            session_id: self.session_id,
            from,
            to: self.current().kind,
            to_index: u32::try_from(self.current().plan_index).unwrap_or(u32::MAX),
            missed: passed - 1,
        })
    }

    /// The phase change between an `earlier` state of this clock and now, whether time or
    /// an operation (skip, end early) caused it; `None` if the phase is the same or the
    /// session is over.
    pub fn change_since(&self, earlier: &SessionClock) -> Option<PhaseChange> {
        let first_new = earlier.runs.len().checked_sub(1)?;
        if self.runs.len() <= earlier.runs.len() || !self.status.in_progress() {
            return None;
        }
        // Phases that began and ran out by time in between passed unseen; a skip is no miss.
        let between = &self.runs[first_new + 1..self.runs.len() - 1];
        let missed = between.iter().filter(|r| r.end_reason == Some(EndReason::Elapsed)).count();
        Some(PhaseChange {
            session_id: self.session_id,
            from: earlier.current().kind,
            to: self.current().kind,
            to_index: u32::try_from(self.current().plan_index).unwrap_or(u32::MAX),
            missed: u32::try_from(missed).unwrap_or(u32::MAX),
        })
    }

    /// `now`, or the latest recorded instant if the computer's clock was set back.
    fn no_earlier_than_recorded(&self, now: Timestamp) -> Timestamp {
        now.max(self.latest_instant())
    }

    /// The latest instant the clock has recorded. Time never runs backwards for a session:
    /// if the computer's clock is set back, operations happen at this instant instead, so
    /// phases and pauses can never overlap or end before they began.
    pub fn latest_instant(&self) -> Timestamp {
        let runs = self.runs.iter().flat_map(|r| [Some(r.started_at), r.ended_at]);
        let pauses = self.pauses.iter().flat_map(|p| [Some(p.started_at), p.ended_at]);
        runs.chain(pauses).flatten().max().unwrap_or_else(|| self.started_at())
    }

    fn end_current(&mut self, at: Timestamp, reason: EndReason) {
        let run = self.current_mut();
        run.ended_at = Some(at);
        run.end_reason = Some(reason);
    }

    fn begin(&mut self, plan_index: usize, at: Timestamp) {
        self.runs.push(PhaseRun {
            plan_index,
            kind: self.plan[plan_index].kind,
            started_at: at,
            ended_at: None,
            extended_secs: 0,
            end_reason: None,
            room_deadline: None,
        });
    }

    fn require_in_progress(&self) -> Result<()> {
        if self.status.in_progress() { Ok(()) } else { Err(CoreError::WrongState(WrongState::SessionOver)) }
    }

    fn close_open_pause(&mut self, now: Timestamp) {
        if let Some(p) = self.pauses.iter_mut().rev().find(|p| p.ended_at.is_none()) {
            p.ended_at = Some(now);
        }
        if self.status == SessionStatus::Paused {
            self.status = SessionStatus::Running;
        }
    }

    /// An interruption begins ("child needs me"), with an optional "where I left off" note.
    pub fn pause(&mut self, now: Timestamp, note: Option<String>) -> Result<()> {
        let now = self.no_earlier_than_recorded(now);
        self.require_in_progress()?;
        if self.status == SessionStatus::Paused {
            return Err(CoreError::WrongState(WrongState::AlreadyPaused));
        }
        self.advance(now);
        self.pauses.push(Pause {
            started_at: now,
            ended_at: None,
            kind: PauseKind::Interruption,
            shifts_deadline: true,
            note,
        });
        self.status = SessionStatus::Paused;
        Ok(())
    }

    /// The interruption ends; the phase goes on with the time it had left.
    pub fn resume(&mut self, now: Timestamp) -> Result<()> {
        let now = self.no_earlier_than_recorded(now);
        self.require_in_progress()?;
        if self.status != SessionStatus::Paused {
            return Err(CoreError::WrongState(WrongState::NotPaused));
        }
        self.close_open_pause(now);
        Ok(())
    }

    /// Ends the current phase now and starts the next (a pause ends with it).
    pub fn skip(&mut self, now: Timestamp) -> Result<()> {
        self.refuse_if_following()?;
        self.move_on(now, EndReason::Skipped, |clock| clock.current().plan_index + 1)
    }

    /// In a room's session the host moves the phases on and their ends are the room's.
    fn refuse_if_following(&self) -> Result<()> {
        if self.follows_room && self.status.in_progress() {
            return Err(CoreError::WrongState(WrongState::FollowsRoom));
        }
        Ok(())
    }

    /// Brings a session that follows a room to where the room stands: phases the host skipped
    /// end when the room's current phase began, the current phase ends when the room's does,
    /// a pause of the host's pauses it and their resume resumes it, and a session the host
    /// ended goes to its closing round. This person's own pause does not move the room's time.
    pub fn follow(&mut self, room: &RoomPosition, now: Timestamp) -> Result<()> {
        let now = self.no_earlier_than_recorded(now);
        self.require_in_progress()?;
        if !self.follows_room {
            return Ok(());
        }
        self.advance(now);
        let last = self.plan.len() - 1;
        let target = if room.over { last } else { (room.index as usize).min(last) };
        while self.current().plan_index < target {
            let at = room.started_at.clamp(self.current().started_at, now);
            self.close_open_pause(at);
            let reason = if room.over { EndReason::EndedEarly } else { EndReason::Skipped };
            self.end_current(at, reason);
            let next = self.current().plan_index + 1;
            self.begin(next, at);
        }
        if self.current().plan_index != target {
            return Ok(()); // this computer is a phase ahead: the room's next change settles it
        }
        if room.over {
            // The room's closing round is over; this person's report is still theirs to give.
            let ended = room.started_at.clamp(self.current().started_at, now);
            self.current_mut().room_deadline = Some(ended);
            return Ok(());
        }
        match room.ends_at {
            Some(end) => {
                if self.status == SessionStatus::Paused && self.current().room_deadline.is_none() {
                    self.close_open_pause(now); // the host resumed
                }
                self.current_mut().room_deadline = Some(end);
            }
            None => {
                if self.status == SessionStatus::Running {
                    self.pauses.push(Pause {
                        started_at: now,
                        ended_at: None,
                        kind: PauseKind::Interruption,
                        shifts_deadline: true,
                        note: None,
                    });
                    self.status = SessionStatus::Paused;
                }
                self.current_mut().room_deadline = None; // the host paused: time stands still
            }
        }
        Ok(())
    }

    /// This person leaves the room's session; what ran stays theirs, and from the next phase
    /// on the session runs by itself.
    pub fn leave_room(&mut self) {
        self.follows_room = false;
    }

    /// Adds `minutes` to the current phase.
    pub fn extend(&mut self, now: Timestamp, minutes: u32) -> Result<()> {
        self.refuse_if_following()?;
        let now = self.no_earlier_than_recorded(now);
        if minutes == 0 || minutes > EXTEND_MAX_MINUTES {
            return Err(CoreError::ExtendOutOfRange { max: EXTEND_MAX_MINUTES });
        }
        self.require_in_progress()?;
        self.advance(now);
        let run = self.current();
        let total = self.plan[run.plan_index].duration_secs + run.extended_secs + minutes * 60;
        if total > PHASE_MAX_SECS {
            return Err(CoreError::PhaseTooLong { position: run.plan_index as u32 + 1 });
        }
        self.current_mut().extended_secs += minutes * 60;
        Ok(())
    }

    /// Leaves the work phase for the closing round now. In a room's session this person
    /// leaves the room's timing with it.
    pub fn end_early(&mut self, now: Timestamp) -> Result<()> {
        self.move_on(now, EndReason::EndedEarly, |clock| clock.plan.len() - 1)?;
        self.follows_room = false;
        Ok(())
    }

    /// Ends the current phase now for `reason` and begins plan step `next`; a pause ends
    /// with it. Nothing follows the closing round.
    fn move_on(&mut self, now: Timestamp, reason: EndReason, next: impl FnOnce(&Self) -> usize) -> Result<()> {
        let now = self.no_earlier_than_recorded(now);
        self.require_in_progress()?;
        self.advance(now);
        if self.is_last_phase(self.current()) {
            return Err(CoreError::WrongState(WrongState::InClosingRound));
        }
        self.close_open_pause(now);
        self.end_current(now, reason);
        let next = next(self);
        self.begin(next, now);
        Ok(())
    }

    /// Gives the session up without a closing round. It stays in history as abandoned.
    pub fn abandon(&mut self, now: Timestamp) -> Result<()> {
        let now = self.no_earlier_than_recorded(now);
        self.require_in_progress()?;
        self.advance(now);
        self.close_open_pause(now);
        self.end_current(now, EndReason::Abandoned);
        self.status = SessionStatus::Abandoned;
        Ok(())
    }

    /// Finishes the session; only possible in its closing round.
    pub fn close(&mut self, now: Timestamp) -> Result<()> {
        let now = self.no_earlier_than_recorded(now);
        self.require_in_progress()?;
        self.advance(now);
        if !self.is_last_phase(self.current()) {
            return Err(CoreError::WrongState(WrongState::NotInClosingRound));
        }
        self.close_open_pause(now);
        self.end_current(now, EndReason::Closed);
        self.status = SessionStatus::Finished;
        Ok(())
    }

    /// The computer slept from `from` to `to` (the ticker saw wall-clock time jump far
    /// beyond its interval), then moves the clock to `to`. In `PauseWhileAsleep` mode the
    /// sleep moves the deadline; in both modes it is not counted as focus. Only a running
    /// session records sleeps.
    pub fn record_sleep(&mut self, from: Timestamp, to: Timestamp, mode: SleepMode) -> Option<PhaseChange> {
        let to = self.no_earlier_than_recorded(to);
        if self.status == SessionStatus::Running {
            let from = from.max(self.current().started_at);
            let latest_pause_end = self.pauses.iter().filter_map(|p| p.ended_at).max();
            let from = latest_pause_end.map_or(from, |e| from.max(e));
            if from < to {
                self.pauses.push(Pause {
                    started_at: from,
                    ended_at: Some(to),
                    kind: PauseKind::Sleep,
                    shifts_deadline: mode == SleepMode::PauseWhileAsleep,
                    note: None,
                });
            }
        }
        self.advance(to)
    }

    /// Time really spent in phases of `kind` up to `now`: pauses and sleeps are not counted.
    pub fn active_time(&self, kind: PhaseKind, now: Timestamp) -> Duration {
        self.runs
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| {
                let end = r.ended_at.unwrap_or(now).max(r.started_at);
                (end - r.started_at) - self.paused_within(r.started_at, end, now, false)
            })
            .sum()
    }

    pub fn focus_time(&self, now: Timestamp) -> Duration {
        self.active_time(PhaseKind::Focus, now)
    }

    /// Total time paused or asleep up to `now`.
    pub fn pause_time(&self, now: Timestamp) -> Duration {
        let end = self.ended_at().unwrap_or(now);
        self.paused_within(self.started_at(), end, now, false)
    }

    /// Time the computer slept during the session up to `now` (the sleeps the ticker saw).
    pub fn sleep_time(&self, now: Timestamp) -> Duration {
        let end = self.ended_at().unwrap_or(now);
        self.pauses
            .iter()
            .filter(|p| p.kind == PauseKind::Sleep)
            .map(|p| (p.ended_at.unwrap_or(now).min(end) - p.started_at).max(Duration::zero()))
            .sum()
    }

    /// How many interruptions the person reported.
    pub fn interruptions(&self) -> usize {
        self.pauses.iter().filter(|p| p.kind == PauseKind::Interruption).count()
    }
}
