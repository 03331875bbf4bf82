//! The shell's wiring, headless: commands called over IPC by name with the UI's argument
//! shapes, on a mock runtime, against a real database in a temporary directory.

use crate::{AppState, Language, StateSource, builder};
use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Listener, WebviewWindow};

struct Harness {
    _dir: tempfile::TempDir,
    app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    events: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

fn harness(language: Language) -> Harness {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let state = AppState::open(dir.path(), language).expect("a fresh database opens");
    harness_on(dir, StateSource::Ready(Box::new(state)))
}

fn harness_on(dir: tempfile::TempDir, state: StateSource) -> Harness {
    let app =
        builder(mock_builder(), state).build(tauri::generate_context!()).expect("the app builds on the mock runtime");
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    for name in ["session", "phase-changed", "settings"] {
        let events = events.clone();
        app.listen_any(name, move |_| events.lock().expect("not poisoned").push(name.to_owned()));
    }
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("a webview");
    Harness { _dir: dir, app, webview, events }
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            // The origin of the bundled UI on Linux and macOS (Windows uses http://tauri.localhost).
            url: "tauri://localhost".parse().expect("a valid URL"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request).map(|body| body.deserialize::<Value>().expect("JSON"))
    }

    /// Waits for the effects of every call so far (events are sent once the store is free).
    fn settle(&self) {
        use tauri::Manager;
        self.app.state::<AppState>().settle();
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

#[test]
fn a_session_runs_through_the_commands_the_ui_calls() {
    let h = harness(Language::En);
    let first = h.ok("first_screen", json!({ "since": "2026-11-25T00:00:00Z" }));
    assert_eq!(first["session"], Value::Null);
    assert_eq!(first["settings"]["language"], "en");
    assert_eq!(first["templates"].as_array().unwrap().len(), 3, "the first screen comes in one answer");
    assert!(h.call("first_screen", json!({ "since": "yesterday" })).is_err(), "a malformed day is refused");
    let templates = h.ok("list_templates", json!({}));
    let names: Vec<_> = templates.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Worktogether", "Pomodoro", "Short block"], "built-ins named in the person's language");

    let id = templates[2]["id"].clone();
    let view = h.ok("start_session", json!({ "templateId": id }));
    assert_eq!(view["phase"]["kind"], "commitment");
    let view =
        h.ok("add_commitment", json!({ "draft": { "text": "Steuererklärung", "tag": null, "estimateMinutes": 45 } }));
    assert_eq!(view["commitments"][0]["estimateMinutes"], 45);
    let view = h.ok("skip_phase", json!({}));
    assert_eq!(view["phase"]["kind"], "focus");
    h.settle();
    assert!(h.events.lock().unwrap().contains(&"phase-changed".to_owned()), "a skip is a phase change for the UI");
    h.ok("pause_session", json!({ "note": "Kind ist wach" }));
    h.ok("resume_session", json!({}));
    h.ok("extend_phase", json!({ "minutes": 5 }));
    let view = h.ok("end_session_early", json!({}));
    assert_eq!(view["phase"]["kind"], "closing");

    let commitment = view["commitments"][0]["id"].clone();
    let draft = json!({ "entry": { "commitmentId": commitment, "outcome": "partly", "note": "Belege", "feedbackWanted": false } });
    let kept = h.ok("draft_outcome", draft);
    assert_eq!(kept["commitments"][0]["note"], "Belege", "the closing round's draft is kept before Save");
    let notes = h.ok("draft_closing_notes", json!({ "overallNote": "Guter Tag", "focusRating": 4 }));
    assert_eq!((&notes["overallNote"], &notes["focusRating"]), (&json!("Guter Tag"), &json!(4)));
    assert!(h.call("draft_closing_notes", json!({ "overallNote": null, "focusRating": 9 })).is_err());
    assert_eq!(h.ok("current_session", json!({}))["focusRating"], 4, "a refused draft changes nothing");
    let report = json!({ "report": {
        "outcomes": [{ "commitmentId": commitment, "outcome": "partly", "note": "Belege sortiert", "feedbackWanted": true }],
        "overallNote": null, "focusRating": 3 } });
    let summary = h.ok("close_session", report);
    assert_eq!(summary["status"], "finished");
    assert_eq!(h.ok("current_session", json!({})), Value::Null);
    let history = h.ok("list_sessions", json!({ "since": null, "limit": 10 }));
    assert_eq!(history[0]["commitments"][0]["note"], "Belege sortiert");
    let suggestions = h.ok("carry_over_suggestions", json!({}));
    assert_eq!(suggestions[0]["commitment"]["text"], "Steuererklärung", "partly done is offered again");
}

#[test]
fn refusals_carry_a_code_and_a_message_in_the_persons_language() {
    let h = harness(Language::De);
    let err = h
        .call("add_commitment", json!({ "draft": { "text": "x", "tag": null, "estimateMinutes": null } }))
        .unwrap_err();
    assert_eq!(err, json!({ "code": "wrong_state", "message": "Gerade läuft keine Session." }));

    let id = h.ok("list_templates", json!({}))[0]["id"].clone();
    h.ok("start_session", json!({ "templateId": id }));
    let err = h
        .call("add_commitment", json!({ "draft": { "text": "  ", "tag": null, "estimateMinutes": null } }))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert_eq!(err["message"], "Schreib auf, woran du arbeiten willst.");
    let err = h.call("start_session", json!({ "templateId": id })).unwrap_err();
    assert_eq!(err["code"], "wrong_state");
    let err = h.call("extend_phase", json!({ "minutes": 0 })).unwrap_err();
    assert_eq!(err["message"], "Du kannst eine Phase um 1 bis 60 Minuten verlängern.");
    let err =
        h.call("close_session", json!({ "report": { "outcomes": [], "overallNote": null, "focusRating": null } }));
    assert_eq!(err.unwrap_err()["code"], "wrong_state", "closing before the closing round is refused");
    assert!(h.call("start_session", json!({ "templateId": "not-a-uuid" })).is_err(), "malformed IDs are refused");
    let view = h.ok("current_session", json!({}));
    assert!(view["commitments"].as_array().unwrap().is_empty(), "nothing refused was saved");
}

#[test]
fn history_pages_records_and_statistics_answer_and_bad_ranges_are_refused() {
    let h = harness(Language::En);
    let id = h.ok("list_templates", json!({}))[0]["id"].clone();
    h.ok("start_session", json!({ "templateId": id }));
    h.ok("abandon_session", json!({}));
    let found = h.ok("history_page", json!({ "query": { "limit": 10, "text": "NEAR(\"" } }));
    assert_eq!(found["sessions"], json!([]), "FTS syntax is searched as words");
    let page = h.ok("history_page", json!({ "query": { "limit": 10, "text": "?!" } }));
    assert_eq!(page["sessions"].as_array().unwrap().len(), 1, "text with nothing to search narrows nothing");
    assert_eq!(page["next"], Value::Null);
    let id = page["sessions"][0]["id"].clone();
    let record = h.ok("session_record", json!({ "id": id }));
    assert_eq!(record["phases"][0]["kind"], "commitment");
    let facets = h.ok("history_facets", json!({}));
    assert_eq!(facets, json!({ "tags": [], "rooms": [] }));
    let stats = h.ok("statistics", json!({ "first": "2026-11-01", "last": "2026-11-30" }));
    assert_eq!(stats["days"].as_array().unwrap().len(), 30);
    let err = h.call("statistics", json!({ "first": "2026-11-30", "last": "2026-11-01" })).unwrap_err();
    assert_eq!(
        (err["code"].as_str(), err["message"].as_str()),
        (Some("invalid_input"), Some("The range ends before it begins."))
    );
    let err = h.call("statistics", json!({ "first": "2000-01-01", "last": "2026-11-01" })).unwrap_err();
    assert_eq!(err["message"], "A range spans at most 1098 days.");
    assert!(h.call("statistics", json!({ "first": "2026-02-30", "last": "2026-03-01" })).is_err(), "no such day");
    assert!(h.call("history_page", json!({ "query": { "outcome": "maybe" } })).is_err(), "no such outcome");
}

#[test]
fn settings_are_kept_take_effect_at_once_and_bad_values_are_refused() {
    let h = harness(Language::En);
    let first = h.ok("settings", json!({}));
    assert_eq!(first["settings"]["sleepMode"], "keep_wall_clock", "the default");
    assert_eq!(first["settings"]["keepInTray"], true);
    assert_eq!(first["settings"]["startAtLogin"], false);
    assert_eq!(first["language"], "en");

    let saved = h.ok("change_setting", json!({ "change": { "sleepMode": "pause_while_asleep" } }));
    assert_eq!(saved["settings"]["sleepMode"], "pause_while_asleep");
    h.settle();
    assert!(h.events.lock().unwrap().contains(&"settings".to_owned()), "every window hears of the change");

    let german = h.ok("change_setting", json!({ "change": { "language": "de" } }));
    assert_eq!(german["language"], "de");
    let err = h.call("extend_phase", json!({ "minutes": 5 })).unwrap_err();
    assert_eq!(err["message"], "Gerade läuft keine Session.", "the shell speaks the chosen language at once");
    let names: Vec<_> =
        h.ok("list_templates", json!({})).as_array().unwrap().iter().map(|t| t["name"].clone()).collect();
    assert_eq!(names, ["Worktogether", "Pomodoro", "Kurzer Block"], "the built-ins follow the language");

    for bad in [
        json!({ "sleepMode": "hibernate" }),
        json!({ "theme": "purple" }),
        json!({ "defaultTemplate": "0190a0a0-0000-7000-8000-000000000000" }),
        json!({ "shortcut": "x".repeat(61) }),
        json!({ "sound": "loud" }),
    ] {
        assert!(h.call("change_setting", json!({ "change": bad })).is_err(), "{bad} is refused");
    }
    let err = h.call("change_setting", json!({ "change": { "shortcut": "Ctrl+W+Alt" } })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"].as_str().unwrap().contains("„Ctrl+W+Alt“ ist kein Tastenkürzel"), "{err}");
    // Without the desktop integrations (unit tests), both say so rather than pretend.
    let err = h.call("change_setting", json!({ "change": { "shortcut": "Ctrl+Alt+W" } })).unwrap_err();
    assert_eq!(err["message"], "Globale Tastenkürzel gibt es auf diesem Desktop nicht.");
    let err = h.call("change_setting", json!({ "change": { "startAtLogin": true } })).unwrap_err();
    assert_eq!(err["message"], "Der Start bei der Anmeldung ist auf diesem System nicht verfügbar.");
    h.ok("change_setting", json!({ "change": { "shortcut": null } }));
    let after = h.ok("settings", json!({}));
    assert_eq!(after["shortcutSupported"], false);
    assert_eq!(after["settings"]["startAtLogin"], false);
    assert_eq!(after["settings"]["shortcut"], Value::Null);
    assert_eq!(after["settings"]["sleepMode"], "pause_while_asleep", "refusals change nothing");
    assert_eq!(after["settings"]["theme"], "system");
    assert_eq!(after["settings"]["defaultTemplateId"], first["settings"]["defaultTemplateId"]);
}

#[test]
fn actions_from_outside_the_window_run_the_ritual() {
    use tauri::Manager;
    use worktogether_core::app::{Action as A, Answer, TemplateChoice};
    let h = harness(Language::En);
    let app = h.app.handle();
    let state = app.state::<AppState>();
    let apply = |action| match state.apply(app, action) {
        Ok(Answer::Session(view)) => Ok(*view),
        Ok(other) => panic!("a session action answers with the session, not {other:?}"),
        Err(e) => Err(e),
    };
    let pomodoro = h.ok("list_templates", json!({}))[1]["id"].clone();
    h.ok("change_setting", json!({ "change": { "defaultTemplate": pomodoro } }));

    let view = apply(A::Toggle).expect("toggle with nothing running starts the default template");
    assert_eq!(view.template_name, "Pomodoro");
    assert!(apply(A::Start { template: TemplateChoice::Default }).is_err(), "one session at a time");
    assert_eq!(apply(A::Skip).unwrap().phase.unwrap().kind.as_str(), "focus");
    assert_eq!(apply(A::Toggle).unwrap().status.as_str(), "paused");
    assert_eq!(apply(A::Toggle).unwrap().status.as_str(), "running");
    let err = apply(A::Extend { minutes: 61 }).unwrap_err();
    assert_eq!(err.message, "You can extend a phase by 1 to 60 minutes.");
    assert_eq!(apply(A::Stop).unwrap().phase.unwrap().kind.as_str(), "closing");
    h.ok("abandon_session", json!({}));

    let err = apply(A::Start { template: TemplateChoice::Name("Nap time".into()) }).unwrap_err();
    assert_eq!(err.message, "There is no template called “Nap time”.");
    let view = apply(A::Start { template: TemplateChoice::Name(" short BLOCK ".into()) }).unwrap();
    assert_eq!(view.template_name, "Short block", "names match ignoring case and spaces");
}

#[test]
fn the_tray_menu_starts_pauses_and_ends_a_session() {
    use crate::tray::{TrayCommand, handle};
    use tauri::Manager;
    let h = harness(Language::En);
    let app = h.app.handle();
    let kind = || h.ok("current_session", json!({}))["phase"]["kind"].clone();

    handle(app, &TrayCommand::Start.id());
    assert_eq!(kind(), "commitment", "Start session starts the default template");
    assert!(app.get_webview_window("commitment").is_some(), "its commitment round comes up compact");
    handle(app, &TrayCommand::Skip.id());
    assert_eq!(kind(), "focus");
    // (That the compact round then closes needs a running event loop: the e2e tests see it.)
    handle(app, &TrayCommand::Pause.id());
    assert_eq!(h.ok("current_session", json!({}))["status"], "paused");
    handle(app, &TrayCommand::Pause.id()); // refused (already paused): logged, nothing changes
    handle(app, &TrayCommand::Resume.id());
    assert_eq!(h.ok("current_session", json!({}))["status"], "running");
    handle(app, &TrayCommand::End.id());
    assert_eq!(kind(), "closing", "End session goes to the closing round");
    handle(app, "start-from:not-a-template");
    handle(app, "launch-rockets");
    assert_eq!(kind(), "closing", "unknown items change nothing");

    h.ok("abandon_session", json!({}));
    let short = h.ok("list_templates", json!({}))[2]["id"].as_str().unwrap().parse().unwrap();
    handle(app, &TrayCommand::StartFrom(short).id());
    assert_eq!(h.ok("current_session", json!({}))["templateName"], "Short block", "Start from ▸ uses that template");
}

#[test]
fn the_ui_gets_one_catalog_with_the_first_screen_and_the_other_on_a_switch() {
    let h = harness(Language::De);
    let first = h.ok("first_screen", json!({ "since": "2026-11-25T00:00:00Z" }));
    assert_eq!(first["settings"]["language"], "de");
    assert_eq!(first["catalog"]["nav.settings"], "Einstellungen", "the messages of the language shown");
    let en = h.ok("catalog", json!({ "language": "en" }));
    assert_eq!(en["nav.settings"], "Settings");
    let keys = |c: &Value| c.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&en), keys(&first["catalog"]), "both catalogs have the same keys");
    for language in [json!("fr"), json!(""), json!(null)] {
        assert!(h.call("catalog", json!({ "language": language })).is_err(), "{language} is not offered");
    }
}

#[test]
fn without_its_database_the_first_screen_says_why() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // What start-up does when the data folder is a file: the open fails, the message is kept.
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "not a folder").expect("a file");
    let error = AppState::open(&blocked, Language::De).err().expect("no database inside a file");
    let message = crate::i18n::Catalog::new(Language::De)
        .t("error.databaseUnavailable", &[("dir", blocked.display().to_string()), ("reason", error.to_string())]);
    assert!(message.starts_with("Worktogether kann seine Datenbank in"), "German for a German system: {message}");
    let h = harness_on(dir, StateSource::Unavailable(message.clone()));

    let refused = h.call("first_screen", json!({ "since": "2026-12-02T00:00:00Z" })).expect_err("no first screen");
    assert_eq!(refused["code"], "storage", "the UI shows the message of a storage error as it is");
    assert_eq!(refused["message"], message.as_str(), "the person reads where and why, in their language");
    // The page around the message still gets its words.
    assert!(h.ok("catalog", json!({ "language": "de" }))["nav.home"].is_string());
    // Commands that need the database are refused, not a crash.
    assert!(h.call("list_templates", json!({})).is_err(), "no database, no templates");
}

/// A computer that was asleep since `from`, found at the next look, once.
struct SleptSince(Option<worktogether_core::Timestamp>);

impl crate::sleep::SleepWatch for SleptSince {
    fn check(&mut self, _now: worktogether_core::Timestamp) -> Option<worktogether_core::Timestamp> {
        self.0.take()
    }
    fn reset(&mut self) {}
}

#[test]
fn an_action_right_after_waking_comes_after_the_sleep() {
    use tauri::Manager;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let state = AppState::open(dir.path(), Language::En).expect("a fresh database opens");
    let database = state.database_path.clone();
    let h = harness_on(dir, StateSource::Ready(Box::new(state)));
    let templates = h.ok("list_templates", json!({}));
    h.ok("start_session", json!({ "templateId": templates[2]["id"] }));
    h.ok("skip_phase", json!({}));
    // The lid closes during focus and opens again; the person pauses before the ticker's
    // next look (the ticker does not run on the mock runtime, so only the action can see it).
    let fell_asleep = crate::state::now();
    std::thread::sleep(std::time::Duration::from_millis(30));
    h.app.state::<AppState>().watch_sleep_with(Box::new(SleptSince(Some(fell_asleep))));
    h.ok("pause_session", json!({ "note": "just woke up" }));

    let db = rusqlite::Connection::open(&database).expect("the app's database");
    let pauses: Vec<(String, String)> = db
        .prepare("SELECT kind, started_at FROM pauses ORDER BY seq")
        .and_then(|mut q| q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("the pauses");
    let kinds: Vec<&str> = pauses.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["sleep", "interruption"], "the sleep is recorded, and before the pause the person made");
    let from = chrono::DateTime::parse_from_rfc3339(&pauses[0].1).expect("an RFC 3339 time");
    assert!(
        (from.timestamp_millis() - fell_asleep.timestamp_millis()).abs() <= 1,
        "the sleep starts when the computer fell asleep ({fell_asleep}), not when it was noticed ({from})"
    );
}

#[test]
fn a_moved_clock_ends_a_fifty_minute_focus_block_at_once() {
    use tauri::Manager;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let clock = Box::new(crate::clock::MovedClock::default());
    let state = AppState::open_with_clock(dir.path(), Language::En, clock).expect("a fresh database opens");
    let h = harness_on(dir, StateSource::Ready(Box::new(state)));
    // The mock runtime runs no setup hook: the ticker is started as the app starts it.
    tauri::async_runtime::spawn(crate::ticker::run(h.app.handle().clone()));
    let worktogether = h.ok("list_templates", json!({}))[0]["id"].clone();
    h.ok("start_session", json!({ "templateId": worktogether }));
    let focus = h.ok("skip_phase", json!({}));
    assert_eq!((&focus["phase"]["kind"], &focus["phase"]["durationSecs"]), (&json!("focus"), &json!(3000)));
    h.settle();
    let changes_before = h.events.lock().unwrap().iter().filter(|e| *e == "phase-changed").count();

    let state = h.app.state::<AppState>();
    assert!(state.advance_clock(chrono::TimeDelta::minutes(50)), "a test clock moves");
    // The ticker wakes for the moved clock, sees the deadline passed and says so.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        h.settle();
        let changes = h.events.lock().unwrap().iter().filter(|e| *e == "phase-changed").count();
        if changes > changes_before {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the ticker did not move the session on within 10 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let db = rusqlite::Connection::open(&state.database_path).expect("the app's database");
    let kinds: Vec<String> = db
        .prepare("SELECT kind FROM phase_runs ORDER BY seq")
        .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
        .expect("the phase runs");
    assert_eq!(kinds, ["commitment", "focus", "break"], "the break was stored by the ticker, not by a read");
}

#[test]
fn the_ticker_sleeps_until_the_deadline_and_not_at_all_while_nothing_ends_by_time() {
    let h = harness(Language::En);
    let quick = h.ok("list_templates", json!({}))[2]["id"].clone();
    h.ok("start_session", json!({ "templateId": quick }));
    let look = |view: serde_json::Value| {
        let view: worktogether_core::SessionView = serde_json::from_value(view).expect("a session view");
        let deadline = view.phase.as_ref().expect("a phase").deadline;
        (crate::ticker::next_look(&view), deadline)
    };
    let (next, deadline) = look(h.ok("skip_phase", json!({})));
    assert_eq!(next, Some(deadline + chrono::TimeDelta::milliseconds(20)), "just past the deadline");
    let (paused, _) = look(h.ok("pause_session", json!({ "note": null })));
    assert_eq!(paused, None, "a paused phase waits for resume");
}

/// Starts a session of the first template with one commitment and abandons it.
fn abandoned_session(h: &Harness, text: &str) {
    let id = h.ok("list_templates", json!({}))[0]["id"].clone();
    h.ok("start_session", json!({ "templateId": id }));
    h.ok("add_commitment", json!({ "draft": { "text": text, "tag": "ACME", "estimateMinutes": null } }));
    h.ok("abandon_session", json!({}));
}

fn commitment_texts(h: &Harness) -> Vec<Value> {
    let sessions = h.ok("list_sessions", json!({ "since": null, "limit": 10 }));
    sessions.as_array().unwrap().iter().map(|s| s["commitments"][0]["text"].clone()).collect()
}

#[test]
fn a_restored_backup_replaces_the_data_and_every_window_follows() {
    let h = harness(Language::En);
    abandoned_session(&h, "Before the backup");
    let made = h.ok("make_backup", json!({}));
    assert!(made["id"].as_str().unwrap().starts_with("worktogether-"), "{made}");
    assert!(made["size"].as_f64().unwrap() > 0.0);
    assert_eq!(h.ok("list_backups", json!({})), json!([made.clone()]));

    abandoned_session(&h, "After the backup");
    h.ok("change_setting", json!({ "change": { "theme": "dark" } }));
    h.ok("change_setting", json!({ "change": { "language": "de" } }));
    h.settle();
    h.events.lock().unwrap().clear();

    let done = h.ok("restore_backup", json!({ "name": made["id"] }));
    assert_eq!(done["restored"]["id"], made["id"]);
    let listed = h.ok("list_backups", json!({}));
    assert_eq!(listed.as_array().unwrap().len(), 2, "the replaced data is one more backup: {listed}");
    assert_eq!(listed[0]["id"], done["kept"]["id"], "newest first");
    assert_eq!(commitment_texts(&h), [json!("Before the backup")]);
    let settings = h.ok("settings", json!({}));
    assert_eq!((&settings["settings"]["theme"], &settings["language"]), (&json!("system"), &json!("en")));
    let err = h.call("extend_phase", json!({ "minutes": 5 })).unwrap_err();
    assert_eq!(err["message"], "No session is running.", "the shell speaks the restored language");
    h.settle();
    let events = h.events.lock().unwrap().clone();
    assert!(events.contains(&"settings".to_owned()) && events.contains(&"session".to_owned()), "{events:?}");

    // Restoring the kept backup brings the later data back.
    h.ok("restore_backup", json!({ "name": done["kept"]["id"] }));
    assert_eq!(commitment_texts(&h), [json!("After the backup"), json!("Before the backup")]);

    // Refused: names that are no backup's, and any restore while a session is in progress.
    for name in
        ["../worktogether.sqlite3", "worktogether.sqlite3", "/etc/passwd", "worktogether-2026-01-01T000000Z.sqlite3"]
    {
        let err = h.call("restore_backup", json!({ "name": name })).unwrap_err();
        assert_eq!(err["code"], "not_found", "{name}: {err}");
    }
    let id = h.ok("list_templates", json!({}))[0]["id"].clone();
    h.ok("start_session", json!({ "templateId": id }));
    let err = h.call("restore_backup", json!({ "name": made["id"] })).unwrap_err();
    assert_eq!(err["code"], "wrong_state", "{err}");
    assert_eq!(h.ok("list_backups", json!({})).as_array().unwrap().len(), 3, "no extra backup for a refusal");
    assert!(h.ok("current_session", json!({})).is_object(), "the session goes on");
}

#[test]
fn an_export_goes_into_the_exports_folder_and_never_over_a_file() {
    use tauri::Manager;
    let h = harness(Language::De);
    let exports = tempfile::tempdir().expect("a temporary directory");
    h.app.manage(crate::data_commands::ExportFolder(exports.path().to_path_buf()));
    abandoned_session(&h, "Angebot, Entwurf");

    let first = h
        .ok("export_history", json!({ "request": { "format": "commitments", "from": null, "to": null, "tag": null } }));
    let name = first["fileName"].as_str().unwrap().to_owned();
    assert!(name.starts_with("worktogether-commitments-") && name.ends_with(".csv"), "{first}");
    assert_eq!(first["count"], 1);
    assert_eq!(first["folder"], exports.path().display().to_string());
    let text = std::fs::read_to_string(exports.path().join(&name)).unwrap();
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap_or_default().to_owned();
    assert!(header.contains(';'), "German: semicolons for German Excel: {header}");
    assert!(text.contains(";Angebot, Entwurf;ACME;"), "{text}");

    let again = h.ok(
        "export_history",
        json!({ "request": { "format": "commitments", "from": null, "to": null, "tag": "acme" } }),
    );
    assert_eq!(again["fileName"], name.replace(".csv", " (2).csv"), "never over the first");
    let report =
        h.ok("export_history", json!({ "request": { "format": "markdown", "from": null, "to": null, "tag": null } }));
    assert!(report["fileName"].as_str().unwrap().ends_with(".md") && report["count"].is_null(), "{report}");
    let backup =
        h.ok("export_history", json!({ "request": { "format": "json", "from": null, "to": null, "tag": null } }));
    assert_eq!(backup["count"], 1, "the one session");
    assert_eq!(std::fs::read_dir(exports.path()).unwrap().count(), 4, "four files, no temporary one left");

    let err = h
        .call(
            "export_history",
            json!({ "request": { "format": "sessions", "from": "2026-12-03", "to": "2026-12-01", "tag": null } }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
    assert!(
        h.call("export_history", json!({ "request": { "format": "pdf", "from": null, "to": null, "tag": null } }))
            .is_err()
    );
    let err = h.call("show_export", json!({ "path": "/etc/passwd" })).unwrap_err();
    assert_eq!(err["code"], "invalid_input", "only an export is shown: {err}");
}

#[test]
fn a_video_link_opens_only_for_a_room_that_has_one() {
    for (language, words) in [(Language::En, "no video-call link"), (Language::De, "keinen Videocall-Link")] {
        let h = harness(language);
        let err = h.call("open_video_link", json!({ "membershipId": uuid::Uuid::now_v7() })).unwrap_err();
        assert_eq!(err["code"], "invalid_input", "{err}");
        assert!(err["message"].as_str().unwrap().contains(words), "{err}");
        assert!(h.call("open_video_link", json!({ "membershipId": "not an id" })).is_err());
    }
}

#[test]
fn a_json_backup_from_the_exports_folder_is_imported_once_and_a_bad_one_changes_nothing() {
    use tauri::Manager;
    let exports = tempfile::tempdir().expect("a temporary directory");
    let other = harness(Language::En);
    other.app.manage(crate::data_commands::ExportFolder(exports.path().to_path_buf()));
    abandoned_session(&other, "On the other computer");
    let backup =
        other.ok("export_history", json!({ "request": { "format": "json", "from": null, "to": null, "tag": null } }));
    let text = std::fs::read_to_string(backup["path"].as_str().unwrap()).unwrap();
    std::fs::write(exports.path().join("worktogether-broken.json"), &text[..text.len() / 2]).unwrap();
    std::fs::write(exports.path().join("notes.txt"), "").unwrap();
    std::fs::create_dir(exports.path().join("worktogether-folder.json")).unwrap();

    let h = harness(Language::En);
    h.app.manage(crate::data_commands::ExportFolder(exports.path().to_path_buf()));
    abandoned_session(&h, "Already here");
    let listed = h.ok("list_importable", json!({}));
    let mut names: Vec<_> = listed.as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, [backup["fileName"].as_str().unwrap(), "worktogether-broken.json"], "{listed}");

    // Refused with a message, and nothing changes.
    let path = |name: &str| exports.path().join(name).display().to_string();
    for (file, code, said) in [
        (path("gone.json"), "not_found", "There is no file at"),
        (path("worktogether-folder.json"), "invalid_input", "is a folder"),
        (path("notes.txt"), "invalid_input", "is not a JSON file"),
        (path("worktogether-broken.json"), "invalid_input", "ends too early"),
        ("worktogether-broken.json".to_owned(), "invalid_input", "not a whole path"),
    ] {
        let err = h.call("import_backup", json!({ "path": file })).unwrap_err();
        assert_eq!(err["code"], code, "{file}: {err}");
        assert!(err["message"].as_str().unwrap().contains(said), "{file}: {err}");
    }
    assert_eq!(commitment_texts(&h), [json!("Already here")]);

    h.settle();
    h.events.lock().unwrap().clear();
    let report = h.ok("import_backup", json!({ "path": backup["path"] }));
    assert_eq!(report["sessions"], json!({ "added": 1, "present": 0 }), "{report}");
    assert_eq!(report["commitments"], json!({ "added": 1, "present": 0 }), "{report}");
    assert!(report["lines"][0].as_str().unwrap().starts_with("Imported 1 session, 1 commitment"), "{report}");
    let mut texts = commitment_texts(&h);
    texts.sort_by_key(ToString::to_string);
    assert_eq!(texts, [json!("Already here"), json!("On the other computer")]);
    h.settle();
    assert!(h.events.lock().unwrap().contains(&"session".to_owned()), "the windows follow");

    // Again, with a session in progress (allowed: the backup's sessions are over): nothing new.
    let id = h.ok("list_templates", json!({}))[0]["id"].clone();
    h.ok("start_session", json!({ "templateId": id }));
    let again = h.ok("import_backup", json!({ "path": backup["path"] }));
    assert_eq!(again["sessions"], json!({ "added": 0, "present": 1 }), "{again}");
    assert_eq!(again["lines"][0], "Nothing was added: 1 session was already there.", "{again}");
    assert!(h.ok("current_session", json!({})).is_object(), "the session goes on");
}

/// Polls `read` until it is `Some`, for up to ten seconds.
fn eventually<T>(what: &str, mut read: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(found) = read() {
            return found;
        }
        assert!(std::time::Instant::now() < deadline, "{what} did not happen within 10 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_work_block_reminds_once_on_the_moved_clock_again_after_a_snooze_and_its_start_holds_it() {
    use tauri::Manager;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let clock = Box::new(crate::clock::MovedClock::default());
    let state = AppState::open_with_clock(dir.path(), Language::En, clock).expect("a fresh database opens");
    let h = harness_on(dir, StateSource::Ready(Box::new(state)));
    tauri::async_runtime::spawn(crate::schedule::reminders::run(h.app.handle().clone()));
    let state = h.app.state::<AppState>();
    // A one-off block 30 minutes from now, in the person's zone, reminding 10 minutes before.
    let zone = crate::zone::person_zone();
    let start = (state.now() + chrono::TimeDelta::minutes(30)).with_timezone(&zone);
    let minute = chrono::Timelike::hour(&start) * 60 + chrono::Timelike::minute(&start);
    let day = start.date_naive();
    let draft = json!({
        "title": "Angebot schreiben", "templateId": null,
        "recurrence": { "first": day, "repeat": { "every": "once" }, "ends": { "ends": "never" } },
        "startMinute": minute, "lengthMinutes": 60, "expectedMinutes": null, "remindMinutes": 10
    });
    let preview = h.ok("preview_block", json!({ "draft": draft }));
    assert_eq!(preview.as_array().unwrap().len(), 1, "a one-off happens once: {preview}");
    let block = h.ok("save_block", json!({ "id": null, "draft": draft }));
    let at = json!({ "blockId": block["id"], "day": day });
    let db = rusqlite::Connection::open(&state.database_path).expect("the app's database");
    let reminded = || -> Option<String> {
        db.query_row("SELECT reminded_at FROM block_days WHERE block_id = ?1", [block["id"].as_str().unwrap()], |r| {
            r.get(0)
        })
        .ok()
        .flatten()
    };
    assert_eq!(reminded(), None);

    // Twenty-one minutes later the reminder is due; the task wakes for the moved clock.
    assert!(state.advance_clock(chrono::TimeDelta::minutes(21)));
    crate::schedule::reminders::wake(h.app.handle());
    let first = eventually("the reminder", reminded);
    state.advance_clock(chrono::TimeDelta::minutes(1));
    crate::schedule::reminders::wake(h.app.handle());
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(reminded(), Some(first.clone()), "once");

    // Snoozed for 15 minutes: again after them.
    h.ok("snooze_block", json!({ "at": at, "minutes": 15 }));
    state.advance_clock(chrono::TimeDelta::minutes(16));
    crate::schedule::reminders::wake(h.app.handle());
    eventually("the reminder after the snooze", || reminded().filter(|r| *r != first));

    // Moved an hour later and back, as the week's move form sends it.
    let later =
        (start + chrono::TimeDelta::hours(1)).with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:00Z").to_string();
    h.ok("change_occurrence", json!({ "at": at, "exception": { "change": "move", "to": later, "lengthMinutes": 45 } }));
    let week = h.ok("schedule", json!({ "from": day, "days": 2 }));
    assert_eq!((&week["occurrences"][0]["moved"], &week["occurrences"][0]["startsAt"]), (&json!(true), &json!(later)));
    h.ok("change_occurrence", json!({ "at": at, "exception": null }));

    // Its start holds it: the session runs from the default template, and the week says so.
    let view = h.ok("start_block", json!({ "at": at }));
    assert_eq!(view["phase"]["kind"], "commitment");
    let week = h.ok("schedule", json!({ "from": day, "days": 7 }));
    assert_eq!(week["occurrences"][0]["state"], "held", "{week}");
    assert_eq!(week["blocks"].as_array().unwrap().len(), 1);

    // Bad input is refused with a message, and nothing changes.
    let mut impossible = draft.clone();
    impossible["recurrence"]["repeat"] = json!({ "every": "years", "interval": 1, "month": 2, "day": 30 });
    let refused = h.call("save_block", json!({ "id": null, "draft": impossible })).unwrap_err();
    assert_eq!(refused["message"], "Month 2 never has a day 30: choose a day the month has.");
    let mut short_window = draft.clone();
    short_window["expectedMinutes"] = json!(90);
    let refused = h.call("preview_block", json!({ "draft": short_window })).unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    let unknown = h.call("save_block", json!({ "id": null, "draft": { "title": "x" } })).unwrap_err();
    assert!(unknown.to_string().contains("recurrence"), "{unknown}");
    assert_eq!(h.ok("schedule", json!({ "from": day, "days": 7 }))["blocks"].as_array().unwrap().len(), 1);
}

#[test]
fn the_budget_says_time_to_stop_once_when_today_s_focus_reaches_it() {
    use tauri::Manager;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let clock = Box::new(crate::clock::MovedClock::default());
    let state = AppState::open_with_clock(dir.path(), Language::De, clock).expect("a fresh database opens");
    let h = harness_on(dir, StateSource::Ready(Box::new(state)));
    tauri::async_runtime::spawn(crate::schedule::reminders::run(h.app.handle().clone()));
    let state = h.app.state::<AppState>();
    let refused =
        h.call("change_setting", json!({ "change": { "dailyBudget": [1000, 0, 0, 0, 0, 0, 0] } })).unwrap_err();
    assert_eq!(refused["message"], "Ein Tagesbudget hat 0 bis 16 Stunden.");
    h.ok("change_setting", json!({ "change": { "dailyBudget": [2, 2, 2, 2, 2, 2, 2] } }));
    let worktogether = h.ok("list_templates", json!({}))[0]["id"].clone();
    h.ok("start_session", json!({ "templateId": worktogether }));
    h.ok("skip_phase", json!({}));
    let db = rusqlite::Connection::open(&state.database_path).expect("the app's database");
    let noticed = || -> Option<String> {
        db.query_row("SELECT value FROM settings WHERE key = 'budget_notice_day'", [], |r| r.get(0)).ok()
    };
    assert_eq!(noticed(), None, "not before the budget is reached");
    state.advance_clock(chrono::TimeDelta::minutes(3));
    crate::schedule::reminders::wake(h.app.handle());
    let today = crate::zone::person_zone();
    let expected = format!("\"{}\"", worktogether_core::stats::local_day(today, state.now()));
    assert_eq!(eventually("the budget's notice", noticed), expected);
}
