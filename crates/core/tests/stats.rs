//! Statistics against fixtures computed by hand, in Europe/Berlin (CET = UTC+1, CEST = UTC+2):
//! sessions across local midnight, the DST days, pauses and sleeps, abandoned sessions, a year
//! boundary with ISO week 53, streaks, tags and slipping commitments. Every session is made
//! through the store's real operations; the per-day sums are checked against the focus each
//! session stores when it ends.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use common::store;
use uuid::Uuid;
use worktogether_core::stats::{RANGE_MAX_DAYS, RangeError, Statistics, StatsRange, Streak, Streaks, TagStats};
use worktogether_core::{
    ClosingReport, CommitmentDraft, Outcome, OutcomeEntry, PhaseKind, PlannedPhase, SleepMode, Store, Template,
    TemplateDraft, Timestamp,
};

const MIN: u32 = 60;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn range(first: NaiveDate, last: NaiveDate) -> StatsRange {
    StatsRange::new(first, last).unwrap()
}

/// Long phases, so that time decides nothing the fixture does not say:
/// commitment 30 min (the fixtures skip it sooner) · focus 120 min · break 20 min · focus 120 min
/// · closing 10 min.
fn long_template(s: &mut Store) -> Template {
    use PhaseKind::*;
    let phases = [(Commitment, 30), (Focus, 120), (Break, 20), (Focus, 120), (Closing, 10)]
        .into_iter()
        .map(|(kind, minutes)| PlannedPhase::new(kind, minutes))
        .collect();
    s.save_template(TemplateDraft { id: None, name: "Long".into(), phases }, common::t0()).unwrap()
}

type Item<'a> = (&'a str, Option<&'a str>, Outcome);

/// Starts a session at `start` with `items`; focus begins at `focus` (the commitment round is
/// skipped), runs by the template's clock, and the session goes to its closing round at `end`.
fn begin(s: &mut Store, t: &Template, start: Timestamp, focus: Timestamp, items: &[Item]) -> Uuid {
    let id = s.start_session(t.id, start).unwrap().id;
    for (text, tag, _) in items {
        let draft = CommitmentDraft { text: (*text).into(), tag: tag.map(Into::into), estimate_minutes: None };
        s.add_commitment(draft, start).unwrap();
    }
    let view = s.skip_phase(focus).unwrap().view;
    assert_eq!(view.phase.unwrap().kind, PhaseKind::Focus, "focus begins when the fixture says");
    id
}

/// Closes the session in progress at `at` with the outcomes of `items`.
fn close(s: &mut Store, at: Timestamp, items: &[Item]) {
    common::close_with(s, at, items.iter().map(|(_, _, outcome)| *outcome), None);
}

/// A finished session: see [`begin`]; ends early at `end` and is closed there.
fn finished(s: &mut Store, t: &Template, start: Timestamp, focus: Timestamp, end: Timestamp, items: &[Item]) -> Uuid {
    let id = begin(s, t, start, focus, items);
    s.end_session_early(end).unwrap();
    close(s, end, items);
    id
}

fn stats(s: &Store, first: NaiveDate, last: NaiveDate, today: NaiveDate) -> Statistics {
    s.statistics(range(first, last), Berlin, today).unwrap()
}

/// Focus per day of the range, in minutes.
fn minutes(st: &Statistics) -> Vec<(NaiveDate, u32)> {
    st.days.iter().map(|d| (d.date, d.focus_secs / MIN)).collect()
}

/// The days' focus adds up to what the sessions stored when they ended (all in the range).
fn assert_agrees_with_stored(s: &Store, st: &Statistics, sessions: &[Uuid]) {
    let stored: u32 = sessions.iter().map(|&id| s.session_summary(id, utc(2030, 1, 1, 0, 0)).unwrap().focus_secs).sum();
    let days: u32 = st.days.iter().map(|d| d.focus_secs).sum();
    assert_eq!(days, stored, "the days' focus is the sessions' stored focus");
    assert_eq!(st.totals.focus_secs, stored);
}

#[test]
fn a_session_across_local_midnight_counts_on_both_days() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    // 23:00 CET on Wednesday; focus from 23:10 until 01:10 by time, a break, then focus from
    // 01:30 until the end at 01:45.
    let items = [("Invoices", Some("Buchhaltung"), Outcome::Done)];
    let id = finished(&mut s, &t, utc(2026, 1, 14, 22, 0), utc(2026, 1, 14, 22, 10), utc(2026, 1, 15, 0, 45), &items);
    let st = stats(&s, date(2026, 1, 14), date(2026, 1, 15), date(2026, 1, 15));
    assert_eq!(minutes(&st), [(date(2026, 1, 14), 50), (date(2026, 1, 15), 85)]);
    assert_eq!((st.days[0].finished, st.days[1].finished), (1, 0), "a session counts on the day it started");
    assert_agrees_with_stored(&s, &st, &[id]);

    // The second day alone: its focus, but not the session (it started the day before), and the
    // tag gets the focus in the range only.
    let st = stats(&s, date(2026, 1, 15), date(2026, 1, 15), date(2026, 1, 15));
    assert_eq!(minutes(&st), [(date(2026, 1, 15), 85)]);
    assert_eq!((st.totals.finished, st.completion.done), (0, 0));
    assert_eq!(st.tags, [TagStats { tag: Some("Buchhaltung".into()), commitments: 0, done: 0, focus_secs: 85 * MIN }]);
}

#[test]
fn the_spring_forward_day_has_23_hours() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    // 2026-03-29: at 02:00 CET the clocks go to 03:00 CEST; the day runs from 23:00Z to 22:00Z.
    // From 23:30 CET on the 28th until 01:30 CET on the 29th: 30 + 90 minutes.
    let a = finished(&mut s, &t, utc(2026, 3, 28, 22, 20), utc(2026, 3, 28, 22, 30), utc(2026, 3, 29, 0, 40), &[]);
    // Across the change: 01:55 CET to 04:55 CEST on the wall clock, two real hours.
    let b = finished(&mut s, &t, utc(2026, 3, 29, 0, 50), utc(2026, 3, 29, 0, 55), utc(2026, 3, 29, 3, 0), &[]);
    // From 23:10 CEST on the 29th to 01:10 CEST on the 30th: 50 + 70 minutes.
    let c = finished(&mut s, &t, utc(2026, 3, 29, 21, 0), utc(2026, 3, 29, 21, 10), utc(2026, 3, 29, 23, 15), &[]);
    let st = stats(&s, date(2026, 3, 28), date(2026, 3, 30), date(2026, 3, 30));
    assert_eq!(minutes(&st), [(date(2026, 3, 28), 30), (date(2026, 3, 29), 90 + 120 + 50), (date(2026, 3, 30), 70)]);
    let finished: Vec<u32> = st.days.iter().map(|d| d.finished).collect();
    assert_eq!(finished, [1, 2, 0], "23:20 CET is still the 28th; 23:00 CEST is still the 29th");
    assert_agrees_with_stored(&s, &st, &[a, b, c]);
}

#[test]
fn the_fall_back_day_has_25_hours() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    // 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET; the day runs from 22:00Z to
    // 23:00Z the next evening. From 23:55 CEST on the 24th: 5 + 115 minutes.
    let a = finished(&mut s, &t, utc(2026, 10, 24, 21, 50), utc(2026, 10, 24, 21, 55), utc(2026, 10, 24, 23, 58), &[]);
    // Through the repeated hour: 02:40 CEST to 03:40 CET, two real hours.
    let b = finished(&mut s, &t, utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 0, 40), utc(2026, 10, 25, 2, 45), &[]);
    // From 23:40 CET on the 25th to 01:40 CET on the 26th: 20 + 100 minutes.
    let c = finished(&mut s, &t, utc(2026, 10, 25, 22, 30), utc(2026, 10, 25, 22, 40), utc(2026, 10, 26, 0, 45), &[]);
    let st = stats(&s, date(2026, 10, 24), date(2026, 10, 26), date(2026, 10, 26));
    assert_eq!(
        minutes(&st),
        [(date(2026, 10, 24), 5), (date(2026, 10, 25), 115 + 120 + 20), (date(2026, 10, 26), 100)]
    );
    let finished: Vec<u32> = st.days.iter().map(|d| d.finished).collect();
    assert_eq!(finished, [1, 2, 0]);
    assert_agrees_with_stored(&s, &st, &[a, b, c]);
}

#[test]
fn pauses_and_sleeps_are_not_focus_and_abandoned_sessions_count_their_real_focus() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    // Tuesday 23:00 CET; focus from 23:10.
    let id = begin(&mut s, &t, utc(2026, 2, 10, 22, 0), utc(2026, 2, 10, 22, 10), &[]);
    // An interruption 23:30–23:40 CET moves the block's end to 01:20 CET.
    s.pause_session(Some("phone".into()), utc(2026, 2, 10, 22, 30)).unwrap();
    s.resume_session(utc(2026, 2, 10, 22, 40)).unwrap();
    // Asleep 23:50–00:20 CET across midnight, keeping wall-clock time (the end does not move).
    s.tick(utc(2026, 2, 10, 23, 20), Some(utc(2026, 2, 10, 22, 50)), SleepMode::KeepWallClock).unwrap();
    // The block ends at 01:20 CET by time; an interruption in the break is no focus lost.
    s.pause_session(None, utc(2026, 2, 11, 0, 21)).unwrap();
    s.resume_session(utc(2026, 2, 11, 0, 23)).unwrap();
    s.end_session_early(utc(2026, 2, 11, 0, 25)).unwrap();
    close(&mut s, utc(2026, 2, 11, 0, 25), &[]);
    // Thursday 09:00 CET, focus from 09:10, given up at 09:55: 45 minutes of focus.
    let abandoned = begin(&mut s, &t, utc(2026, 2, 12, 8, 0), utc(2026, 2, 12, 8, 10), &[]);
    s.abandon_session(utc(2026, 2, 12, 8, 55)).unwrap();

    let st = stats(&s, date(2026, 2, 10), date(2026, 2, 12), date(2026, 2, 12));
    // 23:10–24:00 less 10 paused and 10 asleep; 00:00–01:20 less 20 asleep; the abandoned 45.
    assert_eq!(minutes(&st), [(date(2026, 2, 10), 30), (date(2026, 2, 11), 60), (date(2026, 2, 12), 45)]);
    assert_eq!((st.days[0].finished, st.days[2].abandoned), (1, 1));
    assert_eq!((st.totals.finished, st.totals.abandoned), (1, 1));
    assert_eq!(s.session_summary(id, utc(2030, 1, 1, 0, 0)).unwrap().focus_secs, 90 * MIN);
    assert_agrees_with_stored(&s, &st, &[id, abandoned]);
}

#[test]
fn weeks_and_months_follow_the_calendar_across_the_year_boundary() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    // Sunday 2026-12-20, 10:10–10:40 CET.
    let a = finished(&mut s, &t, utc(2026, 12, 20, 9, 0), utc(2026, 12, 20, 9, 10), utc(2026, 12, 20, 9, 40), &[]);
    // New Year's Eve 23:40 CET to 01:40 CET: 20 minutes in 2026, 100 in 2027 — all in 2026-W53.
    let b = finished(&mut s, &t, utc(2026, 12, 31, 22, 30), utc(2026, 12, 31, 22, 40), utc(2027, 1, 1, 0, 45), &[]);
    // Monday 2027-01-04 (2027-W01), 09:10–10:10 CET.
    let c = finished(&mut s, &t, utc(2027, 1, 4, 8, 0), utc(2027, 1, 4, 8, 10), utc(2027, 1, 4, 9, 10), &[]);
    let st = stats(&s, date(2026, 12, 20), date(2027, 1, 5), date(2027, 1, 5));
    assert_eq!(st.days.len(), 17);
    let weeks: Vec<_> =
        st.weeks.iter().map(|w| (w.iso_year, w.week, w.monday, w.focus_secs / MIN, w.finished)).collect();
    assert_eq!(
        weeks,
        [
            (2026, 51, date(2026, 12, 14), 30, 1),
            (2026, 52, date(2026, 12, 21), 0, 0),
            (2026, 53, date(2026, 12, 28), 120, 1),
            (2027, 1, date(2027, 1, 4), 60, 1),
        ]
    );
    let months: Vec<_> = st.months.iter().map(|m| (m.year, m.month, m.focus_secs / MIN, m.finished)).collect();
    assert_eq!(months, [(2026, 12, 50, 2), (2027, 1, 160, 1)]);
    let day = |d: NaiveDate| st.days.iter().find(|x| x.date == d).unwrap().focus_secs / MIN;
    assert_eq!((day(date(2026, 12, 31)), day(date(2027, 1, 1))), (20, 100));
    assert_agrees_with_stored(&s, &st, &[a, b, c]);
}

/// Starts and gives up a session at `at`: a day with a session, and no focus.
fn touch(s: &mut Store, t: &Template, at: Timestamp) {
    s.start_session(t.id, at).unwrap();
    s.abandon_session(at).unwrap();
}

#[test]
fn streaks_count_the_persons_days_with_a_session() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    touch(&mut s, &t, utc(2026, 5, 20, 8, 0));
    touch(&mut s, &t, utc(2026, 6, 1, 8, 0));
    touch(&mut s, &t, utc(2026, 6, 2, 8, 0));
    // 00:30 CEST on June 3 is still June 2 in UTC: it is the person's June 3 that counts.
    touch(&mut s, &t, utc(2026, 6, 2, 22, 30));
    // No session on June 4.
    touch(&mut s, &t, utc(2026, 6, 5, 8, 0));
    touch(&mut s, &t, utc(2026, 6, 6, 8, 0));
    touch(&mut s, &t, utc(2026, 6, 6, 9, 0));
    let streak = |first, last, days| Some(Streak { first, last, days });

    let st = stats(&s, date(2026, 5, 1), date(2026, 6, 30), date(2026, 6, 6));
    assert_eq!(st.days.iter().find(|d| d.date == date(2026, 6, 3)).unwrap().abandoned, 1);
    assert!(st.tags.is_empty(), "sessions without focus or commitments give no tag line");
    assert_eq!(
        st.streaks,
        Streaks {
            current: streak(date(2026, 6, 5), date(2026, 6, 6), 2),
            longest: streak(date(2026, 6, 1), date(2026, 6, 3), 3),
            longest_in_range: streak(date(2026, 6, 1), date(2026, 6, 3), 3),
        }
    );
    // A session still running today is not a day with a session yet: the streak runs to yesterday.
    s.start_session(t.id, utc(2026, 6, 7, 8, 0)).unwrap();
    let st = stats(&s, date(2026, 6, 5), date(2026, 6, 30), date(2026, 6, 7));
    assert_eq!(st.streaks.current, streak(date(2026, 6, 5), date(2026, 6, 6), 2));
    assert_eq!(st.streaks.longest, streak(date(2026, 6, 1), date(2026, 6, 3), 3), "the longest ever");
    assert_eq!(st.streaks.longest_in_range, streak(date(2026, 6, 5), date(2026, 6, 6), 2));
    // Two days without one end it.
    let st = stats(&s, date(2026, 6, 5), date(2026, 6, 30), date(2026, 6, 8));
    assert_eq!(st.streaks.current, None);
}

#[test]
fn tags_share_each_sessions_focus_among_its_commitments() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    let day = |d, h, m| utc(2026, 4, d, h, m);
    // 90 minutes among three commitments: 30 each.
    let items = [
        ("Invoices", Some("Buchhaltung"), Outcome::Done),
        ("Receipts", Some("buchhaltung"), Outcome::Partly),
        ("Website", None, Outcome::NotDone),
    ];
    let a = finished(&mut s, &t, day(14, 7, 0), day(14, 7, 10), day(14, 8, 40), &items);
    let items = [("Reconcile", Some("BUCHHALTUNG"), Outcome::Done)];
    let b = finished(&mut s, &t, day(15, 7, 0), day(15, 7, 10), day(15, 7, 50), &items);
    // Abandoned: its focus goes to its tag, its commitment is not counted (never decided).
    let c = begin(&mut s, &t, day(16, 7, 0), day(16, 7, 10), &[("Homepage", Some("Kunde A"), Outcome::Pending)]);
    s.abandon_session(day(16, 7, 40)).unwrap();
    // No commitments: the focus is untagged.
    let d = finished(&mut s, &t, day(17, 7, 0), day(17, 7, 10), day(17, 7, 20), &[]);

    let st = stats(&s, date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30));
    assert_eq!(
        st.tags,
        [
            TagStats { tag: Some("Buchhaltung".into()), commitments: 3, done: 2, focus_secs: 100 * MIN },
            TagStats { tag: None, commitments: 1, done: 0, focus_secs: 40 * MIN },
            TagStats { tag: Some("Kunde A".into()), commitments: 0, done: 0, focus_secs: 30 * MIN },
        ]
    );
    let done = &st.completion;
    assert_eq!((done.done, done.partly, done.not_done, done.rate), (2, 1, 1, Some(0.625)), "partly is half done");
    assert_eq!(st.months.len(), 1);
    assert_eq!(st.months[0].completion, *done, "April's completion is the range's");
    assert_eq!((st.totals.focus_secs, st.totals.finished, st.totals.abandoned), (170 * MIN, 3, 1));
    assert_agrees_with_stored(&s, &st, &[a, b, c, d]);
}

#[test]
fn commitments_carried_over_three_times_and_not_done_are_slipping() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    let day = |d| utc(2026, 9, d, 7, 0);
    let minute = |d, m| utc(2026, 9, d, 7, m);
    let not_done = |text| (text, None, Outcome::NotDone);
    // A session that takes `carry` over from the one before and closes with `outcomes`.
    let carry = |s: &mut Store, d: u32, from: &[Uuid], outcomes: &[Outcome]| -> Vec<Uuid> {
        s.start_session(t.id, day(d)).unwrap();
        s.carry_over(from, day(d)).unwrap();
        let ids: Vec<Uuid> = s.current_session(day(d)).unwrap().unwrap().commitments.iter().map(|c| c.id).collect();
        s.skip_phase(minute(d, 5)).unwrap();
        s.end_session_early(minute(d, 30)).unwrap();
        let items: Vec<Item> = outcomes.iter().map(|&o| ("", None, o)).collect();
        close(s, minute(d, 30), &items);
        ids
    };
    let items = [not_done("Tax return"), not_done("Blog post"), not_done("Call Anna")];
    begin(&mut s, &t, day(1), minute(1, 5), &items);
    let first = s.current_session(minute(1, 6)).unwrap().unwrap().commitments.iter().map(|c| c.id).collect::<Vec<_>>();
    s.end_session_early(minute(1, 30)).unwrap();
    close(&mut s, minute(1, 30), &items);
    use Outcome::*;
    let second = carry(&mut s, 2, &first, &[NotDone, NotDone, Done]); // carried once
    let third = carry(&mut s, 3, &second[..2], &[NotDone, Partly]); // twice
    let fourth = carry(&mut s, 4, &third, &[NotDone, Done]); // three times: the blog post is done
    let slipping = stats(&s, date(2026, 9, 1), date(2026, 9, 30), date(2026, 9, 30)).slipping;
    assert_eq!(slipping.len(), 1);
    assert_eq!((slipping[0].id, slipping[0].text.as_str(), slipping[0].carry_count), (fourth[0], "Tax return", 3));
    assert_eq!((slipping[0].outcome, slipping[0].session_started_at), (NotDone, day(4)));

    // Carried a fourth time into a session given up: that copy is the one slipping now, and a
    // range without it still lists it (slipping is now, not in the range).
    s.start_session(t.id, day(5)).unwrap();
    s.carry_over(&fourth[..1], day(5)).unwrap();
    s.abandon_session(minute(5, 1)).unwrap();
    let slipping = stats(&s, date(2026, 1, 1), date(2026, 1, 31), date(2026, 9, 30)).slipping;
    assert_eq!(slipping.len(), 1);
    assert_eq!((slipping[0].carry_count, slipping[0].outcome, slipping[0].text.as_str()), (4, Pending, "Tax return"));
}

#[test]
fn an_empty_range_has_zeros_and_no_rates() {
    let (s, _dir) = store();
    let st = stats(&s, date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 31));
    assert_eq!(st.days.len(), 31);
    assert!(st.days.iter().all(|d| (d.focus_secs, d.finished, d.abandoned) == (0, 0, 0)));
    // 2026-01-01 is a Thursday of 2026-W01 (from Monday 2025-12-29); Jan 26 starts W05.
    let weeks: Vec<_> = st.weeks.iter().map(|w| (w.iso_year, w.week, w.monday)).collect();
    assert_eq!(weeks.first(), Some(&(2026, 1, date(2025, 12, 29))));
    assert_eq!(weeks.last(), Some(&(2026, 5, date(2026, 1, 26))));
    assert_eq!(st.months.len(), 1);
    assert_eq!(st.completion.rate, None);
    assert_eq!(st.streaks, Streaks::default());
    assert!(st.tags.is_empty() && st.slipping.is_empty());
    assert_eq!(st.totals, Default::default());
}

#[test]
fn a_reversed_or_overlong_range_is_refused() {
    assert_eq!(StatsRange::new(date(2026, 2, 1), date(2026, 1, 31)), Err(RangeError::Reversed));
    assert_eq!(StatsRange::new(date(2020, 1, 1), date(2026, 1, 1)), Err(RangeError::TooLong { max: RANGE_MAX_DAYS }));
    let (key, _) = RangeError::Reversed.message_key();
    assert_eq!(key, "error.stats_range_reversed");
}

/// Ten years of history (10,000 sessions, 50,000 commitments, carried chains among them) made
/// through the store's operations, then one year's statistics timed. A sanity check, not an
/// assertion: `cargo test --release -p worktogether-core --test stats -- --ignored --nocapture`.
#[test]
#[ignore]
#[allow(clippy::disallowed_methods)] // a measurement: the test owns the clock, the core does not
fn a_years_statistics_over_ten_years_of_history() {
    use PhaseKind::*;
    let mut s = Store::open_in_memory().unwrap();
    let phases = [(Commitment, 5), (Focus, 50), (Break, 10), (Focus, 50), (Closing, 5)]
        .into_iter()
        .map(|(kind, minutes)| PlannedPhase::new(kind, minutes))
        .collect();
    let t = s.save_template(TemplateDraft { id: None, name: "Bench".into(), phases }, common::t0()).unwrap();
    let tags = ["Buchhaltung", "buchhaltung", "Website", "Kunde A", "KUNDE A", "Steuer", "Blog", "Haus"];
    let outcomes = [Outcome::Done, Outcome::Done, Outcome::Partly, Outcome::NotDone, Outcome::Done];
    let base = utc(2020, 1, 1, 6, 0);
    let mut carry: Option<Uuid> = None;
    let built = std::time::Instant::now();
    for i in 0..10_000u32 {
        let start = base + chrono::Duration::minutes(i64::from(i) * 526); // about 1,000 a year
        let m = |minutes: i64| start + chrono::Duration::minutes(minutes);
        s.start_session(t.id, m(0)).unwrap();
        if let Some(id) = carry.take() {
            s.carry_over(&[id], m(0)).unwrap();
        }
        let have = s.current_session(m(0)).unwrap().unwrap().commitments.len() as u32;
        for k in have..5 {
            let tag = (k != 4).then(|| tags[(i + k) as usize % tags.len()].to_owned());
            s.add_commitment(CommitmentDraft { text: format!("Task {i}.{k}"), tag, estimate_minutes: None }, m(1))
                .unwrap();
        }
        s.skip_phase(m(2)).unwrap();
        s.pause_session(None, m(20)).unwrap();
        s.resume_session(m(25)).unwrap();
        if i % 10 == 9 {
            s.abandon_session(m(40)).unwrap();
            continue;
        }
        let view = s.current_session(m(125)).unwrap().unwrap();
        let report: Vec<OutcomeEntry> = view
            .commitments
            .iter()
            .enumerate()
            .map(|(k, c)| OutcomeEntry {
                commitment_id: c.id,
                outcome: outcomes[(i as usize + k) % 5],
                note: None,
                feedback_wanted: false,
            })
            .collect();
        // The first unfinished commitment goes on into the next session (chains of carries).
        carry = report.iter().find(|o| o.outcome != Outcome::Done).map(|o| o.commitment_id);
        let report = ClosingReport { outcomes: report, overall_note: None, focus_rating: None };
        s.close_session(report, m(125)).unwrap();
    }
    println!("history built in {:?}", built.elapsed());

    let year = range(date(2025, 1, 1), date(2025, 12, 31));
    let mut times = Vec::new();
    let mut st = None;
    for _ in 0..20 {
        let started = std::time::Instant::now();
        st = Some(s.statistics(year, Berlin, date(2029, 12, 31)).unwrap());
        times.push(started.elapsed());
    }
    times.sort();
    let st = st.unwrap();
    println!(
        "a year's statistics over 10,000 sessions: min {:?}, median {:?}, max {:?} \
         ({} sessions, {} h focus, {} tags, {} slipping)",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        st.totals.finished + st.totals.abandoned,
        st.totals.focus_secs / 3600,
        st.tags.len(),
        st.slipping.len()
    );
}
