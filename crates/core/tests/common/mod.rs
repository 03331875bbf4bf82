//! Helpers shared by the store tests: a fresh database on disk and a test clock.
#![allow(dead_code)]

use chrono::{Duration, TimeZone, Utc};
use worktogether_core::templates::Builtin;
use worktogether_core::{
    ClosingReport, Outcome, OutcomeEntry, PhaseKind, PlannedPhase, Store, Template, TemplateDraft, Timestamp,
};

pub fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

pub fn at(secs: i64) -> Timestamp {
    t0() + Duration::seconds(secs)
}

/// A store in a temporary directory, with the built-in templates; the directory lives as
/// long as the returned guard.
pub fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("worktogether.sqlite3")).unwrap();
    store.ensure_builtin_templates(|b: Builtin| b.key().to_owned(), t0()).unwrap();
    (store, dir)
}

/// A template of seconds-long phases: commitment 10 · focus 50 · break 10 · focus 50 · closing 10.
pub fn quick_template(store: &mut Store) -> Template {
    use PhaseKind::*;
    let phases = [(Commitment, 10), (Focus, 50), (Break, 10), (Focus, 50), (Closing, 10)]
        .into_iter()
        .map(|(kind, duration_secs)| PlannedPhase { kind, duration_secs })
        .collect();
    store.save_template(TemplateDraft { id: None, name: "Quick".into(), phases }, t0()).unwrap()
}

/// Everything a person could see, to check that a refused operation changed nothing.
pub fn snapshot(store: &Store, now: Timestamp) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        store.current_session(now).unwrap(),
        store.list_sessions(None, 100).unwrap(),
        store.list_templates().unwrap(),
        store.carry_over_suggestions().unwrap()
    )
}

/// Closes the session in its closing round at `at`: its commitments get `outcomes`, in order.
pub fn close_with(s: &mut Store, at: Timestamp, outcomes: impl IntoIterator<Item = Outcome>, rating: Option<u8>) {
    let view = s.current_session(at).unwrap().unwrap();
    let outcomes = view
        .commitments
        .iter()
        .zip(outcomes)
        .map(|(c, outcome)| OutcomeEntry { commitment_id: c.id, outcome, note: None, feedback_wanted: false })
        .collect();
    s.close_session(ClosingReport { outcomes, overall_note: None, focus_rating: rating }, at).unwrap();
}
