//! Backups of the database while the store is open: whole, checked, never over another file.

mod common;

use common::{at, quick_template, store};
use worktogether_core::{CommitmentDraft, CoreError, HistoryQuery, Store};

fn history(s: &Store) -> String {
    format!("{:?}", s.history_page(&HistoryQuery { limit: 100, ..HistoryQuery::default() }).unwrap())
}

#[test]
fn a_backup_of_the_open_store_has_everything_it_wrote() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    for i in 0..3 {
        s.start_session(t.id, at(i * 1000)).unwrap();
        let draft = CommitmentDraft { text: format!("Belege {i}"), tag: Some("Büro".into()), estimate_minutes: None };
        s.add_commitment(draft, at(i * 1000 + 1)).unwrap();
        s.abandon_session(at(i * 1000 + 30)).unwrap();
    }
    // Still in the write-ahead log, not yet in the main file: the backup has it too.
    let dest = dir.path().join("backups").join("worktogether-1.sqlite3");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    Store::back_up(&dir.path().join("worktogether.sqlite3"), &dest).unwrap();
    let copy = Store::open(&dest).unwrap();
    assert_eq!(history(&copy), history(&s));
    assert_eq!(copy.search_history("belege", 10).unwrap().len(), 3, "the search index came along");
    assert!(!dest.with_extension("part").exists(), "nothing half-written stays behind");

    // Never over an existing file, and nothing written then.
    let before = std::fs::read(&dest).unwrap();
    let again = Store::back_up(&dir.path().join("worktogether.sqlite3"), &dest);
    assert!(matches!(again, Err(CoreError::DataFolder(_))), "{again:?}");
    assert_eq!(std::fs::read(&dest).unwrap(), before);
    assert!(matches!(s.copy_to(&dest), Err(CoreError::DataFolder(_))));
}

#[test]
fn a_backup_of_a_missing_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let result = Store::back_up(&dir.path().join("nothing.sqlite3"), &dir.path().join("copy.sqlite3"));
    assert!(result.is_err());
    assert!(!dir.path().join("copy.sqlite3").exists());
}
