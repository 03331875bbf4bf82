//! The application layer: every action's answer and the changes it reports, refusals that
//! change nothing and report nothing, the ticker's look, and a language change.

mod common;

use common::{at, quick_template, snapshot, store};
use worktogether_core::app::{Action, Answer, BuiltinNames, Change, Context, TemplateChoice, apply};
use worktogether_core::templates::Builtin;
use worktogether_core::{
    ClosingReport, CommitmentDraft, LanguageChoice, Outcome, OutcomeEntry, PhaseKind, SettingChange, Store,
    ThemeChoice, Timestamp,
};

/// Built-in names as the store tests make them: the key, and " (de)" in German.
struct Names;

impl BuiltinNames for Names {
    fn name(&self, choice: LanguageChoice, builtin: Builtin) -> String {
        match choice {
            LanguageChoice::De => format!("{} (de)", builtin.key()),
            _ => builtin.key().to_owned(),
        }
    }

    fn is_builtin_name(&self, builtin: Builtin, name: &str) -> bool {
        name == builtin.key() || name == format!("{} (de)", builtin.key())
    }
}

fn run(
    store: &mut Store,
    action: Action,
    now: Timestamp,
) -> worktogether_core::Result<worktogether_core::app::Applied> {
    apply(store, action, &Context { now, zone: chrono_tz::Europe::Berlin, names: &Names })
}

/// The changes by name, so a table of expectations reads like the ritual.
fn kinds(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| match c {
            Change::Session(Some(_)) => "session".to_owned(),
            Change::Session(None) => "no session".to_owned(),
            Change::Phase { change, .. } => {
                format!("phase {}→{} (missed {})", change.from.as_str(), change.to.as_str(), change.missed)
            }
            Change::SessionOver => "over".to_owned(),
            Change::Templates => "templates".to_owned(),
            Change::Settings(_) => "settings".to_owned(),
            Change::RoomWrites(_) => "room writes".to_owned(),
            Change::Schedule => "schedule".to_owned(),
        })
        .collect()
}

fn draft(text: &str) -> CommitmentDraft {
    CommitmentDraft { text: text.into(), tag: None, estimate_minutes: None }
}

/// Applies each step at its second and checks the changes it reports.
fn check(store: &mut Store, steps: Vec<(i64, Action, &[&str])>) {
    for (secs, action, expected) in steps {
        let described = format!("{action:?} at {secs} s");
        let applied = run(store, action, at(secs)).unwrap_or_else(|e| panic!("{described} was refused: {e}"));
        assert_eq!(kinds(&applied.changes), expected, "{described}");
    }
}

#[test]
fn each_action_reports_what_changed_in_order() {
    let (mut s, _dir) = store();
    let quick = quick_template(&mut s);
    check(
        &mut s,
        vec![
            (0, Action::Start { template: TemplateChoice::Id(quick.id) }, &["session"]),
            (1, Action::Commit { draft: draft("Steuer") }, &["session"]),
            (2, Action::Tick { slept_from: None }, &[]),
            // Time moved the phase on before the pause: both are news.
            (12, Action::Pause { note: None }, &["session", "phase commitment→focus (missed 0)"]),
            (13, Action::Resume, &["session"]),
            (14, Action::Extend { minutes: 1 }, &["session"]),
            (15, Action::Skip, &["session", "phase focus→break (missed 0)"]),
            // Break and the second focus pass unseen: one catch-up change.
            (400, Action::Tick { slept_from: None }, &["session", "phase break→closing (missed 1)"]),
            (401, Action::Tick { slept_from: None }, &[]),
        ],
    );
    let view = s.current_session(at(402)).unwrap().unwrap();
    let report = ClosingReport {
        outcomes: vec![OutcomeEntry {
            commitment_id: view.commitments[0].id,
            outcome: Outcome::Done,
            note: None,
            feedback_wanted: false,
        }],
        overall_note: None,
        focus_rating: Some(4),
    };
    let closed = run(&mut s, Action::Close { report }, at(403)).unwrap();
    assert_eq!(kinds(&closed.changes), ["no session", "over", "schedule"]);
    assert!(matches!(closed.answer, Answer::Summary(_)), "closing answers with the session as history shows it");
    let idle = run(&mut s, Action::Tick { slept_from: None }, at(404)).unwrap();
    assert_eq!(idle.answer, Answer::NoSession, "the ticker learns that nothing runs");
    assert!(idle.changes.is_empty());
}

#[test]
fn toggle_starts_pauses_and_resumes() {
    let (mut s, _dir) = store();
    let status = |a: &worktogether_core::app::Applied| a.session_view().map(|v| v.status.as_str().to_owned());
    let started = run(&mut s, Action::Toggle, at(0)).unwrap();
    assert_eq!(started.session_view().unwrap().template_name, "worktogether", "the default template");
    run(&mut s, Action::Skip, at(1)).unwrap();
    assert_eq!(status(&run(&mut s, Action::Toggle, at(2)).unwrap()).as_deref(), Some("paused"));
    assert_eq!(status(&run(&mut s, Action::Toggle, at(3)).unwrap()).as_deref(), Some("running"));
    let abandoned = run(&mut s, Action::Abandon, at(4)).unwrap();
    assert_eq!(kinds(&abandoned.changes), ["no session", "over"]);
}

#[test]
fn a_refused_action_changes_nothing_and_reports_nothing() {
    let (mut s, _dir) = store();
    let quick = quick_template(&mut s);
    run(&mut s, Action::Start { template: TemplateChoice::Id(quick.id) }, at(0)).unwrap();
    let nil = uuid::Uuid::nil();
    let refused = [
        Action::Start { template: TemplateChoice::Default },
        Action::Start { template: TemplateChoice::Name("Nap".into()) },
        Action::Commit { draft: draft("  ") },
        Action::Commit { draft: draft(&"x".repeat(10_000)) },
        Action::EditCommitment { id: nil, draft: draft("x") },
        Action::RemoveCommitment { id: nil },
        Action::Resume,
        Action::Extend { minutes: 0 },
        Action::Extend { minutes: u32::MAX },
        Action::Pause { note: Some("a\u{200b}".repeat(2_500)) },
        Action::DraftClosingNotes { overall_note: None, focus_rating: Some(6) },
        Action::Close { report: ClosingReport { outcomes: vec![], overall_note: None, focus_rating: None } },
        Action::DeleteTemplate { id: nil },
        Action::ChangeSetting { change: SettingChange::DefaultTemplate(nil) },
        Action::CarryOver { ids: vec![nil] },
    ];
    for action in refused {
        let before = snapshot(&s, at(5));
        let described = format!("{action:?}");
        assert!(run(&mut s, action, at(5)).is_err(), "{described} is refused");
        assert_eq!(snapshot(&s, at(5)), before, "{described} changed nothing");
    }
}

#[test]
fn templates_and_settings_report_their_changes() {
    let (mut s, _dir) = store();
    let theme = run(&mut s, Action::ChangeSetting { change: SettingChange::Theme(ThemeChoice::Dark) }, at(0)).unwrap();
    assert_eq!(kinds(&theme.changes), ["settings"]);
    let german =
        run(&mut s, Action::ChangeSetting { change: SettingChange::Language(LanguageChoice::De) }, at(1)).unwrap();
    assert_eq!(kinds(&german.changes), ["settings", "templates"], "the built-ins follow the language");
    let names: Vec<_> = s.list_templates().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["worktogether (de)", "pomodoro (de)", "short_block (de)"]);

    let mut template = s.list_templates().unwrap()[1].clone();
    template.name = "Tomaten".into();
    let draft =
        worktogether_core::TemplateDraft { id: Some(template.id), name: template.name, phases: template.phases };
    let saved = run(&mut s, Action::SaveTemplate { draft }, at(2)).unwrap();
    assert_eq!(kinds(&saved.changes), ["templates"]);
    run(&mut s, Action::ChangeSetting { change: SettingChange::Language(LanguageChoice::En) }, at(3)).unwrap();
    let names: Vec<_> = s.list_templates().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["worktogether", "Tomaten", "short_block"], "a renamed built-in keeps the person's name");
}

#[test]
fn a_sleep_is_news_even_without_a_phase_change() {
    let (mut s, _dir) = store();
    let quick = quick_template(&mut s);
    run(&mut s, Action::Start { template: TemplateChoice::Id(quick.id) }, at(0)).unwrap();
    run(&mut s, Action::Skip, at(1)).unwrap();
    run(
        &mut s,
        Action::ChangeSetting { change: SettingChange::SleepMode(worktogether_core::SleepMode::PauseWhileAsleep) },
        at(2),
    )
    .unwrap();
    let woke = run(&mut s, Action::Tick { slept_from: Some(at(5)) }, at(3605)).unwrap();
    assert_eq!(kinds(&woke.changes), ["session"], "the focus time shown changed, the phase did not");
    let view = woke.session_view().unwrap();
    assert_eq!(view.phase.as_ref().unwrap().kind, PhaseKind::Focus, "paused while asleep: still in focus");
}
