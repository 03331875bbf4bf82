//! The weekly review (Europe/Berlin, Monday to Sunday) and its plan: the slipping commitments a
//! person carries into the next week's first commitment round. Every session is made through
//! the store's real operations.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use common::store;
use uuid::Uuid;
use worktogether_core::error::{Entity, WrongState};
use worktogether_core::review::{PLAN_MAX, ReviewCommitment, WeeklyReview};
use worktogether_core::stats::day_start;
use worktogether_core::{ClosingReport, CommitmentDraft, CoreError, Outcome, OutcomeEntry, Store, Template, Timestamp};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A commitment of a fixture session: text, tag, outcome and the note on it.
type Item<'a> = (&'a str, Option<&'a str>, Outcome, Option<&'a str>);

fn template(s: &Store) -> Template {
    s.list_templates().unwrap().into_iter().next().unwrap()
}

fn draft(text: &str, tag: Option<&str>) -> CommitmentDraft {
    CommitmentDraft { text: text.into(), tag: tag.map(Into::into), estimate_minutes: None }
}

/// A session started at `start` with `items`, ended early and closed ten minutes later with
/// their outcomes and `note` on the whole.
fn finished(s: &mut Store, start: Timestamp, items: &[Item], note: Option<&str>) -> Uuid {
    let t = template(s);
    let id = s.start_session(t.id, start).unwrap().id;
    for (text, tag, _, _) in items {
        s.add_commitment(draft(text, *tag), start).unwrap();
    }
    let end = start + chrono::Duration::minutes(10);
    s.end_session_early(end).unwrap();
    let view = s.current_session(end).unwrap().unwrap();
    let outcomes = view
        .commitments
        .iter()
        .filter(|c| c.carried_from.is_none())
        .zip(items)
        .map(|(c, (_, _, outcome, note))| OutcomeEntry {
            commitment_id: c.id,
            outcome: *outcome,
            note: note.map(Into::into),
            feedback_wanted: false,
        })
        .collect();
    s.close_session(ClosingReport { outcomes, overall_note: note.map(Into::into), focus_rating: None }, end).unwrap();
    id
}

fn texts(list: &[ReviewCommitment]) -> Vec<&str> {
    list.iter().map(|c| c.text.as_str()).collect()
}

fn review(s: &Store, day: NaiveDate) -> WeeklyReview {
    s.weekly_review(day, Berlin, day).unwrap()
}

/// Monday 2026-11-30 to Sunday 2026-12-06 (CET, UTC+1).
fn week_with_sessions(s: &mut Store) {
    // The Sunday before: outside the week.
    finished(s, utc(2026, 11, 29, 22, 0), &[("Last week's thing", None, Outcome::NotDone, None)], None);
    finished(
        s,
        utc(2026, 11, 30, 9, 0),
        &[
            ("Invoices", Some("Buchhaltung"), Outcome::Done, Some("sent three")),
            ("Website texts", Some("Website"), Outcome::Partly, None),
            ("Call the tax office", None, Outcome::NotDone, None),
        ],
        Some("A good start"),
    );
    // Sunday 23:30 local is still the week; abandoned with one commitment left open.
    let t = template(s);
    s.start_session(t.id, utc(2026, 12, 6, 22, 30)).unwrap();
    s.add_commitment(draft("Newsletter", Some("Marketing")), utc(2026, 12, 6, 22, 30)).unwrap();
    s.abandon_session(utc(2026, 12, 6, 22, 40)).unwrap();
}

#[test]
fn the_review_sorts_the_weeks_commitments_and_keeps_its_notes() {
    let (mut s, _dir) = store();
    week_with_sessions(&mut s);
    let r = review(&s, date(2026, 12, 2));
    assert_eq!(
        (r.week.first(), r.week.last(), r.next_monday),
        (date(2026, 11, 30), date(2026, 12, 6), date(2026, 12, 7))
    );
    assert_eq!(texts(&r.done), ["Invoices"]);
    assert_eq!(texts(&r.partly), ["Website texts"]);
    assert_eq!(texts(&r.not_done), ["Call the tax office", "Newsletter"]);
    assert_eq!(r.not_done[1].outcome, Outcome::Pending, "left open in the abandoned session");
    assert!(r.slipping.is_empty());
    assert_eq!((r.statistics.totals.finished, r.statistics.totals.abandoned), (1, 1));
    assert_eq!(
        (r.statistics.completion.done, r.statistics.completion.partly, r.statistics.completion.not_done),
        (1, 1, 1)
    );
    assert_eq!((r.statistics.days.len(), r.iso_week), (7, 49));
    let notes: Vec<(Option<&str>, &str)> = r.notes.iter().map(|n| (n.commitment.as_deref(), n.text.as_str())).collect();
    assert_eq!(notes, [(None, "A good start"), (Some("Invoices"), "sent three")]);
    let carryable: Vec<&str> = r.carryable().map(|c| c.text.as_str()).collect();
    assert_eq!(carryable, ["Website texts", "Call the tax office", "Newsletter"]);
    // Any day of the week gives the same week.
    assert_eq!(review(&s, date(2026, 12, 6)).week, r.week);
}

#[test]
fn commitments_slipping_from_earlier_weeks_are_listed_once() {
    let (mut s, _dir) = store();
    // Carried three times before this week, never done.
    let t = template(&s);
    let mut start = utc(2026, 11, 2, 9, 0);
    finished(&mut s, start, &[("Tidy the cellar", None, Outcome::NotDone, None)], None);
    for _ in 0..3 {
        start += chrono::Duration::days(7);
        let view = s.start_session(t.id, start).unwrap();
        assert!(view.commitments.is_empty());
        let suggestion = s.carry_over_suggestions().unwrap()[0].commitment.id;
        s.carry_over(&[suggestion], start).unwrap();
        let end = start + chrono::Duration::minutes(10);
        s.end_session_early(end).unwrap();
        common::close_with(&mut s, end, [Outcome::NotDone], None);
    }
    week_with_sessions(&mut s);
    let r = review(&s, date(2026, 12, 1));
    assert_eq!(texts(&r.slipping), ["Tidy the cellar"]);
    assert_eq!(r.slipping[0].carry_count, 3);
    // Its last copy lies in the week before: in the review of that week it is listed as not done,
    // not twice.
    let before = review(&s, date(2026, 11, 23));
    assert_eq!(texts(&before.not_done), ["Tidy the cellar", "Last week's thing"]);
    assert!(before.slipping.is_empty());
}

#[test]
fn planned_commitments_join_the_first_session_of_the_next_week() {
    let (mut s, _dir) = store();
    week_with_sessions(&mut s);
    let r = review(&s, date(2026, 12, 6));
    let ids: Vec<Uuid> = r.carryable().map(|c| c.id).collect();
    let due = day_start(Berlin, r.next_monday);
    assert_eq!(due, utc(2026, 12, 6, 23, 0));
    s.plan_carries(&ids, due, utc(2026, 12, 6, 22, 50)).unwrap();
    assert!(review(&s, date(2026, 12, 6)).carryable().all(|c| c.planned));

    // Planning again changes nothing.
    s.plan_carries(&ids, due, utc(2026, 12, 6, 22, 51)).unwrap();

    // A session on Sunday night is still this week: it does not take them.
    let t = template(&s);
    let view = s.start_session(t.id, utc(2026, 12, 6, 22, 55)).unwrap();
    assert!(view.commitments.is_empty());
    s.abandon_session(utc(2026, 12, 6, 22, 56)).unwrap();

    // Monday morning's does, in the order the review showed them, linked and counted.
    let view = s.start_session(t.id, utc(2026, 12, 7, 8, 0)).unwrap();
    let taken: Vec<(&str, Option<Uuid>, u32)> =
        view.commitments.iter().map(|c| (c.text.as_str(), c.carried_from, c.carry_count)).collect();
    assert_eq!(
        taken,
        [("Website texts", Some(ids[0]), 1), ("Call the tax office", Some(ids[1]), 1), ("Newsletter", Some(ids[2]), 1)]
    );
    assert_eq!(s.current_session(utc(2026, 12, 7, 8, 0)).unwrap().unwrap().commitments, view.commitments);
    s.abandon_session(utc(2026, 12, 7, 8, 1)).unwrap();

    // Taken once: the next session starts empty, and the week's review shows them carried on.
    let view = s.start_session(t.id, utc(2026, 12, 7, 9, 0)).unwrap();
    assert!(view.commitments.is_empty());
    let r = review(&s, date(2026, 12, 6));
    assert!(r.carryable().next().is_none());
    assert!(r.partly.iter().chain(&r.not_done).all(|c| c.carried_on && !c.planned));
}

#[test]
fn a_plan_longer_than_a_session_fills_the_next_sessions() {
    let (mut s, _dir) = store();
    let items: Vec<String> = (1..=25).map(|i| format!("Task {i}")).collect();
    let first: Vec<Item> = items[..20].iter().map(|t| (t.as_str(), None, Outcome::NotDone, None)).collect();
    let second: Vec<Item> = items[20..].iter().map(|t| (t.as_str(), None, Outcome::Partly, None)).collect();
    finished(&mut s, utc(2026, 12, 1, 9, 0), &first, None);
    finished(&mut s, utc(2026, 12, 2, 9, 0), &second, None);
    let r = review(&s, date(2026, 12, 2));
    // Partly first, then not done: the plan keeps that order.
    let ids: Vec<Uuid> = r.carryable().map(|c| c.id).collect();
    assert_eq!(ids.len(), 25);
    s.plan_carries(&ids, utc(2026, 12, 6, 23, 0), utc(2026, 12, 4, 9, 0)).unwrap();

    let t = template(&s);
    let view = s.start_session(t.id, utc(2026, 12, 7, 9, 0)).unwrap();
    assert_eq!(view.commitments.len(), 20, "a session holds at most 20");
    assert_eq!(view.commitments[0].text, "Task 21");
    s.abandon_session(utc(2026, 12, 7, 9, 1)).unwrap();
    let view = s.start_session(t.id, utc(2026, 12, 7, 10, 0)).unwrap();
    let rest: Vec<&str> = view.commitments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(rest, ["Task 16", "Task 17", "Task 18", "Task 19", "Task 20"]);
}

#[test]
fn a_planned_commitment_carried_by_hand_meanwhile_is_not_taken_twice() {
    let (mut s, _dir) = store();
    week_with_sessions(&mut s);
    let r = review(&s, date(2026, 12, 2));
    let website = r.partly[0].id;
    s.plan_carries(&[website], utc(2026, 12, 6, 23, 0), utc(2026, 12, 3, 9, 0)).unwrap();
    // Before the plan is due, the person takes it in by hand.
    let t = template(&s);
    s.start_session(t.id, utc(2026, 12, 3, 10, 0)).unwrap();
    s.carry_over(&[website], utc(2026, 12, 3, 10, 0)).unwrap();
    s.abandon_session(utc(2026, 12, 3, 10, 5)).unwrap();
    // The abandoned copy is what is open now; the plan named the original.
    let view = s.start_session(t.id, utc(2026, 12, 7, 9, 0)).unwrap();
    assert!(view.commitments.is_empty());
}

#[test]
fn taking_a_commitment_off_the_plan() {
    let (mut s, _dir) = store();
    week_with_sessions(&mut s);
    let ids: Vec<Uuid> = review(&s, date(2026, 12, 2)).carryable().map(|c| c.id).collect();
    s.plan_carries(&ids, utc(2026, 12, 6, 23, 0), utc(2026, 12, 3, 9, 0)).unwrap();
    s.unplan_carries(&ids[..1]).unwrap();
    let planned: Vec<bool> = review(&s, date(2026, 12, 2)).carryable().map(|c| c.planned).collect();
    assert_eq!(planned, [false, true, true]);
    let t = template(&s);
    let view = s.start_session(t.id, utc(2026, 12, 7, 9, 0)).unwrap();
    assert_eq!(view.commitments.len(), 2);
}

#[test]
fn a_plan_that_cannot_be_kept_is_refused_whole() {
    let (mut s, _dir) = store();
    week_with_sessions(&mut s);
    let r = review(&s, date(2026, 12, 2));
    let open = r.partly[0].id;
    let due = utc(2026, 12, 6, 23, 0);
    let now = utc(2026, 12, 3, 9, 0);
    let refused = |s: &mut Store, ids: &[Uuid]| s.plan_carries(ids, due, now).unwrap_err();

    assert!(matches!(refused(&mut s, &[open, r.done[0].id]), CoreError::CarryDone));
    assert!(matches!(refused(&mut s, &[open, Uuid::now_v7()]), CoreError::NotFound(Entity::Commitment)));
    assert!(matches!(refused(&mut s, &vec![open; PLAN_MAX + 1]), CoreError::TooManyPlanned { max: PLAN_MAX }));
    assert!(matches!(s.unplan_carries(&vec![open; PLAN_MAX + 1]), Err(CoreError::TooManyPlanned { .. })));

    // One of a session in progress, or one carried on already.
    let t = template(&s);
    let view = s.start_session(t.id, now).unwrap();
    let current = s.add_commitment(draft("Now", None), now).unwrap().view.commitments[0].id;
    assert!(matches!(refused(&mut s, &[current]), CoreError::WrongState(WrongState::SessionInProgress)));
    s.carry_over(&[open], now).unwrap();
    assert!(matches!(refused(&mut s, &[open]), CoreError::WrongState(WrongState::AlreadyCarried)));
    assert_eq!(view.commitments.len(), 0);

    // Nothing of a refused plan was kept.
    assert!(review(&s, date(2026, 12, 2)).partly.iter().chain(&r.not_done).all(|c| !c.planned));
}

#[test]
fn a_rooms_session_takes_the_plan_only_when_joined_in_its_commitment_round() {
    use worktogether_core::{PhaseKind, PlannedPhase, RoomLink, RoomPosition};
    let (mut s, _dir) = store();
    week_with_sessions(&mut s);
    let ids: Vec<Uuid> = review(&s, date(2026, 12, 2)).carryable().map(|c| c.id).collect();
    s.plan_carries(&ids, utc(2026, 12, 6, 23, 0), utc(2026, 12, 3, 9, 0)).unwrap();
    let plan: Vec<PlannedPhase> = [(PhaseKind::Commitment, 60), (PhaseKind::Focus, 600), (PhaseKind::Closing, 60)]
        .into_iter()
        .map(|(kind, duration_secs)| PlannedPhase { kind, duration_secs })
        .collect();
    let link = || RoomLink { membership_id: Uuid::now_v7(), session_id: Uuid::now_v7(), room_name: "Office".into() };
    let position = |index: u32, from: Timestamp| RoomPosition {
        index,
        started_at: from,
        ends_at: Some(from + chrono::Duration::minutes(10)),
        over: false,
    };

    // Joined late, in the room's focus: no round to take the plan into; it waits.
    let late = utc(2026, 12, 7, 9, 5);
    let view = s.join_room_session(link(), "Shared", plan.clone(), position(1, late), late).unwrap();
    assert!(view.commitments.is_empty());
    s.abandon_session(late + chrono::Duration::minutes(1)).unwrap();

    // Joined in its commitment round: the plan comes along.
    let early = utc(2026, 12, 7, 10, 0);
    let view = s.join_room_session(link(), "Shared", plan, position(0, early), early).unwrap();
    assert_eq!(view.commitments.len(), ids.len());
}
