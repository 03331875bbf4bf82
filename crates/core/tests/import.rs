//! The JSON backup's import: a history made through the store's real operations (own and
//! built-in templates, a room, pauses, a sleep, notes, a carried-over commitment, an abandoned
//! session and one in progress, settings, work blocks with skipped, moved, reminded and snoozed
//! days and a session started from one, routines kept by hand and through a commitment)
//! exported, imported into an empty database and exported again byte for byte; imported twice;
//! imported beside another history (templates, settings and the schedule merged); partial
//! backups; a version-1 file; and a table of broken files, each refused with its own message
//! while the database stays exactly as it was.

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::{close_with, store};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Read;
use uuid::Uuid;
use worktogether_core::export::{Backup, Selection};
use worktogether_core::import::{ImportError, ImportSummary, read_backup, validate};
use worktogether_core::schedule::{BlockDay, BlockDraft, Day, Ends, Exception, Recurrence, Repeat, RoutineDraft};
use worktogether_core::{
    ClosingReport, CommitmentDraft, LanguageChoice, Outcome, OutcomeEntry, PhaseKind, PlannedPhase, RoomLink,
    SettingChange, SleepMode, Store, Template, TemplateDraft, Timestamp,
};

fn utc(mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
    Utc.with_ymd_and_hms(2026, mo, d, h, mi, 0).unwrap()
}

/// When every backup of these tests is made: the same instant, so two exports can be compared.
fn exported_at() -> Timestamp {
    utc(6, 1, 12, 0)
}

fn export(s: &Store) -> String {
    export_of(s, &Selection::everything())
}

fn export_of(s: &Store, selection: &Selection) -> String {
    let mut out = Vec::new();
    s.export_backup(selection, chrono_tz::UTC, exported_at(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn import(s: &mut Store, file: impl Read) -> Result<ImportSummary, ImportError> {
    let backup = validate(read_backup(file)?)?;
    s.import_backup(&backup)
}

/// A database with nothing in it, not even the built-in templates (the app makes those when it
/// starts, after an import too).
fn empty() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("worktogether.sqlite3")).unwrap();
    (store, dir)
}

/// The shell's catalog of `language` as a translator that refuses a key it does not have or a
/// placeholder it is not given.
fn words(language: &str) -> impl Fn(&str, &[(&str, String)]) -> String {
    let source = match language {
        "en" => include_str!("../../../locales/en.json"),
        _ => include_str!("../../../locales/de.json"),
    };
    let strings: HashMap<String, String> = serde_json::from_str(source).unwrap();
    move |key: &str, args: &[(&str, String)]| {
        let mut text = strings.get(key).unwrap_or_else(|| panic!("{key} is in the {language} catalog")).clone();
        let wanted: Vec<&str> =
            text.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(n, _)| n).collect();
        for name in wanted {
            assert!(args.iter().any(|(n, _)| *n == name), "{key} is given its placeholder {name}");
        }
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

// ---------------------------------------------------------------------------------------------
// The history

/// commitment 30 min · focus 120 · break 20 · focus 120 · closing 10.
fn long_template(s: &mut Store, name: &str) -> Template {
    use PhaseKind::*;
    let phases = [(Commitment, 30), (Focus, 120), (Break, 20), (Focus, 120), (Closing, 10)]
        .into_iter()
        .map(|(kind, minutes)| PlannedPhase::new(kind, minutes))
        .collect();
    s.save_template(TemplateDraft { id: None, name: name.into(), phases }, utc(4, 1, 0, 0)).unwrap()
}

fn commit(s: &mut Store, text: &str, tag: Option<&str>, estimate: Option<u32>, at: Timestamp) {
    let draft = CommitmentDraft { text: text.into(), tag: tag.map(Into::into), estimate_minutes: estimate };
    s.add_commitment(draft, at).unwrap();
}

fn close(s: &mut Store, end: Timestamp, outcomes: &[(Outcome, Option<&str>)], note: Option<&str>, rating: Option<u8>) {
    s.end_session_early(end).unwrap();
    let view = s.current_session(end).unwrap().unwrap();
    let outcomes = view
        .commitments
        .iter()
        .zip(outcomes)
        .map(|(c, (outcome, note))| OutcomeEntry {
            commitment_id: c.id,
            outcome: *outcome,
            note: note.map(Into::into),
            feedback_wanted: *outcome == Outcome::NotDone,
        })
        .collect();
    s.close_session(ClosingReport { outcomes, overall_note: note.map(Into::into), focus_rating: rating }, end).unwrap();
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn weekdays(first: NaiveDate) -> Recurrence {
    Recurrence { first, repeat: Repeat::Weeks { interval: 1, days: Day::WORKDAYS.to_vec() }, ends: Ends::Never }
}

/// Weekday mornings at 7:00 UTC, four hours, from `template`, reminded ten minutes before.
fn morning(template: Option<Uuid>) -> BlockDraft {
    BlockDraft {
        title: "Morning".into(),
        template_id: template,
        recurrence: weekdays(day(5, 4)),
        start_minute: 7 * 60,
        length_minutes: 240,
        expected_minutes: None,
        remind_minutes: Some(10),
    }
}

/// Every Monday.
fn review() -> RoutineDraft {
    RoutineDraft {
        title: "Weekly review".into(),
        tag: Some("Admin".into()),
        recurrence: Recurrence {
            first: day(5, 4),
            repeat: Repeat::Weeks { interval: 1, days: vec![Day::Mo] },
            ends: Ends::Never,
        },
        steps: vec!["Inbox to zero".into(), "Plan the week".into()],
        estimate_minutes: Some(30),
    }
}

/// A week of May 2026: Monday shared with a room (a pause, three commitments, notes), Wednesday
/// night with a sleep, Friday abandoned, the next Monday carrying Monday's "Call Jo" on, and
/// Tuesday still running. German, a shortcut, seven backups. The schedule: weekday mornings
/// from "Long" (Monday's session started from its reminder, Tuesday skipped, Wednesday moved,
/// Thursday snoozed), a nap window from a built-in, the weekly review (kept by hand on the 4th,
/// through a commitment on the 11th) and the monthly bookkeeping (kept on 1 May).
fn week(s: &mut Store) {
    let t = long_template(s, "Long");
    let m = |d, h, mi| utc(5, d, h, mi);
    let block = s.save_block(None, morning(Some(t.id)), m(1, 8, 0)).unwrap().id;
    let short = s.list_templates().unwrap().into_iter().find(|t| t.builtin).map(|t| t.id);
    let nap = BlockDraft {
        title: "Nap".into(),
        template_id: short,
        start_minute: 13 * 60,
        length_minutes: 120,
        expected_minutes: Some(60),
        remind_minutes: None,
        ..morning(None)
    };
    s.save_block(None, nap, m(1, 8, 1)).unwrap();
    let review = s.save_routine(None, review(), m(1, 8, 2)).unwrap().id;
    let books = RoutineDraft {
        title: "Bookkeeping".into(),
        tag: None,
        recurrence: Recurrence {
            first: day(5, 1),
            repeat: Repeat::MonthWorkday { interval: 1, nth: 1 },
            ends: Ends::Never,
        },
        steps: Vec::new(),
        estimate_minutes: None,
    };
    let books = s.save_routine(None, books, m(1, 8, 3)).unwrap().id;
    s.mark_routine_day(books, day(5, 1), true, m(1, 17, 0)).unwrap();
    let on = |d| BlockDay { block_id: block, day: day(5, d) };
    s.mark_reminded(&[on(4)], m(4, 6, 50)).unwrap();
    s.start_block(on(4), chrono_tz::UTC, m(4, 7, 0)).unwrap();
    commit(s, "Write the offer, v2", Some("Acme"), Some(30), m(4, 7, 1));
    commit(s, "Taxes\nreceipts", Some("acme"), None, m(4, 7, 2));
    commit(s, "Call Jo", None, None, m(4, 7, 3));
    s.skip_phase(m(4, 7, 10)).unwrap();
    let room =
        RoomLink { membership_id: Uuid::from_u128(7), session_id: Uuid::from_u128(8), room_name: "Co-op".into() };
    s.share_own_session(room, m(4, 7, 15)).unwrap();
    let shared = s.current_session(m(4, 7, 15)).unwrap().unwrap().commitments[0].id;
    s.room_commitment_published(shared, Uuid::from_u128(9)).unwrap();
    s.pause_session(Some("Phone".into()), m(4, 7, 30)).unwrap();
    s.resume_session(m(4, 7, 35)).unwrap();
    let a = [
        (Outcome::Done, Some("sent the \"final\" version")),
        (Outcome::Partly, Some("half")),
        (Outcome::NotDone, None),
    ];
    close(s, m(4, 8, 40), &a, Some("Good start.\nStraße, Müller"), Some(4));
    s.mark_routine_day(review, day(5, 4), true, m(4, 9, 0)).unwrap();
    s.change_occurrence(block, day(5, 5), Some(Exception::Skip)).unwrap();
    s.change_occurrence(block, day(5, 6), Some(Exception::Move { to: m(6, 14, 0), length_minutes: 180 })).unwrap();
    s.snooze(on(7), 15, m(7, 6, 50)).unwrap();

    s.start_session(t.id, m(6, 21, 0)).unwrap();
    commit(s, "Homepage", Some("Kunde B"), None, m(6, 21, 1));
    s.skip_phase(m(6, 21, 10)).unwrap();
    s.tick(m(6, 22, 30), Some(m(6, 22, 0)), SleepMode::PauseWhileAsleep).unwrap();
    close(s, m(6, 23, 30), &[(Outcome::Done, None)], None, None);

    s.start_session(t.id, m(8, 7, 0)).unwrap();
    commit(s, "Blog post", None, None, m(8, 7, 1));
    s.skip_phase(m(8, 7, 10)).unwrap();
    s.abandon_session(m(8, 7, 40)).unwrap();

    let call_jo =
        s.carry_over_suggestions().unwrap().into_iter().find(|c| c.commitment.text == "Call Jo").unwrap().commitment.id;
    s.start_session(t.id, m(11, 7, 0)).unwrap();
    s.carry_over(&[call_jo], m(11, 7, 0)).unwrap();
    commit(s, "Invoice", Some("ACME"), None, m(11, 7, 1));
    s.commit_to_routine(review, day(5, 11), m(11, 7, 2)).unwrap();
    s.skip_phase(m(11, 7, 10)).unwrap();
    let done = [(Outcome::Done, None), (Outcome::Done, None), (Outcome::Done, None)];
    close(s, m(11, 7, 40), &done, None, Some(5));

    let builtin = s.list_templates().unwrap().into_iter().find(|t| t.builtin).unwrap();
    s.start_session(builtin.id, m(12, 7, 0)).unwrap();
    commit(s, "Plan", Some("Acme"), None, m(12, 7, 1));

    s.change_setting(SettingChange::Language(LanguageChoice::De)).unwrap();
    s.change_setting(SettingChange::Shortcut(Some("Ctrl+Alt+W".into()))).unwrap();
    s.change_setting(SettingChange::BackupsKept(7)).unwrap();
    s.change_setting(SettingChange::DefaultTemplate(builtin.id)).unwrap();
}

/// The week in a database of its own, and its backup.
fn source() -> (Store, tempfile::TempDir, String) {
    let (mut s, dir) = store();
    week(&mut s);
    let file = export(&s);
    (s, dir, file)
}

fn sessions_of(file: &str) -> Vec<Uuid> {
    serde_json::from_str::<Backup>(file).unwrap().sessions.iter().map(|s| s.id).collect()
}

// ---------------------------------------------------------------------------------------------
// Round trips and merges

#[test]
fn a_backup_imported_into_an_empty_database_exports_as_the_same_file() {
    let (source, _dir, file) = source();
    let (mut copy, _copy_dir) = empty();
    let summary = import(&mut copy, file.as_bytes()).unwrap();
    assert_eq!((summary.sessions.added, summary.sessions.present), (5, 0));
    assert_eq!((summary.commitments.added, summary.templates.added), (9, 4), "3 + 1 + 1 + 3 + 1; 3 built-ins and Long");
    assert_eq!((summary.settings.added, summary.settings.present), (4, 0));
    assert_eq!((summary.blocks.added, summary.routines.added, summary.blocks.present), (2, 2, 0));
    assert!(summary.renamed_templates.is_empty() && summary.links_left_out + summary.routine_links_left_out == 0);
    assert_eq!(export(&copy), file, "byte for byte");

    // What the app reads is the same too: the session in progress, the timeline, the settings,
    // and the search index, which the triggers filled.
    let now = utc(5, 12, 8, 0);
    assert_eq!(copy.current_session(now).unwrap(), source.current_session(now).unwrap());
    assert_eq!(copy.list_sessions(None, 100).unwrap(), source.list_sessions(None, 100).unwrap());
    assert_eq!(copy.settings().unwrap(), source.settings().unwrap());
    assert_eq!(copy.carry_over_suggestions().unwrap(), source.carry_over_suggestions().unwrap());
    for query in ["strasse", "müller", "acme", "final"] {
        assert_eq!(copy.search_history(query, 10).unwrap(), source.search_history(query, 10).unwrap(), "{query}");
    }
    assert_eq!(copy.search_history("strasse", 10).unwrap().len(), 1);

    // The schedule: the blocks with their skipped and moved days, the week as the app shows it
    // (the session started from Monday's reminder holds it), the reminders, the routines.
    assert_eq!(copy.blocks_with_exceptions().unwrap(), source.blocks_with_exceptions().unwrap());
    assert_eq!(copy.blocks_with_exceptions().unwrap()[0].1.len(), 2, "Tuesday skipped, Wednesday moved");
    let (from, to) = (utc(5, 4, 0, 0), utc(5, 18, 0, 0));
    let week = copy.schedule(chrono_tz::UTC, from, to, now).unwrap();
    assert_eq!(week, source.schedule(chrono_tz::UTC, from, to, now).unwrap());
    for at in [utc(5, 7, 6, 55), utc(5, 7, 7, 5), utc(5, 12, 6, 55)] {
        let pending = |s: &Store| s.pending_block(chrono_tz::UTC, at).unwrap();
        assert_eq!(pending(&copy), pending(&source), "the block offered at {at}");
    }
    assert_eq!(copy.routines().unwrap(), source.routines().unwrap());
    let statuses = copy.routine_statuses(day(5, 12)).unwrap();
    assert_eq!(statuses, source.routine_statuses(day(5, 12)).unwrap());
    assert_eq!(statuses[0].streak, 2, "the review kept by hand on the 4th and through a commitment on the 11th");
}

#[test]
fn importing_twice_adds_nothing() {
    let (mut source, _dir, file) = source();
    let (mut copy, _copy_dir) = empty();
    import(&mut copy, file.as_bytes()).unwrap();
    for s in [&mut copy, &mut source] {
        let summary = import(s, file.as_bytes()).unwrap();
        assert_eq!((summary.sessions.added, summary.sessions.present), (0, 5));
        assert_eq!((summary.commitments.added, summary.commitments.present), (0, 9));
        assert_eq!((summary.templates.added, summary.templates.present), (0, 4));
        assert_eq!((summary.blocks.added, summary.blocks.present), (0, 2));
        assert_eq!((summary.routines.added, summary.routines.present), (0, 2));
        assert_eq!((summary.settings.added, summary.settings.present, summary.settings_differing), (0, 4, 0));
        assert_eq!(export(s), file, "nothing added, nothing changed");
    }
}

#[test]
fn a_byte_order_mark_and_times_with_other_offsets_are_read() {
    let (_source, _dir, file) = source();
    let (mut copy, _copy_dir) = empty();
    // As a Windows editor saves it.
    import(&mut copy, format!("\u{feff}{file}").as_bytes()).unwrap();
    assert_eq!(export(&copy), file);

    // The same instants written in another zone and to the microsecond are the same session.
    let mut value: Value = serde_json::from_str(&file).unwrap();
    let started = value["sessions"][0]["startedAt"].as_str().unwrap().to_owned();
    let at = chrono::DateTime::parse_from_rfc3339(&started).unwrap();
    let shifted = (at.with_timezone(&chrono::FixedOffset::east_opt(7200).unwrap()) + Duration::microseconds(400))
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
    value["sessions"][0]["startedAt"] = json!(shifted);
    let summary = import(&mut copy, value.to_string().as_bytes()).unwrap();
    assert_eq!(summary.sessions.present, 5, "{shifted} is {started}, cut to the millisecond as stored");
}

#[test]
fn a_backup_imported_beside_another_history_keeps_both() {
    let (_source, _dir, file) = source();
    // Another computer: its own built-ins (other ids, the same keys), a template "Long" of
    // other phases, English, a session of its own.
    let (mut other, _other_dir) = store();
    let phases = [(PhaseKind::Commitment, 5), (PhaseKind::Focus, 45), (PhaseKind::Closing, 5)]
        .map(|(kind, minutes)| PlannedPhase::new(kind, minutes))
        .to_vec();
    let mine = other.save_template(TemplateDraft { id: None, name: "long".into(), phases }, utc(4, 1, 0, 0)).unwrap();
    other.change_setting(SettingChange::Language(LanguageChoice::En)).unwrap();
    other.start_session(mine.id, utc(3, 2, 9, 0)).unwrap();
    commit(&mut other, "Own work", None, None, utc(3, 2, 9, 1));
    other.skip_phase(utc(3, 2, 9, 2)).unwrap();
    other.skip_phase(utc(3, 2, 9, 30)).unwrap();
    close_with(&mut other, utc(3, 2, 9, 55), [Outcome::Done], None);
    let own_session = sessions_of(&export(&other));
    let builtins_before: Vec<Template> = other.list_templates().unwrap().into_iter().filter(|t| t.builtin).collect();

    let summary = import(&mut other, file.as_bytes()).unwrap();
    assert_eq!((summary.sessions.added, summary.commitments.added), (5, 9));
    assert_eq!((summary.blocks.added, summary.routines.added), (2, 2));
    assert_eq!((summary.templates.added, summary.templates.present), (1, 3), "the built-ins are the database's");
    assert_eq!(summary.renamed_templates, [("Long".to_owned(), "Long (2)".to_owned())], "its phases differ");
    assert_eq!((summary.settings.added, summary.settings.present, summary.settings_differing), (3, 1, 1));

    let templates = other.list_templates().unwrap();
    let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["worktogether", "pomodoro", "short_block", "long", "Long (2)"], "added after the database's");
    assert_eq!(templates.iter().filter(|t| t.builtin).cloned().collect::<Vec<_>>(), builtins_before);
    let settings = other.settings().unwrap();
    assert_eq!(settings.language, LanguageChoice::En, "the person's own setting wins");
    assert_eq!((settings.shortcut.as_deref(), settings.backups_kept), (Some("Ctrl+Alt+W"), 7), "new keys come in");
    assert_eq!(settings.default_template_id, builtins_before[0].id, "the default follows its built-in");

    let after: Backup = serde_json::from_str(&export(&other)).unwrap();
    let imported: Backup = serde_json::from_str(&file).unwrap();
    assert_eq!(after.sessions.len(), 6);
    assert!(own_session.iter().all(|id| after.sessions.iter().any(|s| s.id == *id)), "its own session is kept");
    for s in &imported.sessions {
        assert_eq!(after.sessions.iter().find(|x| x.id == s.id), Some(s), "{} is imported as it was", s.id);
    }
    // The blocks keep their templates: "Long" as "Long (2)", the built-in as this database's.
    let blocks = other.blocks().unwrap();
    let long_2 = templates.iter().find(|t| t.name == "Long (2)").unwrap().id;
    assert_eq!((blocks[0].draft.template_id, blocks[1].draft.template_id), (Some(long_2), Some(builtins_before[0].id)));
    assert_eq!(
        after.schedule,
        imported.schedule.map(|mut s| {
            s.blocks[1].template_id = Some(builtins_before[0].id);
            s
        })
    );
    let again = import(&mut other, file.as_bytes()).unwrap();
    assert_eq!((again.sessions.added, again.templates.added, again.templates.present), (0, 0, 4), "Long (2) is Long");
    assert_eq!((again.blocks.added, again.blocks.present, again.routines.present), (0, 2, 2));
}

#[test]
fn the_persons_own_schedule_wins_and_its_limits_count_the_database() {
    let (mut source, _dir, file) = source();
    // Changed in the file: the person's own are kept as they are, and so are their days.
    let changed = edit(&file, |v| {
        v["schedule"]["blocks"][0]["title"] = json!("Changed");
        v["schedule"]["blocks"][0]["days"].as_array_mut().unwrap().remove(1);
        v["schedule"]["routines"][0]["steps"] = json!([]);
    });
    let summary = import(&mut source, changed.as_slice()).unwrap();
    assert_eq!((summary.blocks.present, summary.routines.present, summary.blocks.added), (2, 2, 0));
    assert_eq!(export(&source), file, "nothing changed");

    // A template the database does not have is the default template.
    let (mut copy, _copy_dir) = empty();
    let unknown = edit(&file, set("/schedule/blocks/1/templateId", json!(Uuid::from_u128(0xe1).to_string())));
    import(&mut copy, unknown.as_slice()).unwrap();
    assert_eq!(copy.blocks().unwrap()[1].draft.template_id, None);

    // 50 blocks at most, counting the database's: 3 own, the file's 2, and 45 more fit.
    let (mut other, _other_dir) = store();
    for n in 0..3 {
        other.save_block(None, BlockDraft { title: format!("Own {n}"), ..morning(None) }, utc(4, 1, 0, n)).unwrap();
    }
    let more = |count: usize| {
        edit(&file, move |v: &mut Value| {
            let blocks = v["schedule"]["blocks"].as_array_mut().unwrap();
            for n in 0..count {
                let mut b = blocks[1].clone();
                b["id"] = json!(Uuid::from_u128(0xf000 + n as u128).to_string());
                blocks.push(b);
            }
        })
    };
    let before = export(&other);
    let refused = import(&mut other, more(46).as_slice()).unwrap_err();
    assert_eq!(refused.message_key().0, "error.block.too_many", "{refused}");
    assert!(refused.message(&words("en")).contains("schedule.blocks[47]"), "the first one too many: {refused}");
    assert_eq!(export(&other), before, "nothing imported");
    let summary = import(&mut other, more(45).as_slice()).unwrap();
    assert_eq!(summary.blocks.added, 47);
    assert_eq!(other.blocks().unwrap().len(), 50);
}

#[test]
fn a_version_1_file_still_imports() {
    let (source, _dir, file) = source();
    // What the app wrote before the schedule: no schedule, no routine links, version 1.
    let old = edit(&file, |v| {
        v["version"] = json!(1);
        v.as_object_mut().unwrap().remove("schedule").unwrap();
        for s in v["sessions"].as_array_mut().unwrap() {
            for c in s["commitments"].as_array_mut().unwrap() {
                c.as_object_mut().unwrap().remove("routine").unwrap();
            }
        }
    });
    let (mut copy, _copy_dir) = empty();
    let summary = import(&mut copy, old.as_slice()).unwrap();
    assert_eq!((summary.sessions.added, summary.commitments.added, summary.blocks.added), (5, 9, 0));
    assert_eq!(copy.list_sessions(None, 100).unwrap(), source.list_sessions(None, 100).unwrap());
    let again: Backup = serde_json::from_str(&export(&copy)).unwrap();
    assert_eq!((again.version, again.schedule.map(|s| s.blocks.len() + s.routines.len())), (2, Some(0)));
}

#[test]
fn a_partial_backup_leaves_out_links_to_what_it_does_not_hold() {
    let (mut source, _dir, _) = source();
    // The next Monday alone: its "Call Jo" continues last Monday's, which is not in it.
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 5, 11);
    let partial = export_of(&source, &Selection::new(monday, monday, None).unwrap());
    assert_eq!(sessions_of(&partial).len(), 1);

    let (mut copy, _copy_dir) = empty();
    // Nor the schedule, which only a whole backup holds: the review it was for is not there.
    let value: Value = serde_json::from_str(&partial).unwrap();
    assert_eq!(value["schedule"], Value::Null);
    assert_eq!(value["sessions"][0]["commitments"][2]["routine"]["day"], json!("2026-05-11"));
    let summary = import(&mut copy, partial.as_bytes()).unwrap();
    assert_eq!((summary.sessions.added, summary.links_left_out, summary.routine_links_left_out), (1, 1, 1));
    let call_jo = copy.list_sessions(None, 10).unwrap()[0].commitments[0].clone();
    assert_eq!((call_jo.text.as_str(), call_jo.carried_from, call_jo.carry_count), ("Call Jo", None, 1));
    let again: Value = serde_json::from_str(&export(&copy)).unwrap();
    assert_eq!(again["sessions"][0]["commitments"][2]["routine"], Value::Null, "imported without the link");

    // Into the history it came from the links stay, and nothing is added.
    let summary = import(&mut source, partial.as_bytes()).unwrap();
    assert_eq!((summary.sessions.present, summary.links_left_out, summary.routine_links_left_out), (1, 0, 0));

    // A complete backup must hold what it links to.
    let mut whole: Value = serde_json::from_str(&partial).unwrap();
    whole["selection"] = Value::Null;
    let (mut copy, _copy_dir) = empty();
    let refused = import(&mut copy, whole.to_string().as_bytes()).unwrap_err();
    assert_eq!(refused.message_key().0, "import.rule.carried_from_unknown", "{refused}");
}

// ---------------------------------------------------------------------------------------------
// Broken files

/// A change to the backup as JSON.
type Edit = Box<dyn Fn(&mut Value)>;

fn set(pointer: &'static str, value: Value) -> Edit {
    Box::new(move |v: &mut Value| {
        *v.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} is in the file")) = value.clone()
    })
}

fn add(pointer: &'static str, field: &'static str, value: Value) -> Edit {
    Box::new(move |v: &mut Value| {
        v.pointer_mut(pointer).unwrap().as_object_mut().unwrap().insert(field.to_owned(), value.clone());
    })
}

fn remove(pointer: &'static str, field: &'static str) -> Edit {
    Box::new(move |v: &mut Value| {
        v.pointer_mut(pointer).unwrap().as_object_mut().unwrap().remove(field).unwrap();
    })
}

fn edit(file: &str, edit: impl Fn(&mut Value)) -> Vec<u8> {
    let mut value: Value = serde_json::from_str(file).unwrap();
    edit(&mut value);
    value.to_string().into_bytes()
}

/// The session in progress (the last) as a new one: new ids for it and its commitments.
fn another_in_progress(v: &mut Value) -> Value {
    let mut copy = v["sessions"][4].clone();
    copy["id"] = json!(Uuid::from_u128(0xa1).to_string());
    copy["commitments"][0]["id"] = json!(Uuid::from_u128(0xa2).to_string());
    copy
}

/// The backup with one byte of a text made invalid UTF-8.
fn invalid_utf8(file: &str) -> Vec<u8> {
    let mut bytes = file.as_bytes().to_vec();
    bytes[file.find("Homepage").unwrap() + 1] = 0xff;
    bytes
}

/// Where the session in progress is in the files of these tests.
const RUNNING: usize = 4;

/// What every broken file is checked for: refused with `key`, in both languages with every
/// placeholder filled, and the database unchanged.
struct Case {
    name: &'static str,
    file: Box<dyn Read>,
    key: &'static str,
}

fn cases(file: &str) -> Vec<Case> {
    let bytes = |b: Vec<u8>| -> Box<dyn Read> { Box::new(std::io::Cursor::new(b)) };
    let text = |t: &str| bytes(t.as_bytes().to_vec());
    let edited = |e: Edit| bytes(edit(file, e));
    let cut = |fraction: f64| bytes(file.as_bytes()[..(file.len() as f64 * fraction) as usize].to_vec());
    let s0 = "/sessions/0";
    assert_eq!(serde_json::from_str::<Value>(file).unwrap()["sessions"][RUNNING]["status"], "running");
    let mut cases = vec![
        Case { name: "empty file", file: text(""), key: "import.empty" },
        Case { name: "only white space", file: text(" \n\t\n"), key: "import.empty" },
        Case { name: "an empty array", file: text("[]"), key: "import.not_json" },
        Case { name: "null", file: text("null"), key: "import.not_json" },
        Case { name: "a number", file: text("42"), key: "import.not_json" },
        Case { name: "a CSV export", file: text("Session,Session start,Day\n"), key: "import.not_json" },
        Case { name: "invalid UTF-8 first", file: bytes(vec![0xff, 0xfe, 0x00, 0x7b]), key: "import.not_json" },
        Case { name: "invalid UTF-8 in a text", file: bytes(invalid_utf8(file)), key: "import.damaged" },
        Case { name: "cut after its first brace", file: text("{"), key: "import.truncated" },
        Case { name: "cut in the head", file: cut(0.01), key: "import.truncated" },
        Case { name: "cut in the middle", file: cut(0.5), key: "import.truncated" },
        Case { name: "cut in the last session", file: cut(0.9), key: "import.truncated" },
        Case {
            name: "cut before its end",
            file: bytes(file.as_bytes()[..file.len() - 3].to_vec()),
            key: "import.truncated",
        },
        Case { name: "something after the end", file: text(&format!("{file}{{}}")), key: "import.damaged" },
        Case {
            name: "NaN for a number",
            file: text(&file.replacen("\"focusSecs\":", "\"focusSecs\":NaN,\"x\":", 1)),
            key: "import.damaged",
        },
        Case {
            name: "a number too large for any",
            file: text(&file.replacen("\"focusSecs\":", "\"focusSecs\":1e999,\"x\":", 1)),
            key: "import.damaged",
        },
        Case { name: "an empty object", file: text("{}"), key: "import.foreign" },
        Case {
            name: "another program's JSON",
            file: text(r#"{"name":"My tasks","items":[{"id":1}]}"#),
            key: "import.foreign",
        },
        Case {
            name: "another format",
            file: edited(set("/format", json!("worktogether-settings"))),
            key: "import.foreign",
        },
        Case { name: "a format that is no text", file: edited(set("/format", json!(1))), key: "import.foreign" },
        Case { name: "version 0", file: edited(set("/version", json!(0))), key: "import.foreign" },
        Case { name: "a newer version", file: edited(set("/version", json!(3))), key: "import.newer" },
        Case {
            name: "a newer version with fields this one does not know",
            file: text(&file.replacen("\"version\":2,", "\"version\":3,\"moods\":[\"calm\"],", 1)),
            key: "import.newer",
        },
        Case {
            name: "a version number beyond any",
            file: edited(set("/version", json!(u64::MAX))),
            key: "import.newer",
        },
        Case { name: "a version as text", file: edited(set("/version", json!("1"))), key: "import.malformed" },
        Case { name: "an unknown field", file: edited(add("", "comment", json!("mine"))), key: "import.malformed" },
        Case {
            name: "an unknown field in a session",
            file: edited(add("/sessions/1", "mood", json!("calm"))),
            key: "import.malformed",
        },
        Case {
            name: "an unknown field in a plan's phase",
            file: edited(add("/sessions/1/plan/0", "colour", json!("blue"))),
            key: "import.malformed",
        },
        Case { name: "a missing field", file: edited(remove(s0, "plan")), key: "import.malformed" },
        Case {
            name: "a rating as text",
            file: edited(set("/sessions/0/focusRating", json!("four"))),
            key: "import.malformed",
        },
        Case {
            name: "a rating beyond a byte",
            file: edited(set("/sessions/0/focusRating", json!(300))),
            key: "import.malformed",
        },
        Case {
            name: "a fractional estimate",
            file: edited(set("/sessions/0/commitments/0/estimateMinutes", json!(1.5))),
            key: "import.malformed",
        },
        Case {
            name: "a number in scientific notation",
            file: edited(set("/sessions/0/totals/focusSecs", json!(5.1e3))),
            key: "import.malformed",
        },
        Case {
            name: "phases as text",
            file: edited(set("/templates/0/phases", json!("25 minutes"))),
            key: "import.malformed",
        },
        Case {
            name: "a negative duration",
            file: edited(set("/sessions/0/plan/1/durationSecs", json!(-60))),
            key: "import.malformed",
        },
        Case { name: "a bad UUID", file: edited(set("/sessions/0/id", json!("not-a-uuid"))), key: "import.malformed" },
        Case {
            name: "a bad time",
            file: edited(set("/sessions/0/startedAt", json!("2026-13-45T99:00:00Z"))),
            key: "import.malformed",
        },
        Case {
            name: "a time without a zone",
            file: edited(set("/sessions/0/startedAt", json!("2026-05-04T07:00:00"))),
            key: "import.malformed",
        },
        Case {
            name: "an unknown outcome",
            file: edited(set("/sessions/0/commitments/0/outcome", json!("finished"))),
            key: "import.malformed",
        },
        Case {
            name: "an unknown status",
            file: edited(set("/sessions/0/status", json!("sleeping"))),
            key: "import.malformed",
        },
        Case {
            name: "an unknown phase kind",
            file: edited(set("/sessions/0/phases/0/kind", json!("nap"))),
            key: "import.malformed",
        },
        Case { name: "settings as a list", file: edited(set("/settings", json!(["de"]))), key: "import.malformed" },
        Case {
            name: "a phase run numbered twice",
            file: edited(set("/sessions/0/phases/1/seq", json!(0))),
            key: "import.rule.sequence",
        },
        Case {
            name: "a gap in the phase runs",
            file: edited(set("/sessions/0/phases/1/seq", json!(2))),
            key: "import.rule.sequence",
        },
        Case {
            name: "a gap in the pauses",
            file: edited(set("/sessions/0/pauses/0/seq", json!(1))),
            key: "import.rule.sequence",
        },
        Case {
            name: "a gap in the commitments",
            file: edited(set("/sessions/0/commitments/2/position", json!(5))),
            key: "import.rule.sequence",
        },
        Case { name: "no phase runs", file: edited(set("/sessions/0/phases", json!([]))), key: "import.rule.no_runs" },
        Case { name: "an empty plan", file: edited(set("/sessions/0/plan", json!([]))), key: "import.rule.plan_empty" },
        Case {
            name: "a plan without its closing round",
            file: edited(set("/sessions/2/plan/4/kind", json!("focus"))),
            key: "import.rule.plan_end",
        },
        Case {
            name: "a phase of no length",
            file: edited(set("/sessions/0/plan/1/durationSecs", json!(0))),
            key: "error.phase_zero",
        },
        Case {
            name: "a phase outside its plan",
            file: edited(set("/sessions/0/phases/1/planIndex", json!(9))),
            key: "import.rule.outside_plan",
        },
        Case {
            name: "a phase of another kind than planned",
            file: edited(set("/sessions/0/phases/1/kind", json!("break"))),
            key: "import.rule.kind_not_planned",
        },
        Case {
            name: "a negative extension",
            file: edited(set("/sessions/0/phases/1/extendedSecs", json!(-5))),
            key: "import.rule.out_of_range",
        },
        Case {
            name: "a negative carry count",
            file: edited(set("/sessions/3/commitments/0/carryCount", json!(-1))),
            key: "import.rule.out_of_range",
        },
        Case {
            name: "a session ending before it starts",
            file: edited(set("/sessions/0/endedAt", json!("2026-05-04T06:00:00Z"))),
            key: "import.rule.ends_before_start",
        },
        Case {
            name: "a template at the last place an integer has",
            file: edited(set("/templates/0/position", json!(i64::MAX))),
            key: "import.rule.out_of_range",
        },
        Case {
            name: "a start beyond the year 9999",
            file: edited(set("/sessions/0/startedAt", json!("+10000-01-01T00:00:00Z"))),
            key: "import.rule.out_of_calendar",
        },
        Case {
            name: "a commitment made in the year 0",
            file: edited(set("/sessions/0/commitments/0/createdAt", json!("0000-06-01T00:00:00Z"))),
            key: "import.rule.out_of_calendar",
        },
        Case {
            name: "a phase before its session",
            file: edited(set("/sessions/0/phases/0/startedAt", json!("2026-05-04T06:00:00Z"))),
            key: "import.rule.out_of_order",
        },
        Case {
            name: "a pause before its session",
            file: edited(set("/sessions/0/pauses/0/startedAt", json!("2026-05-04T06:00:00Z"))),
            key: "import.rule.out_of_order",
        },
        Case {
            name: "a tag with a space before it",
            file: edited(set("/sessions/0/commitments/0/tag", json!(" ACME"))),
            key: "import.rule.untrimmed",
        },
        Case {
            name: "a phase extended by 136 years",
            file: edited(set("/sessions/0/phases/1/extendedSecs", json!(4_294_967_000u64))),
            key: "error.phase_too_long",
        },
        Case {
            name: "a pause ending before it starts",
            file: edited(set("/sessions/0/pauses/0/endedAt", json!("2026-05-04T07:00:00Z"))),
            key: "import.rule.ends_before_start",
        },
        Case {
            name: "an ended session without its end",
            file: edited(set("/sessions/0/endedAt", Value::Null)),
            key: "import.rule.end_missing",
        },
        Case {
            name: "an earlier phase still running",
            file: edited(set("/sessions/0/phases/1/endedAt", Value::Null)),
            key: "import.rule.end_missing",
        },
        Case {
            name: "a running session with an end",
            file: edited(set("/sessions/4/endedAt", json!("2026-05-12T08:00:00Z"))),
            key: "import.rule.end_unexpected",
        },
        Case {
            name: "an end that is not its last phase's",
            file: edited(set("/sessions/0/endedAt", json!("2026-05-04T09:00:00Z"))),
            key: "import.rule.end_mismatch",
        },
        Case {
            name: "totals missing",
            file: edited(set("/sessions/0/totals", Value::Null)),
            key: "import.rule.totals_missing",
        },
        Case {
            name: "totals of a running session",
            file: edited(set(
                "/sessions/4/totals",
                json!({"focusSecs": 0, "pauseSecs": 0, "sleepSecs": 0, "interruptions": 0, "commitments": 1, "done": 0, "partly": 0, "notDone": 0}),
            )),
            key: "import.rule.totals_unexpected",
        },
        Case {
            name: "more focus than its phases",
            file: edited(set("/sessions/0/totals/focusSecs", json!(999_999))),
            key: "import.rule.totals_differ",
        },
        Case {
            name: "negative focus",
            file: edited(set("/sessions/0/totals/focusSecs", json!(-3600))),
            key: "import.rule.totals_differ",
        },
        Case {
            name: "outcomes miscounted",
            file: edited(set("/sessions/0/totals/done", json!(3))),
            key: "import.rule.totals_differ",
        },
        Case {
            name: "a rating of 6",
            file: edited(set("/sessions/0/focusRating", json!(6))),
            key: "error.rating_out_of_range",
        },
        Case {
            name: "a room named in part",
            file: edited(set("/sessions/0/roomName", Value::Null)),
            key: "import.rule.room_partial",
        },
        Case {
            name: "sharing with no room",
            file: edited(set("/sessions/1/sharesWithRoom", json!(true))),
            key: "import.rule.room_missing",
        },
        Case {
            name: "a text of invisible characters",
            file: edited(set("/sessions/0/commitments/0/text", json!("\u{200B}\u{2060}\u{FEFF}"))),
            key: "error.commitment_empty",
        },
        Case {
            name: "a blank text",
            file: edited(set("/sessions/0/commitments/0/text", json!("   "))),
            key: "error.commitment_empty",
        },
        Case {
            name: "a blank note",
            file: edited(set("/sessions/0/overallNote", json!(" \n "))),
            key: "import.rule.invisible",
        },
        Case {
            name: "a tag of zero-width spaces",
            file: edited(set("/sessions/0/commitments/0/tag", json!("\u{200B}"))),
            key: "import.rule.invisible",
        },
        Case {
            name: "a template name of blank braille",
            file: edited(set("/templates/3/name", json!("\u{2800}\u{2800}"))),
            key: "error.template_name_empty",
        },
        Case {
            name: "a commitment too long",
            file: edited(set("/sessions/0/commitments/0/text", json!("x".repeat(501)))),
            key: "error.commitment_too_long",
        },
        Case {
            name: "a note too long",
            file: edited(set("/sessions/0/commitments/1/note", json!("ü".repeat(2001)))),
            key: "error.note_too_long",
        },
        Case {
            name: "a pause note too long",
            file: edited(set("/sessions/0/pauses/0/note", json!("n".repeat(2001)))),
            key: "error.note_too_long",
        },
        Case {
            name: "a tag too long",
            file: edited(set("/sessions/0/commitments/0/tag", json!("t".repeat(41)))),
            key: "error.tag_too_long",
        },
        Case {
            name: "an estimate of 0",
            file: edited(set("/sessions/0/commitments/0/estimateMinutes", json!(0))),
            key: "error.estimate_out_of_range",
        },
        Case {
            name: "a negative estimate",
            file: edited(set("/sessions/0/commitments/0/estimateMinutes", json!(-25))),
            key: "error.estimate_out_of_range",
        },
        Case {
            name: "a template name too long",
            file: edited(set("/templates/3/name", json!("n".repeat(61)))),
            key: "error.template_name_too_long",
        },
        Case {
            name: "a template of the wrong shape",
            file: edited(set("/templates/3/phases/0/kind", json!("focus"))),
            key: "error.template_shape",
        },
        Case {
            name: "a room name too long",
            file: edited(set("/sessions/0/roomName", json!("r".repeat(2001)))),
            key: "import.rule.too_long",
        },
        Case {
            name: "21 commitments",
            file: edited(Box::new(|v: &mut Value| {
                let c = v["sessions"][0]["commitments"][0].clone();
                let list = v["sessions"][0]["commitments"].as_array_mut().unwrap();
                while list.len() < 21 {
                    list.push(c.clone());
                }
            })),
            key: "error.too_many_commitments",
        },
        Case {
            name: "a session twice",
            file: edited(Box::new(|v: &mut Value| {
                let s = v["sessions"][1].clone();
                v["sessions"].as_array_mut().unwrap().push(s);
            })),
            key: "import.rule.duplicate",
        },
        Case {
            name: "a commitment id twice",
            file: edited(Box::new(|v: &mut Value| {
                let id = v["sessions"][0]["commitments"][0]["id"].clone();
                v["sessions"][1]["commitments"][0]["id"] = id;
            })),
            key: "import.rule.duplicate",
        },
        Case {
            name: "a template twice",
            file: edited(Box::new(|v: &mut Value| {
                let t = v["templates"][3].clone();
                v["templates"].as_array_mut().unwrap().push(t);
            })),
            key: "import.rule.duplicate",
        },
        Case {
            name: "two templates of one name in other cases",
            file: edited(Box::new(|v: &mut Value| {
                let mut t = v["templates"][3].clone();
                t["id"] = json!(Uuid::from_u128(0xb1).to_string());
                t["name"] = json!("LONG");
                v["templates"].as_array_mut().unwrap().push(t);
            })),
            key: "import.rule.name_twice",
        },
        Case {
            name: "a built-in twice",
            file: edited(Box::new(|v: &mut Value| {
                let mut t = v["templates"][0].clone();
                t["id"] = json!(Uuid::from_u128(0xb2).to_string());
                t["name"] = json!("Other");
                v["templates"].as_array_mut().unwrap().push(t);
            })),
            key: "import.rule.builtin_twice",
        },
        Case {
            name: "two sessions in progress",
            file: edited(Box::new(|v: &mut Value| {
                let s = another_in_progress(v);
                v["sessions"].as_array_mut().unwrap().push(s);
            })),
            key: "import.rule.second_in_progress",
        },
        Case {
            name: "a paused and a running session",
            file: edited(Box::new(|v: &mut Value| {
                let mut s = another_in_progress(v);
                s["status"] = json!("paused");
                v["sessions"].as_array_mut().unwrap().insert(0, s);
            })),
            key: "import.rule.second_in_progress",
        },
        Case {
            name: "a commitment continuing one of a later session",
            file: edited(Box::new(|v: &mut Value| {
                v["sessions"][0]["commitments"][0]["carriedFrom"] = v["sessions"][3]["commitments"][1]["id"].clone();
            })),
            key: "import.rule.carried_from_later",
        },
        Case {
            name: "a commitment continuing itself",
            file: edited(Box::new(|v: &mut Value| {
                v["sessions"][0]["commitments"][0]["carriedFrom"] = v["sessions"][0]["commitments"][0]["id"].clone();
            })),
            key: "import.rule.carried_from_later",
        },
        Case {
            name: "a commitment continuing one in neither the file nor the history",
            file: edited(Box::new(|v: &mut Value| {
                // A session the history does not have, so that it gets as far as the database.
                let s = &mut v["sessions"][3];
                s["id"] = json!(Uuid::from_u128(0xc1).to_string());
                s["commitments"][0]["id"] = json!(Uuid::from_u128(0xc2).to_string());
                s["commitments"][1]["id"] = json!(Uuid::from_u128(0xc3).to_string());
                s["commitments"][0]["carriedFrom"] = json!(Uuid::from_u128(0xc4).to_string());
            })),
            key: "import.rule.carried_from_unknown",
        },
        Case {
            name: "a session of the history with other content",
            file: edited(set("/sessions/1/overallNote", json!("Written later"))),
            key: "import.rule.conflict",
        },
        Case {
            name: "a session of the history a phase further",
            file: edited(Box::new(|v: &mut Value| {
                let phases = v["sessions"][RUNNING]["phases"].as_array_mut().unwrap();
                let mut next = phases[0].clone();
                phases[0]["endedAt"] = json!("2026-05-12T07:30:00Z");
                phases[0]["endReason"] = json!("elapsed");
                next["seq"] = json!(1);
                next["planIndex"] = json!(1);
                next["kind"] = json!("focus");
                next["startedAt"] = json!("2026-05-12T07:30:00Z");
                phases.push(next);
            })),
            key: "import.rule.conflict",
        },
        Case {
            name: "commitments of the history in a new session",
            file: edited(set("/sessions/1/id", json!(Uuid::from_u128(0xd1).to_string()))),
            key: "import.rule.conflict",
        },
        Case {
            name: "a session in progress while the history has one",
            file: edited(Box::new(|v: &mut Value| {
                let s = another_in_progress(v);
                v["sessions"][RUNNING] = s;
            })),
            key: "import.rule.in_progress_in_history",
        },
        Case {
            name: "a language this version does not know",
            file: edited(set("/settings/language", json!("fr"))),
            key: "import.rule.setting_value",
        },
        Case {
            name: "a setting of the wrong type",
            file: edited(set("/settings/backups_kept", json!("seven"))),
            key: "import.rule.setting_value",
        },
        Case {
            name: "too many backups kept",
            file: edited(set("/settings/backups_kept", json!(1000))),
            key: "error.backups_out_of_range",
        },
        Case {
            name: "a shortcut too long",
            file: edited(set("/settings/shortcut", json!("Ctrl+".repeat(20)))),
            key: "error.shortcut_too_long",
        },
    ];
    cases.extend(schedule_cases(file));
    cases.push(Case {
        name: "100 MB of nonsense",
        file: Box::new(std::io::repeat(0x9c).take(100 << 20)),
        key: "import.not_json",
    });
    cases.push(Case {
        name: "100 MB of brackets after a good start",
        file: Box::new(
            std::io::Cursor::new(br#"{"format":"worktogether-backup","version":1,"templates":"#.to_vec())
                .chain(std::io::repeat(b'[').take(100 << 20)),
        ),
        key: "import.malformed",
    });
    cases.push(Case {
        name: "100 MB of white space and then nonsense",
        file: Box::new(std::io::repeat(b' ').take(100 << 20).chain(std::io::Cursor::new(b"nonsense".to_vec()))),
        key: "import.not_json",
    });
    cases
}

/// Broken schedules. The morning block's days: the 4th (reminded, its session), the 5th
/// (skipped), the 6th (moved), the 7th (snoozed).
fn schedule_cases(file: &str) -> Vec<Case> {
    let edited = |e: Edit| -> Box<dyn Read> { Box::new(std::io::Cursor::new(edit(file, e))) };
    let value: Value = serde_json::from_str(file).unwrap();
    assert_eq!(value["schedule"]["blocks"][0]["days"][2]["movedMinutes"], json!(180));
    assert_eq!(value["sessions"][3]["commitments"][2]["routine"]["day"], json!("2026-05-11"));
    let b0 = "/schedule/blocks/0";
    vec![
        Case {
            name: "February 30th",
            file: edited(set(
                "/schedule/blocks/0/recurrence/repeat",
                json!({"every": "years", "interval": 1, "month": 2, "day": 30}),
            )),
            key: "error.rule.impossible_date",
        },
        Case {
            name: "a rule that ends before it starts",
            file: edited(set("/schedule/routines/0/recurrence/ends", json!({"ends": "on", "date": "2026-04-30"}))),
            key: "error.rule.end_before_first",
        },
        Case {
            name: "a rule every 0 weeks",
            file: edited(set("/schedule/blocks/0/recurrence/repeat/interval", json!(0))),
            key: "error.rule.interval_out_of_range",
        },
        Case {
            name: "a window shorter than its work",
            file: edited(set("/schedule/blocks/1/lengthMinutes", json!(30))),
            key: "error.block.window_shorter_than_expected",
        },
        Case {
            name: "a block starting at minute 1440",
            file: edited(set("/schedule/blocks/0/startMinute", json!(1440))),
            key: "error.block.start_out_of_range",
        },
        Case {
            name: "a block of no name",
            file: edited(set("/schedule/blocks/0/title", json!("\u{200B}"))),
            key: "error.block.title_empty",
        },
        Case {
            name: "a block title with a space after it",
            file: edited(set("/schedule/blocks/0/title", json!("Morning "))),
            key: "import.rule.untrimmed",
        },
        Case {
            name: "weekdays out of order",
            file: edited(set("/schedule/blocks/0/recurrence/repeat/days", json!(["tu", "mo", "we", "th", "fr"]))),
            key: "import.schedule.rule.unsorted",
        },
        Case {
            name: "a blank step",
            file: edited(set("/schedule/routines/0/steps/1", json!(" "))),
            key: "import.rule.invisible",
        },
        Case {
            name: "a routine tag of white space",
            file: edited(set("/schedule/routines/0/tag", json!("  "))),
            key: "import.rule.invisible",
        },
        Case {
            name: "a checklist of 21 steps",
            file: edited(set("/schedule/routines/0/steps", json!(vec!["Step"; 21]))),
            key: "error.routine.too_many_steps",
        },
        Case {
            name: "an unknown repeat kind",
            file: edited(set("/schedule/blocks/0/recurrence/repeat/every", json!("fortnightly"))),
            key: "import.malformed",
        },
        Case {
            name: "an unknown field in a block",
            file: edited(add(b0, "colour", json!("blue"))),
            key: "import.malformed",
        },
        Case {
            name: "a block's day as a number",
            file: edited(set("/schedule/blocks/0/days/0/day", json!(20260504))),
            key: "import.malformed",
        },
        Case {
            name: "a block on a Saturday",
            file: edited(set("/schedule/blocks/0/days/1/day", json!("2026-05-09"))),
            key: "error.block.not_an_occurrence",
        },
        Case {
            name: "a routine kept on a day it is not due",
            file: edited(set("/schedule/routines/0/keptDays/0/day", json!("2026-05-05"))),
            key: "error.routine.not_a_due_day",
        },
        Case {
            name: "a block's day twice",
            file: edited(Box::new(|v: &mut Value| {
                let days = v["schedule"]["blocks"][0]["days"].as_array_mut().unwrap();
                let d = days[1].clone();
                days.push(d);
            })),
            key: "import.schedule.rule.day_twice",
        },
        Case {
            name: "a move without its length",
            file: edited(set("/schedule/blocks/0/days/2/movedMinutes", Value::Null)),
            key: "import.schedule.rule.move_partial",
        },
        Case {
            name: "a day skipped and moved",
            file: edited(set("/schedule/blocks/0/days/2/skipped", json!(true))),
            key: "import.schedule.rule.skipped_and_moved",
        },
        Case {
            name: "a move to the year 2300",
            file: edited(set("/schedule/blocks/0/days/2/movedTo", json!("2300-05-06T14:00:00Z"))),
            key: "error.rule.year_out_of_range",
        },
        Case {
            name: "a move shorter than the window's work",
            file: edited(Box::new(|v: &mut Value| {
                let days = v["schedule"]["blocks"][0]["days"][2].clone();
                v["schedule"]["blocks"][1]["days"] = json!([days]);
                v["schedule"]["blocks"][1]["days"][0]["movedMinutes"] = json!(30);
            })),
            key: "error.block.window_shorter_than_expected",
        },
        Case {
            name: "a block twice",
            file: edited(Box::new(|v: &mut Value| {
                let b = v["schedule"]["blocks"][0].clone();
                v["schedule"]["blocks"].as_array_mut().unwrap().push(b);
            })),
            key: "import.rule.duplicate",
        },
        Case {
            name: "51 blocks",
            file: edited(Box::new(|v: &mut Value| {
                let blocks = v["schedule"]["blocks"].as_array_mut().unwrap();
                for n in 0..49 {
                    let mut b = blocks[1].clone();
                    b["id"] = json!(Uuid::from_u128(0xb000 + n).to_string());
                    blocks.push(b);
                }
            })),
            key: "error.block.too_many",
        },
        Case {
            name: "a commitment for a routine in neither the file nor the history",
            file: edited(Box::new(|v: &mut Value| {
                // A session the history does not have, so that it gets as far as the database.
                let s = &mut v["sessions"][3];
                s["id"] = json!(Uuid::from_u128(0xc1).to_string());
                for (n, c) in s["commitments"].as_array_mut().unwrap().iter_mut().enumerate() {
                    c["id"] = json!(Uuid::from_u128(0xc2 + n as u128).to_string());
                }
                s["commitments"][2]["routine"]["routineId"] = json!(Uuid::from_u128(0xc9).to_string());
            })),
            key: "import.schedule.rule.routine_unknown",
        },
        Case {
            name: "a commitment for a routine day in the year 2500",
            file: edited(set("/sessions/3/commitments/2/routine/day", json!("2500-01-01"))),
            key: "error.rule.year_out_of_range",
        },
        Case {
            name: "a block's day naming a session in neither the file nor the history",
            file: edited(Box::new(|v: &mut Value| {
                // A block the history does not have, so that it gets as far as the database.
                v["schedule"]["blocks"][0]["id"] = json!(Uuid::from_u128(0xd1).to_string());
                v["schedule"]["blocks"][0]["days"][0]["sessionId"] = json!(Uuid::from_u128(0xd2).to_string());
            })),
            key: "import.schedule.rule.session_unknown",
        },
        Case {
            name: "a kept day naming a commitment in neither the file nor the history",
            file: edited(Box::new(|v: &mut Value| {
                v["schedule"]["routines"][0]["id"] = json!(Uuid::from_u128(0xd3).to_string());
                v["schedule"]["routines"][0]["keptDays"][1]["commitmentId"] = json!(Uuid::from_u128(0xd4).to_string());
            })),
            key: "import.schedule.rule.commitment_unknown",
        },
        Case {
            name: "a block made in the year 0",
            file: edited(set("/schedule/blocks/0/createdAt", json!("0000-06-01T00:00:00Z"))),
            key: "import.rule.out_of_calendar",
        },
    ]
}

#[test]
fn broken_files_are_refused_with_their_reason_and_change_nothing() {
    let (_source, _dir, file) = source();
    // The history the file was made of, so that conflicts with it can be tried too.
    let (mut target, _target_dir) = empty();
    import(&mut target, file.as_bytes()).unwrap();
    let now = utc(5, 12, 8, 0);
    // The export holds the schedule as stored.
    let before = (export(&target), common::snapshot(&target, now), target.settings().unwrap());
    let (en, de) = (words("en"), words("de"));
    let cases = cases(&file);
    assert!(cases.len() >= 30, "at least 30 broken files: {}", cases.len());
    let mut names = std::collections::HashSet::new();
    for case in cases {
        assert!(names.insert(case.name), "{} is one case", case.name);
        let refused = match import(&mut target, case.file) {
            Ok(summary) => panic!("{}: imported ({summary:?})", case.name),
            Err(e) => e,
        };
        assert_eq!(refused.message_key().0, case.key, "{}: {refused}", case.name);
        for (language, t) in [("en", &en), ("de", &de)] {
            let message = refused.message(t);
            // The translator refuses a key it does not have and a placeholder left empty.
            assert!(message.len() > 20, "{} in {language}: {message}", case.name);
        }
        let after = (export(&target), common::snapshot(&target, now), target.settings().unwrap());
        assert!(after == before, "{}: the database is as it was", case.name);
    }
}

#[test]
fn messages_say_where_and_what() {
    let (_source, _dir, file) = source();
    let (mut target, _target_dir) = empty();
    let en = words("en");
    let message = |bytes: Vec<u8>, target: &mut Store| import(target, bytes.as_slice()).unwrap_err().message(&en);

    let text = message(edit(&file, set("/sessions/0/commitments/1/estimateMinutes", json!("ten"))), &mut target);
    assert!(text.contains("sessions[0].commitments[1].estimateMinutes"), "the path to the value: {text}");
    let text = message(edit(&file, set("/version", json!(3))), &mut target);
    assert!(text.contains("newer Worktogether") && text.contains("Update Worktogether first"), "{text}");
    let text = message(file.as_bytes()[..file.len() / 2].to_vec(), &mut target);
    let line = file[..file.len() / 2].lines().count();
    assert!(text.contains(&format!("line {line},")), "where it ends: {text}");
    let text = message(edit(&file, set("/sessions/0/commitments/0/text", json!("x".repeat(501)))), &mut target);
    assert!(text.contains("Write the offer") || text.contains("xxxx"), "the commitment is named by its text: {text}");
    assert!(text.contains("500") && text.contains("501"), "the core's own words: {text}");

    let de = words("de");
    let refused = import(&mut target, edit(&file, set("/sessions/1/phases/1/seq", json!(5))).as_slice()).unwrap_err();
    let text = refused.message(&de);
    assert!(text.contains("2026-05-06 21:00:00 UTC") && text.contains('5'), "{text}");

    // In the schedule: the item, the path to the value, the core's words.
    let feb30 = json!({"every": "years", "interval": 1, "month": 2, "day": 30});
    let feb30 = edit(&file, set("/schedule/blocks/0/recurrence/repeat", feb30));
    let refused = import(&mut target, feb30.as_slice()).unwrap_err();
    let text = refused.message(&en);
    assert!(text.contains("“Morning”") && text.contains("schedule.blocks[0].recurrence.repeat.day"), "{text}");
    assert!(text.contains("Month 2 never has a day 30"), "{text}");
    let text = refused.message(&de);
    assert!(text.contains("Arbeitsblock „Morning“") && text.contains("Monat 2 hat nie einen 30. Tag"), "{text}");
    let saturday = edit(&file, set("/schedule/routines/0/keptDays/1/day", json!("2026-05-09")));
    let text = message(saturday, &mut target);
    assert!(text.contains("“Weekly review”") && text.contains("schedule.routines[0].keptDays[1].day"), "{text}");
    let text = message(edit(&file, set("/schedule/blocks/0/startMinute", json!("seven"))), &mut target);
    assert!(text.contains("schedule.blocks[0].startMinute"), "a value of the wrong type, where: {text}");
}
