//! A session joined from a room's shared session: its phases end when the room's do, the
//! host's skip, pause, resume and end reach it, this person's own pause does not move the
//! room's time, skip and "+5 min" are the host's, a late joiner lands in the room's phase,
//! and leaving the room's session keeps the record going alone.

mod common;

use common::{at, store};
use uuid::Uuid;
use worktogether_core::app::{Action, Answer, BuiltinNames, Context, apply};
use worktogether_core::error::WrongState;
use worktogether_core::templates::Builtin;
use worktogether_core::{
    ClosingReport, CoreError, LanguageChoice, PhaseKind, PlannedPhase, RoomLink, RoomPosition, SessionStatus,
    SessionView, Store, Timestamp,
};

struct Names;

impl BuiltinNames for Names {
    fn name(&self, _: LanguageChoice, builtin: Builtin) -> String {
        builtin.key().to_owned()
    }
    fn is_builtin_name(&self, builtin: Builtin, name: &str) -> bool {
        name == builtin.key()
    }
}

fn run(store: &mut Store, action: Action, now: Timestamp) -> worktogether_core::Result<Answer> {
    apply(store, action, &Context { now, zone: chrono_tz::UTC, names: &Names }).map(|a| a.answer)
}

fn view(answer: worktogether_core::Result<Answer>) -> SessionView {
    match answer.expect("the action applies") {
        Answer::Session(view) => *view,
        other => panic!("not a session: {other:?}"),
    }
}

/// The room's plan: commitment 60 · focus 600 · break 120 · focus 600 · closing 120.
fn plan() -> Vec<PlannedPhase> {
    use PhaseKind::*;
    [(Commitment, 60), (Focus, 600), (Break, 120), (Focus, 600), (Closing, 120)]
        .into_iter()
        .map(|(kind, duration_secs)| PlannedPhase { kind, duration_secs })
        .collect()
}

fn link(session: Uuid) -> RoomLink {
    RoomLink { membership_id: Uuid::now_v7(), session_id: session, room_name: "Morning office".into() }
}

fn running(index: u32, from: i64, to: i64) -> RoomPosition {
    RoomPosition { index, started_at: at(from), ends_at: Some(at(to)), over: false }
}

fn join(store: &mut Store, room: Uuid, position: RoomPosition, now: i64) -> SessionView {
    let action =
        Action::JoinRoomSession { room: link(room), template_name: "Shared".into(), plan: plan(), at: position };
    view(run(store, action, at(now)))
}

fn follow(store: &mut Store, room: Uuid, position: RoomPosition, now: i64) -> SessionView {
    view(run(store, Action::FollowRoom { room_session: room, at: position }, at(now)))
}

/// A membership kept in the store, as joining a room leaves it.
fn membership_in(store: &Store) -> worktogether_core::store::outbox::RoomMembership {
    let membership = worktogether_core::store::outbox::RoomMembership {
        id: Uuid::now_v7(),
        server: "http://127.0.0.1:7400/".into(),
        room_code: "ABCDE-FGHJK".into(),
        display_name: "Mia".into(),
        joined_at: at(0),
    };
    store.save_room_membership(&membership).unwrap();
    membership
}

fn phase(view: &SessionView) -> (u32, PhaseKind, Timestamp) {
    let p = view.phase.as_ref().expect("a phase");
    (p.index, p.kind, p.deadline)
}

#[test]
fn the_rooms_phases_are_the_sessions_phases() {
    let (mut store, _dir) = store();
    let room = Uuid::now_v7();
    let joined = join(&mut store, room, running(0, 0, 60), 5);
    assert!(joined.follows_room);
    assert_eq!(joined.room.as_ref().map(|r| r.room_name.as_str()), Some("Morning office"));
    assert_eq!(phase(&joined), (0, PhaseKind::Commitment, at(60)), "the room's end, not 5 s + 60 s");

    // Time alone moves it on at the room's end; the next phase ends at its planned length.
    let ticked = view(run(&mut store, Action::Tick { slept_from: None }, at(61)));
    assert_eq!(phase(&ticked), (1, PhaseKind::Focus, at(660)));

    // The host skips the focus block at 300 s: the break began then.
    let skipped = follow(&mut store, room, running(2, 300, 420), 301);
    assert_eq!(phase(&skipped), (2, PhaseKind::Break, at(420)));

    // The host pauses: time stands still (the remaining time is kept across ticks)…
    let paused =
        follow(&mut store, room, RoomPosition { index: 2, started_at: at(300), ends_at: None, over: false }, 330);
    assert_eq!(paused.status, SessionStatus::Paused);
    let later = view(run(&mut store, Action::Tick { slept_from: None }, at(900)));
    assert_eq!((later.status, later.phase.unwrap().remaining_secs), (SessionStatus::Paused, 90));
    // …and resumes: the room's new end.
    let resumed = follow(&mut store, room, running(2, 300, 990), 900);
    assert_eq!((resumed.status, phase(&resumed)), (SessionStatus::Running, (2, PhaseKind::Break, at(990))));

    // This person's own pause: their focus stops, the room's time does not.
    view(run(&mut store, Action::Pause { note: Some("phone".into()) }, at(920)));
    let own = view(run(&mut store, Action::Resume, at(950)));
    assert_eq!(phase(&own).2, at(990), "the room's end stays");

    // Skip and "+5 min" are the host's.
    for action in [Action::Skip, Action::Extend { minutes: 5 }] {
        let refused = run(&mut store, action, at(960)).unwrap_err();
        assert!(matches!(refused, CoreError::WrongState(WrongState::FollowsRoom)), "{refused}");
    }

    // The host ends the session: on to the closing round, whose time is up for the room.
    let over = RoomPosition { index: 3, started_at: at(1000), ends_at: None, over: true };
    let closing = follow(&mut store, room, over, 1001);
    let (index, kind, deadline) = phase(&closing);
    assert_eq!((index, kind, deadline), (4, PhaseKind::Closing, at(1000)));
    assert!(closing.phase.unwrap().remaining_secs < 0, "overtime: the report is still this person's to give");

    let summary = run(
        &mut store,
        Action::Close { report: ClosingReport { outcomes: vec![], overall_note: None, focus_rating: None } },
        at(1100),
    )
    .unwrap();
    let Answer::Summary(summary) = summary else { panic!("a summary") };
    assert_eq!(summary.room_name.as_deref(), Some("Morning office"), "history names the room");
}

#[test]
fn a_late_joiner_lands_in_the_rooms_phase_and_its_record_starts_on_joining() {
    let (mut store, _dir) = store();
    let room = Uuid::now_v7();
    let joined = join(&mut store, room, running(3, 900, 1500), 1000);
    assert_eq!(phase(&joined), (3, PhaseKind::Focus, at(1500)));
    assert_eq!(joined.started_at, at(1000));
    let later = view(run(&mut store, Action::Tick { slept_from: None }, at(1100)));
    assert_eq!(later.focus_secs, 100, "focus counts from joining, not from the room's phase start");
}

#[test]
fn another_rooms_session_and_a_session_in_progress_are_left_alone() {
    let (mut store, _dir) = store();
    let room = Uuid::now_v7();
    join(&mut store, room, running(1, 0, 600), 10);
    let elsewhere = follow(&mut store, Uuid::now_v7(), running(3, 20, 30), 20);
    assert_eq!(phase(&elsewhere), (1, PhaseKind::Focus, at(600)), "only its own room's session moves it");

    let refused = run(
        &mut store,
        Action::JoinRoomSession {
            room: link(room),
            template_name: "Shared".into(),
            plan: plan(),
            at: running(1, 0, 600),
        },
        at(30),
    )
    .unwrap_err();
    assert!(matches!(refused, CoreError::WrongState(WrongState::SessionInProgress)), "{refused}");
}

#[test]
fn leaving_the_rooms_session_keeps_the_record_going_alone() {
    let (mut store, _dir) = store();
    let room = Uuid::now_v7();
    join(&mut store, room, running(1, 0, 600), 10);
    let left = view(run(&mut store, Action::LeaveRoomSession, at(20)));
    assert!(!left.follows_room && left.room.is_some(), "still the room's session in history, no longer its timing");
    let moved = follow(&mut store, room, running(3, 30, 40), 30);
    assert_eq!(phase(&moved).1, PhaseKind::Focus, "the room no longer moves it");
    let skipped = view(run(&mut store, Action::Skip, at(40)));
    assert_eq!(phase(&skipped).1, PhaseKind::Break, "and skip is this person's again");
}

#[test]
fn shared_commitments_and_their_outcomes_are_queued_once_and_only_when_chosen() {
    use worktogether_core::store::outbox::RoomWrite;
    use worktogether_core::{CommitmentDraft, Outcome, OutcomeEntry};

    let (mut store, _dir) = store();
    let room = Uuid::now_v7();
    let membership = membership_in(&store);
    let room_link = RoomLink { membership_id: membership.id, ..link(room) };
    let action = Action::JoinRoomSession {
        room: room_link,
        template_name: "Shared".into(),
        plan: plan(),
        at: running(0, 0, 60),
    };
    view(run(&mut store, action, at(1)));
    let commit =
        |text: &str| Action::Commit { draft: CommitmentDraft { text: text.into(), tag: None, estimate_minutes: None } };
    let first = view(run(&mut store, commit("Invoices"), at(2)));
    assert!(!first.shares_with_room);
    assert_eq!(store.pending_room_writes(membership.id).unwrap(), 0, "nothing is shared until the person chooses");

    let shared = apply(
        &mut store,
        Action::ShareWithRoom { share: true },
        &Context { now: at(3), zone: chrono_tz::UTC, names: &Names },
    )
    .unwrap();
    assert!(shared.session_view().unwrap().shares_with_room);
    assert!(shared.changes.contains(&worktogether_core::app::Change::RoomWrites(membership.id)), "the sender is woken");
    view(run(&mut store, commit("Newsletter"), at(4)));
    view(run(&mut store, Action::ShareWithRoom { share: true }, at(5)));
    let mut queued = Vec::new();
    while let Some(write) = store.next_room_write(membership.id).unwrap() {
        queued.push(write.write.clone());
        store.room_write_sent(write.seq).unwrap();
    }
    let texts: Vec<&str> = queued
        .iter()
        .map(|w| match w {
            RoomWrite::PublishCommitment { text, local: Some(_), session } if *session == room => text.as_str(),
            other => panic!("not a commitment of this room's session: {other:?}"),
        })
        .collect();
    assert_eq!(texts, ["Invoices", "Newsletter"], "each once, in order");

    // The room gave the first an id; the outcome goes once, after closing.
    let (invoices, newsletter) =
        (first.commitments[0].id, store.current_session(at(6)).unwrap().unwrap().commitments[1].id);
    store.room_commitment_published(invoices, Uuid::nil()).unwrap();
    assert_eq!(store.room_commitment_id(invoices).unwrap(), Some(Uuid::nil()));
    let over = RoomPosition { index: 4, started_at: at(10), ends_at: None, over: true };
    follow(&mut store, room, over, 10);
    let outcomes = vec![
        OutcomeEntry { commitment_id: invoices, outcome: Outcome::Done, note: None, feedback_wanted: true },
        OutcomeEntry {
            commitment_id: newsletter,
            outcome: Outcome::Partly,
            note: Some("half".into()),
            feedback_wanted: false,
        },
    ];
    run(
        &mut store,
        Action::Close { report: ClosingReport { outcomes, overall_note: None, focus_rating: None } },
        at(20),
    )
    .unwrap();
    assert_eq!(store.queue_room_writes(at(21)).unwrap(), None, "queued once");
    let reported: Vec<(Uuid, bool)> = std::iter::from_fn(|| {
        let write = store.next_room_write(membership.id).unwrap()?;
        store.room_write_sent(write.seq).unwrap();
        match write.write {
            RoomWrite::ReportOwnOutcome { local, report } => Some((local, report.feedback_wanted)),
            other => panic!("not an outcome: {other:?}"),
        }
    })
    .collect();
    assert_eq!(reported, [(invoices, true), (newsletter, false)]);
}

#[test]
fn a_session_of_ones_own_has_no_room_to_share_with() {
    let (mut store, _dir) = store();
    view(run(&mut store, Action::Start { template: worktogether_core::app::TemplateChoice::Default }, at(0)));
    let refused = run(&mut store, Action::ShareWithRoom { share: true }, at(1)).unwrap_err();
    assert!(matches!(refused, CoreError::WrongState(WrongState::NotARoomSession)), "{refused}");
}

#[test]
fn a_session_of_ones_own_takes_part_in_a_rooms_session_afterwards() {
    use worktogether_core::CommitmentDraft;
    use worktogether_core::store::outbox::RoomWrite;

    let (mut store, _dir) = store();
    let membership = membership_in(&store);
    view(run(&mut store, Action::Start { template: worktogether_core::app::TemplateChoice::Default }, at(0)));
    let draft = CommitmentDraft { text: "Invoices".into(), tag: None, estimate_minutes: None };
    view(run(&mut store, Action::Commit { draft }, at(1)));
    let room = RoomLink { membership_id: membership.id, session_id: Uuid::now_v7(), room_name: "Office".into() };
    let shared = view(run(&mut store, Action::ShareOwnSession { room: room.clone() }, at(2)));
    assert!(shared.shares_with_room && !shared.follows_room, "shared, on its own timer");
    assert_eq!(shared.room.as_ref(), Some(&room));
    let queued = store.next_room_write(membership.id).unwrap().unwrap();
    assert!(
        matches!(&queued.write, RoomWrite::PublishCommitment { text, session, .. } if text == "Invoices" && *session == room.session_id),
        "{queued:?}"
    );
    view(run(&mut store, Action::Skip, at(3)));
    let again = run(&mut store, Action::ShareOwnSession { room }, at(4)).unwrap_err();
    assert!(matches!(again, CoreError::WrongState(WrongState::AlreadyARoomSession)), "{again}");
}
