//! The command line, as a person runs it: the real `worktogether` binary against a database
//! in a temporary directory, with no app running and no display (as over SSH). Sessions are
//! seeded with the core crate, or run from the terminal alone; what the commands changed is
//! read back with the core crate.
//! (Against the running app: tests/e2e/tests/cli.rs.) Unix only: it plays a crashed app's socket.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use worktogether_core::store::DATABASE_FILE;
use worktogether_core::{
    CommitmentDraft, LanguageChoice, Outcome, OutcomeEntry, PhaseKind, PlannedPhase, SessionStatus, SessionView,
    SettingChange, Store, TemplateDraft,
};

fn now() -> worktogether_core::Timestamp {
    chrono::Utc::now()
}

/// The binary with a clean environment: this data directory, this locale, no display.
fn command(data_dir: &Path, locale: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_worktogether"));
    cmd.env("WORKTOGETHER_DATA_DIR", data_dir)
        .env("LC_ALL", locale)
        .env("LANG", locale)
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        // Nothing here may reach a desktop: `start` must find no display to open the app on.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::null());
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(data_dir: &Path, locale: &str, args: &[&str]) -> Run {
    let Output { status, stdout, stderr } = command(data_dir, locale).args(args).output().expect("the binary runs");
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("UTF-8"),
        stderr: String::from_utf8(stderr).expect("UTF-8"),
    }
}

fn run(data_dir: &Path, args: &[&str]) -> Run {
    run_in(data_dir, "en_US.UTF-8", args)
}

fn open(data_dir: &Path) -> Store {
    Store::open(&data_dir.join(DATABASE_FILE)).expect("the database opens")
}

/// A session in its commitment round (10 min), then focus 50 min, break 10, closing 10.
fn seed_session(data_dir: &Path) -> SessionView {
    let mut store = open(data_dir);
    let phases =
        [(PhaseKind::Commitment, 600), (PhaseKind::Focus, 3000), (PhaseKind::Break, 600), (PhaseKind::Closing, 600)]
            .map(|(kind, duration_secs)| PlannedPhase { kind, duration_secs })
            .to_vec();
    let template = store.save_template(TemplateDraft { id: None, name: "Seeded".into(), phases }, now()).unwrap();
    store.start_session(template.id, now()).unwrap()
}

fn current(data_dir: &Path) -> Option<SessionView> {
    open(data_dir).current_session(now()).unwrap()
}

/// Everything `status` depends on, to compare before and after a refused command.
fn snapshot(data_dir: &Path) -> String {
    let store = open(data_dir);
    let mut view = store.current_session(now()).unwrap();
    if let Some(v) = view.as_mut() {
        // Remaining time moves on between two readings; the rest must not.
        v.as_of = v.started_at;
        if let Some(p) = v.phase.as_mut() {
            p.remaining_secs = 0;
        }
    }
    format!("{view:?}")
}

#[test]
fn status_without_any_session() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("never-used");
    let r = run(&missing, &["status"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "No session is running.\n"), "stderr: {}", r.stderr);
    assert!(!missing.exists(), "asking for the status creates nothing");

    let r = run_in(&missing, "de_DE.UTF-8", &["status"]);
    assert_eq!(r.stdout, "Gerade läuft keine Session.\n", "German on a German system");

    let r = run(&missing, &["status", "--json"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout.lines().count(), 1, "one line for the status bar: {}", r.stdout);
    let line: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        line,
        serde_json::json!({"text": "", "tooltip": "No session is running.", "class": "idle", "percentage": 0})
    );
}

#[test]
fn status_of_a_running_session() {
    let dir = tempfile::tempdir().unwrap();
    seed_session(dir.path());
    let r = run(dir.path(), &["status"]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "phase and time, then template and commitments: {lines:?}");
    assert!(lines[0].starts_with("Commitment round · ") && lines[0].contains(" left (until "), "{lines:?}");
    assert_eq!(lines[1], "Seeded · 0 commitments");

    let r = run(dir.path(), &["status", "--json"]);
    let line: Value = serde_json::from_str(&r.stdout).unwrap();
    let mut keys: Vec<&str> = line.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["class", "percentage", "text", "tooltip"], "the fields waybar and polybar read");
    assert_eq!(line["class"], "commitment");
    assert!(line["text"].as_str().unwrap().starts_with("Commitment round "), "{line}");
    assert!(line["percentage"].as_u64().unwrap() <= 100);
}

#[test]
fn the_chosen_language_wins_over_the_system() {
    let dir = tempfile::tempdir().unwrap();
    seed_session(dir.path());
    open(dir.path()).change_setting(SettingChange::Language(LanguageChoice::De)).unwrap();
    let r = run_in(dir.path(), "en_US.UTF-8", &["status"]);
    assert!(r.stdout.starts_with("Commitment-Runde · noch "), "the person chose German in the settings: {}", r.stdout);
    let r = run_in(dir.path(), "en_US.UTF-8", &["skip", "now"]);
    assert!(r.stderr.contains("„skip“ nimmt kein „now“"), "usage errors in German too: {}", r.stderr);
}

#[test]
fn session_commands_change_the_saved_session_while_the_app_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    seed_session(dir.path());
    let offline = "Worktogether is not open";

    let r = run(dir.path(), &["pause", "--note", "page 3"]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(r.stdout.contains("paused since") && r.stdout.contains("Where you left off: page 3"), "{}", r.stdout);
    assert!(r.stderr.contains(offline), "says the app is not open, so no notification comes: {}", r.stderr);
    let view = current(dir.path()).unwrap();
    assert_eq!((view.status, view.pause_note.as_deref()), (SessionStatus::Paused, Some("page 3")));

    let r = run(dir.path(), &["resume"]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert_eq!(current(dir.path()).unwrap().status, SessionStatus::Running);

    let before = current(dir.path()).unwrap().phase.unwrap();
    let r = run(dir.path(), &["extend"]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let after = current(dir.path()).unwrap().phase.unwrap();
    assert_eq!(after.duration_secs, before.duration_secs + 300, "extend without a number adds 5 minutes");
    run(dir.path(), &["extend", "2"]);
    assert_eq!(current(dir.path()).unwrap().phase.unwrap().duration_secs, before.duration_secs + 420);

    let r = run(dir.path(), &["skip"]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(r.stdout.starts_with("Focus · "), "skipping the commitment round starts focus: {}", r.stdout);
    assert_eq!(current(dir.path()).unwrap().phase.unwrap().kind, PhaseKind::Focus);

    let r = run(dir.path(), &["stop"]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(r.stdout.starts_with("Closing round · "), "{}", r.stdout);
    assert_eq!(current(dir.path()).unwrap().phase.unwrap().kind, PhaseKind::Closing);
}

#[test]
fn refused_commands_say_why_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // No database at all: nothing runs, and nothing is created by asking.
    let r = run(dir.path(), &["pause"]);
    assert_eq!((r.code, r.stderr.as_str()), (1, "worktogether: No session is running.\n"));
    assert!(!dir.path().join(DATABASE_FILE).exists(), "a refused command creates no database");

    seed_session(dir.path());
    let cases: [(&[&str], &str); 3] = [
        (&["resume"], "The session is not paused."),
        (&["extend", "0"], "You can extend a phase by 1 to 60 minutes."),
        (&["extend", "61"], "You can extend a phase by 1 to 60 minutes."),
    ];
    for (args, message) in cases {
        let before = snapshot(dir.path());
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "`{args:?}` is refused by the core: {}", r.stderr);
        assert_eq!(r.stderr, format!("worktogether: {message}\n"), "`{args:?}`");
        assert_eq!(snapshot(dir.path()), before, "`{args:?}` was refused, so nothing changed");
    }
    let r = run_in(dir.path(), "de_DE.UTF-8", &["resume"]);
    assert_eq!(r.stderr, "worktogether: Die Session ist nicht pausiert.\n");
}

#[test]
fn wrong_arguments_print_the_usage_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    seed_session(dir.path());
    let before = snapshot(dir.path());
    let cases: [(&[&str], &str); 16] = [
        (&["begin"], "There is no command “begin”."),
        (&["--verbose"], "There is no option “--verbose”."),
        (&["extend", "five"], "MINUTES is a whole number of minutes, like 5; “five” is not."),
        (&["start", "--template"], "--template needs a value."),
        (&["status", "--jsn"], "“status” has no option “--jsn”."),
        (&["stop", "now"], "“stop” takes no “now”."),
        (&["commit"], "“commit” needs the text of your commitment, like: worktogether commit \"Write the offer\""),
        (
            &["commit", "Write", "the", "offer"],
            "Put your commitment in quotes, as one text: worktogether commit \"Write the offer\"",
        ),
        (&["commit", "Taxes", "--estimate", "abc"], "MINUTES is a whole number of minutes, like 5; “abc” is not."),
        (&["close", "--done"], "--done needs a value."),
        (
            &["close", "--done", "0"],
            "N is a commitment’s number as “worktogether commitments” shows it, like 1; “0” is not.",
        ),
        (
            &["close", "--done", "x"],
            "N is a commitment’s number as “worktogether commitments” shows it, like 1; “x” is not.",
        ),
        (
            &["close", "--done", "1", "--partly", "1,2"],
            "Commitment 1 is named more than once; give each commitment one outcome.",
        ),
        (
            &["close", "--rating", "9"],
            "RATING is how focused the session felt, a whole number from 1 to 5; “9” is not.",
        ),
        (&["abandon", "--force"], "“abandon” has no option “--force”."),
        (&["templates", "all"], "“templates” takes no “all”."),
    ];
    for (args, message) in cases {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 2, "`{args:?}` is a usage error: {}", r.stderr);
        assert!(r.stdout.is_empty(), "nothing on standard output for `{args:?}`: {}", r.stdout);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines[0], format!("worktogether: {message}"), "`{args:?}`");
        assert!(lines[1].starts_with("Usage: worktogether [start"), "the usage follows: {lines:?}");
        assert!(lines[2].contains("worktogether --help"), "and where to read more: {lines:?}");
    }
    let r = run_in(dir.path(), "de_DE.UTF-8", &["begin"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("worktogether: Einen Befehl „begin“ gibt es nicht.\nAufruf: worktogether"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(dir.path()), before, "wrong arguments change nothing");
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["help"], &["-h"], &["status", "--help"]] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 0, "`{args:?}`");
        for word in [
            "start [--template NAME]",
            "pause",
            "resume",
            "skip",
            "extend [MINUTES]",
            "stop",
            "status [--json] [--follow]",
            "commit TEXT [--tag TAG] [--estimate MINUTES]",
            "commitments",
            "close [--done N…] [--partly N…] [--not-done N…] [--note TEXT] [--rating RATING]",
            "abandon",
            "templates",
            "--version",
            "Exit codes",
        ] {
            assert!(r.stdout.contains(word), "the help documents {word:?}:\n{}", r.stdout);
        }
    }
    let r = run_in(dir.path(), "de_DE.UTF-8", &["--help"]);
    assert!(r.stdout.contains("Befehle:") && r.stdout.contains("extend [MINUTEN]"), "{}", r.stdout);
    let r = run(dir.path(), &["--version"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, concat!("worktogether ", env!("CARGO_PKG_VERSION"), "\n")));
    assert!(!dir.path().join(DATABASE_FILE).exists(), "help and version touch no database");
}

#[test]
fn a_broken_data_folder_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    for args in [&["status"][..], &["pause"]] {
        let r = run(&file, args);
        assert_eq!(r.code, 1, "`{args:?}`");
        assert!(r.stderr.contains("is not a folder"), "`{args:?}`: {}", r.stderr);
    }

    let garbage = dir.path().join("garbage");
    std::fs::create_dir(&garbage).unwrap();
    std::fs::write(garbage.join(DATABASE_FILE), "this is not SQLite, it only has its name").unwrap();
    for args in [&["status"][..], &["status", "--json"], &["skip"]] {
        let r = run(&garbage, args);
        assert_eq!(r.code, 1, "`{args:?}` on a damaged database: {}", r.stderr);
        assert!(
            r.stderr.starts_with("worktogether: Could not save, nothing was changed ("),
            "`{args:?}`: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    let bytes = std::fs::read(garbage.join(DATABASE_FILE)).unwrap();
    assert_eq!(bytes, b"this is not SQLite, it only has its name", "a damaged database is left as it was");
}

#[test]
fn a_socket_left_by_a_crashed_app_blocks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    seed_session(dir.path());
    // A socket file nobody listens on any more, as a killed app leaves it.
    drop(std::os::unix::net::UnixListener::bind(dir.path().join("control.sock")).unwrap());
    assert!(dir.path().join("control.sock").exists());
    let r = run(dir.path(), &["pause"]);
    assert_eq!(r.code, 0, "the app is not running, so the command applies to the database: {}", r.stderr);
    assert!(r.stderr.contains("Worktogether is not open"), "{}", r.stderr);
    assert_eq!(current(dir.path()).unwrap().status, SessionStatus::Paused);
}

#[test]
fn start_with_an_unknown_template_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    seed_session(dir.path());
    open(dir.path()).abandon_session(now()).unwrap();
    let r = run(dir.path(), &["start", "--template", "Nope"]);
    // Refused by the core in the saved data (with no display, start does not open the app).
    assert_eq!((r.code, r.stderr.as_str()), (1, "worktogether: There is no template called “Nope”.\n"));
    assert_eq!(current(dir.path()), None);
}

/// Runs a command that must succeed; returns what it printed on standard output.
fn ok(data_dir: &Path, args: &[&str]) -> String {
    let r = run(data_dir, args);
    assert_eq!(r.code, 0, "`{args:?}` succeeds: {}{}", r.stdout, r.stderr);
    r.stdout
}

#[test]
fn a_whole_session_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    // No display (as over SSH): start does not try to open the window, it starts the session
    // in the saved data, creating it with the built-in templates as the app would.
    let r = run(dir.path(), &["start"]);
    assert_eq!(r.code, 0, "stdout: {} stderr: {}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("Commitment round · "), "{}", r.stdout);
    assert!(r.stdout.contains("Worktogether · 0 commitments"), "the default template: {}", r.stdout);
    assert!(
        r.stderr.contains(
            "There is no display here, so Worktogether did not open: the session started in your saved data."
        ),
        "says where the session is: {}",
        r.stderr
    );
    assert!(r.stderr.contains("“worktogether commit”"), "and how to go on: {}", r.stderr);
    let started = current(dir.path()).expect("the session was saved");
    assert_eq!(started.phase.as_ref().unwrap().kind, PhaseKind::Commitment);

    let out = ok(dir.path(), &["commit", "Write the offer", "--tag", "Acme", "--estimate", "30"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Commitment round · "), "the session first: {lines:?}");
    assert_eq!(lines[1..], ["Worktogether · 1 commitment", "1. Write the offer · Acme · est. 30 min"]);
    let out = ok(dir.path(), &["commit", "--estimate=15", "Taxes"]);
    assert!(out.ends_with("1. Write the offer · Acme · est. 30 min\n2. Taxes · est. 15 min\n"), "{out}");
    assert_eq!(ok(dir.path(), &["commitments"]), "1. Write the offer · Acme · est. 30 min\n2. Taxes · est. 15 min\n");

    // Skip through the plan to the closing round.
    let mut skips = 0;
    while !ok(dir.path(), &["skip"]).starts_with("Closing round · ") {
        skips += 1;
        assert!(skips < 20, "the default template reaches its closing round");
    }
    let r = run(dir.path(), &["skip"]);
    assert_eq!(r.code, 1, "the closing round waits for the report: {}", r.stderr);

    let out = ok(dir.path(), &["close", "--done", "1", "--partly", "2", "--note", "a good start", "--rating", "4"]);
    assert_eq!(out, "Session closed: 1 done, 1 partly, 0 not done · 0 min focused\n", "every phase was skipped");
    assert_eq!(ok(dir.path(), &["status"]), "No session is running.\n");
    assert_eq!(ok(dir.path(), &["commitments"]), "No session is running.\n");

    let summary = open(dir.path()).session_summary(started.id, now()).unwrap();
    assert_eq!(summary.status, SessionStatus::Finished);
    let saved: Vec<_> = summary
        .commitments
        .iter()
        .map(|c| (c.text.as_str(), c.tag.as_deref(), c.estimate_minutes, c.outcome))
        .collect();
    assert_eq!(
        saved,
        [("Write the offer", Some("Acme"), Some(30), Outcome::Done), ("Taxes", None, Some(15), Outcome::Partly)]
    );
    assert_eq!((summary.overall_note.as_deref(), summary.focus_rating), (Some("a good start"), Some(4)));

    // A new session from the terminal; `start` again is refused while it runs.
    ok(dir.path(), &["start", "--template", "pomodoro"]);
    let r = run(dir.path(), &["start"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "worktogether: A session is already running. Finish or abandon it first.\n")
    );
}

/// A session in its closing round with two commitments, the second given an outcome,
/// a note and a feedback wish in the app's closing round.
fn seed_closing_round(data_dir: &Path) -> SessionView {
    seed_session(data_dir);
    let mut store = open(data_dir);
    for text in ["Write the offer", "Taxes"] {
        store.add_commitment(CommitmentDraft { text: text.into(), tag: None, estimate_minutes: None }, now()).unwrap();
    }
    let view = store.end_session_early(now()).unwrap().view;
    let entry = OutcomeEntry {
        commitment_id: view.commitments[1].id,
        outcome: Outcome::Partly,
        note: Some("half the receipts".into()),
        feedback_wanted: true,
    };
    store.draft_outcome(entry, now()).unwrap().view
}

#[test]
fn close_keeps_what_the_app_drafted_and_refuses_what_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let view = seed_closing_round(dir.path());
    assert_eq!(
        ok(dir.path(), &["commitments"]),
        "1. Write the offer\n2. Taxes · → Partly: half the receipts · feedback wanted\n",
        "the outcome drafted in the app shows"
    );
    let cases: [(&[&str], &str); 3] = [
        (&["close", "--done", "3"], "There is no commitment 3 in this session; “worktogether commitments” lists them."),
        (
            &["close"],
            "Give every commitment an outcome: done, partly or not done.\nStill without an outcome: 1. Name them after --done, --partly or --not-done.",
        ),
        (
            &["close", "--not-done", "2", "--rating", "3"],
            "Give every commitment an outcome: done, partly or not done.\nStill without an outcome: 1. Name them after --done, --partly or --not-done.",
        ),
    ];
    for (args, message) in cases {
        let before = snapshot(dir.path());
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "`{args:?}` is refused: {}", r.stderr);
        assert_eq!(r.stderr, format!("worktogether: {message}\n"), "`{args:?}`");
        assert!(r.stdout.is_empty());
        assert_eq!(snapshot(dir.path()), before, "`{args:?}` was refused, so nothing changed");
    }
    for args in
        [&["close", "--done", "0"][..], &["close", "--done", "x"], &["close", "--rating", "9"], &["close", "--done"]]
    {
        let before = snapshot(dir.path());
        let r = run(dir.path(), args);
        assert_eq!(r.code, 2, "`{args:?}` are wrong arguments: {}", r.stderr);
        assert_eq!(snapshot(dir.path()), before, "`{args:?}` changed nothing");
    }

    // Commitment 2 keeps its drafted outcome, note and feedback wish.
    assert_eq!(
        ok(dir.path(), &["close", "--done=1"]),
        "Session closed: 1 done, 1 partly, 0 not done · 0 min focused\n"
    );
    let summary = open(dir.path()).session_summary(view.id, now()).unwrap();
    let taxes = &summary.commitments[1];
    assert_eq!(
        (taxes.outcome, taxes.note.as_deref(), taxes.feedback_wanted),
        (Outcome::Partly, Some("half the receipts"), true)
    );
    assert_eq!((summary.overall_note, summary.focus_rating), (None, None));
    let r = run(dir.path(), &["close", "--done", "1"]);
    assert_eq!((r.code, r.stderr.as_str()), (1, "worktogether: No session is running.\n"));
}

#[test]
fn commit_refusals_are_the_core_s_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // No database: nothing runs, and nothing is created by asking.
    let r = run(dir.path(), &["commit", "Taxes"]);
    assert_eq!((r.code, r.stderr.as_str()), (1, "worktogether: No session is running.\n"));
    assert_eq!(ok(dir.path(), &["commitments"]), "No session is running.\n");
    assert!(!dir.path().join(DATABASE_FILE).exists(), "asking creates no database");

    seed_session(dir.path());
    assert_eq!(ok(dir.path(), &["commitments"]), "No commitments yet. Add one with: worktogether commit \"TEXT\"\n");
    let long = "x".repeat(501);
    let cases: [(&[&str], &str); 4] = [
        (&["commit", "   "], "Write down what you will work on."),
        (&["commit", "Taxes", "--estimate", "0"], "An estimate is 1 to 480 minutes."),
        (&["commit", "Taxes", "--estimate", "481"], "An estimate is 1 to 480 minutes."),
        (&["commit", long.as_str()], "A commitment can have at most 500 characters; this one has 501."),
    ];
    for (args, message) in cases {
        let before = snapshot(dir.path());
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "`{args:?}` is refused by the core: {}", r.stderr);
        assert_eq!(r.stderr, format!("worktogether: {message}\n"), "`{args:?}`");
        assert_eq!(snapshot(dir.path()), before, "`{args:?}` was refused, so nothing changed");
    }
    let r = run(dir.path(), &["close", "--done", "1"]);
    assert_eq!(r.code, 1, "no commitment 1 yet: {}", r.stderr);
    let r = run(dir.path(), &["close"]);
    assert_eq!((r.code, r.stderr.as_str()), (1, "worktogether: You can save outcomes in the closing round.\n"));
    // A text that starts with a dash, after `--`.
    let out = ok(dir.path(), &["commit", "--", "-20% on the invoice"]);
    assert!(out.ends_with("\n1. -20% on the invoice\n"), "{out}");
}

#[test]
fn abandon_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let view = seed_session(dir.path());
    let r = run(dir.path(), &["abandon"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "Session abandoned. It stays in your history as abandoned.\n"));
    assert!(r.stderr.contains("Worktogether is not open"), "{}", r.stderr);
    assert_eq!(current(dir.path()), None);
    assert_eq!(open(dir.path()).session_summary(view.id, now()).unwrap().status, SessionStatus::Abandoned);
    let r = run(dir.path(), &["abandon"]);
    assert_eq!((r.code, r.stderr.as_str()), (1, "worktogether: No session is running.\n"));
}

#[test]
fn templates_are_listed_with_the_default_marked() {
    let dir = tempfile::tempdir().unwrap();
    // Before the app ever ran: the built-ins it will create, and nothing is created by asking.
    assert_eq!(ok(dir.path(), &["templates"]), "Worktogether (default)\nPomodoro\nShort block\n");
    assert!(!dir.path().join(DATABASE_FILE).exists(), "asking creates no database");
    let r = run_in(dir.path(), "de_DE.UTF-8", &["templates"]);
    assert_eq!(r.stdout, "Worktogether (Standard)\nPomodoro\nKurzer Block\n");

    seed_session(dir.path()); // saves a template "Seeded"
    let mut store = open(dir.path());
    let seeded = store.template_named("Seeded").unwrap();
    store.change_setting(SettingChange::DefaultTemplate(seeded.id)).unwrap();
    assert_eq!(ok(dir.path(), &["templates"]), "Seeded (default)\n", "the app creates the built-ins, not the command");
}

#[test]
fn the_ritual_speaks_german_when_the_person_chose_it() {
    let dir = tempfile::tempdir().unwrap();
    seed_session(dir.path());
    open(dir.path()).change_setting(SettingChange::Language(LanguageChoice::De)).unwrap();
    let out = ok(dir.path(), &["commit", "Angebot schreiben", "--tag", "Acme", "--estimate", "30"]);
    assert!(out.ends_with("Seeded · 1 Commitment\n1. Angebot schreiben · Acme · ca. 30 Min.\n"), "{out}");
    let r = run(dir.path(), &["commit", "  "]);
    assert_eq!(r.stderr, "worktogether: Schreib auf, woran du arbeiten willst.\n");
    let r = run(dir.path(), &["close", "--rating", "9"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("worktogether: BEWERTUNG ist, wie fokussiert die Session war, eine ganze Zahl von 1 bis 5; „9“ ist keine.\nAufruf: worktogether"), "{}", r.stderr);
    ok(dir.path(), &["stop"]);
    let r = run(dir.path(), &["close", "--partly", "2"]);
    assert_eq!(
        r.stderr,
        "worktogether: In dieser Session gibt es kein Commitment 2; „worktogether commitments“ zeigt sie.\n"
    );
    let r = run(dir.path(), &["close"]);
    assert_eq!(
        r.stderr,
        "worktogether: Gib jedem Commitment ein Ergebnis: geschafft, teilweise oder nicht geschafft.\n\
         Noch ohne Ergebnis: 1. Nenn sie bei --done, --partly oder --not-done.\n"
    );
    assert_eq!(
        ok(dir.path(), &["close", "--not-done", "1"]),
        "Session abgeschlossen: 0 erledigt, 0 teilweise, 1 nicht erledigt · 0 Min. Fokus\n"
    );
    assert_eq!(ok(dir.path(), &["templates"]), "Seeded (Standard)\n");
    let r = run(dir.path(), &["start", "--template", "Seeded"]);
    assert!(
        r.stderr.starts_with("Hier gibt es keine grafische Oberfläche, deshalb hat sich Worktogether nicht geöffnet"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.starts_with("Commitment-Runde · noch "), "{}", r.stdout);
    assert_eq!(
        ok(dir.path(), &["commitments"]),
        "Noch keine Commitments. Füg eins hinzu mit: worktogether commit \"TEXT\"\n"
    );
    assert_eq!(ok(dir.path(), &["abandon"]), "Session abgebrochen; in deinem Verlauf bleibt sie als abgebrochen.\n");
}

/// Reads lines from a child's stdout on a thread, so that a missing line fails the test
/// instead of hanging it.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

const LINE_TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn status_follow_prints_a_line_at_every_change_and_stops_on_sigint() {
    let dir = tempfile::tempdir().unwrap();
    seed_session(dir.path());
    let mut follow = command(dir.path(), "en_US.UTF-8")
        .args(["status", "--json", "--follow"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(&mut follow);
    let first: Value = serde_json::from_str(&lines.recv_timeout(LINE_TIMEOUT).expect("a first line at once")).unwrap();
    assert_eq!(first["class"], "commitment");

    assert_eq!(run(dir.path(), &["pause"]).code, 0);
    let paused: Value = serde_json::from_str(&lines.recv_timeout(LINE_TIMEOUT).expect("a line for the pause")).unwrap();
    assert_eq!(paused["class"], "paused", "the pause is the next change: {paused}");
    assert_eq!(run(dir.path(), &["resume"]).code, 0);
    assert_eq!(run(dir.path(), &["skip"]).code, 0);
    // Resume and skip may land in one poll or two: the last line shows focus.
    let mut last = paused;
    while last["class"] != "focus" {
        last = serde_json::from_str(&lines.recv_timeout(LINE_TIMEOUT).expect("lines for resume and skip")).unwrap();
        assert!(["commitment", "focus"].contains(&last["class"].as_str().unwrap()), "{last}");
    }

    let status = Command::new("kill").args(["-INT", &follow.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = follow.wait().unwrap();
    assert_eq!(exit.code(), Some(130), "Ctrl+C ends it (130, as shells report Ctrl+C): {exit:?}");
}

#[test]
fn status_follow_ends_when_its_reader_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    let mut follow =
        command(dir.path(), "en_US.UTF-8").args(["status", "--follow"]).stdout(Stdio::piped()).spawn().unwrap();
    // Read the first line, then close the pipe (as `| head -1` does).
    let stdout = follow.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        tx.send(line).unwrap();
    });
    assert_eq!(rx.recv_timeout(LINE_TIMEOUT).unwrap(), "No session is running.\n");
    // The next change is written into the closed pipe.
    seed_session(dir.path());
    let exit = follow.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "a closed pipe ends --follow quietly");
}

#[test]
fn rooms_are_listed_as_last_seen_and_bad_invite_links_refused() {
    use worktogether_core::store::outbox::RoomMembership;
    use worktogether_sync::protocol::{
        Member, PhaseKind as Kind, PlannedPhase as Planned, Presence, Room, RoomState, SharedSession,
    };

    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run(dir.path(), &["rooms"]).stdout.trim(),
        "You are not in any room yet. Join one with an invite link: worktogether join LINK"
    );
    assert_eq!(run(dir.path(), &["rooms", "--json"]).stdout.trim(), "[]");
    assert!(!dir.path().join(DATABASE_FILE).exists(), "nothing is created for asking");

    let (me, started) = (uuid::Uuid::now_v7(), now() - chrono::Duration::minutes(10));
    let member = |name: &str| Member {
        id: uuid::Uuid::now_v7(),
        display_name: name.into(),
        presence: Presence::Focusing,
        joined_at: started,
    };
    let state = RoomState {
        room: Room {
            code: "ABCDE-FGHJK".into(),
            name: "Office".into(),
            link: None,
            description: None,
            host_id: me,
            created_at: started,
        },
        members: vec![member("Ada"), member("Grace")],
        ahead: Vec::new(),
        session: Some(SharedSession {
            id: uuid::Uuid::now_v7(),
            template_name: "Morning".into(),
            phases: vec![Planned { kind: Kind::Focus, duration_secs: 3600 }],
            started_at: started,
            anchor_index: 0,
            anchor_at: started,
            paused_at: None,
            ended_at: None,
        }),
        last_event_id: 4,
    };
    {
        let store = open(dir.path());
        let membership = RoomMembership {
            id: me,
            server: "http://127.0.0.1:7400/".into(),
            room_code: "ABCDE-FGHJK".into(),
            display_name: "Ada".into(),
            joined_at: started,
        };
        store.save_room_membership(&membership).unwrap();
        store.cache_room_state(me, &serde_json::to_string(&state).unwrap(), 4, now()).unwrap();
    }
    let listed = run(dir.path(), &["rooms"]);
    assert!(listed.stdout.starts_with("Office (ABCDE-FGHJK, 2 members): Focus until "), "{}", listed.stdout);
    let json: Value = serde_json::from_str(&run(dir.path(), &["rooms", "--json"]).stdout).unwrap();
    assert_eq!(json[0]["inviteLink"], "worktogether://join/127.0.0.1:7400/ABCDE-FGHJK");
    assert_eq!((json[0]["session"]["phase"].as_str(), json[0]["members"].as_u64()), (Some("focus"), Some(2)));

    let before = snapshot(dir.path());
    for (link, message) in
        [("ABCDE-FGHJK", "This is not an invite link"), ("worktogether://join/127.0.0.1:7400/ABCDE-FGHJ0", "room code")]
    {
        let refused = run(dir.path(), &["join", link]);
        assert_eq!(refused.code, 1, "{}", refused.stderr);
        assert!(refused.stderr.contains(message), "{link}: {}", refused.stderr);
    }
    let no_display = run(dir.path(), &["join", "worktogether://join/127.0.0.1:7400/ABCDE-FGHJK"]);
    assert_eq!(no_display.code, 1);
    assert!(no_display.stderr.contains("no display"), "{}", no_display.stderr);
    assert_eq!(snapshot(dir.path()), before, "nothing changed");
}

/// `export` with the person's zone fixed (the days of a history depend on it).
fn export_in(data_dir: &Path, locale: &str, args: &[&str]) -> Run {
    let Output { status, stdout, stderr } =
        command(data_dir, locale).env("TZ", "Europe/Berlin").args(args).output().expect("the binary runs");
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("UTF-8"),
        stderr: String::from_utf8(stderr).expect("UTF-8"),
    }
}

fn at(month: u32, day: u32, hour: u32, minute: u32) -> worktogether_core::Timestamp {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(2026, month, day, hour, minute, 0).unwrap()
}

/// Two finished sessions in May 2026 (Berlin): Monday 09:00, 40 minutes of focus, "Write the
/// offer, v2" (Acme) done and "Taxes" partly; Wednesday 09:00, 30 minutes, "Homepage" done.
fn seed_history(data_dir: &Path) {
    let mut store = open(data_dir);
    let phases =
        [(PhaseKind::Commitment, 1200), (PhaseKind::Focus, 3000), (PhaseKind::Break, 600), (PhaseKind::Closing, 600)]
            .map(|(kind, duration_secs)| PlannedPhase { kind, duration_secs })
            .to_vec();
    let template =
        store.save_template(TemplateDraft { id: None, name: "Seeded".into(), phases }, at(5, 1, 0, 0)).unwrap();
    type Item<'a> = (&'a str, Option<&'a str>, Outcome);
    let days: [(u32, u32, &[Item]); 2] = [
        (4, 40, &[("Write the offer, v2", Some("Acme"), Outcome::Done), ("Taxes", None, Outcome::Partly)]),
        (6, 30, &[("Homepage", Some("Kunde B"), Outcome::Done)]),
    ];
    for (day, minutes, items) in days {
        store.start_session(template.id, at(5, day, 7, 0)).unwrap();
        for (text, tag, _) in items {
            let draft = CommitmentDraft { text: (*text).into(), tag: tag.map(Into::into), estimate_minutes: None };
            store.add_commitment(draft, at(5, day, 7, 1)).unwrap();
        }
        store.skip_phase(at(5, day, 7, 10)).unwrap();
        let end = at(5, day, 7, 10 + minutes);
        let view = store.end_session_early(end).unwrap().view;
        let outcomes = view
            .commitments
            .iter()
            .zip(items)
            .map(|(c, (_, _, outcome))| OutcomeEntry {
                commitment_id: c.id,
                outcome: *outcome,
                note: None,
                feedback_wanted: false,
            })
            .collect();
        let note = Some("Good, \"solid\" start".to_owned());
        store
            .close_session(
                worktogether_core::ClosingReport { outcomes, overall_note: note, focus_rating: Some(4) },
                end,
            )
            .unwrap();
    }
}

/// The names in `dir` other than the database's files: what an export left behind.
fn files_beside_the_database(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(DATABASE_FILE))
        .collect();
    names.sort();
    names
}

#[test]
fn export_writes_each_format_to_standard_output_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    seed_history(dir.path());
    let database = std::fs::read(dir.path().join(DATABASE_FILE)).unwrap();
    let ok = |locale: &str, args: &[&str]| {
        let r = export_in(dir.path(), locale, args);
        assert_eq!(r.code, 0, "`{args:?}` succeeds: {}", r.stderr);
        assert!(r.stderr.is_empty(), "`{args:?}`: {}", r.stderr);
        r.stdout
    };

    let csv = ok("en_US.UTF-8", &["export", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "a header and a row per commitment: {csv}");
    assert!(lines[0].starts_with("Session,Session start,Day,Template,Room,Commitment,Tag,"), "{csv}");
    assert!(
        lines[1].contains(",2026-05-04T09:00:00+02:00,2026-05-04,Seeded,,\"Write the offer, v2\",Acme,,done,"),
        "{csv}"
    );
    let sessions = ok("de_DE.UTF-8", &["export", "csv", "--kind", "sessions", "--german-numbers"]);
    assert!(
        sessions.starts_with("\u{feff}Session;Beginn;Ende;Vorlage;"),
        "German headers for German Excel: {sessions}"
    );
    assert!(sessions.contains(";finished;40,00;0,00;0,00;0;2;1;1;0;4;\"Good, \"\"solid\"\" start\"\r\n"), "{sessions}");
    let invoices = ok("en_US.UTF-8", &["export", "csv", "--kind=invoices", "--tag", "ACME"]);
    assert_eq!(
        invoices, "Day,Tag,Sessions,Focus (s),Focus (min),Focus (h)\n2026-05-04,Acme,1,1200,20.00,0.33\n",
        "half of 40 minutes; the tag in any case"
    );

    let backup = dir.path().join("backup.json");
    let said = ok("en_US.UTF-8", &["export", "json", backup.to_str().unwrap()]);
    assert_eq!(said, format!("Wrote the backup of 2 sessions to {}.\n", backup.display()));
    let read: worktogether_core::export::Backup = serde_json::from_slice(&std::fs::read(&backup).unwrap()).unwrap();
    assert_eq!((read.sessions.len(), read.sessions[0].commitments.len()), (2, 2));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
        0o600,
        "only the person reads their notes"
    );

    let report = dir.path().join("week.md");
    let args = ["export", "markdown", "--from", "2026-05-04", "--to", "2026-05-10", report.to_str().unwrap()];
    assert_eq!(ok("en_US.UTF-8", &args), format!("Wrote the report to {}.\n", report.display()));
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.starts_with("# Worktogether: week 19 of 2026 (2026-05-04 to 2026-05-10)\n"), "{text}");
    assert!(
        text.contains("- ✓ Write the offer, v2 · Acme\n- ½ Taxes\n") && text.contains("- ✓ Homepage · Kunde B\n"),
        "{text}"
    );
    let german = ok("de_DE.UTF-8", &["export", "markdown", "--from", "2026-05-04", "--to", "2026-05-10"]);
    assert!(german.starts_with("# Worktogether: KW 19/2026 (04.05.2026 bis 10.05.2026)\n"), "{german}");
    assert!(german.contains("- Fokus: 1 Std. 10 Min.\n"), "{german}");
    let this_week = ok("en_US.UTF-8", &["export", "markdown"]);
    assert!(
        this_week.starts_with("# Worktogether: week ") && this_week.contains("No sessions on these days."),
        "{this_week}"
    );
    let tag = ok("en_US.UTF-8", &["export", "markdown", "--tag", "kunde b"]);
    assert!(tag.starts_with("# Worktogether: kunde b, all sessions\n") && !tag.contains("Taxes"), "{tag}");

    // Replaced only when asked to.
    let csv_file = dir.path().join("history.csv");
    std::fs::write(&csv_file, "old").unwrap();
    let said = ok("en_US.UTF-8", &["export", "csv", "--force", "--", csv_file.to_str().unwrap()]);
    assert_eq!(said, format!("Wrote 3 rows to {}.\n", csv_file.display()));
    assert_eq!(std::fs::read_to_string(&csv_file).unwrap(), csv, "the same table as on standard output");

    assert_eq!(
        files_beside_the_database(dir.path()),
        ["backup.json", "history.csv", "week.md"],
        "no temporary files left"
    );
    assert_eq!(std::fs::read(dir.path().join(DATABASE_FILE)).unwrap(), database, "read, never written");
}

#[test]
fn export_without_a_database_writes_an_empty_history_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("never-used");
    let r = export_in(&data, "en_US.UTF-8", &["export", "csv", "--kind", "sessions"]);
    assert_eq!((r.code, r.stdout.lines().count()), (0, 1), "the header alone: {}{}", r.stdout, r.stderr);
    let r = export_in(&data, "en_US.UTF-8", &["export", "json"]);
    let backup: worktogether_core::export::Backup = serde_json::from_str(&r.stdout).unwrap();
    assert!(backup.sessions.is_empty());
    assert!(!data.exists(), "nothing is created for asking");
}

#[test]
fn export_refuses_bad_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    seed_history(dir.path());
    let synopsis = "Usage: worktogether export csv|json|markdown [--kind commitments|sessions|invoices]";
    let usage: [(&[&str], &str); 10] = [
        (&["export"], "“export” needs a format: csv, json or markdown."),
        (&["export", "xml"], "There is no export format “xml”; choose csv, json or markdown."),
        (
            &["export", "csv", "--kind", "weekly"],
            "There is no CSV table “weekly”; choose commitments, sessions or invoices.",
        ),
        (&["export", "json", "--kind", "sessions"], "--kind is only for csv exports."),
        (&["export", "markdown", "--german-numbers"], "--german-numbers is only for csv exports."),
        (
            &["export", "csv", "--from", "04.05.2026"],
            "--from takes a day as YYYY-MM-DD, like 2026-05-04; “04.05.2026” is not one.",
        ),
        (
            &["export", "csv", "--to", "2026-02-30"],
            "--to takes a day as YYYY-MM-DD, like 2026-05-04; “2026-02-30” is not one.",
        ),
        (
            &["export", "csv", "--from", "2026-05-10", "--to", "2026-05-04"],
            "--to 2026-05-04 is before --from 2026-05-10: the days run from --from to --to.",
        ),
        (&["export", "csv", "a.csv", "b.csv"], "“export” takes no “b.csv”."),
        (&["export", "csv", "--tag"], "--tag needs a value."),
    ];
    for (args, message) in usage {
        let r = export_in(dir.path(), "en_US.UTF-8", args);
        assert_eq!(r.code, 2, "`{args:?}` is a usage error: {}", r.stderr);
        assert!(r.stdout.is_empty(), "`{args:?}` writes nothing: {}", r.stdout);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines[0], format!("worktogether: {message}"), "`{args:?}`");
        assert!(lines[1].starts_with(synopsis), "export's own usage follows: {lines:?}");
    }

    let existing = dir.path().join("kept.csv");
    std::fs::write(&existing, "mine").unwrap();
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let missing = dir.path().join("no-such-folder").join("x.csv");
    let database = dir.path().join(DATABASE_FILE);
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    let refused: [(Vec<String>, String); 4] = [
        (
            vec![path(&existing)],
            format!("{} exists already. Add --force to replace it, or name another file.", existing.display()),
        ),
        (vec![path(&folder)], format!("{} is a folder. Name a file to export to.", folder.display())),
        (
            vec![path(&missing)],
            format!(
                "Could not write {} (No such file or directory (os error 2)); nothing was exported.",
                missing.display()
            ),
        ),
        (
            vec!["--force".into(), path(&database)],
            format!("{} is Worktogether's own database. Export to another file.", database.display()),
        ),
    ];
    let before = std::fs::read(&database).unwrap();
    for (extra, message) in refused {
        for format in ["csv", "json", "markdown"] {
            let mut args = vec!["export", format];
            args.extend(extra.iter().map(String::as_str));
            let r = export_in(dir.path(), "en_US.UTF-8", &args);
            assert_eq!((r.code, r.stderr.as_str()), (1, format!("worktogether: {message}\n").as_str()), "`{args:?}`");
            assert!(r.stdout.is_empty());
        }
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "mine", "an existing file is kept without --force");
    assert_eq!(std::fs::read(&database).unwrap(), before, "the database is untouched");
    assert!(!missing.parent().unwrap().exists(), "no folder is made");
    assert_eq!(
        files_beside_the_database(dir.path()),
        ["a-folder", "kept.csv"],
        "no file written, no temporary file left"
    );
    assert!(std::fs::read_dir(&folder).unwrap().next().is_none());

    let r = export_in(dir.path(), "de_DE.UTF-8", &["export", "csv", existing.to_str().unwrap()]);
    assert_eq!(
        r.stderr,
        format!(
            "worktogether: {} gibt es schon. Mit --force wird die Datei ersetzt; oder nenne eine andere.\n",
            existing.display()
        )
    );
    let r = export_in(dir.path(), "de_DE.UTF-8", &["export", "pdf"]);
    assert!(
        r.stderr.starts_with("worktogether: Ein Exportformat „pdf“ gibt es nicht; wähle csv, json oder markdown.\nAufruf: worktogether export"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_help_documents_export() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["export", "--help"]);
    assert_eq!(r.code, 0);
    for word in ["export csv|json|markdown", "--german-numbers", "--force", "invoices"] {
        assert!(r.stdout.contains(word), "the help documents {word:?}:\n{}", r.stdout);
    }
    let r = run_in(dir.path(), "de_DE.UTF-8", &["--help"]);
    assert!(r.stdout.contains("schreibt deinen Verlauf in DATEI"), "{}", r.stdout);
}

/// `import` with the person's zone fixed, reading `stdin`.
fn import_with_input(data_dir: &Path, locale: &str, args: &[&str], stdin: &[u8]) -> Run {
    use std::io::Write;
    let mut child = command(data_dir, locale)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("UTF-8"),
        stderr: String::from_utf8(stderr).expect("UTF-8"),
    }
}

/// The backup of `data_dir` read back, without the time it was made.
fn backup_of(data_dir: &Path) -> worktogether_core::export::Backup {
    let r = export_in(data_dir, "en_US.UTF-8", &["export", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut backup: worktogether_core::export::Backup = serde_json::from_str(&r.stdout).unwrap();
    backup.exported_at = at(1, 1, 0, 0);
    backup
}

#[test]
fn import_of_an_export_into_a_fresh_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    seed_history(&history);
    let file = dir.path().join("backup.json");
    let r = export_in(&history, "en_US.UTF-8", &["export", "json", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let fresh = dir.path().join("new-computer");
    let r = run(&fresh, &["import", file.to_str().unwrap()]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, "Imported 2 sessions, 3 commitments and 1 template.\n");
    assert_eq!(backup_of(&fresh), backup_of(&history), "the same history, settings and templates");

    let r = run_in(&fresh, "de_DE.UTF-8", &["import", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "Importiert: 0 Sessions, 0 Commitments und 0 Vorlagen; 2 Sessions waren schon da.\n");
    assert_eq!(backup_of(&fresh), backup_of(&history), "importing twice adds nothing");

    // From standard input, as in `worktogether export json | ssh other worktogether import -`.
    let piped = dir.path().join("piped");
    let r = import_with_input(&piped, "en_US.UTF-8", &["import", "-"], &std::fs::read(&file).unwrap());
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "Imported 2 sessions, 3 commitments and 1 template.\n"),
        "{}",
        r.stderr
    );
    assert_eq!(backup_of(&piped), backup_of(&history));
}

#[test]
fn import_refuses_a_broken_file_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    seed_history(&history);
    let good = dir.path().join("backup.json");
    assert_eq!(export_in(&history, "en_US.UTF-8", &["export", "json", good.to_str().unwrap()]).code, 0);
    let text = std::fs::read_to_string(&good).unwrap();
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let newer = dir.path().join("newer.json");
    std::fs::write(&newer, text.replacen("\"version\":2,", "\"version\":3,", 1)).unwrap();
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let missing = dir.path().join("missing.json");

    let path = |p: &Path| p.to_str().unwrap().to_owned();
    let refused = [
        (path(&cut), "The backup ends too early, at line 2, column "),
        (
            path(&newer),
            "This backup was made by a newer Worktogether (backup version 3; this one reads version 2). Update \
             Worktogether first, then import it again. Nothing was imported.",
        ),
        (path(&folder), "a-folder is a folder. Name the backup file to import."),
        (path(&missing), "missing.json (No such file or directory (os error 2)); nothing was imported."),
    ];
    let database = history.join(DATABASE_FILE);
    let before = std::fs::read(&database).unwrap();
    let fresh = dir.path().join("new-computer");
    for (file, message) in &refused {
        for data_dir in [&history, &fresh] {
            let r = run(data_dir, &["import", file]);
            assert_eq!(r.code, 1, "{file} is refused: {}", r.stderr);
            assert!(r.stderr.starts_with("worktogether: ") && r.stderr.contains(message), "{file}: {}", r.stderr);
            assert!(r.stdout.is_empty());
        }
    }
    assert_eq!(std::fs::read(&database).unwrap(), before, "the database is untouched");
    assert!(!fresh.exists(), "no database is made for a refused file");

    let r = run_in(&history, "de_DE.UTF-8", &["import", &path(&newer)]);
    assert!(r.stderr.contains("Aktualisiere Worktogether zuerst"), "{}", r.stderr);
    let r = import_with_input(&history, "en_US.UTF-8", &["import", "-"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (1, "worktogether: The file is empty: there is nothing to import.\n"));

    let r = run(&history, &["import"]);
    assert_eq!(r.code, 2, "a usage error: {}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "worktogether: “import” needs the backup file, like: worktogether import backup.json",
            "Usage: worktogether import FILE (or - for standard input)"
        ]
    );
}

#[test]
fn import_waits_for_the_app_to_be_closed() {
    use std::io::{BufRead, Write};
    let dir = tempfile::tempdir().unwrap();
    seed_history(dir.path());
    let file = dir.path().join("backup.json");
    assert_eq!(export_in(dir.path(), "en_US.UTF-8", &["export", "json", file.to_str().unwrap()]).code, 0);
    // An app listening on the control socket, answering as one on the system clock does.
    let listener = std::os::unix::net::UnixListener::bind(dir.path().join("control.sock")).unwrap();
    let app = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line).unwrap();
        (&stream)
            .write_all(b"{\"code\":\"invalid_input\",\"message\":\"this app runs on the system clock\"}\n")
            .unwrap();
        line
    });
    let r = run(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "worktogether: Worktogether is open: import the backup there (Settings → Import a backup), or quit the app \
         (Quit in the tray menu) and import again here.\n"
    );
    assert_eq!(app.join().unwrap(), "{\"advanceClockMs\":0}\n", "asked with a request that changes nothing");
}

#[test]
fn the_help_documents_import() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["import", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("import FILE") && r.stdout.contains("standard input"), "{}", r.stdout);
    let r = run_in(dir.path(), "de_DE.UTF-8", &["--help"]);
    assert!(r.stdout.contains("import DATEI"), "{}", r.stdout);
}

/// A block every day at the current UTC hour's next full hour, in UTC (`TZ=UTC` below), an
/// hour long; and a routine due every day.
fn seed_schedule(data_dir: &Path) -> chrono::NaiveDate {
    use worktogether_core::schedule::{BlockDraft, Ends, Recurrence, Repeat, RoutineDraft};
    let mut store = open(data_dir);
    let today = now().date_naive();
    let daily = Recurrence { first: today, repeat: Repeat::Days { interval: 1 }, ends: Ends::Never };
    let block = BlockDraft {
        title: "Angebote, Rechnungen; Mails".into(),
        template_id: None,
        recurrence: daily.clone(),
        start_minute: 0,
        length_minutes: 60,
        expected_minutes: None,
        remind_minutes: Some(10),
    };
    store.save_block(None, block, now()).unwrap();
    let routine = RoutineDraft {
        title: "Belege ablegen".into(),
        tag: None,
        recurrence: daily,
        steps: vec![],
        estimate_minutes: None,
    };
    store.save_routine(None, routine, now()).unwrap();
    today
}

#[test]
fn schedule_lists_today_and_next_and_exports_a_calendar_file() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing saved yet: an empty schedule, and no database made for asking.
    let empty = run(dir.path(), &["schedule"]);
    assert_eq!((empty.code, empty.stdout.contains("No work blocks today.")), (0, true), "{}", empty.stderr);
    assert!(!dir.path().join(DATABASE_FILE).exists());

    let today = seed_schedule(dir.path());
    let mut cmd = command(dir.path(), "en_US.UTF-8");
    let out = cmd.env("TZ", "UTC").args(["schedule", "--json"]).output().unwrap();
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["today"], today.to_string());
    assert_eq!(json["blocksToday"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["blocksToday"][0]["title"], "Angebote, Rechnungen; Mails");
    assert_eq!(json["next"].as_array().unwrap().len(), 5);
    assert_eq!(json["routines"][0]["state"], "due");

    let german = run_in(dir.path(), "de_DE.UTF-8", &["schedule"]);
    assert!(german.stdout.contains(&format!("Heute, {today}")), "{}", german.stdout);
    assert!(german.stdout.contains("Belege ablegen · heute fällig"), "{}", german.stdout);

    // The calendar file: written whole, never over a file without --force.
    let ics = dir.path().join("family.ics");
    let wrote = run(dir.path(), &["schedule", "export", ics.to_str().unwrap()]);
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    assert!(wrote.stdout.contains("Wrote 1 work block to"), "{}", wrote.stdout);
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.contains("RRULE:FREQ=DAILY"));
    assert!(text.contains("SUMMARY:Angebote\\, Rechnungen\\; Mails"), "{text}");
    std::fs::write(&ics, "mine").unwrap();
    let refused = run(dir.path(), &["schedule", "export", ics.to_str().unwrap()]);
    assert_eq!(refused.code, 1);
    assert_eq!(std::fs::read_to_string(&ics).unwrap(), "mine", "an existing file is kept");
    assert_eq!(run(dir.path(), &["schedule", "export", "--force", ics.to_str().unwrap()]).code, 0);
    // To standard output.
    let out = run(dir.path(), &["schedule", "export"]);
    assert!(out.stdout.contains("BEGIN:VEVENT"));
    // Wrong arguments.
    let wrong = run(dir.path(), &["schedule", "export", "--json"]);
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("Usage: worktogether schedule"), "{}", wrong.stderr);
}
