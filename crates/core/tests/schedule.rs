//! Work blocks and routines: rules, occurrences in a zone across DST, exceptions, what became
//! of each occurrence, routines kept through a closing round, and bad input refused with
//! nothing changed.

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use common::{close_with, quick_template, store};
use proptest::prelude::*;
use worktogether_core::error::{CoreError, WrongState};
use worktogether_core::schedule::blocks::occurrences;
use worktogether_core::schedule::{
    Block, BlockDraft, BlockProblem, Day, DayState, Ends, Exception, Recurrence, Repeat, RoutineDraft, RoutineProblem,
    RuleProblem,
};
use worktogether_core::store::schedule::OccurrenceState;
use worktogether_core::{Outcome, Store};

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn weekdays(first: NaiveDate) -> Recurrence {
    Recurrence { first, repeat: Repeat::Weeks { interval: 1, days: Day::WORKDAYS.to_vec() }, ends: Ends::Never }
}

fn morning(first: NaiveDate) -> BlockDraft {
    BlockDraft {
        title: "Morgens".into(),
        template_id: None,
        recurrence: weekdays(first),
        start_minute: 9 * 60,
        length_minutes: 240,
        expected_minutes: None,
        remind_minutes: Some(10),
    }
}

fn nap(first: NaiveDate) -> BlockDraft {
    BlockDraft {
        title: "Mittagsschlaf".into(),
        start_minute: 13 * 60,
        length_minutes: 120,
        expected_minutes: Some(60),
        ..morning(first)
    }
}

fn berlin(y: i32, m: u32, d: u32, h: u32, min: u32) -> worktogether_core::Timestamp {
    BERLIN.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

#[test]
fn a_weekday_block_falls_on_weekdays_at_nine_local_across_the_dst_change() {
    // The clocks go forward on Sunday 29 March 2026.
    let block = Block { id: uuid::Uuid::nil(), draft: morning(day(2026, 3, 1)).checked().unwrap() };
    let found = occurrences(&block, &[], BERLIN, berlin(2026, 3, 26, 0, 0), berlin(2026, 4, 1, 0, 0)).unwrap();
    let starts: Vec<_> = found.iter().map(|o| o.starts_at).collect();
    assert_eq!(
        starts,
        vec![
            berlin(2026, 3, 26, 9, 0),
            berlin(2026, 3, 27, 9, 0),
            berlin(2026, 3, 30, 9, 0),
            berlin(2026, 3, 31, 9, 0)
        ]
    );
    // Nine in Berlin is 08:00 UTC before the change and 07:00 after it.
    assert_eq!(starts[1].format("%H:%M").to_string(), "08:00");
    assert_eq!(starts[2].format("%H:%M").to_string(), "07:00");
    assert!(found.iter().all(|o| o.ends_at - o.starts_at == Duration::hours(4)));
}

#[test]
fn a_time_the_clocks_skip_moves_on_by_the_gap_and_a_repeated_one_is_the_first() {
    let at = |minute| {
        let block = Block {
            id: uuid::Uuid::nil(),
            draft: BlockDraft {
                recurrence: Recurrence { first: day(2026, 3, 29), repeat: Repeat::Once, ends: Ends::Never },
                start_minute: minute,
                ..morning(day(2026, 3, 29))
            },
        };
        occurrences(&block, &[], BERLIN, berlin(2026, 3, 28, 0, 0), berlin(2026, 3, 31, 0, 0)).unwrap()[0].starts_at
    };
    // 02:30 does not exist on 29 March in Berlin: it is 03:30 CEST (01:30 UTC).
    assert_eq!(at(150), Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap());
    let block = Block {
        id: uuid::Uuid::nil(),
        draft: BlockDraft {
            recurrence: Recurrence { first: day(2026, 10, 25), repeat: Repeat::Once, ends: Ends::Never },
            start_minute: 150,
            ..morning(day(2026, 10, 25))
        },
    };
    // 02:30 happens twice on 25 October: the first, in summer time (00:30 UTC).
    let found = occurrences(&block, &[], BERLIN, berlin(2026, 10, 24, 0, 0), berlin(2026, 10, 27, 0, 0)).unwrap();
    assert_eq!(found[0].starts_at, Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap());
}

#[test]
fn monthly_rules_keep_to_their_day_and_leave_out_months_without_it() {
    let dates = |repeat: Repeat, first: NaiveDate| {
        Recurrence { first, repeat, ends: Ends::After { count: 6 } }.days(first, day(2050, 1, 1)).unwrap()
    };
    assert_eq!(
        dates(Repeat::MonthDay { interval: 1, day: 31 }, day(2026, 1, 1)),
        [day(2026, 1, 31), day(2026, 3, 31), day(2026, 5, 31), day(2026, 7, 31), day(2026, 8, 31), day(2026, 10, 31)]
    );
    assert_eq!(
        dates(Repeat::MonthDay { interval: 1, day: -1 }, day(2028, 1, 1))[..3],
        [day(2028, 1, 31), day(2028, 2, 29), day(2028, 3, 31)]
    );
    // The first working day: Monday 1 June, Wednesday 1 July, Monday 3 August (1 August is a Saturday).
    assert_eq!(
        dates(Repeat::MonthWorkday { interval: 1, nth: 1 }, day(2026, 6, 1))[..3],
        [day(2026, 6, 1), day(2026, 7, 1), day(2026, 8, 3)]
    );
    // The last Friday, every second month.
    assert_eq!(
        dates(Repeat::MonthWeekday { interval: 2, nth: -1, weekday: Day::Fr }, day(2026, 1, 1))[..3],
        [day(2026, 1, 30), day(2026, 3, 27), day(2026, 5, 29)]
    );
    // February 29th, in leap years only.
    assert_eq!(
        dates(Repeat::Years { interval: 1, month: 2, day: 29 }, day(2026, 1, 1))[..2],
        [day(2028, 2, 29), day(2032, 2, 29)]
    );
}

#[test]
fn an_end_date_includes_its_day_and_a_count_counts_from_the_first() {
    let r = Recurrence {
        first: day(2026, 12, 7),
        repeat: Repeat::Weeks { interval: 2, days: vec![Day::Mo, Day::Th] },
        ends: Ends::On { date: day(2027, 1, 4) },
    };
    assert_eq!(
        r.days(day(2026, 1, 1), day(2028, 1, 1)).unwrap(),
        [day(2026, 12, 7), day(2026, 12, 10), day(2026, 12, 21), day(2026, 12, 24), day(2027, 1, 4)]
    );
    let block = Block {
        id: uuid::Uuid::nil(),
        draft: BlockDraft { recurrence: r, start_minute: 23 * 60 + 30, ..morning(day(2026, 12, 7)) },
    };
    // At 23:30 Berlin, the last start (4 January) is 22:30 UTC: still included.
    let all = occurrences(&block, &[], BERLIN, berlin(2026, 12, 1, 0, 0), berlin(2027, 2, 1, 0, 0)).unwrap();
    assert_eq!(all.len(), 5);
    let counted =
        Recurrence { first: day(2026, 12, 7), repeat: Repeat::Days { interval: 3 }, ends: Ends::After { count: 4 } };
    assert_eq!(
        counted.days(day(2026, 12, 9), day(2027, 1, 1)).unwrap(),
        [day(2026, 12, 10), day(2026, 12, 13), day(2026, 12, 16)]
    );
}

#[test]
fn impossible_rules_are_refused_with_their_reason() {
    let first = day(2026, 12, 7);
    let check = |repeat: Repeat, ends: Ends| Recurrence { first, repeat, ends }.check().unwrap_err();
    let rule = |e: CoreError| match e {
        CoreError::Rule(p) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        rule(check(Repeat::Years { interval: 1, month: 2, day: 30 }, Ends::Never)),
        RuleProblem::ImpossibleDate { month: 2, day: 30 }
    );
    assert_eq!(
        rule(check(Repeat::Years { interval: 1, month: 4, day: 31 }, Ends::Never)),
        RuleProblem::ImpossibleDate { month: 4, day: 31 }
    );
    assert_eq!(
        rule(check(Repeat::Years { interval: 1, month: 13, day: 1 }, Ends::Never)),
        RuleProblem::ImpossibleDate { month: 13, day: 1 }
    );
    assert_eq!(
        rule(check(Repeat::Days { interval: 1 }, Ends::On { date: day(2026, 12, 6) })),
        RuleProblem::EndBeforeFirst
    );
    assert_eq!(rule(check(Repeat::Weeks { interval: 1, days: vec![] }, Ends::Never)), RuleProblem::NoDays);
    assert_eq!(rule(check(Repeat::Days { interval: 0 }, Ends::Never)), RuleProblem::IntervalOutOfRange);
    assert_eq!(rule(check(Repeat::Days { interval: 100 }, Ends::Never)), RuleProblem::IntervalOutOfRange);
    assert_eq!(rule(check(Repeat::MonthDay { interval: 1, day: 32 }, Ends::Never)), RuleProblem::DayOfMonthOutOfRange);
    assert_eq!(rule(check(Repeat::MonthDay { interval: 1, day: 0 }, Ends::Never)), RuleProblem::DayOfMonthOutOfRange);
    assert_eq!(rule(check(Repeat::MonthDay { interval: 1, day: -2 }, Ends::Never)), RuleProblem::DayOfMonthOutOfRange);
    assert_eq!(
        rule(check(Repeat::MonthWeekday { interval: 1, nth: 5, weekday: Day::Mo }, Ends::Never)),
        RuleProblem::NthOutOfRange
    );
    assert_eq!(rule(check(Repeat::MonthWorkday { interval: 1, nth: 0 }, Ends::Never)), RuleProblem::NthOutOfRange);
    assert_eq!(rule(check(Repeat::Days { interval: 1 }, Ends::After { count: 0 })), RuleProblem::CountOutOfRange);
    assert_eq!(rule(check(Repeat::Days { interval: 1 }, Ends::After { count: 1001 })), RuleProblem::CountOutOfRange);
    // A Monday-only rule from a Tuesday that ends on the Wednesday never happens.
    let never = Recurrence {
        first: day(2026, 12, 8),
        repeat: Repeat::Weeks { interval: 1, days: vec![Day::Mo] },
        ends: Ends::On { date: day(2026, 12, 9) },
    };
    assert_eq!(rule(never.check().unwrap_err()), RuleProblem::NeverHappens);
    // Absurd years.
    let far = Recurrence { first: day(9999, 1, 1), repeat: Repeat::Once, ends: Ends::Never };
    assert_eq!(rule(far.check().unwrap_err()), RuleProblem::YearOutOfRange);
    let far_end = Recurrence { first, repeat: Repeat::Days { interval: 1 }, ends: Ends::On { date: day(2999, 1, 1) } };
    assert_eq!(rule(far_end.check().unwrap_err()), RuleProblem::YearOutOfRange);
}

#[test]
fn bad_blocks_are_refused_and_nothing_changes() {
    let (mut s, _dir) = store();
    let now = common::t0();
    let ok = morning(day(2026, 12, 7));
    let refuse = |s: &mut Store, draft: BlockDraft| s.save_block(None, draft, now).unwrap_err();
    let block = |e: CoreError| match e {
        CoreError::Block(p) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        block(refuse(&mut s, BlockDraft { title: " \u{200b}\u{2800} ".into(), ..ok.clone() })),
        BlockProblem::TitleEmpty
    );
    assert_eq!(block(refuse(&mut s, BlockDraft { title: "x".repeat(81), ..ok.clone() })), BlockProblem::TitleTooLong);
    assert_eq!(block(refuse(&mut s, BlockDraft { start_minute: 1440, ..ok.clone() })), BlockProblem::StartOutOfRange);
    assert_eq!(block(refuse(&mut s, BlockDraft { length_minutes: 0, ..ok.clone() })), BlockProblem::LengthOutOfRange);
    assert_eq!(block(refuse(&mut s, BlockDraft { length_minutes: 721, ..ok.clone() })), BlockProblem::LengthOutOfRange);
    assert_eq!(
        block(refuse(&mut s, BlockDraft { length_minutes: 45, expected_minutes: Some(60), ..ok.clone() })),
        BlockProblem::WindowShorterThanExpected
    );
    assert_eq!(
        block(refuse(&mut s, BlockDraft { expected_minutes: Some(0), ..ok.clone() })),
        BlockProblem::ExpectedOutOfRange
    );
    assert!(matches!(
        refuse(&mut s, BlockDraft { remind_minutes: Some(121), ..ok.clone() }),
        CoreError::ReminderOutOfRange { .. }
    ));
    assert!(matches!(
        refuse(&mut s, BlockDraft { template_id: Some(uuid::Uuid::now_v7()), ..ok.clone() }),
        CoreError::NotFound(_)
    ));
    assert!(matches!(
        refuse(
            &mut s,
            BlockDraft {
                recurrence: Recurrence { ends: Ends::After { count: 0 }, ..ok.recurrence.clone() },
                ..ok.clone()
            }
        ),
        CoreError::Rule(RuleProblem::CountOutOfRange)
    ));
    assert!(s.blocks().unwrap().is_empty());
    // The limit on blocks.
    for _ in 0..50 {
        s.save_block(None, ok.clone(), now).unwrap();
    }
    assert_eq!(block(refuse(&mut s, ok.clone())), BlockProblem::TooMany);
    assert_eq!(s.blocks().unwrap().len(), 50);
}

#[test]
fn a_block_is_saved_trimmed_changed_and_deleted() {
    let (mut s, _dir) = store();
    let now = common::t0();
    let mut draft = morning(day(2026, 12, 7));
    draft.title = "  Morgens  ".into();
    draft.recurrence.repeat = Repeat::Weeks { interval: 1, days: vec![Day::Fr, Day::Mo, Day::Mo] };
    let block = s.save_block(None, draft, now).unwrap();
    assert_eq!(block.draft.title, "Morgens");
    assert_eq!(block.draft.recurrence.repeat, Repeat::Weeks { interval: 1, days: vec![Day::Mo, Day::Fr] });
    assert_eq!(s.blocks().unwrap(), vec![block.clone()]);
    let changed =
        s.save_block(Some(block.id), BlockDraft { title: "Vormittag".into(), ..block.draft.clone() }, now).unwrap();
    assert_eq!(s.block(block.id).unwrap(), changed);
    s.delete_block(block.id).unwrap();
    assert!(s.blocks().unwrap().is_empty());
    assert!(matches!(s.delete_block(block.id), Err(CoreError::NotFound(_))));
    assert!(matches!(s.save_block(Some(block.id), changed.draft, now), Err(CoreError::NotFound(_))));
}

#[test]
fn skipping_or_moving_one_occurrence_changes_only_that_one() {
    let (mut s, _dir) = store();
    let now = common::t0();
    let block = s.save_block(None, morning(day(2026, 12, 7)), now).unwrap();
    let week = |s: &Store| s.occurrences(BERLIN, berlin(2026, 12, 7, 0, 0), berlin(2026, 12, 14, 0, 0)).unwrap();
    assert_eq!(week(&s).len(), 5);
    s.change_occurrence(block.id, day(2026, 12, 8), Some(Exception::Skip)).unwrap();
    let moved_to = berlin(2026, 12, 12, 14, 0);
    s.change_occurrence(block.id, day(2026, 12, 9), Some(Exception::Move { to: moved_to, length_minutes: 90 }))
        .unwrap();
    let after = week(&s);
    assert_eq!(after.len(), 5);
    assert!(after[1].skipped && after[1].day == day(2026, 12, 8));
    let moved = after.iter().find(|o| o.moved).unwrap();
    assert_eq!(
        (moved.day, moved.starts_at, moved.ends_at),
        (day(2026, 12, 9), moved_to, moved_to + Duration::minutes(90))
    );
    assert_eq!(after.last().unwrap(), moved, "sorted by start: Saturday comes last");
    // The next week is untouched.
    let next = s.occurrences(BERLIN, berlin(2026, 12, 14, 0, 0), berlin(2026, 12, 21, 0, 0)).unwrap();
    assert!(next.iter().all(|o| !o.skipped && !o.moved) && next.len() == 5);
    // A day the block does not fall on cannot be changed; nothing changes.
    let refused = s.change_occurrence(block.id, day(2026, 12, 12), Some(Exception::Skip)).unwrap_err();
    assert!(matches!(refused, CoreError::Block(BlockProblem::NotAnOccurrence)));
    assert_eq!(week(&s), after);
    // Put back.
    s.change_occurrence(block.id, day(2026, 12, 8), None).unwrap();
    s.change_occurrence(block.id, day(2026, 12, 9), None).unwrap();
    assert!(week(&s).iter().all(|o| !o.skipped && !o.moved));
    // A changed rule drops the exceptions chosen against the old one.
    s.change_occurrence(block.id, day(2026, 12, 8), Some(Exception::Skip)).unwrap();
    s.save_block(Some(block.id), BlockDraft { start_minute: 8 * 60, ..block.draft.clone() }, now).unwrap();
    assert!(week(&s).iter().all(|o| !o.skipped));
}

#[test]
fn an_occurrence_is_held_when_a_session_ran_during_it_and_missed_when_none_did() {
    let (mut s, _dir) = store();
    let template = quick_template(&mut s);
    let block = s.save_block(None, morning(day(2026, 12, 7)), common::t0()).unwrap();
    s.change_occurrence(block.id, day(2026, 12, 10), Some(Exception::Skip)).unwrap();
    // A session on Tuesday at ten.
    let tuesday = berlin(2026, 12, 8, 10, 0);
    s.start_session(template.id, tuesday).unwrap();
    s.add_commitment(
        worktogether_core::CommitmentDraft { text: "Rechnungen".into(), tag: None, estimate_minutes: None },
        tuesday,
    )
    .unwrap();
    close_with(&mut s, tuesday + Duration::seconds(200), [Outcome::Done], None);
    let now = berlin(2026, 12, 9, 12, 0); // Wednesday noon: its block is under way.
    let week = s.schedule(BERLIN, berlin(2026, 12, 7, 0, 0), berlin(2026, 12, 14, 0, 0), now).unwrap();
    let states: Vec<_> = week.iter().map(|o| o.state).collect();
    use OccurrenceState::*;
    assert_eq!(states, [Missed, Held, Planned, Skipped, Planned]);
}

#[test]
fn a_flexible_window_works_its_expected_length() {
    let block = Block { id: uuid::Uuid::nil(), draft: nap(day(2026, 12, 7)).checked().unwrap() };
    let found = occurrences(&block, &[], BERLIN, berlin(2026, 12, 7, 0, 0), berlin(2026, 12, 8, 0, 0)).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].ends_at - found[0].starts_at, Duration::hours(2));
    assert_eq!(found[0].work_minutes(), 60);
    assert!(block.is_flexible());
    let fixed = Block { id: uuid::Uuid::nil(), draft: morning(day(2026, 12, 7)) };
    assert_eq!(
        occurrences(&fixed, &[], BERLIN, berlin(2026, 12, 7, 0, 0), berlin(2026, 12, 8, 0, 0)).unwrap()[0]
            .work_minutes(),
        240
    );
}

fn bookkeeping(first: NaiveDate) -> RoutineDraft {
    RoutineDraft {
        title: "Monatliche Buchhaltung".into(),
        tag: Some("Buchhaltung".into()),
        recurrence: Recurrence { first, repeat: Repeat::MonthWorkday { interval: 1, nth: 1 }, ends: Ends::Never },
        steps: vec!["Belege sammeln".into(), " ".into(), "Rechnungen schreiben".into()],
        estimate_minutes: Some(90),
    }
}

#[test]
fn a_routine_is_due_on_its_day_overdue_after_it_missed_when_the_next_comes_and_kept_when_done() {
    let (mut s, _dir) = store();
    let routine = s.save_routine(None, bookkeeping(day(2026, 9, 1)), common::t0()).unwrap();
    assert_eq!(routine.draft.steps, ["Belege sammeln", "Rechnungen schreiben"], "empty steps dropped");
    let status = |s: &Store, today| s.routine_statuses(today).unwrap().remove(0);
    // 1 September (Tuesday), 1 October (Thursday), 2 November (Monday), 1 December (Tuesday).
    let st = status(&s, day(2026, 10, 1));
    assert_eq!(st.current, Some((day(2026, 10, 1), DayState::Due)));
    assert_eq!(st.history, [(day(2026, 9, 1), DayState::Missed), (day(2026, 10, 1), DayState::Due)]);
    assert_eq!(st.next, Some(day(2026, 11, 2)));
    assert_eq!(status(&s, day(2026, 10, 5)).current, Some((day(2026, 10, 1), DayState::Overdue)));
    s.mark_routine_day(routine.id, day(2026, 10, 1), true, common::t0()).unwrap();
    let st = status(&s, day(2026, 10, 5));
    assert_eq!(st.current, Some((day(2026, 10, 1), DayState::Kept)));
    assert_eq!(st.streak, 1);
    // A day it does not fall on cannot be marked.
    assert!(matches!(
        s.mark_routine_day(routine.id, day(2026, 10, 2), true, common::t0()),
        Err(CoreError::Routine(RoutineProblem::NotADueDay))
    ));
    // Through a session: committed to 2 November's, closed as done.
    let (template, nov2) = (quick_template(&mut s), berlin(2026, 11, 2, 9, 0));
    s.start_session(template.id, nov2).unwrap();
    let view = s.commit_to_routine(routine.id, day(2026, 11, 2), nov2).unwrap().view;
    assert_eq!(view.commitments[0].text, "Monatliche Buchhaltung");
    assert_eq!(view.commitments[0].tag.as_deref(), Some("Buchhaltung"));
    assert_eq!(view.commitments[0].estimate_minutes, Some(90));
    assert!(matches!(
        s.commit_to_routine(routine.id, day(2026, 11, 2), nov2),
        Err(CoreError::WrongState(WrongState::AlreadyCommitted))
    ));
    close_with(&mut s, nov2 + Duration::seconds(200), [Outcome::Done], None);
    let st = status(&s, day(2026, 11, 3));
    assert_eq!(st.current, Some((day(2026, 11, 2), DayState::Kept)));
    assert_eq!(st.streak, 2);
    // A "partly" keeps nothing: still due.
    let dec1 = berlin(2026, 12, 1, 9, 0);
    s.start_session(template.id, dec1).unwrap();
    s.commit_to_routine(routine.id, day(2026, 12, 1), dec1).unwrap();
    close_with(&mut s, dec1 + Duration::seconds(200), [Outcome::Partly], None);
    let st = status(&s, day(2026, 12, 1));
    assert_eq!(st.current, Some((day(2026, 12, 1), DayState::Due)));
    assert_eq!(st.streak, 2, "a due day does not break the streak");
}

#[test]
fn bad_routines_are_refused_and_nothing_changes() {
    let (mut s, _dir) = store();
    let now = common::t0();
    let ok = bookkeeping(day(2026, 12, 1));
    let refuse = |s: &mut Store, d: RoutineDraft| s.save_routine(None, d, now).unwrap_err();
    let routine = |e: CoreError| match e {
        CoreError::Routine(p) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        routine(refuse(&mut s, RoutineDraft { title: "\u{feff}".into(), ..ok.clone() })),
        RoutineProblem::TitleEmpty
    );
    assert_eq!(
        routine(refuse(&mut s, RoutineDraft { title: "x".repeat(201), ..ok.clone() })),
        RoutineProblem::TitleTooLong
    );
    assert_eq!(
        routine(refuse(&mut s, RoutineDraft { steps: vec!["a".into(); 21], ..ok.clone() })),
        RoutineProblem::TooManySteps
    );
    assert_eq!(
        routine(refuse(&mut s, RoutineDraft { steps: vec!["a".repeat(201)], ..ok.clone() })),
        RoutineProblem::StepTooLong
    );
    assert!(matches!(
        refuse(&mut s, RoutineDraft { tag: Some("t".repeat(41)), ..ok.clone() }),
        CoreError::TagTooLong { .. }
    ));
    assert!(matches!(
        refuse(&mut s, RoutineDraft { estimate_minutes: Some(0), ..ok.clone() }),
        CoreError::EstimateOutOfRange { .. }
    ));
    assert!(s.routines().unwrap().is_empty());
}

fn any_day() -> impl Strategy<Value = Day> {
    prop::sample::select(Day::ALL.to_vec())
}

fn any_recurrence() -> impl Strategy<Value = Recurrence> {
    let repeat = prop_oneof![
        Just(Repeat::Once),
        (1u16..10).prop_map(|interval| Repeat::Days { interval }),
        (1u16..5, prop::collection::vec(any_day(), 1..7)).prop_map(|(interval, days)| Repeat::Weeks { interval, days }),
        (1u16..4, prop_oneof![Just(-1i8), 1i8..=31]).prop_map(|(interval, day)| Repeat::MonthDay { interval, day }),
        (1u16..4, prop_oneof![Just(-1i8), 1i8..=4], any_day())
            .prop_map(|(interval, nth, weekday)| Repeat::MonthWeekday { interval, nth, weekday }),
        (1u16..4, prop_oneof![Just(-1i8), 1i8..=5]).prop_map(|(interval, nth)| Repeat::MonthWorkday { interval, nth }),
        (1u16..3, 1u8..=12, 1u8..=28).prop_map(|(interval, month, day)| Repeat::Years { interval, month, day }),
    ];
    let ends = prop_oneof![
        Just(Ends::Never),
        (1u32..60).prop_map(|count| Ends::After { count }),
        (0i64..900).prop_map(|d| Ends::On { date: day(2026, 1, 1) + Duration::days(d) }),
    ];
    (0i64..700, repeat, ends).prop_map(|(d, repeat, ends)| Recurrence {
        first: day(2025, 6, 1) + Duration::days(d),
        repeat,
        ends,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn occurrences_are_sorted_unique_and_inside_the_range(
        recurrence in any_recurrence(),
        start_minute in 0u16..1440,
        length in 1u32..720,
        from_days in 0i64..900,
        span_days in 1i64..120,
        zone in prop::sample::select(vec![BERLIN, chrono_tz::America::New_York, chrono_tz::UTC]),
    ) {
        let draft = BlockDraft { recurrence, start_minute, length_minutes: length, ..morning(day(2026, 1, 1)) };
        let Ok(draft) = draft.checked() else { return Ok(()) }; // a rule that never happens
        let block = Block { id: uuid::Uuid::nil(), draft };
        let from = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap() + Duration::days(from_days);
        let to = from + Duration::days(span_days);
        let found = occurrences(&block, &[], zone, from, to).unwrap();
        for pair in found.windows(2) {
            prop_assert!(pair[0].starts_at < pair[1].starts_at, "sorted and unique: {pair:?}");
            prop_assert!(pair[0].day < pair[1].day, "one a day");
        }
        for o in &found {
            prop_assert!(o.ends_at > from && o.starts_at < to, "overlaps the range: {o:?}");
            prop_assert!(o.day >= block.draft.recurrence.first);
            if let Ends::On { date } = block.draft.recurrence.ends {
                prop_assert!(o.day <= date);
            }
            prop_assert!(block.draft.recurrence.falls_on(o.day));
        }
        if let Ends::After { count } = block.draft.recurrence.ends {
            prop_assert!(found.len() <= count as usize);
        }
    }
}

mod reminders {
    use super::*;
    use worktogether_core::schedule::BlockDay;

    fn at_day(s: &Store, now: worktogether_core::Timestamp) -> Vec<(NaiveDate, bool)> {
        s.reminders(BERLIN, now).unwrap().give.iter().map(|r| (r.occurrence.day, r.late)).collect()
    }

    #[test]
    fn a_reminder_comes_once_on_time_before_its_block() {
        let (mut s, _dir) = store();
        let block = s.save_block(None, morning(day(2026, 12, 7)), common::t0()).unwrap();
        // Nine on Monday; the reminder at 8:50.
        let look = s.reminders(BERLIN, berlin(2026, 12, 7, 8, 0)).unwrap();
        assert!(look.give.is_empty());
        assert_eq!(look.next, Some(berlin(2026, 12, 7, 8, 50)));
        let at = berlin(2026, 12, 7, 8, 50);
        assert_eq!(at_day(&s, at), [(day(2026, 12, 7), false)]);
        s.mark_reminded(&[BlockDay { block_id: block.id, day: day(2026, 12, 7) }], at).unwrap();
        assert!(at_day(&s, at + Duration::minutes(1)).is_empty(), "once");
        assert_eq!(s.reminders(BERLIN, at).unwrap().next, Some(berlin(2026, 12, 8, 8, 50)), "then the next day's");
    }

    #[test]
    fn a_reminder_before_midnight_is_for_the_next_days_block() {
        let (s_, _dir) = (store(), ());
        let (mut s, _d) = s_;
        let draft = BlockDraft { start_minute: 5, ..morning(day(2026, 12, 7)) };
        s.save_block(None, draft, common::t0()).unwrap();
        // 00:05 on Tuesday reminds at 23:55 on Monday.
        assert_eq!(at_day(&s, berlin(2026, 12, 7, 23, 55)), [(day(2026, 12, 8), false)]);
        assert!(at_day(&s, berlin(2026, 12, 7, 23, 50)).is_empty());
    }

    #[test]
    fn across_the_dst_change_it_reminds_at_the_local_time() {
        let (mut s, _dir) = store();
        s.save_block(None, morning(day(2026, 3, 23)), common::t0()).unwrap();
        // Monday 30 March, after the change: 8:50 CEST is 06:50 UTC.
        let look = s.reminders(BERLIN, berlin(2026, 3, 30, 6, 0)).unwrap();
        assert_eq!(look.next, Some(Utc.with_ymd_and_hms(2026, 3, 30, 6, 50, 0).unwrap()));
        // Friday 27 March, before it: 8:50 CET is 07:50 UTC.
        let look = s.reminders(BERLIN, berlin(2026, 3, 27, 6, 0)).unwrap();
        assert_eq!(look.next, Some(Utc.with_ymd_and_hms(2026, 3, 27, 7, 50, 0).unwrap()));
    }

    #[test]
    fn after_a_sleep_across_reminders_one_late_catch_up_not_a_burst() {
        let (mut s, _dir) = store();
        s.save_block(None, morning(day(2026, 12, 7)), common::t0()).unwrap();
        let nap = s
            .save_block(
                None,
                BlockDraft {
                    start_minute: 9 * 60 + 30,
                    length_minutes: 120,
                    expected_minutes: Some(60),
                    ..nap(day(2026, 12, 7))
                },
                common::t0(),
            )
            .unwrap();
        // Asleep from 8:00 to 9:40: both reminders (8:50, 9:20) passed unseen.
        let look = s.reminders(BERLIN, berlin(2026, 12, 7, 9, 40)).unwrap();
        assert_eq!(look.give.len(), 1, "one catch-up: {look:?}");
        assert!(look.give[0].late);
        assert_eq!(look.give[0].occurrence.block_id, nap.id, "the latest");
        assert_eq!(look.quietly.len(), 1, "the other is marked without a notice");
        let mut given = look.quietly.clone();
        given.push(BlockDay::from(&look.give[0].occurrence));
        s.mark_reminded(&given, berlin(2026, 12, 7, 9, 40)).unwrap();
        assert!(s.reminders(BERLIN, berlin(2026, 12, 7, 9, 41)).unwrap().give.is_empty());
    }

    #[test]
    fn snooze_and_skip_change_only_that_occurrence_and_a_session_silences_it() {
        let (mut s, _dir) = store();
        let block = s.save_block(None, morning(day(2026, 12, 7)), common::t0()).unwrap();
        let monday = BlockDay { block_id: block.id, day: day(2026, 12, 7) };
        let at = berlin(2026, 12, 7, 8, 50);
        s.mark_reminded(&[monday], at).unwrap();
        s.snooze(monday, 15, at).unwrap();
        assert!(at_day(&s, berlin(2026, 12, 7, 9, 4)).is_empty());
        assert_eq!(at_day(&s, berlin(2026, 12, 7, 9, 5)), [(day(2026, 12, 7), false)], "again after the snooze");
        // Tuesday's is as it was.
        assert_eq!(s.reminders(BERLIN, berlin(2026, 12, 7, 23, 0)).unwrap().next, Some(berlin(2026, 12, 8, 8, 50)));
        // Skip Tuesday: Wednesday's is next.
        s.change_occurrence(block.id, day(2026, 12, 8), Some(Exception::Skip)).unwrap();
        assert_eq!(s.reminders(BERLIN, berlin(2026, 12, 8, 8, 0)).unwrap().next, Some(berlin(2026, 12, 9, 8, 50)));
        // A session started for Wednesday's block silences its reminder.
        let wednesday = BlockDay { block_id: block.id, day: day(2026, 12, 9) };
        let view = s.start_block(wednesday, BERLIN, berlin(2026, 12, 9, 8, 45)).unwrap();
        assert_eq!(view.template_name, "worktogether", "the default template");
        assert!(at_day(&s, berlin(2026, 12, 9, 8, 50)).is_empty());
        assert!(matches!(s.snooze(monday, 0, at), Err(CoreError::ReminderOutOfRange { .. })));
        let sunday = BlockDay { block_id: block.id, day: day(2026, 12, 13) };
        assert!(matches!(s.snooze(sunday, 15, at), Err(CoreError::Block(BlockProblem::NotAnOccurrence))));
    }

    #[test]
    fn a_window_started_inside_it_works_its_expected_length() {
        let (mut s, _dir) = store();
        let short = s.list_templates().unwrap().into_iter().find(|t| t.name == "short_block").unwrap();
        let draft = BlockDraft { template_id: Some(short.id), ..nap(day(2026, 12, 7)) };
        let block = s.save_block(None, draft, common::t0()).unwrap();
        let view = s
            .start_block(BlockDay { block_id: block.id, day: day(2026, 12, 7) }, BERLIN, berlin(2026, 12, 7, 13, 20))
            .unwrap();
        let total: u32 = view.plan.iter().map(|p| p.duration_secs).sum();
        assert_eq!(total, 60 * 60, "commitment 3 + focus 55 + closing 2: {:?}", view.plan);
    }
}

#[test]
fn the_budget_counts_today_s_focus_from_ended_sessions_and_the_one_running() {
    let (mut s, _dir) = store();
    let template = quick_template(&mut s);
    let nine = berlin(2026, 12, 7, 9, 0);
    s.start_session(template.id, nine).unwrap();
    close_with(&mut s, nine + Duration::seconds(200), [], None);
    assert_eq!(s.focus_on(BERLIN, day(2026, 12, 7), nine + Duration::seconds(300)).unwrap(), 100);
    let ten = berlin(2026, 12, 7, 10, 0);
    s.start_session(template.id, ten).unwrap();
    assert_eq!(s.focus_on(BERLIN, day(2026, 12, 7), ten + Duration::seconds(30)).unwrap(), 100 + 20);
    assert_eq!(s.focus_on(BERLIN, day(2026, 12, 8), ten + Duration::seconds(30)).unwrap(), 0);
    // The setting.
    use worktogether_core::{DailyBudget, SettingChange};
    let budget = DailyBudget([240, 240, 240, 240, 240, 0, 0]);
    assert_eq!(s.change_setting(SettingChange::DailyBudget(budget)).unwrap().daily_budget, budget);
    assert_eq!(budget.of(day(2026, 12, 7)), Some(240));
    assert_eq!(budget.of(day(2026, 12, 12)), None, "no budget on Saturday");
    let refused = s.change_setting(SettingChange::DailyBudget(DailyBudget([961, 0, 0, 0, 0, 0, 0])));
    assert!(matches!(refused, Err(CoreError::BudgetOutOfRange { max: 16 })));
    assert_eq!(s.settings().unwrap().daily_budget, budget, "nothing changed");
}
