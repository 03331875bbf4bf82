//! Exports against a week made through the store's real operations, in Europe/Berlin (CEST =
//! UTC+2 in May): the CSV tables read back with the `csv` crate (header, rows, quoting of
//! commas, quotes and line breaks), German numbers, the invoices adding up to the sessions'
//! stored focus, the JSON backup read back into the same values with every session, phase,
//! pause and commitment, the schedule in a whole backup and not in a partial one, the Markdown
//! report in both languages, an empty database, and selections by days and by tag. Headers and
//! the report's words come from the real catalogs.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use common::store;
use std::collections::HashMap;
use uuid::Uuid;
use worktogether_core::export::{
    BACKUP_FORMAT, BACKUP_VERSION, Backup, BackupBlockDay, BackupCounts, BackupRoutineDay, BackupRoutineLink, CsvKind,
    CsvStyle, Selection, week_of,
};
use worktogether_core::schedule::{BlockDay, BlockDraft, Day, Ends, Exception, Recurrence, Repeat, RoutineDraft};
use worktogether_core::{
    ClosingReport, CommitmentDraft, LanguageChoice, Outcome, OutcomeEntry, PhaseKind, PlannedPhase, RoomLink,
    SessionStatus, SettingChange, Store, Template, TemplateDraft, Timestamp,
};

fn utc(mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
    Utc.with_ymd_and_hms(2026, mo, d, h, mi, 0).unwrap()
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// The shell's catalog of `language`, as a translator that refuses a key it does not have or a
/// placeholder left unfilled.
fn words(language: &str) -> impl Fn(&str, &[(&str, String)]) -> String {
    let source = match language {
        "en" => include_str!("../../../locales/en.json"),
        _ => include_str!("../../../locales/de.json"),
    };
    let strings: HashMap<String, String> = serde_json::from_str(source).unwrap();
    move |key: &str, args: &[(&str, String)]| {
        let mut text = strings.get(key).unwrap_or_else(|| panic!("{key} is in the catalog")).clone();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        assert!(!text.contains('{'), "every placeholder of {key} is filled: {text}");
        text
    }
}

/// commitment 30 min · focus 120 · break 20 · focus 120 · closing 10: time decides nothing the
/// fixtures do not say.
fn long_template(s: &mut Store) -> Template {
    use PhaseKind::*;
    let phases = [(Commitment, 30), (Focus, 120), (Break, 20), (Focus, 120), (Closing, 10)]
        .into_iter()
        .map(|(kind, minutes)| PlannedPhase::new(kind, minutes))
        .collect();
    s.save_template(TemplateDraft { id: None, name: "Long".into(), phases }, common::t0()).unwrap()
}

struct Item {
    text: &'static str,
    tag: Option<&'static str>,
    estimate: Option<u32>,
    outcome: Outcome,
    note: Option<&'static str>,
    feedback: bool,
}

fn item(text: &'static str, tag: Option<&'static str>, outcome: Outcome) -> Item {
    Item { text, tag, estimate: None, outcome, note: None, feedback: false }
}

/// Starts a session at `start` with `items`; focus begins 10 minutes later.
fn begin(s: &mut Store, t: &Template, start: Timestamp, items: &[Item]) -> Uuid {
    let id = s.start_session(t.id, start).unwrap().id;
    for i in items {
        let draft = CommitmentDraft { text: i.text.into(), tag: i.tag.map(Into::into), estimate_minutes: i.estimate };
        s.add_commitment(draft, start).unwrap();
    }
    s.skip_phase(start + chrono::Duration::minutes(10)).unwrap();
    id
}

/// Ends the session in progress at `end` and closes it with `items`' outcomes and notes.
fn close(s: &mut Store, end: Timestamp, items: &[Item], note: Option<&str>, rating: Option<u8>) {
    s.end_session_early(end).unwrap();
    let view = s.current_session(end).unwrap().unwrap();
    let outcomes = view
        .commitments
        .iter()
        .zip(items)
        .map(|(c, i)| OutcomeEntry {
            commitment_id: c.id,
            outcome: i.outcome,
            note: i.note.map(Into::into),
            feedback_wanted: i.feedback,
        })
        .collect();
    s.close_session(ClosingReport { outcomes, overall_note: note.map(Into::into), focus_rating: rating }, end).unwrap();
}

struct Week {
    /// Monday, shared with a room: 85 minutes of focus (a 5-minute interruption), three
    /// commitments.
    a: Uuid,
    /// Wednesday 23:00 to Thursday 01:00: 50 minutes on each side of midnight, then 60.
    b: Uuid,
    /// Friday, abandoned after 30 minutes of focus.
    c: Uuid,
    /// The Monday after: carries A's "Call Jo" on; 30 minutes.
    e: Uuid,
    /// Tuesday after that, still running.
    d: Uuid,
}

fn week(s: &mut Store) -> Week {
    let t = long_template(s);
    let a_items = [
        Item {
            text: "Write the offer, v2",
            tag: Some("Acme"),
            estimate: Some(30),
            outcome: Outcome::Done,
            note: Some("sent the \"final\" version"),
            feedback: false,
        },
        Item { note: Some("half, the rest tomorrow"), ..item("Taxes\nreceipts", Some("acme"), Outcome::Partly) },
        Item { feedback: true, ..item("Call Jo", None, Outcome::NotDone) },
    ];
    let a = begin(s, &t, utc(5, 4, 7, 0), &a_items);
    let room =
        RoomLink { membership_id: Uuid::from_u128(7), session_id: Uuid::from_u128(8), room_name: "Co-op".into() };
    s.share_own_session(room, utc(5, 4, 7, 15)).unwrap();
    let shared = s.current_session(utc(5, 4, 7, 15)).unwrap().unwrap().commitments[0].id;
    s.room_commitment_published(shared, Uuid::from_u128(9)).unwrap();
    s.pause_session(Some("Phone".into()), utc(5, 4, 7, 30)).unwrap();
    s.resume_session(utc(5, 4, 7, 35)).unwrap();
    close(s, utc(5, 4, 8, 40), &a_items, Some("Good start.\n# not a heading"), Some(4));

    let b_items = [item("Homepage", Some("Kunde B"), Outcome::Done)];
    let b = begin(s, &t, utc(5, 6, 21, 0), &b_items);
    close(s, utc(5, 6, 23, 0), &b_items, None, None);

    let c = begin(s, &t, utc(5, 8, 7, 0), &[item("Blog post", None, Outcome::Pending)]);
    s.abandon_session(utc(5, 8, 7, 40)).unwrap();

    let carried = s.list_sessions(None, 10).unwrap().into_iter().find(|x| x.id == a).unwrap().commitments[2].id;
    let e = s.start_session(t.id, utc(5, 11, 7, 0)).unwrap().id;
    s.carry_over(&[carried], utc(5, 11, 7, 0)).unwrap();
    let e_items = [item("Call Jo", None, Outcome::Done), item("Invoice", Some("ACME"), Outcome::Done)];
    s.add_commitment(
        CommitmentDraft { text: "Invoice".into(), tag: Some("ACME".into()), estimate_minutes: None },
        utc(5, 11, 7, 0),
    )
    .unwrap();
    s.skip_phase(utc(5, 11, 7, 10)).unwrap();
    close(s, utc(5, 11, 7, 40), &e_items, None, Some(5));

    let d = begin(s, &t, utc(5, 12, 7, 0), &[item("Plan", Some("Acme"), Outcome::Pending)]);
    s.change_setting(SettingChange::Language(LanguageChoice::De)).unwrap();
    Week { a, b, c, e, d }
}

fn csv(s: &Store, kind: CsvKind, selection: &Selection, style: CsvStyle, language: &str) -> (String, u64) {
    let mut out = Vec::new();
    let rows = s.export_csv(kind, selection, Berlin, style, &words(language), &mut out).unwrap();
    (String::from_utf8(out).unwrap(), rows)
}

/// The header and the rows, read back with the `csv` crate.
fn read_csv(text: &str, delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

fn everything() -> Selection {
    Selection::everything()
}

#[test]
fn commitments_csv_has_a_row_each_and_keeps_every_text_as_written() {
    let (mut s, _dir) = store();
    let w = week(&mut s);
    let (text, count) = csv(&s, CsvKind::Commitments, &everything(), CsvStyle::default(), "en");
    let (header, rows) = read_csv(&text, b',');
    assert_eq!(
        header,
        [
            "Session",
            "Session start",
            "Day",
            "Template",
            "Room",
            "Commitment",
            "Tag",
            "Estimate (min)",
            "Outcome",
            "Note",
            "Feedback wanted",
            "Times carried over"
        ]
    );
    assert_eq!(rows.len(), 7, "3 + 1 + 1 + 2; the session in progress is not history yet");
    assert_eq!(count, 7);
    let a = w.a.to_string();
    assert_eq!(
        rows[0],
        [&a, "2026-05-04T09:00:00+02:00", "2026-05-04", "Long", "Co-op", "Write the offer, v2", "Acme", "30", "done"]
            .into_iter()
            .map(str::to_owned)
            .chain(["sent the \"final\" version", "false", "0"].map(str::to_owned))
            .collect::<Vec<_>>(),
        "ISO 8601 with the person's offset; the comma and the quotes survive"
    );
    assert_eq!(rows[1][5], "Taxes\nreceipts", "a line break inside a field survives");
    assert_eq!((rows[1][8].as_str(), rows[1][9].as_str()), ("partly", "half, the rest tomorrow"));
    assert_eq!((rows[2][8].as_str(), rows[2][10].as_str()), ("not_done", "true"));
    assert_eq!(rows[4][0], w.c.to_string());
    assert_eq!((rows[4][8].as_str(), rows[4][4].as_str()), ("pending", ""), "abandoned: never decided, no room");
    assert_eq!(
        (rows[5][0].as_str(), rows[5][5].as_str(), rows[5][11].as_str()),
        (w.e.to_string().as_str(), "Call Jo", "1")
    );
    // The quoting is the csv crate's: only fields that need it.
    assert!(
        text.contains(",\"Write the offer, v2\",") && text.contains(",\"sent the \"\"final\"\" version\","),
        "{text}"
    );
    assert!(text.contains(",\"Taxes\nreceipts\","), "{text}");
    assert!(text.contains(",Call Jo,"), "plain text stays unquoted: {text}");
    assert!(!text.starts_with('\u{feff}') && !text.contains('\r'), "plain CSV: no byte order mark, \\n line ends");
}

#[test]
fn sessions_csv_has_a_row_each_with_the_stored_totals() {
    let (mut s, _dir) = store();
    let w = week(&mut s);
    let (text, count) = csv(&s, CsvKind::Sessions, &everything(), CsvStyle::default(), "en");
    let (header, rows) = read_csv(&text, b',');
    assert_eq!(
        header,
        [
            "Session",
            "Start",
            "End",
            "Template",
            "Room",
            "Status",
            "Focus (min)",
            "Paused (min)",
            "Asleep (min)",
            "Interruptions",
            "Commitments",
            "Done",
            "Partly",
            "Not done",
            "Focus rating",
            "Note"
        ]
    );
    assert_eq!((rows.len(), count), (4, 4));
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, [w.a, w.b, w.c, w.e].map(|id| id.to_string()), "oldest first");
    assert_eq!(
        rows[0][1..],
        [
            "2026-05-04T09:00:00+02:00",
            "2026-05-04T10:40:00+02:00",
            "Long",
            "Co-op",
            "finished",
            "85.00",
            "5.00",
            "0.00",
            "1",
            "3",
            "1",
            "1",
            "1",
            "4",
            "Good start.\n# not a heading"
        ]
    );
    assert_eq!((rows[1][6].as_str(), rows[1][2].as_str()), ("110.00", "2026-05-07T01:00:00+02:00"));
    assert_eq!((rows[2][5].as_str(), rows[2][6].as_str(), rows[2][14].as_str()), ("abandoned", "30.00", ""));
}

#[test]
fn german_numbers_are_what_german_excel_opens() {
    let (mut s, _dir) = store();
    week(&mut s);
    let german = CsvStyle { german_numbers: true };
    let (text, _) = csv(&s, CsvKind::Sessions, &everything(), german, "de");
    assert!(text.starts_with('\u{feff}'), "a byte order mark, so Excel reads UTF-8");
    assert!(text.contains("\r\n"), "Windows line ends");
    let (header, rows) = read_csv(&text, b';');
    assert_eq!(header[..7], ["Session", "Beginn", "Ende", "Vorlage", "Raum", "Status", "Fokus (Min.)"]);
    assert_eq!(header[12..], ["Teilweise", "Nicht erledigt", "Fokus-Bewertung", "Notiz"]);
    assert_eq!((rows[0][6].as_str(), rows[0][7].as_str()), ("85,00", "5,00"), "a decimal comma");
    assert!(text.contains(";85,00;5,00;"), "semicolons between fields, so the comma needs no quotes: {text}");

    let (text, _) = csv(&s, CsvKind::Invoices, &everything(), german, "de");
    let (header, rows) = read_csv(&text, b';');
    assert_eq!(header, ["Datum", "Tag", "Sessions", "Fokus (s)", "Fokus (Min.)", "Fokus (Std.)"]);
    assert_eq!(rows[0], ["2026-05-04", "Acme", "1", "3400", "56,67", "0,94"]);
    let (text, _) = csv(&s, CsvKind::Commitments, &everything(), german, "de");
    assert_eq!(read_csv(&text, b';').0[..3], ["Session", "Session-Beginn", "Datum"]);
}

#[test]
fn invoices_share_each_days_focus_among_the_commitments_and_add_up() {
    let (mut s, _dir) = store();
    let w = week(&mut s);
    let (text, count) = csv(&s, CsvKind::Invoices, &everything(), CsvStyle::default(), "en");
    let (header, rows) = read_csv(&text, b',');
    assert_eq!(header, ["Day", "Tag", "Sessions", "Focus (s)", "Focus (min)", "Focus (h)"]);
    let table: Vec<[&str; 4]> = rows.iter().map(|r| [&r[0], &r[1], &r[2], &r[3]].map(String::as_str)).collect();
    assert_eq!(
        table,
        [
            // 85 minutes among three commitments; "Acme" and "acme" are one tag.
            ["2026-05-04", "Acme", "1", "3400"],
            ["2026-05-04", "", "1", "1700"],
            // Across midnight: each day its own focus.
            ["2026-05-06", "Kunde B", "1", "3000"],
            ["2026-05-07", "Kunde B", "1", "3600"],
            // Abandoned: its focus still went somewhere.
            ["2026-05-08", "", "1", "1800"],
            // "ACME" is spelt as first written.
            ["2026-05-11", "Acme", "1", "900"],
            ["2026-05-11", "", "1", "900"],
        ]
    );
    assert_eq!(count, 7);
    assert_eq!((rows[0][4].as_str(), rows[0][5].as_str()), ("56.67", "0.94"));
    let invoiced: u32 = rows.iter().map(|r| r[3].parse::<u32>().unwrap()).sum();
    let stored: u32 =
        [w.a, w.b, w.c, w.e].iter().map(|&id| s.session_summary(id, utc(6, 1, 0, 0)).unwrap().focus_secs).sum();
    assert_eq!(invoiced, stored, "the rows add up to the focus the sessions stored");
    let minutes: f64 = rows.iter().map(|r| r[4].parse::<f64>().unwrap()).sum();
    assert!((minutes - f64::from(stored) / 60.0).abs() < 0.01 * rows.len() as f64, "minutes round by at most 0.005");
}

#[test]
fn invoices_of_a_session_with_an_odd_split_still_add_up() {
    let (mut s, _dir) = store();
    let t = long_template(&mut s);
    let items = [
        item("One", Some("X"), Outcome::Done),
        item("Two", Some("Y"), Outcome::Done),
        item("Three", Some("Z"), Outcome::Done),
    ];
    let id = begin(&mut s, &t, utc(5, 4, 21, 0), &items);
    // 21:10Z to 22:17:01Z: 50 minutes before Berlin's midnight, 17 min 1 s after.
    close(&mut s, utc(5, 4, 22, 17) + chrono::Duration::seconds(1), &items, None, None);
    let (text, _) = csv(&s, CsvKind::Invoices, &everything(), CsvStyle::default(), "en");
    let (_, rows) = read_csv(&text, b',');
    let secs: Vec<u32> = rows.iter().map(|r| r[3].parse().unwrap()).collect();
    assert_eq!(secs, [1000, 1000, 1000, 340, 340, 341], "each day's shares add up to the day");
    let stored = s.session_summary(id, utc(6, 1, 0, 0)).unwrap().focus_secs;
    assert_eq!(secs.iter().sum::<u32>(), stored);
}

/// Reads the backup written for `selection` back into its types.
fn backup(s: &Store, selection: &Selection) -> (String, Backup, BackupCounts) {
    let mut out = Vec::new();
    let counts = s.export_backup(selection, Berlin, utc(6, 1, 12, 0), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let backup: Backup = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (text, backup, counts)
}

#[test]
fn the_backup_reads_back_into_the_same_values_with_every_row() {
    let (mut s, _dir) = store();
    let w = week(&mut s);
    let (text, backup, counts) = backup(&s, &everything());
    assert_eq!((backup.format.as_str(), backup.version), (BACKUP_FORMAT, BACKUP_VERSION));
    assert_eq!((backup.exported_at, backup.schema_version), (utc(6, 1, 12, 0), s.schema_version().unwrap()));
    assert_eq!(backup.selection, None, "the whole history");
    // Read back and written again, it is the same JSON: nothing is lost or added by the types.
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&backup).unwrap(), raw);
    assert_eq!(text.lines().count(), 2 + 5, "the head, a line per session, the end");

    let templates = s.list_templates().unwrap();
    let names: Vec<&str> = backup.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, templates.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), "in the app's order");
    assert!(backup.templates.iter().all(|t| t.phases == templates.iter().find(|x| x.id == t.id).unwrap().phases));
    assert_eq!(backup.templates.iter().filter(|t| t.builtin_key.is_some()).count(), templates.len() - 1);
    assert_eq!(backup.settings.get("language"), Some(&serde_json::json!("de")));

    let ids: Vec<Uuid> = backup.sessions.iter().map(|x| x.id).collect();
    assert_eq!(ids, [w.a, w.b, w.c, w.e, w.d], "every session, the one in progress too, oldest first");
    let mut want = BackupCounts { templates: templates.len() as u64, sessions: 5, ..BackupCounts::default() };
    for session in &backup.sessions {
        let record = s.session_record(session.id, utc(6, 1, 0, 0)).unwrap();
        let phases: Vec<_> = session
            .phases
            .iter()
            .map(|p| (p.kind, p.started_at, p.ended_at, p.extended_secs as u32, p.end_reason))
            .collect();
        let stored: Vec<_> =
            record.phases.iter().map(|p| (p.kind, p.started_at, p.ended_at, p.extended_secs, p.end_reason)).collect();
        assert_eq!(phases, stored, "every phase run of {}", session.id);
        let pauses: Vec<_> =
            session.pauses.iter().map(|p| (p.kind, p.started_at, p.ended_at, p.note.clone())).collect();
        let stored: Vec<_> = record.pauses.iter().map(|p| (p.kind, p.started_at, p.ended_at, p.note.clone())).collect();
        assert_eq!(pauses, stored, "every pause of {}", session.id);
        let commitments: Vec<_> = session
            .commitments
            .iter()
            .map(|c| {
                let estimate = c.estimate_minutes.map(|m| m as u32);
                (c.id, c.position as u32, c.text.clone(), c.tag.clone(), estimate, c.outcome, c.note.clone())
            })
            .collect();
        let stored: Vec<_> = record
            .summary
            .commitments
            .iter()
            .map(|c| (c.id, c.position, c.text.clone(), c.tag.clone(), c.estimate_minutes, c.outcome, c.note.clone()))
            .collect();
        assert_eq!(commitments, stored, "every commitment of {}", session.id);
        let links: Vec<_> =
            session.commitments.iter().map(|c| (c.feedback_wanted, c.carried_from, c.carry_count as u32)).collect();
        let stored: Vec<_> =
            record.summary.commitments.iter().map(|c| (c.feedback_wanted, c.carried_from, c.carry_count)).collect();
        assert_eq!(links, stored);
        assert_eq!(
            (session.status, session.started_at, session.ended_at, session.template_name.as_str()),
            (
                record.summary.status,
                record.summary.started_at,
                record.summary.ended_at,
                record.summary.template_name.as_str()
            )
        );
        assert_eq!(
            (&session.overall_note, session.focus_rating),
            (&record.summary.overall_note, record.summary.focus_rating)
        );
        assert_eq!(session.plan.len(), 5);
        match session.totals {
            Some(totals) => assert_eq!(totals.focus_secs, i64::from(record.summary.focus_secs)),
            None => assert!(session.status.in_progress(), "only the session in progress has no totals yet"),
        }
        want.phases += session.phases.len() as u64;
        want.pauses += session.pauses.len() as u64;
        want.commitments += session.commitments.len() as u64;
    }
    assert_eq!(counts, want);
    assert_eq!((want.commitments, want.pauses), (3 + 1 + 1 + 2 + 1, 1));

    let a = &backup.sessions[0];
    assert_eq!(
        (a.room_membership_id, a.room_session_id, a.room_name.as_deref(), a.shares_with_room, a.follows_room),
        (Some(Uuid::from_u128(7)), Some(Uuid::from_u128(8)), Some("Co-op"), true, false),
        "the room fields as stored"
    );
    assert_eq!(a.commitments[0].room_commitment_id, Some(Uuid::from_u128(9)));
    assert_eq!(a.totals.unwrap().interruptions, 1);
    let e = &backup.sessions[3];
    assert_eq!(e.commitments[0].carried_from, Some(a.commitments[2].id), "the carried-over link");
    let d = &backup.sessions[4];
    assert_eq!((d.status, d.ended_at, d.phases.last().unwrap().ended_at), (SessionStatus::Running, None, None));

    // An importer of version 1 refuses what it does not know, rather than dropping it.
    let mut changed = raw.clone();
    changed["sessions"][0]["mood"] = serde_json::json!("great");
    assert!(serde_json::from_value::<Backup>(changed).is_err());
    let mut changed = raw;
    changed["sessions"][0]["commitments"][0]["outcome"] = serde_json::json!("maybe");
    assert!(serde_json::from_value::<Backup>(changed).is_err(), "codes are checked");
}

fn weekly(first: NaiveDate, days: &[Day]) -> Recurrence {
    Recurrence { first, repeat: Repeat::Weeks { interval: 1, days: days.to_vec() }, ends: Ends::Never }
}

#[test]
fn the_backup_holds_the_schedule_when_whole_and_not_when_partial() {
    let (mut s, _dir) = store();
    let w = week(&mut s);
    let berlin = |d, h, mi| Berlin.with_ymd_and_hms(2026, 5, d, h, mi, 0).unwrap().with_timezone(&Utc);
    let template = s.list_templates().unwrap()[0].id;
    let morning = BlockDraft {
        title: "Morgens".into(),
        template_id: Some(template),
        recurrence: weekly(date(5, 4), &Day::WORKDAYS),
        start_minute: 9 * 60,
        length_minutes: 240,
        expected_minutes: None,
        remind_minutes: Some(10),
    };
    let morning = s.save_block(None, morning, utc(5, 1, 8, 0)).unwrap();
    let evening =
        BlockDraft { title: "Abends".into(), template_id: None, start_minute: 19 * 60, ..morning.draft.clone() };
    let evening = s.save_block(None, evening, utc(5, 1, 8, 1)).unwrap();
    let on = |block, d| BlockDay { block_id: block, day: date(5, d) };
    s.change_occurrence(morning.id, date(5, 5), Some(Exception::Skip)).unwrap();
    let moved = Exception::Move { to: berlin(6, 15, 0), length_minutes: 120 };
    s.change_occurrence(morning.id, date(5, 6), Some(moved)).unwrap();
    s.mark_reminded(&[on(morning.id, 7)], berlin(7, 8, 50)).unwrap();
    s.snooze(on(morning.id, 8), 15, berlin(8, 8, 50)).unwrap();
    // Reminded on a Monday, then moved to Tuesdays: the Monday is never read again.
    s.mark_reminded(&[on(evening.id, 11)], berlin(11, 18, 50)).unwrap();
    let tuesdays = BlockDraft { recurrence: weekly(date(5, 4), &[Day::Tu]), ..evening.draft.clone() };
    s.save_block(Some(evening.id), tuesdays, utc(5, 11, 20, 0)).unwrap();
    let routine = RoutineDraft {
        title: "Rechnungen".into(),
        tag: Some("Buchhaltung".into()),
        recurrence: weekly(date(5, 5), &[Day::Tu]),
        steps: vec!["Belege".into()],
        estimate_minutes: Some(45),
    };
    let routine = s.save_routine(None, routine, utc(5, 1, 8, 2)).unwrap();
    s.mark_routine_day(routine.id, date(5, 5), true, berlin(5, 17, 0)).unwrap();
    // The session in progress commits to the routine's Tuesday.
    s.commit_to_routine(routine.id, date(5, 12), utc(5, 12, 7, 30)).unwrap();

    let (text, whole, counts) = backup(&s, &everything());
    assert_eq!(whole.version, 2);
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&whole).unwrap(), raw, "read back and written again, the same JSON");
    assert_eq!(text.lines().count(), 2 + 5, "the schedule is in the head's line");
    assert_eq!((counts.blocks, counts.routines), (2, 1));
    let schedule = whole.schedule.unwrap();
    let blocks: Vec<_> = schedule.blocks.iter().map(|b| (b.id, b.draft(), b.created_at)).collect();
    let stored: Vec<_> = s.blocks().unwrap().into_iter().map(|b| (b.id, b.draft)).collect();
    assert_eq!(blocks.iter().map(|(id, d, _)| (*id, d.clone())).collect::<Vec<_>>(), stored, "as stored, in order");
    assert_eq!((blocks[0].2, blocks[1].2), (utc(5, 1, 8, 0), utc(5, 1, 8, 1)));
    let day = |d, skipped| BackupBlockDay {
        day: date(5, d),
        skipped,
        moved_to: None,
        moved_minutes: None,
        reminded_at: None,
        snoozed_until: None,
        session_id: None,
    };
    assert_eq!(
        schedule.blocks[0].days,
        [
            day(5, true),
            BackupBlockDay { moved_to: Some(berlin(6, 15, 0)), moved_minutes: Some(120), ..day(6, false) },
            BackupBlockDay { reminded_at: Some(berlin(7, 8, 50)), ..day(7, false) },
            BackupBlockDay { snoozed_until: Some(berlin(8, 9, 5)), ..day(8, false) },
        ]
    );
    assert_eq!(schedule.blocks[1].days, [], "a day of the old rule is left out");
    assert_eq!(schedule.routines.len(), 1);
    let r = &schedule.routines[0];
    assert_eq!((r.id, r.draft(), r.created_at), (routine.id, routine.draft.clone(), utc(5, 1, 8, 2)));
    let kept = BackupRoutineDay { day: date(5, 5), done_at: berlin(5, 17, 0), commitment_id: None };
    assert_eq!(r.kept_days, [kept], "kept by hand");
    let d = whole.sessions.iter().find(|x| x.id == w.d).unwrap();
    let linked: Vec<_> = d.commitments.iter().map(|c| (c.text.as_str(), c.routine.clone())).collect();
    let link = BackupRoutineLink { routine_id: routine.id, day: date(5, 12) };
    assert_eq!(linked, [("Plan", None), ("Rechnungen", Some(link))]);
    assert!(whole.sessions.iter().filter(|x| x.id != w.d).flat_map(|x| &x.commitments).all(|c| c.routine.is_none()));

    // Only a whole backup holds it.
    let (text, partial, counts) = backup(&s, &Selection::new(Some(date(5, 12)), None, None).unwrap());
    assert_eq!((partial.schedule, counts.blocks, counts.routines), (None, 0, 0));
    assert!(text.contains(r#""settings":{"language":"de"},"schedule":null,"sessions":["#), "{text}");
    assert!(partial.sessions[0].commitments[1].routine.is_some(), "the links stay: the routine may be where it goes");
}

#[test]
fn the_report_tells_the_week_day_by_day() {
    let (mut s, _dir) = store();
    week(&mut s);
    s.abandon_session(utc(5, 12, 8, 0)).unwrap(); // the Tuesday after, so June's sessions can start
    slipping_chain(&mut s);
    let (monday, sunday) = week_of(date(5, 7));
    let selection = Selection::new(Some(monday), Some(sunday), None).unwrap();
    let en = report(&s, &selection, "en");
    let expected = [
        "# Worktogether: week 19 of 2026 (2026-05-04 to 2026-05-10)\n",
        "- Focus: 3 h 45 min\n- Sessions: 2 finished, 1 abandoned\n",
        "- Commitments: 2 done, 1 partly, 1 not done\n- Completion: 63 % (partly done counts as half)\n",
        "✓ done · ½ partly · ✗ not done · ○ open\n",
        "\n## Monday, 2026-05-04\n\n### 09:00–10:40 · Long · in Co-op\n\n",
        "Focus 1 h 25 min · 1 interruption · focus rating 4 of 5\n\n",
        "- ✓ Write the offer, v2 · Acme · est. 30 min — sent the \"final\" version\n",
        "- ½ Taxes  \n  receipts · acme — half, the rest tomorrow\n",
        "- ✗ Call Jo · feedback wanted\n",
        "\n> Good start.  \n> \\# not a heading\n",
        "\n## Wednesday, 2026-05-06\n\n### 23:00–01:00 · Long\n\nFocus 1 h 50 min\n\n- ✓ Homepage · Kunde B\n",
        "\n## Friday, 2026-05-08\n\n### 09:00–09:40 · Long\n\nFocus 30 min · abandoned\n\n- ○ Blog post\n",
        "\n## Slipping\n\nCarried over 3 times or more and still not done:\n\n",
        "- ✗ Tax return · carried over 3× · last on 2026-06-04\n",
    ];
    for part in expected {
        assert!(en.contains(part), "the report has {part:?}:\n{en}");
    }
    assert!(!en.contains("Invoice") && !en.contains("Plan"), "only the week's ended sessions");

    let de = report(&s, &selection, "de");
    for part in [
        "# Worktogether: KW 19/2026 (04.05.2026 bis 10.05.2026)\n",
        "- Fokus: 3 Std. 45 Min.\n- Sessions: 2 abgeschlossen, 1 abgebrochen\n",
        "- Erledigt: 63 % (teilweise zählt zur Hälfte)\n",
        "## Montag, 04.05.2026\n",
        "Fokus 1 Std. 25 Min. · 1 Unterbrechung · Fokus-Bewertung 4 von 5\n",
        "- ✓ Write the offer, v2 · Acme · ca. 30 Min. — sent the \"final\" version\n",
        "- ✗ Call Jo · Feedback gewünscht\n",
        "Fokus 30 Min. · abgebrochen\n",
        "## Bleibt liegen\n",
        "- ✗ Tax return · 3× übernommen · zuletzt am 04.06.2026\n",
    ] {
        assert!(de.contains(part), "the German report has {part:?}:\n{de}");
    }
}

fn report(s: &Store, selection: &Selection, language: &str) -> String {
    let mut out = Vec::new();
    s.export_report(selection, Berlin, &words(language), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// "Tax return", not done on June 1 and carried over, not done, three times (June 2 to 4).
fn slipping_chain(s: &mut Store) {
    let t = s.list_templates().unwrap().into_iter().find(|t| t.name == "Long").unwrap();
    let not_done = [item("Tax return", None, Outcome::NotDone)];
    let mut carry: Option<Uuid> = None;
    for day in 1..=4 {
        let start = utc(6, day, 7, 0);
        s.start_session(t.id, start).unwrap();
        let draft = CommitmentDraft { text: "Tax return".into(), tag: None, estimate_minutes: None };
        let update = match carry {
            Some(id) => s.carry_over(&[id], start),
            None => s.add_commitment(draft, start),
        };
        update.unwrap();
        carry = Some(s.current_session(start).unwrap().unwrap().commitments[0].id);
        s.skip_phase(start + chrono::Duration::minutes(10)).unwrap();
        close(s, start + chrono::Duration::minutes(40), &not_done, None, None);
    }
}

#[test]
fn a_report_for_a_tag_shows_only_its_commitments_and_its_share_of_the_focus() {
    let (mut s, _dir) = store();
    week(&mut s);
    let selection = Selection::new(None, None, Some("ACME".into())).unwrap();
    let en = report(&s, &selection, "en");
    // A: two of three commitments, 2 × 1700 s; E: one of two, 900 s; 4300 s are 1 h 11 min.
    for part in [
        "# Worktogether: ACME, all sessions\n",
        "- Focus for ACME: 1 h 11 min (each session's focus shared equally among its commitments)\n",
        "- Sessions: 2 finished, 0 abandoned\n",
        "- Commitments: 2 done, 1 partly, 0 not done\n",
        "## Monday, 2026-05-04\n",
        "## Monday, 2026-05-11\n",
        "- ✓ Invoice · ACME\n",
    ] {
        assert!(en.contains(part), "the tag's report has {part:?}:\n{en}");
    }
    assert!(!en.contains("Call Jo") && !en.contains("Homepage") && !en.contains("Blog post"), "{en}");
}

#[test]
fn an_empty_history_exports_headers_and_an_empty_report() {
    let (s, _dir) = store();
    for kind in CsvKind::ALL {
        let (text, rows) = csv(&s, kind, &everything(), CsvStyle::default(), "en");
        assert_eq!((text.lines().count(), rows), (1, 0), "{kind:?}: the header alone: {text}");
        assert!(read_csv(&text, b',').1.is_empty());
    }
    let (text, backup, counts) = backup(&s, &everything());
    assert!(backup.sessions.is_empty() && !backup.templates.is_empty(), "{text}");
    assert_eq!((counts.sessions, counts.templates), (0, backup.templates.len() as u64));
    let selection = Selection::new(Some(date(5, 4)), Some(date(5, 10)), None).unwrap();
    let en = report(&s, &selection, "en");
    assert!(en.contains("- Focus: 0 min\n- Sessions: 0 finished, 0 abandoned\n"), "{en}");
    assert!(
        en.contains("\nNo sessions on these days.\n") && !en.contains("Completion") && !en.contains("Slipping"),
        "{en}"
    );
}

#[test]
fn selections_by_days_and_by_tag() {
    let (mut s, _dir) = store();
    let w = week(&mut s);
    let plain = CsvStyle::default();
    let rows = |kind, selection: &Selection| read_csv(&csv(&s, kind, selection, plain, "en").0, b',').1;

    // Wednesday and Thursday: B started on Wednesday; its focus fell on both days.
    let days = Selection::new(Some(date(5, 6)), Some(date(5, 7)), None).unwrap();
    let commitments = rows(CsvKind::Commitments, &days);
    assert_eq!(commitments.iter().map(|r| r[5].as_str()).collect::<Vec<_>>(), ["Homepage"]);
    assert_eq!(rows(CsvKind::Sessions, &days).len(), 1);
    let invoices = rows(CsvKind::Invoices, &days);
    assert_eq!(
        invoices.iter().map(|r| (r[0].as_str(), r[3].as_str())).collect::<Vec<_>>(),
        [("2026-05-06", "3000"), ("2026-05-07", "3600")]
    );
    // Thursday alone: no session started, but an hour of B's focus happened.
    let thursday = Selection::new(Some(date(5, 7)), Some(date(5, 7)), None).unwrap();
    assert!(rows(CsvKind::Commitments, &thursday).is_empty() && rows(CsvKind::Sessions, &thursday).is_empty());
    assert_eq!(rows(CsvKind::Invoices, &thursday).len(), 1);
    // Open at one end.
    let since = Selection::new(Some(date(5, 8)), None, None).unwrap();
    assert_eq!(rows(CsvKind::Sessions, &since).len(), 2, "C and E");
    let until = Selection::new(None, Some(date(5, 6)), None).unwrap();
    assert_eq!(rows(CsvKind::Sessions, &until).len(), 2, "A and B");

    // A tag in any case: its commitments; the sessions that have one; its share of the focus.
    let tag = Selection::new(None, None, Some("aCmE".into())).unwrap();
    let texts: Vec<String> = rows(CsvKind::Commitments, &tag).into_iter().map(|r| r[5].clone()).collect();
    assert_eq!(texts, ["Write the offer, v2", "Taxes\nreceipts", "Invoice"]);
    let sessions: Vec<String> = rows(CsvKind::Sessions, &tag).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(sessions, [w.a.to_string(), w.e.to_string()]);
    assert_eq!(sessions.len(), 2);
    let invoices = rows(CsvKind::Invoices, &tag);
    assert_eq!(
        invoices.iter().map(|r| (r[0].as_str(), r[1].as_str(), r[3].as_str())).collect::<Vec<_>>(),
        [("2026-05-04", "Acme", "3400"), ("2026-05-11", "Acme", "900")]
    );

    // The backup: whole sessions, and the selection recorded.
    let (_, b, _) = backup(&s, &Selection::new(Some(date(5, 9)), None, None).unwrap());
    assert_eq!(b.sessions.iter().map(|x| x.id).collect::<Vec<_>>(), [w.e, w.d]);
    let recorded = b.selection.unwrap();
    assert_eq!((recorded.from, recorded.to, recorded.time_zone.as_str()), (Some(date(5, 9)), None, "Europe/Berlin"));
    let (_, b, _) = backup(&s, &tag);
    assert_eq!(b.sessions.iter().map(|x| x.id).collect::<Vec<_>>(), [w.a, w.e, w.d]);
    assert_eq!(b.sessions[0].commitments.len(), 3, "a session goes whole, with commitments of other tags");
    assert_eq!(b.selection.unwrap().tag.as_deref(), Some("aCmE"));
}

/// Ten years of heavy use (10,000 sessions, 50,000 commitments, notes, pauses, sleeps, chains
/// of carried-over commitments) made through the store, kept in a file, then everything
/// exported to files and timed. A sanity check, not an assertion:
/// `cargo test --release -p worktogether-core --test export -- --ignored --nocapture`.
#[test]
#[ignore]
#[allow(clippy::disallowed_methods)] // a measurement: the test owns the clock, the core does not
fn exporting_ten_years() {
    use std::time::Instant;
    let dir = tempfile::tempdir().unwrap();
    let built = Instant::now();
    let mut memory = Store::open_in_memory().unwrap();
    ten_years(&mut memory);
    let path = dir.path().join("ten-years.sqlite3");
    memory.copy_to(&path).unwrap();
    drop(memory);
    println!("ten years built in {:?}", built.elapsed());
    let s = Store::open_read_only(&path).unwrap();
    let en = words("en");
    let everything = Selection::everything();
    let time = |name: &str, f: &dyn Fn(std::fs::File)| {
        let mut times = Vec::new();
        for _ in 0..5 {
            let file = std::fs::File::create(dir.path().join(name)).unwrap();
            let started = Instant::now();
            f(file);
            times.push(started.elapsed());
        }
        times.sort();
        let size = std::fs::metadata(dir.path().join(name)).unwrap().len();
        println!("{name}: median {:?}, max {:?} ({:.1} MB)", times[2], times[4], size as f64 / 1e6);
    };
    let buffered = |f: std::fs::File| std::io::BufWriter::with_capacity(1 << 16, f);
    time("backup.json", &|f| {
        s.export_backup(&everything, Berlin, utc(12, 1, 0, 0), buffered(f)).unwrap();
    });
    for kind in CsvKind::ALL {
        time(&format!("{}.csv", kind.as_str()), &|f| {
            s.export_csv(kind, &everything, Berlin, CsvStyle::default(), &en, buffered(f)).unwrap();
        });
    }
    time("report.md", &|f| {
        s.export_report(&everything, Berlin, &en, buffered(f)).unwrap();
    });
}

/// The history of `crates/core/examples/history_bench.rs` (`worktogether_core::sample`), with
/// texts a CSV must quote: a comma, quotes, a line break.
fn ten_years(store: &mut Store) {
    const TEXTS: [&str; 4] =
        ["Rechnungen für Müller schreiben", "Belege, Quittungen \"sortieren\"", "Newsletter\nEntwurf", "Angebot"];
    let epoch = Utc.with_ymd_and_hms(2016, 12, 1, 6, 0, 0).unwrap();
    worktogether_core::sample::heavy_history(store, 10_000, epoch, &TEXTS).unwrap();
}
