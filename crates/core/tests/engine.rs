//! The phase engine, by example and by property over random operation sequences.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use worktogether_core::engine::SessionClock;
use worktogether_core::model::EndReason;
use worktogether_core::{CoreError, PhaseKind, PlannedPhase, SessionStatus, SleepMode, Timestamp};

fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

fn at(secs: i64) -> Timestamp {
    t0() + Duration::seconds(secs)
}

fn plan(list: &[(PhaseKind, u32)]) -> Vec<PlannedPhase> {
    list.iter().map(|&(kind, duration_secs)| PlannedPhase { kind, duration_secs }).collect()
}

/// commitment 10 · focus 50 · break 10 · focus 50 · closing 10 (in seconds, for brevity)
fn worktogether() -> SessionClock {
    use PhaseKind::*;
    let p = plan(&[(Commitment, 10), (Focus, 50), (Break, 10), (Focus, 50), (Closing, 10)]);
    SessionClock::start(uuid::Uuid::nil(), p, t0())
}

fn kinds(clock: &SessionClock) -> Vec<PhaseKind> {
    clock.runs.iter().map(|r| r.kind).collect()
}

#[test]
fn phases_follow_the_plan_and_end_at_their_deadlines() {
    use PhaseKind::*;
    let mut c = worktogether();
    assert_eq!(c.advance(at(9)), None, "the commitment round lasts 10 s");
    let change = c.advance(at(10)).expect("at 10 s focus begins");
    assert_eq!((change.from, change.to, change.missed), (Commitment, Focus, 0));
    assert_eq!(c.current().started_at, at(10), "the next phase starts at the deadline, not at the evaluation");
    c.advance(at(70));
    assert_eq!(c.current().kind, Focus);
    assert_eq!(c.current().plan_index, 3);
    c.advance(at(10_000));
    assert_eq!(c.current().kind, Closing, "the closing round waits for the report");
    assert_eq!(c.remaining(at(10_000)), Duration::seconds(130 - 10_000), "overtime shows as negative remaining");
}

#[test]
fn a_long_absence_is_one_catch_up() {
    use PhaseKind::*;
    let mut c = worktogether();
    let change = c.advance(at(75)).expect("three phases passed");
    assert_eq!((change.from, change.to, change.to_index, change.missed), (Commitment, Focus, 3, 2));
    assert_eq!(c.remaining(at(75)), Duration::seconds(45));
    assert_eq!(kinds(&c), vec![Commitment, Focus, Break, Focus]);
}

#[test]
fn pause_freezes_the_remaining_time_and_is_not_focus() {
    let mut c = worktogether();
    c.advance(at(20));
    c.pause(at(20), Some("Kind braucht mich".into())).unwrap();
    assert_eq!(c.remaining(at(20)), c.remaining(at(500)), "while paused the remaining time stands still");
    assert_eq!(c.advance(at(500)), None, "no phase ends while paused");
    c.resume(at(500)).unwrap();
    assert_eq!(c.remaining(at(500)), Duration::seconds(40));
    assert_eq!(c.focus_time(at(510)), Duration::seconds(20), "10 s before the pause, 10 s after it");
    assert_eq!(c.pause_time(at(510)), Duration::seconds(480));
    assert_eq!(c.interruptions(), 1);
}

#[test]
fn wrong_state_operations_are_refused_and_change_nothing() {
    let mut c = worktogether();
    let before = c.clone();
    assert!(matches!(c.resume(at(1)), Err(CoreError::WrongState(_))), "resume needs a pause");
    assert!(matches!(c.close(at(1)), Err(CoreError::WrongState(_))), "close needs the closing round");
    assert!(matches!(c.extend(at(1), 0), Err(CoreError::ExtendOutOfRange { .. })));
    assert!(matches!(c.extend(at(1), 61), Err(CoreError::ExtendOutOfRange { .. })));
    assert_eq!(c, before);
    c.end_early(at(5)).unwrap();
    assert_eq!(c.current().kind, PhaseKind::Closing);
    let before = c.clone();
    assert!(matches!(c.skip(at(6)), Err(CoreError::WrongState(_))), "nothing follows the closing round");
    assert!(matches!(c.end_early(at(6)), Err(CoreError::WrongState(_))));
    assert_eq!(c, before);
    c.close(at(7)).unwrap();
    let before = c.clone();
    for result in [c.pause(at(8), None), c.skip(at(8)), c.abandon(at(8)), c.close(at(8))] {
        assert!(matches!(result, Err(CoreError::WrongState(_))), "a finished session takes no operations");
    }
    assert_eq!(c, before);
    assert_eq!(c.status, SessionStatus::Finished);
}

#[test]
fn extend_cannot_pass_eight_hours() {
    use PhaseKind::*;
    let mut c =
        SessionClock::start(uuid::Uuid::nil(), plan(&[(Commitment, 60), (Focus, 8 * 3600 - 600), (Closing, 60)]), t0());
    c.skip(at(1)).unwrap();
    c.extend(at(2), 10).unwrap();
    let before = c.clone();
    assert!(matches!(c.extend(at(3), 1), Err(CoreError::PhaseTooLong { .. })));
    assert_eq!(c, before);
}

#[test]
fn sleep_keeps_wall_clock_time_or_pauses() {
    let mut keep = worktogether();
    keep.advance(at(15));
    keep.record_sleep(at(15), at(45), SleepMode::KeepWallClock);
    assert_eq!(keep.current().kind, PhaseKind::Focus);
    assert_eq!(keep.remaining(at(45)), Duration::seconds(15), "wall-clock mode: the phase went on");
    assert_eq!(keep.focus_time(at(45)), Duration::seconds(5), "but the sleep is not counted as focus");

    let mut pause = worktogether();
    pause.advance(at(15));
    pause.record_sleep(at(15), at(1000), SleepMode::PauseWhileAsleep);
    assert_eq!(pause.current().plan_index, 1, "pause mode: still in the first focus block");
    assert_eq!(pause.remaining(at(1000)), Duration::seconds(45));
}

#[test]
fn a_clock_set_back_never_makes_phases_overlap() {
    let mut c = worktogether();
    c.advance(at(20)); // focus began at 10 s
    c.skip(at(5)).unwrap(); // the clock was set back 15 s
    assert_eq!(c.runs[1].ended_at, Some(at(10)), "never before the phase began: at the latest recorded instant");
    assert_eq!(c.current().started_at, at(10));
    c.pause(at(3), None).unwrap();
    c.resume(at(30)).unwrap();
    assert_eq!(c.pauses[0].started_at, at(10), "a pause cannot begin before the phase it interrupts");
    assert_eq!(c.pause_time(at(30)), Duration::seconds(20));
}

#[test]
fn a_skip_at_a_deadline_is_not_a_missed_phase() {
    let mut c = worktogether();
    let before = c.clone();
    c.advance(at(10));
    c.skip(at(10)).unwrap();
    let change = c.change_since(&before).expect("two phases on");
    assert_eq!((change.to, change.missed), (PhaseKind::Break, 0), "the person was there: nothing was missed");
}

#[test]
fn abandon_keeps_what_happened() {
    let mut c = worktogether();
    c.advance(at(30));
    c.abandon(at(30)).unwrap();
    assert_eq!(c.status, SessionStatus::Abandoned);
    assert_eq!(c.current().end_reason, Some(EndReason::Abandoned));
    assert_eq!(c.focus_time(at(999)), Duration::seconds(20), "time after abandoning is not focus");
}

// ---- properties -------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Wait(i64),
    Pause,
    Resume,
    Skip,
    Extend(u32),
    EndEarly,
    Abandon,
    Close,
    Sleep(i64, bool),
    /// The computer's clock is set back.
    ClockBack(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (1i64..4000).prop_map(Op::Wait),
        2 => Just(Op::Pause),
        2 => Just(Op::Resume),
        2 => Just(Op::Skip),
        1 => (0u32..70).prop_map(Op::Extend),
        1 => Just(Op::EndEarly),
        1 => Just(Op::Abandon),
        1 => Just(Op::Close),
        1 => (31i64..20_000, any::<bool>()).prop_map(|(s, p)| Op::Sleep(s, p)),
        1 => (1i64..7200).prop_map(Op::ClockBack),
    ]
}

fn plan_strategy() -> impl Strategy<Value = Vec<PlannedPhase>> {
    let middle = prop::collection::vec((any::<bool>(), 1u32..3600), 0..6);
    (1u32..1200, 1u32..3600, middle, 1u32..1200).prop_map(|(commit, focus, middle, closing)| {
        let mut p = vec![
            PlannedPhase { kind: PhaseKind::Commitment, duration_secs: commit },
            PlannedPhase { kind: PhaseKind::Focus, duration_secs: focus },
        ];
        for (is_break, d) in middle {
            let kind = if is_break { PhaseKind::Break } else { PhaseKind::Focus };
            p.push(PlannedPhase { kind, duration_secs: d });
        }
        p.push(PlannedPhase { kind: PhaseKind::Closing, duration_secs: closing });
        p
    })
}

fn check_invariants(c: &SessionClock, now: Timestamp) {
    // After the clock was set back, the session lives at its latest recorded instant.
    let now = now.max(c.latest_instant());
    let end = c.ended_at().unwrap_or(now);
    for pair in c.runs.windows(2) {
        assert_eq!(pair[0].ended_at, Some(pair[1].started_at), "each phase starts where the previous ended");
        assert!(pair[0].started_at <= pair[1].started_at, "phases never overlap");
    }
    let open = c.runs.iter().filter(|r| r.ended_at.is_none()).count();
    assert_eq!(open, usize::from(c.status.in_progress()), "one open phase exactly while in progress");
    for pair in c.pauses.windows(2) {
        assert!(pair[0].ended_at.is_some_and(|e| e <= pair[1].started_at), "pauses never overlap");
    }
    let total: Duration = [PhaseKind::Commitment, PhaseKind::Focus, PhaseKind::Break, PhaseKind::Closing]
        .into_iter()
        .map(|k| c.active_time(k, now))
        .sum();
    assert_eq!(total + c.pause_time(now), end - c.started_at(), "active time plus pause time is the elapsed time");
    assert!(c.focus_time(now) >= Duration::zero());
    if c.status == SessionStatus::Running && c.current().kind != PhaseKind::Closing {
        assert!(c.remaining(now) > Duration::zero(), "after evaluation a timed phase has time left");
    }
}

/// Applies `op` at `now`; the restarted clock only evaluates when something happens,
/// the continuous one also at many points while waiting.
fn apply(c: &mut SessionClock, op: &Op, now: &mut Timestamp, continuous: bool) {
    match *op {
        Op::Wait(secs) => {
            if continuous {
                let step = 37;
                let mut t = 0;
                while t + step < secs {
                    t += step;
                    c.advance(*now + Duration::seconds(t));
                }
            }
            *now += Duration::seconds(secs);
            c.advance(*now);
        }
        Op::ClockBack(secs) => {
            *now -= Duration::seconds(secs);
            c.advance(*now);
        }
        Op::Sleep(secs, pause) => {
            let from = *now;
            c.advance(from);
            *now += Duration::seconds(secs);
            let mode = if pause { SleepMode::PauseWhileAsleep } else { SleepMode::KeepWallClock };
            c.record_sleep(from, *now, mode);
        }
        _ => {
            c.advance(*now);
            let before = c.clone();
            let result = match *op {
                Op::Pause => c.pause(*now, None),
                Op::Resume => c.resume(*now),
                Op::Skip => c.skip(*now),
                Op::Extend(m) => c.extend(*now, m),
                Op::EndEarly => c.end_early(*now),
                Op::Abandon => c.abandon(*now),
                Op::Close => c.close(*now),
                Op::Wait(_) | Op::Sleep(..) | Op::ClockBack(_) => unreachable!(),
            };
            match (&result, op) {
                (Err(_), _) => assert_eq!(*c, before, "a refused operation changes nothing"),
                (Ok(()), Op::Skip) => {
                    assert_eq!(c.current().plan_index, before.current().plan_index + 1, "skip goes to the next phase");
                    let effective = (*now).max(before.latest_instant());
                    assert_eq!(c.current().started_at, effective, "the next phase starts at once");
                }
                (Ok(()), Op::Extend(m)) => {
                    let effective = (*now).max(before.latest_instant());
                    assert_eq!(
                        c.remaining(effective),
                        before.remaining(effective) + Duration::seconds(i64::from(*m) * 60),
                        "extend adds exactly its minutes"
                    );
                }
                _ => {}
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_sessions_keep_the_invariants(plan in plan_strategy(), ops in prop::collection::vec(op(), 1..40)) {
        let mut continuous = SessionClock::start(uuid::Uuid::nil(), plan.clone(), t0());
        let mut restarted = continuous.clone();
        let (mut now_a, mut now_b) = (t0(), t0());
        for op in &ops {
            apply(&mut continuous, op, &mut now_a, true);
            apply(&mut restarted, op, &mut now_b, false);
            check_invariants(&continuous, now_a);
            prop_assert_eq!(&continuous, &restarted, "evaluating often or once gives the same state");
        }
    }
}
