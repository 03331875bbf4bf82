//! The timeline's read side: totals stored as a session ends (and filled in for sessions that
//! ended before they were stored), cursor pages, and the filters.

mod common;

use common::{at, quick_template, store};
use rusqlite::Connection;
use std::collections::HashSet;
use worktogether_core::{
    CommitmentDraft, HistoryQuery, Outcome, SessionSummary, SleepMode, Store, Template, Timestamp,
};

fn draft(text: &str, tag: Option<&str>) -> CommitmentDraft {
    CommitmentDraft { text: text.into(), tag: tag.map(Into::into), estimate_minutes: None }
}

/// A quick session started at `start` (seconds after t0) with these commitments and outcomes:
/// one interruption of 20 s and a sleep of 30 s in the first focus block, then closed.
fn closed_session(s: &mut Store, t: &Template, start: i64, items: &[(&str, Option<&str>, Outcome)]) {
    s.start_session(t.id, at(start)).unwrap();
    for (text, tag, _) in items {
        s.add_commitment(draft(text, *tag), at(start + 1)).unwrap();
    }
    s.tick(at(start + 15), None, SleepMode::PauseWhileAsleep).unwrap(); // focus since start + 10
    s.pause_session(Some("phone".into()), at(start + 15)).unwrap();
    s.resume_session(at(start + 35)).unwrap();
    s.tick(at(start + 70), Some(at(start + 40)), SleepMode::PauseWhileAsleep).unwrap();
    while s.current_session(at(start + 71)).unwrap().unwrap().phase.unwrap().kind
        != worktogether_core::PhaseKind::Closing
    {
        s.skip_phase(at(start + 71)).unwrap();
    }
    common::close_with(s, at(start + 72), items.iter().map(|(_, _, outcome)| *outcome), Some(4));
}

fn everything(s: &Store) -> Vec<SessionSummary> {
    s.history_page(&HistoryQuery { limit: 500, ..HistoryQuery::default() }).unwrap().sessions
}

#[test]
fn an_ended_session_keeps_its_totals_on_its_row() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    closed_session(
        &mut s,
        &t,
        0,
        &[("Invoices", Some("Buchhaltung"), Outcome::Done), ("Website", None, Outcome::Partly)],
    );
    s.start_session(t.id, at(200)).unwrap();
    s.abandon_session(at(230)).unwrap();
    let sessions = everything(&s);
    assert_eq!(sessions.len(), 2);
    let (abandoned, closed) = (&sessions[0], &sessions[1]);
    // Focus from 10 s to 71 s, less the 20 s interruption and the 30 s asleep.
    assert_eq!((closed.focus_secs, closed.pause_secs, closed.sleep_secs, closed.interruptions), (11, 50, 30, 1));
    assert_eq!((abandoned.focus_secs, abandoned.pause_secs), (20, 0));
    let stored: (i64, i64, i64, i64) = Connection::open(dir.path().join("worktogether.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT commitments_total, commitments_done, commitments_partly, commitments_not_done
             FROM sessions ORDER BY started_at LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(stored, (2, 1, 1, 0));
    // The stored totals are what the engine computes from the session's record.
    assert_eq!(closed, &s.session_summary(closed.id, at(999)).unwrap());
    assert_eq!(abandoned, &s.session_summary(abandoned.id, at(999)).unwrap());
}

#[test]
fn sessions_that_ended_before_totals_were_stored_get_them_when_the_database_is_upgraded() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    closed_session(&mut s, &t, 0, &[("Invoices", Some("Buchhaltung"), Outcome::Done)]);
    closed_session(&mut s, &t, 300, &[("Tax", None, Outcome::NotDone)]);
    let before = everything(&s);
    drop(s);
    // The database as version 4 left it: no totals, the old index.
    let path = dir.path().join("worktogether.sqlite3");
    let conn = Connection::open(&path).unwrap();
    for column in [
        "focus_secs",
        "pause_secs",
        "sleep_secs",
        "interruptions",
        "commitments_total",
        "commitments_done",
        "commitments_partly",
        "commitments_not_done",
    ] {
        conn.execute_batch(&format!("ALTER TABLE sessions DROP COLUMN {column}")).unwrap();
    }
    conn.execute_batch("DROP INDEX sessions_started; CREATE INDEX sessions_started ON sessions (started_at);").unwrap();
    conn.pragma_update(None, "user_version", 4).unwrap();
    drop(conn);
    let s = Store::open(&path).unwrap();
    assert_eq!(everything(&s), before, "the upgrade fills in the same totals");
    assert!(before.iter().all(|x| x.focus_secs > 0));
}

/// Starts and abandons a session at `start`.
fn abandoned_at(s: &mut Store, t: &Template, start: Timestamp) {
    s.start_session(t.id, start).unwrap();
    s.abandon_session(start).unwrap();
}

#[test]
fn pages_follow_a_cursor_newest_first_without_gaps_or_repeats() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    for i in 0..23 {
        abandoned_at(&mut s, &t, at(i * 60));
    }
    // Two sessions started in the same millisecond: the id decides their order.
    abandoned_at(&mut s, &t, at(5 * 60));
    let mut seen = Vec::new();
    let mut query = HistoryQuery { limit: 10, ..HistoryQuery::default() };
    let mut pages = 0;
    loop {
        let page = s.history_page(&query).unwrap();
        pages += 1;
        seen.extend(page.sessions.iter().map(|x| (x.started_at, x.id)));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 24);
    assert_eq!(seen.iter().map(|(_, id)| *id).collect::<HashSet<_>>().len(), 24, "no session twice");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, ties by id");
    // A page exactly as long as what is left has no next.
    let last = s.history_page(&HistoryQuery { limit: 24, ..HistoryQuery::default() }).unwrap();
    assert_eq!((last.sessions.len(), last.next), (24, None));
}

#[test]
fn filters_narrow_the_timeline() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    closed_session(&mut s, &t, 0, &[("Invoices", Some("Buchhaltung"), Outcome::Done)]);
    closed_session(&mut s, &t, 1000, &[("Newsletter", Some("Website"), Outcome::NotDone)]);
    closed_session(&mut s, &t, 2000, &[("Receipts", Some("buchhaltung"), Outcome::Partly)]);
    let texts = |q: HistoryQuery| -> Vec<String> {
        let page = s.history_page(&HistoryQuery { limit: 50, ..q }).unwrap();
        page.sessions.iter().flat_map(|x| x.commitments.iter().map(|c| c.text.clone())).collect()
    };
    let tag = HistoryQuery { tag: Some(" BUCHHALTUNG ".into()), ..HistoryQuery::default() };
    assert_eq!(texts(tag), ["Receipts", "Invoices"], "a tag in any case");
    let outcome = HistoryQuery { outcome: Some(Outcome::NotDone), ..HistoryQuery::default() };
    assert_eq!(texts(outcome), ["Newsletter"]);
    let range = HistoryQuery { from: Some(at(1000)), to: Some(at(2000)), ..HistoryQuery::default() };
    assert_eq!(texts(range), ["Newsletter"], "from is in, to is out");
    let room = HistoryQuery { room: Some("Morning office".into()), ..HistoryQuery::default() };
    assert!(texts(room).is_empty(), "no session was a room's");
    let facets = s.history_facets().unwrap();
    assert_eq!(facets.tags, ["Buchhaltung", "Website"], "each tag once, in any case");
    assert!(facets.rooms.is_empty());
    let nothing = HistoryQuery { tag: Some("Garden".into()), ..HistoryQuery::default() };
    assert_eq!(s.history_page(&nothing).unwrap().sessions, Vec::new());
    // An absurd page size is cut to the limit, a zero one is one session.
    let zero = s.history_page(&HistoryQuery { limit: 0, ..HistoryQuery::default() }).unwrap();
    assert_eq!(zero.sessions.len(), 1);
    assert!(zero.next.is_some());
}

#[test]
fn a_sessions_record_shows_every_phase_interruption_and_sleep() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    closed_session(&mut s, &t, 0, &[("Invoices", None, Outcome::Done)]);
    let id = everything(&s)[0].id;
    let record = s.session_record(id, at(999)).unwrap();
    use worktogether_core::{EndReason, PauseKind, PhaseKind};
    let kinds: Vec<_> = record.phases.iter().map(|p| (p.kind, p.end_reason)).collect();
    assert_eq!(kinds.first(), Some(&(PhaseKind::Commitment, Some(EndReason::Elapsed))));
    assert_eq!(kinds.last(), Some(&(PhaseKind::Closing, Some(EndReason::Closed))));
    let pauses: Vec<_> = record.pauses.iter().map(|p| (p.kind, p.started_at, p.ended_at, p.note.as_deref())).collect();
    assert_eq!(
        pauses,
        [
            (PauseKind::Interruption, at(15), Some(at(35)), Some("phone")),
            (PauseKind::Sleep, at(40), Some(at(70)), None)
        ]
    );
    assert_eq!(record.summary, everything(&s)[0]);
}

#[test]
fn a_search_narrows_the_timeline_and_marks_what_it_found() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    closed_session(&mut s, &t, 0, &[("Belege für die Straße sortieren", None, Outcome::Done)]);
    closed_session(&mut s, &t, 1000, &[("Newsletter", None, Outcome::Done)]);
    let query = HistoryQuery { text: Some("strasse".into()), limit: 10, ..HistoryQuery::default() };
    let page = s.history_page(&query).unwrap();
    assert_eq!(page.sessions.len(), 1);
    let marked: Vec<_> = page.marks[0].snippet.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
    assert_eq!(marked, ["Straße"], "the original spelling, whole");
    assert_eq!(page.marks[0].commitment_id, Some(page.sessions[0].commitments[0].id));
    // Only punctuation: nothing to search for, nothing narrowed; FTS syntax is just text.
    for text in ["?!", "\"", "NEAR(a b)", "c++", "*"] {
        let page = s.history_page(&HistoryQuery { text: Some(text.into()), limit: 10, ..HistoryQuery::default() });
        assert!(page.is_ok(), "{text:?} never errors");
    }
    let none = HistoryQuery { text: Some("?!".into()), limit: 10, ..HistoryQuery::default() };
    assert_eq!(s.history_page(&none).unwrap().sessions.len(), 2);
}

#[test]
fn a_search_pages_through_years_without_gaps_or_repeats() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    // Every tenth day for over a year, every other session with the word searched for.
    for i in 0..45 {
        let start = at(i * 10 * 86_400);
        s.start_session(t.id, start).unwrap();
        let text = if i % 2 == 0 { format!("Belege sortieren {i}") } else { format!("Newsletter {i}") };
        s.add_commitment(draft(&text, None), start).unwrap();
        s.abandon_session(start).unwrap();
    }
    let mut query = HistoryQuery { text: Some("beleg".into()), limit: 4, ..HistoryQuery::default() };
    let mut found = Vec::new();
    loop {
        let page = s.history_page(&query).unwrap();
        assert!(page.sessions.len() <= 4);
        found.extend(page.sessions.iter().map(|x| x.commitments[0].text.clone()));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..45).rev().filter(|i| i % 2 == 0).map(|i| format!("Belege sortieren {i}")).collect();
    assert_eq!(found, expected);
}
