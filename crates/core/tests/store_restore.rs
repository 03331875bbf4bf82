//! Restoring a backup into the open store: the live database takes the backup's content whole,
//! brought to this app's schema; a file that is not a Worktogether database this app can read is
//! refused, as is any restore while a session is in progress, and a refusal changes nothing.

mod common;

use common::{at, quick_template, snapshot, store};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use worktogether_core::error::{BackupRefusal, WrongState};
use worktogether_core::{CommitmentDraft, CoreError, HistoryQuery, SettingChange, Store, Template};

fn draft(text: &str, tag: Option<&str>) -> CommitmentDraft {
    CommitmentDraft { text: text.into(), tag: tag.map(Into::into), estimate_minutes: None }
}

/// A session started at `start` (seconds after t0) with one commitment, a focus block, then abandoned.
fn session(s: &mut Store, t: &Template, start: i64, text: &str) {
    s.start_session(t.id, at(start)).unwrap();
    s.add_commitment(draft(text, Some("Büro")), at(start + 1)).unwrap();
    s.abandon_session(at(start + 40)).unwrap();
}

fn history(s: &Store) -> String {
    format!("{:?}", s.history_page(&HistoryQuery { limit: 100, ..HistoryQuery::default() }).unwrap().sessions)
}

fn live_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("worktogether.sqlite3")
}

/// A backup of the store in `dir` as the app makes it, in `dir/backups/<name>`.
fn back_up(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    let folder = dir.path().join("backups");
    std::fs::create_dir_all(&folder).unwrap();
    let dest = folder.join(name);
    Store::back_up(&live_path(dir), &dest).unwrap();
    dest
}

fn refusal(result: worktogether_core::Result<()>) -> BackupRefusal {
    match result {
        Err(CoreError::Backup(refusal)) => refusal,
        other => panic!("expected a refused backup, got {other:?}"),
    }
}

/// Restores `file` into a store with a session in its history, and says why it was refused;
/// checks that the refusal changed nothing.
fn refused(file: &Path) -> BackupRefusal {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    session(&mut s, &t, 0, "Angebot schreiben");
    let before = snapshot(&s, at(999));
    let why = refusal(s.restore_from(file));
    assert_eq!(snapshot(&s, at(999)), before, "a refused restore changes nothing");
    why
}

#[test]
fn a_restore_brings_back_exactly_what_the_backup_held() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    session(&mut s, &t, 0, "Rechnung Müller");
    session(&mut s, &t, 100, "Steuer");
    let backed_up = (history(&s), snapshot(&s, at(999)), s.settings().unwrap());
    let file = back_up(&dir, "worktogether-2026-11-25T090500Z.sqlite3");

    // Later: another session, another setting, another template.
    session(&mut s, &t, 500, "Nach dem Backup");
    s.change_setting(SettingChange::BackupsKept(3)).unwrap();
    assert_ne!(history(&s), backed_up.0);

    s.restore_from(&file).unwrap();
    assert_eq!((history(&s), snapshot(&s, at(999)), s.settings().unwrap()), backed_up);
    assert!(s.search_history("nach dem backup", 10).unwrap().is_empty(), "the search index is the backup's too");
    assert_eq!(s.search_history("muller", 10).unwrap().len(), 1, "and finds what the backup held");
    // The store goes on working on the restored data, and it is on disk.
    session(&mut s, &t, 900, "Danach");
    drop(s);
    let reopened = Store::open(&live_path(&dir)).unwrap();
    let texts: Vec<String> = reopened
        .history_page(&HistoryQuery { limit: 100, ..HistoryQuery::default() })
        .unwrap()
        .sessions
        .iter()
        .flat_map(|x| x.commitments.iter().map(|c| c.text.clone()))
        .collect();
    assert_eq!(texts, ["Danach", "Steuer", "Rechnung Müller"]);
    let conn = Connection::open(live_path(&dir)).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "the live database stays in WAL mode");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    assert!(file.exists(), "the backup itself stays");
}

#[test]
fn a_file_that_is_no_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.sqlite3");
    std::fs::write(&text, "Einkaufsliste: Milch, Brot\n".repeat(200)).unwrap();
    assert_eq!(refused(&text), BackupRefusal::Unreadable);
    assert_eq!(refused(&dir.path().join("missing.sqlite3")), BackupRefusal::Unreadable);
}

#[test]
fn a_truncated_backup_is_refused() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    for i in 0..40 {
        session(&mut s, &t, i * 100, &format!("Aufgabe {i} {}", "x".repeat(200)));
    }
    let file = back_up(&dir, "worktogether-2026-11-25T090500Z.sqlite3");
    let whole = std::fs::read(&file).unwrap();
    assert!(whole.len() > 16 * 4096, "a backup of several pages: {}", whole.len());
    let half = dir.path().join("half.sqlite3");
    std::fs::write(&half, &whole[..whole.len() / 2]).unwrap();
    assert_eq!(refused(&half), BackupRefusal::Damaged);
    let header_only = dir.path().join("header.sqlite3");
    std::fs::write(&header_only, &whole[..60]).unwrap();
    assert_eq!(refused(&header_only), BackupRefusal::Damaged);
}

#[test]
fn a_backup_of_a_newer_schema_is_refused() {
    let (s, dir) = store();
    let file = back_up(&dir, "worktogether-2026-11-25T090500Z.sqlite3");
    let newer = s.schema_version().unwrap() + 1;
    Connection::open(&file).unwrap().pragma_update(None, "user_version", newer).unwrap();
    assert_eq!(refused(&file), BackupRefusal::Newer);
}

#[test]
fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("contacts.sqlite3");
    let conn = Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Anna');").unwrap();
    conn.pragma_update(None, "user_version", 3).unwrap();
    drop(conn);
    assert_eq!(refused(&foreign), BackupRefusal::Foreign);
    // An empty database, too: SQLite opens a file of no bytes as one.
    let empty = dir.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(refused(&empty), BackupRefusal::Foreign);
}

#[test]
fn no_restore_while_a_session_is_in_progress() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    session(&mut s, &t, 0, "Vorher");
    let file = back_up(&dir, "worktogether-2026-11-25T090500Z.sqlite3");
    s.start_session(t.id, at(100)).unwrap();
    s.add_commitment(draft("Jetzt", None), at(101)).unwrap();
    for paused in [false, true] {
        if paused {
            s.pause_session(None, at(102)).unwrap();
        }
        let before = snapshot(&s, at(103));
        let refused = s.restore_from(&file);
        assert!(
            matches!(refused, Err(CoreError::WrongState(WrongState::SessionInProgress))),
            "paused {paused}: {refused:?}"
        );
        assert_eq!(snapshot(&s, at(103)), before, "the session in progress is untouched");
        // A backup checked before the session started is refused the same way.
        let checked = Store::check_backup(&file).unwrap();
        assert!(matches!(s.restore(checked), Err(CoreError::WrongState(WrongState::SessionInProgress))));
    }
    s.abandon_session(at(104)).unwrap();
    s.restore_from(&file).unwrap();
    assert_eq!(s.list_sessions(None, 10).unwrap().len(), 1, "after it, the restore goes ahead");
}

#[test]
fn a_backup_of_an_older_schema_is_brought_up_to_date() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    session(&mut s, &t, 0, "Buchhaltung März");
    session(&mut s, &t, 100, "Straße fegen");
    let expected = history(&s);
    let latest = s.schema_version().unwrap();
    let file = back_up(&dir, "worktogether-2026-11-25T090500Z.sqlite3");
    // The backup as version 4 wrote it: no stored totals, no search index.
    let conn = Connection::open(&file).unwrap();
    conn.execute_batch(
        "DROP TRIGGER commitments_search_insert; DROP TRIGGER commitments_search_update;
         DROP TRIGGER commitments_search_delete; DROP TRIGGER sessions_search_insert;
         DROP TRIGGER sessions_search_note; DROP TRIGGER sessions_search_start; DROP TRIGGER sessions_search_delete;
         DROP TABLE history_fts; DROP VIEW history_text_add; DROP TABLE history_text;
         DROP INDEX sessions_started; CREATE INDEX sessions_started ON sessions (started_at);",
    )
    .unwrap();
    for column in [
        "focus_secs",
        "pause_secs",
        "sleep_secs",
        "interruptions",
        "commitments_total",
        "commitments_done",
        "commitments_partly",
        "commitments_not_done",
    ] {
        conn.execute_batch(&format!("ALTER TABLE sessions DROP COLUMN {column}")).unwrap();
    }
    // Tables of later versions than 6, should they exist, go too (their migrations make them again).
    conn.execute_batch("DROP TABLE IF EXISTS planned_carries").unwrap();
    conn.pragma_update(None, "user_version", 4).unwrap();
    drop(conn);

    session(&mut s, &t, 500, "Später");
    let checked = Store::check_backup(&file).unwrap();
    assert_eq!(checked.schema_version(), 4);
    s.restore(checked).unwrap();
    assert_eq!(s.schema_version().unwrap(), latest, "brought to this app's schema");
    assert_eq!(history(&s), expected, "the totals are filled in as the upgrade computes them");
    assert_eq!(s.search_history("strasse", 10).unwrap().len(), 1, "and the search index is built");
}

#[test]
fn a_backup_with_pages_of_another_size_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.sqlite3");
    {
        let conn = Connection::open(&other).unwrap();
        conn.pragma_update(None, "page_size", 8192).unwrap();
        conn.execute_batch("VACUUM").unwrap();
    }
    let mut source = Store::open(&other).unwrap();
    let t = quick_template(&mut source);
    session(&mut source, &t, 0, "Große Seiten");
    let expected = history(&source);
    drop(source);
    let page: i64 = Connection::open(&other).unwrap().query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page, 8192);

    let (mut s, live) = store();
    s.restore_from(&other).unwrap();
    assert_eq!(history(&s), expected);
    let conn = Connection::open(live_path(&live)).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "back in WAL mode after taking the other page size");
}
