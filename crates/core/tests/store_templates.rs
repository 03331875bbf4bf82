//! Templates in the store, and the schema's migration from an empty database.

mod common;

use common::{store, t0};
use worktogether_core::templates::Builtin;
use worktogether_core::{CoreError, LanguageChoice, PhaseKind, PlannedPhase, Store, TemplateDraft};

fn phases(focus_secs: u32) -> Vec<PlannedPhase> {
    vec![
        PlannedPhase { kind: PhaseKind::Commitment, duration_secs: 60 },
        PlannedPhase { kind: PhaseKind::Focus, duration_secs: focus_secs },
        PlannedPhase { kind: PhaseKind::Closing, duration_secs: 60 },
    ]
}

#[test]
fn an_empty_database_migrates_and_gets_the_builtins_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("worktogether.sqlite3");
    let mut s = Store::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        8,
        "V1, V2 (rooms), V3 (intents, tokens out), V4 (room sessions), V5 (history totals), V6 (search), \
         V7 (the review's plan)"
    );
    s.ensure_builtin_templates(|b: Builtin| b.key().to_owned(), t0()).unwrap();
    s.ensure_builtin_templates(|b: Builtin| b.key().to_owned(), t0()).unwrap();
    let names: Vec<_> = s.list_templates().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["worktogether", "pomodoro", "short_block"]);
    drop(s);
    let s = Store::open(&path).unwrap();
    assert_eq!(s.list_templates().unwrap().len(), 3, "reopening migrates nothing twice");
    let mode: String =
        rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn own_templates_are_created_edited_and_deleted_builtins_only_edited() {
    let (mut s, _dir) = store();
    let created =
        s.save_template(TemplateDraft { id: None, name: " Deep work ".into(), phases: phases(5400) }, t0()).unwrap();
    assert_eq!(created.name, "Deep work");
    assert!(!created.builtin);
    let edited = s
        .save_template(TemplateDraft { id: Some(created.id), name: "Deep work".into(), phases: phases(3600) }, t0())
        .unwrap();
    assert_eq!(edited.phases[1].duration_secs, 3600);
    s.delete_template(created.id).unwrap();
    assert!(matches!(s.template(created.id), Err(CoreError::NotFound(_))));

    let builtin = s.list_templates().unwrap().into_iter().find(|t| t.builtin).unwrap();
    let before = s.list_templates().unwrap();
    assert!(matches!(s.delete_template(builtin.id), Err(CoreError::BuiltinTemplate)));
    assert_eq!(s.list_templates().unwrap(), before);
    s.save_template(TemplateDraft { id: Some(builtin.id), name: builtin.name.clone(), phases: phases(1500) }, t0())
        .unwrap();
}

#[test]
fn bad_templates_are_refused_and_change_nothing() {
    let (mut s, _dir) = store();
    let before = s.list_templates().unwrap();
    let draft = |name: &str, phases| TemplateDraft { id: None, name: name.into(), phases };
    assert!(matches!(s.save_template(draft("", phases(60)), t0()), Err(CoreError::TemplateNameEmpty)));
    assert!(matches!(s.save_template(draft("Pomodoro", phases(60)), t0()), Err(CoreError::TemplateNameTaken)));
    assert!(matches!(s.save_template(draft("pomodoro", phases(60)), t0()), Err(CoreError::TemplateNameTaken)));
    assert!(matches!(s.save_template(draft("Zero", phases(0)), t0()), Err(CoreError::PhaseZero { position: 2 })));
    assert!(matches!(
        s.save_template(draft("Long", phases(30 * 3600)), t0()),
        Err(CoreError::PhaseTooLong { position: 2 })
    ));
    assert!(matches!(s.save_template(draft("Empty", vec![]), t0()), Err(CoreError::TemplateShape)));
    let ghost = TemplateDraft { id: Some(uuid::Uuid::nil()), name: "Ghost".into(), phases: phases(60) };
    assert!(matches!(s.save_template(ghost, t0()), Err(CoreError::NotFound(_))));
    assert!(matches!(s.delete_template(uuid::Uuid::nil()), Err(CoreError::NotFound(_))));
    assert_eq!(s.list_templates().unwrap(), before);
}

#[test]
fn builtins_follow_a_change_of_language_unless_renamed() {
    use worktogether_core::templates::Builtin;
    let (mut store, _dir) = store();
    // The store's built-ins are named by their keys here; their "German" names add " (de)".
    let german = |b: Builtin| format!("{} (de)", b.key());
    let untouched = |b: Builtin, name: &str| name == b.key() || name == german(b);
    let pomodoro = store.list_templates().unwrap()[1].clone();
    let mut draft =
        worktogether_core::TemplateDraft { id: Some(pomodoro.id), name: "Tomaten".into(), phases: pomodoro.phases };
    store.save_template(draft.clone(), common::at(0)).unwrap();
    let settings = store.change_language(LanguageChoice::De, untouched, german).unwrap();
    assert_eq!(settings.language, LanguageChoice::De, "the language and the names change together");
    let names: Vec<_> = store.list_templates().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["worktogether (de)", "Tomaten", "short_block (de)"], "the person's own name stays");
    // Back again; a name taken by another template is left alone.
    draft.name = "short_block".into();
    store.save_template(draft, common::at(1)).unwrap();
    store.change_language(LanguageChoice::En, untouched, |b| b.key().to_owned()).unwrap();
    let names: Vec<_> = store.list_templates().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["worktogether", "short_block", "short_block (de)"]);
}

#[test]
fn a_language_change_that_fails_changes_neither_language_nor_names() {
    use worktogether_core::templates::Builtin;
    let (mut store, dir) = store();
    let before = (store.settings().unwrap(), store.list_templates().unwrap());
    // The disk refuses the second rename, after the language and the first name were written.
    let db = rusqlite::Connection::open(dir.path().join("worktogether.sqlite3")).unwrap();
    db.execute_batch(
        "CREATE TRIGGER refuse BEFORE UPDATE OF name ON templates WHEN NEW.name = 'Boom'
         BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .unwrap();
    let result = store.change_language(
        LanguageChoice::De,
        |_, _| true,
        |b| match b {
            Builtin::Worktogether => "Zusammen".into(),
            _ => "Boom".into(),
        },
    );
    assert!(result.is_err(), "the trigger refuses the second rename");
    assert_eq!((store.settings().unwrap(), store.list_templates().unwrap()), before, "one transaction: all or nothing");
}
