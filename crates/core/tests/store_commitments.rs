//! Commitments: editing in the commitment round, bad input, and carry-over.

mod common;

use common::{at, quick_template, snapshot, store};
use worktogether_core::limits::COMMITMENTS_PER_SESSION;
use worktogether_core::{ClosingReport, CommitmentDraft, CoreError, Outcome, OutcomeEntry, Store};

fn draft(text: &str) -> CommitmentDraft {
    CommitmentDraft { text: text.into(), tag: None, estimate_minutes: None }
}

fn texts(s: &Store) -> Vec<String> {
    s.current_session(at(5)).unwrap().unwrap().commitments.into_iter().map(|c| c.text).collect()
}

#[test]
fn add_edit_reorder_remove() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    for text in ["A", "B", "C"] {
        s.add_commitment(draft(text), at(1)).unwrap();
    }
    let ids: Vec<_> = s.current_session(at(1)).unwrap().unwrap().commitments.iter().map(|c| c.id).collect();
    s.move_commitment(ids[2], 0, at(2)).unwrap();
    assert_eq!(texts(&s), ["C", "A", "B"]);
    s.move_commitment(ids[2], 2, at(2)).unwrap();
    assert_eq!(texts(&s), ["A", "B", "C"]);
    s.update_commitment(
        ids[1],
        CommitmentDraft { text: "  B2 ".into(), tag: Some(" ".into()), estimate_minutes: Some(25) },
        at(3),
    )
    .unwrap();
    s.remove_commitment(ids[0], at(4)).unwrap();
    let v = s.current_session(at(5)).unwrap().unwrap();
    assert_eq!(texts(&s), ["B2", "C"]);
    assert_eq!(v.commitments[0].tag, None, "an empty tag is no tag");
    assert_eq!(v.commitments[0].estimate_minutes, Some(25));
    assert_eq!(v.commitments.iter().map(|c| c.position).collect::<Vec<_>>(), [0, 1], "positions close ranks");
    s.tick_commitment(ids[1], true, at(5)).unwrap();
    assert_eq!(s.current_session(at(5)).unwrap().unwrap().commitments[0].outcome, Outcome::Done);
}

#[test]
fn bad_commitments_are_refused_with_typed_errors_and_change_nothing() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    s.add_commitment(draft("keep me"), at(1)).unwrap();
    let id = s.current_session(at(1)).unwrap().unwrap().commitments[0].id;
    let before = snapshot(&s, at(2));
    let long = "ä".repeat(501);
    assert!(matches!(s.add_commitment(draft(""), at(2)), Err(CoreError::CommitmentEmpty)));
    assert!(matches!(s.add_commitment(draft("   \n"), at(2)), Err(CoreError::CommitmentEmpty)));
    assert!(matches!(s.add_commitment(draft(&long), at(2)), Err(CoreError::CommitmentTooLong { len: 501, max: 500 })));
    let tagged = CommitmentDraft { text: "x".into(), tag: Some("t".repeat(41)), estimate_minutes: None };
    assert!(matches!(s.add_commitment(tagged, at(2)), Err(CoreError::TagTooLong { .. })));
    let zero = CommitmentDraft { text: "x".into(), tag: None, estimate_minutes: Some(0) };
    assert!(matches!(s.add_commitment(zero, at(2)), Err(CoreError::EstimateOutOfRange { .. })));
    assert!(matches!(s.update_commitment(id, draft(""), at(2)), Err(CoreError::CommitmentEmpty)));
    assert!(matches!(s.update_commitment(uuid::Uuid::nil(), draft("x"), at(2)), Err(CoreError::NotFound(_))));
    assert!(matches!(s.remove_commitment(uuid::Uuid::nil(), at(2)), Err(CoreError::NotFound(_))));
    assert!(matches!(s.move_commitment(id, 1, at(2)), Err(CoreError::PositionOutOfRange { .. })));
    assert!(matches!(s.carry_over(&[uuid::Uuid::nil()], at(2)), Err(CoreError::NotFound(_))));
    assert_eq!(snapshot(&s, at(2)), before);
    assert!(s.add_commitment(draft(&"ä".repeat(500)), at(2)).is_ok(), "exactly 500 characters are fine");
}

#[test]
fn a_session_holds_a_bounded_number_of_commitments() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    for i in 0..COMMITMENTS_PER_SESSION {
        s.add_commitment(draft(&format!("c{i}")), at(1)).unwrap();
    }
    assert!(matches!(s.add_commitment(draft("one more"), at(1)), Err(CoreError::TooManyCommitments { .. })));
}

fn finish_with(s: &mut Store, start: i64, outcomes: &[Outcome]) {
    let v = s.current_session(at(start)).unwrap().unwrap();
    s.end_session_early(at(start + 1)).unwrap();
    let outcomes = v
        .commitments
        .iter()
        .zip(outcomes)
        .map(|(c, &outcome)| OutcomeEntry { commitment_id: c.id, outcome, note: None, feedback_wanted: false })
        .collect();
    s.close_session(ClosingReport { outcomes, overall_note: None, focus_rating: None }, at(start + 2)).unwrap();
}

#[test]
fn unfinished_commitments_are_carried_over_once_with_a_count() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    for text in ["done one", "partly one", "not done one"] {
        s.add_commitment(draft(text), at(1)).unwrap();
    }
    finish_with(&mut s, 2, &[Outcome::Done, Outcome::Partly, Outcome::NotDone]);

    let suggestions = s.carry_over_suggestions().unwrap();
    let texts: Vec<_> = suggestions.iter().map(|x| x.commitment.text.as_str()).collect();
    assert_eq!(texts, ["partly one", "not done one"], "only unfinished ones are offered");

    s.start_session(t.id, at(100)).unwrap();
    let ids: Vec<_> = suggestions.iter().map(|x| x.commitment.id).collect();
    let v = s.carry_over(&ids, at(101)).unwrap().view;
    assert_eq!(v.commitments.len(), 2);
    assert!(v.commitments.iter().all(|c| c.carry_count == 1 && c.carried_from.is_some()));
    assert!(s.carry_over_suggestions().unwrap().is_empty(), "taken over means no longer offered");
    assert!(matches!(s.carry_over(&ids[..1], at(102)), Err(CoreError::WrongState(_))), "not twice");

    finish_with(&mut s, 103, &[Outcome::NotDone, Outcome::Done]);
    s.start_session(t.id, at(200)).unwrap();
    let again = s.carry_over_suggestions().unwrap();
    assert_eq!(again.len(), 1);
    let v = s.carry_over(&[again[0].commitment.id], at(201)).unwrap().view;
    assert_eq!(v.commitments[0].carry_count, 2, "carried a second time");
}

#[test]
fn commitments_of_an_abandoned_session_are_offered_again() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    s.start_session(t.id, at(0)).unwrap();
    s.add_commitment(draft("Steuer"), at(1)).unwrap();
    finish_with(&mut s, 2, &[Outcome::NotDone]);
    let original = s.carry_over_suggestions().unwrap()[0].commitment.id;

    s.start_session(t.id, at(100)).unwrap();
    s.carry_over(&[original], at(101)).unwrap();
    s.add_commitment(draft("Rechnungen"), at(102)).unwrap();
    s.abandon_session(at(103)).unwrap();

    let offered: Vec<_> = s.carry_over_suggestions().unwrap().into_iter().map(|x| x.commitment).collect();
    let texts: Vec<_> = offered.iter().map(|c| c.text.as_str()).collect();
    assert!(texts.contains(&"Rechnungen"), "left open in an abandoned session: offered");
    assert_eq!(texts.iter().filter(|t| **t == "Steuer").count(), 1, "the carried one is offered once, not twice");
    s.start_session(t.id, at(200)).unwrap();
    let ids: Vec<_> = offered.iter().map(|c| c.id).collect();
    let v = s.carry_over(&ids, at(201)).unwrap().view;
    assert_eq!(v.commitments.len(), 2, "both can be taken over");
}
