//! Sessions in the store: the whole ritual, persistence across reopening, and refusals.

mod common;

use common::{at, quick_template, snapshot, store};
use worktogether_core::error::WrongState;
use worktogether_core::{
    ClosingReport, CommitmentDraft, CoreError, Outcome, OutcomeEntry, PhaseKind, SessionStatus, SleepMode, StepState,
    Store,
};

fn draft(text: &str) -> CommitmentDraft {
    CommitmentDraft { text: text.into(), tag: None, estimate_minutes: None }
}

#[test]
fn a_whole_session_ends_in_history_with_honest_focus_time() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    let view = s.start_session(t.id, at(0)).unwrap();
    assert_eq!(view.phase.as_ref().unwrap().kind, PhaseKind::Commitment);
    s.add_commitment(draft("Buchhaltung Oktober"), at(1)).unwrap();
    s.add_commitment(
        CommitmentDraft { text: "Website: Impressum".into(), tag: Some("Website".into()), estimate_minutes: Some(30) },
        at(2),
    )
    .unwrap();

    let applied = s.tick(at(10), None, SleepMode::KeepWallClock).unwrap().unwrap();
    let change = applied.change.expect("focus begins at 10 s");
    assert_eq!((change.from, change.to), (PhaseKind::Commitment, PhaseKind::Focus));
    assert_eq!(s.tick(at(11), None, SleepMode::KeepWallClock).unwrap().unwrap().change, None, "one change, once");

    let paused = s.pause_session(Some("Kind ist wach".into()), at(20)).unwrap().view;
    assert_eq!(paused.pause_note.as_deref(), Some("Kind ist wach"), "the note is shown while paused");
    let v = s.resume_session(at(50)).unwrap().view;
    assert_eq!(v.phase.as_ref().unwrap().remaining_secs, 40, "the pause moved the deadline");
    s.tick(at(200), None, SleepMode::KeepWallClock).unwrap();
    let v = s.current_session(at(200)).unwrap().unwrap();
    assert_eq!(v.phase.as_ref().unwrap().kind, PhaseKind::Closing);
    assert!(v.plan.iter().all(|p| p.state != StepState::Upcoming));

    let ids: Vec<_> = v.commitments.iter().map(|c| c.id).collect();
    let report = ClosingReport {
        outcomes: vec![
            OutcomeEntry {
                commitment_id: ids[0],
                outcome: Outcome::Done,
                note: Some("alles gebucht".into()),
                feedback_wanted: false,
            },
            OutcomeEntry { commitment_id: ids[1], outcome: Outcome::Partly, note: None, feedback_wanted: true },
        ],
        overall_note: Some("guter Tag".into()),
        focus_rating: Some(4),
    };
    let summary = s.close_session(report, at(210)).unwrap();
    assert_eq!(summary.status, SessionStatus::Finished);
    assert_eq!(summary.focus_secs, 100, "two whole 50 s focus blocks: the interruption moved the deadline");
    assert_eq!(summary.pause_secs, 30);
    assert_eq!(summary.interruptions, 1);
    assert_eq!(summary.focus_rating, Some(4));
    assert!(s.current_session(at(211)).unwrap().is_none());
    let history = s.list_sessions(None, 10).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].commitments[1].outcome, Outcome::Partly);
    assert!(history[0].commitments[1].feedback_wanted);
}

#[test]
fn a_reopened_store_resumes_in_the_right_phase() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    s.add_commitment(draft("Steuer"), at(1)).unwrap();
    s.tick(at(15), None, SleepMode::KeepWallClock).unwrap();
    drop(s); // as after kill -9: nothing but what was committed remains

    let mut s = Store::open(&dir.path().join("worktogether.sqlite3")).unwrap();
    let applied = s.tick(at(75), None, SleepMode::KeepWallClock).unwrap().unwrap();
    let change = applied.change.expect("focus and break passed while closed");
    assert_eq!((change.to, change.to_index, change.missed), (PhaseKind::Focus, 3, 1), "one catch-up");
    assert_eq!(applied.view.phase.unwrap().remaining_secs, 45);
    assert_eq!(applied.view.commitments.len(), 1, "nothing lost");
}

#[test]
fn operations_in_the_wrong_state_are_refused_and_change_nothing() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    let before = snapshot(&s, at(0));
    assert!(matches!(s.pause_session(None, at(0)), Err(CoreError::WrongState(WrongState::NoSession))));
    assert!(matches!(s.add_commitment(draft("x"), at(0)), Err(CoreError::WrongState(WrongState::NoSession))));
    assert_eq!(snapshot(&s, at(0)), before);

    s.start_session(t.id, at(0)).unwrap();
    s.add_commitment(draft("Rechnungen"), at(1)).unwrap();
    let before = snapshot(&s, at(5));
    assert!(matches!(s.start_session(t.id, at(5)), Err(CoreError::WrongState(WrongState::SessionInProgress))));
    let report = ClosingReport { outcomes: vec![], overall_note: None, focus_rating: None };
    assert!(
        matches!(s.close_session(report, at(5)), Err(CoreError::WrongState(WrongState::NotInClosingRound))),
        "closing a session that is not in its closing round is refused"
    );
    assert!(matches!(s.resume_session(at(5)), Err(CoreError::WrongState(WrongState::NotPaused))));
    assert_eq!(snapshot(&s, at(5)), before);
}

#[test]
fn an_incomplete_or_foreign_report_is_refused() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    let v = s.add_commitment(draft("Newsletter"), at(1)).unwrap().view;
    let id = v.commitments[0].id;
    s.end_session_early(at(2)).unwrap();
    let before = snapshot(&s, at(3));
    let entry = |commitment_id, outcome| OutcomeEntry { commitment_id, outcome, note: None, feedback_wanted: false };
    let cases = [
        (ClosingReport { outcomes: vec![], overall_note: None, focus_rating: None }, "no outcome"),
        (
            ClosingReport { outcomes: vec![entry(id, Outcome::Pending)], overall_note: None, focus_rating: None },
            "pending",
        ),
        (
            ClosingReport {
                outcomes: vec![entry(uuid::Uuid::nil(), Outcome::Done)],
                overall_note: None,
                focus_rating: None,
            },
            "foreign",
        ),
        (
            ClosingReport { outcomes: vec![entry(id, Outcome::Done)], overall_note: None, focus_rating: Some(6) },
            "rating 6",
        ),
        (
            ClosingReport { outcomes: vec![entry(id, Outcome::Done)], overall_note: None, focus_rating: Some(0) },
            "rating 0",
        ),
        (
            ClosingReport {
                outcomes: vec![entry(id, Outcome::Done), entry(id, Outcome::Done)],
                overall_note: None,
                focus_rating: None,
            },
            "twice",
        ),
        (
            ClosingReport {
                outcomes: vec![entry(id, Outcome::Done)],
                overall_note: Some("x".repeat(2001)),
                focus_rating: None,
            },
            "long note",
        ),
    ];
    for (report, why) in cases {
        assert!(s.close_session(report, at(3)).is_err(), "{why} must be refused");
        assert_eq!(snapshot(&s, at(3)), before, "{why}: nothing changed");
    }
}

#[test]
fn sleep_in_pause_mode_is_recorded_and_not_focus() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    s.tick(at(15), None, SleepMode::PauseWhileAsleep).unwrap();
    let applied = s.tick(at(3615), Some(at(15)), SleepMode::PauseWhileAsleep).unwrap().unwrap();
    assert_eq!(applied.change, None, "asleep for an hour, still in the same focus block");
    assert_eq!(applied.view.phase.unwrap().remaining_secs, 45);
    assert_eq!(applied.view.focus_secs, 5);
}

#[test]
fn abandoned_sessions_stay_in_history() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    s.abandon_session(at(30)).unwrap();
    assert!(s.current_session(at(31)).unwrap().is_none());
    let history = s.list_sessions(None, 10).unwrap();
    assert_eq!(history[0].status, SessionStatus::Abandoned);
    assert_eq!(history[0].focus_secs, 20);
    assert!(s.list_sessions(Some(at(1)), 10).unwrap().is_empty(), "`since` filters by start");
}

#[test]
fn unknown_template_is_not_found() {
    let (mut s, _dir) = store();
    assert!(matches!(
        s.start_session(uuid::Uuid::nil(), at(0)),
        Err(CoreError::NotFound(worktogether_core::error::Entity::Template))
    ));
}

#[test]
fn a_closing_round_draft_is_kept_until_save() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    let id = s.add_commitment(draft("Newsletter"), at(1)).unwrap().view.commitments[0].id;
    let entry = |outcome, note: &str| OutcomeEntry {
        commitment_id: id,
        outcome,
        note: Some(note.into()),
        feedback_wanted: true,
    };
    assert!(
        matches!(
            s.draft_outcome(entry(Outcome::Done, "too early"), at(2)),
            Err(CoreError::WrongState(WrongState::NotInClosingRound))
        ),
        "a draft belongs to the closing round"
    );
    s.end_session_early(at(3)).unwrap();
    let before = snapshot(&s, at(4));
    assert!(matches!(
        s.draft_outcome(entry(Outcome::Partly, &"x".repeat(2001)), at(4)),
        Err(CoreError::NoteTooLong { .. })
    ));
    let foreign = OutcomeEntry { commitment_id: worktogether_core::ids::new_id(at(0)), ..entry(Outcome::Done, "") };
    assert!(matches!(s.draft_outcome(foreign, at(4)), Err(CoreError::NotFound(_))));
    assert_eq!(snapshot(&s, at(4)), before, "refused drafts change nothing");

    let view = s.draft_outcome(entry(Outcome::Partly, "  half the text "), at(5)).unwrap().view;
    assert_eq!(view.commitments[0].outcome, Outcome::Partly);
    assert!(matches!(s.draft_closing_notes(None, Some(6), at(5)), Err(CoreError::RatingOutOfRange)));
    let view = s.draft_closing_notes(Some(" A good morning ".into()), Some(4), at(5)).unwrap().view;
    assert_eq!((view.overall_note.as_deref(), view.focus_rating), (Some("A good morning"), Some(4)));
    // A crash now: the draft is there after reopening, still in the closing round.
    drop(s);
    let s = Store::open(&dir.path().join("worktogether.sqlite3")).unwrap();
    let c = &s.current_session(at(6)).unwrap().unwrap().commitments[0];
    assert_eq!((c.outcome, c.note.as_deref(), c.feedback_wanted), (Outcome::Partly, Some("half the text"), true));
    let v = s.current_session(at(6)).unwrap().unwrap();
    assert_eq!((v.overall_note.as_deref(), v.focus_rating), (Some("A good morning"), Some(4)));
}

#[test]
fn a_data_folder_that_cannot_be_made_is_a_storage_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let in_the_way = dir.path().join("data");
    std::fs::write(&in_the_way, "a file, not a folder").unwrap();
    let error = Store::open(&in_the_way.join("worktogether.sqlite3")).err().expect("no database inside a file");
    assert!(matches!(error, CoreError::DataFolder(_)), "the folder is the problem, not the data: {error}");
    assert_eq!(error.code(), worktogether_core::ErrorCode::Storage, "shown to the person as a storage failure");
    assert_eq!(std::fs::read_to_string(&in_the_way).unwrap(), "a file, not a folder", "what was there is untouched");
}
