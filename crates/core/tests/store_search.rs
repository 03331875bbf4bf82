//! Full-text search over the history: spellings found either way (case, ß, umlauts), prefixes,
//! notes, edits and removals kept in step by the triggers, the order and the snippets, and
//! queries that would be FTS5 syntax.

mod common;

use common::{at, quick_template, store};
use std::path::Path;
use uuid::Uuid;
use worktogether_core::{
    ClosingReport, CommitmentDraft, Outcome, OutcomeEntry, PhaseKind, SearchField, SearchHit, SnippetPart, Store,
    Template,
};

fn draft(text: &str) -> CommitmentDraft {
    CommitmentDraft { text: text.into(), tag: None, estimate_minutes: None }
}

/// Starts a quick session at `start` (seconds after t0) with these commitments.
fn started(s: &mut Store, t: &Template, start: i64, texts: &[&str]) -> Uuid {
    let id = s.start_session(t.id, at(start)).unwrap().id;
    for text in texts {
        s.add_commitment(draft(text), at(start + 1)).unwrap();
    }
    id
}

/// Closes the session in progress (at `start` + 2 s) with every commitment done, these
/// notes on them in order, and `overall_note`.
fn close(s: &mut Store, start: i64, notes: &[Option<&str>], overall_note: Option<&str>) {
    let now = at(start + 2);
    while s.current_session(now).unwrap().unwrap().phase.unwrap().kind != PhaseKind::Closing {
        s.skip_phase(now).unwrap();
    }
    let commitments = s.current_session(now).unwrap().unwrap().commitments;
    let outcomes = commitments
        .iter()
        .enumerate()
        .map(|(i, c)| OutcomeEntry {
            commitment_id: c.id,
            outcome: Outcome::Done,
            note: notes.get(i).copied().flatten().map(Into::into),
            feedback_wanted: false,
        })
        .collect();
    let report = ClosingReport { outcomes, overall_note: overall_note.map(Into::into), focus_rating: None };
    s.close_session(report, now).unwrap();
}

/// A closed session with these commitments (no notes).
fn session(s: &mut Store, t: &Template, start: i64, texts: &[&str]) -> Uuid {
    let id = started(s, t, start, texts);
    close(s, start, &[], None);
    id
}

/// The snippets found for `query`, as plain text (hits and all).
fn found(s: &Store, query: &str) -> Vec<String> {
    let mut texts: Vec<String> = s.search_history(query, 100).unwrap().iter().map(text).collect();
    texts.sort();
    texts
}

fn text(hit: &SearchHit) -> String {
    hit.snippet.iter().map(|p| p.text.as_str()).collect()
}

/// The snippet with its hits in brackets.
fn marked(hit: &SearchHit) -> String {
    hit.snippet.iter().map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() }).collect()
}

/// FTS5's own check that the index and `history_text` agree, row for row.
fn assert_index_intact(path: &Path) {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute("INSERT INTO history_fts (history_fts, rank) VALUES ('integrity-check', 1)", []).unwrap();
}

fn database(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("worktogether.sqlite3")
}

#[test]
fn case_sharp_s_and_umlauts_are_found_either_way() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    session(
        &mut s,
        &t,
        0,
        &["Buchhaltung", "Straße kehren", "Strasse fegen", "Anruf Müller", "Anruf Mueller", "Anruf Muller"],
    );
    for query in ["Buchhaltung", "buchhaltung", "BUCHHALTUNG", "bÜchhaltung"] {
        assert_eq!(found(&s, query), ["Buchhaltung"], "{query}");
    }
    for query in ["Straße", "Strasse", "strasse", "STRASSE", "STRAẞE"] {
        assert_eq!(found(&s, query), ["Strasse fegen", "Straße kehren"], "{query}");
    }
    assert_eq!(found(&s, "Müller"), ["Anruf Mueller", "Anruf Muller", "Anruf Müller"]);
    assert_eq!(found(&s, "Mueller"), ["Anruf Mueller", "Anruf Müller"]);
    assert_eq!(found(&s, "Muller"), ["Anruf Muller", "Anruf Müller"]);
    assert_eq!(found(&s, "Mu\u{308}ller"), found(&s, "Müller"), "decomposed as composed");
}

#[test]
fn every_word_is_a_prefix_and_every_word_must_match() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    session(&mut s, &t, 0, &["Buchhaltung Q3 abschließen", "Buch lesen", "Steuer Q3"]);
    assert_eq!(found(&s, "Buch"), ["Buch lesen", "Buchhaltung Q3 abschließen"]);
    assert_eq!(found(&s, "buch q"), ["Buchhaltung Q3 abschließen"]);
    assert_eq!(found(&s, "q3 abschliess"), ["Buchhaltung Q3 abschließen"]);
    assert_eq!(found(&s, "haltung"), Vec::<String>::new(), "a word matches from its start");
    assert_eq!(found(&s, "Buch Urlaub"), Vec::<String>::new());
}

#[test]
fn notes_and_session_notes_are_found_with_their_field() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    let id = started(&mut s, &t, 0, &["Angebot schreiben", "Rechnung"]);
    close(&mut s, 0, &[Some("Kunde wartet auf Rückruf"), None], Some("Guter Tag, viel Rückenwind"));
    let commitments = s.session_summary(id, at(10)).unwrap().commitments;

    let hits = s.search_history("rück", 10).unwrap();
    assert_eq!(hits.len(), 2);
    // In a session, its note comes first, then its commitments in their order.
    assert_eq!((hits[0].field, hits[0].commitment_id, hits[0].session_id), (SearchField::SessionNote, None, id));
    assert_eq!(marked(&hits[0]), "Guter Tag, viel [Rück]enwind");
    assert_eq!(
        (hits[1].field, hits[1].commitment_id, hits[1].session_id),
        (SearchField::CommitmentNote, Some(commitments[0].id), id)
    );
    assert_eq!(marked(&hits[1]), "Kunde wartet auf [Rück]ruf");
    assert_eq!(hits[1].started_at, at(0));

    let hits = s.search_history("angebot", 10).unwrap();
    assert_eq!((hits[0].field, hits[0].commitment_id), (SearchField::Commitment, Some(commitments[0].id)));
}

#[test]
fn snippets_mark_the_original_spelling() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    session(&mut s, &t, 0, &["Straße kehren"]);
    let hits = s.search_history("strasse", 10).unwrap();
    assert_eq!(
        hits[0].snippet,
        [SnippetPart { text: "Straße".into(), hit: true }, SnippetPart { text: " kehren".into(), hit: false }]
    );
    let json = serde_json::to_value(&hits[0]).unwrap();
    assert_eq!(json["field"], "commitment");
    assert_eq!(json["snippet"][0], serde_json::json!({ "text": "Straße", "hit": true }));
    assert!(json.get("sessionId").is_some() && json.get("commitmentId").is_some() && json.get("startedAt").is_some());
}

#[test]
fn edits_and_removals_are_in_the_index_at_once() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    started(&mut s, &t, 0, &["Alter Entwurf", "Wird entfernt", "Bleibt"]);
    let ids: Vec<Uuid> = s.current_session(at(1)).unwrap().unwrap().commitments.iter().map(|c| c.id).collect();
    s.update_commitment(ids[0], draft("Neuer Entwurf"), at(1)).unwrap();
    s.remove_commitment(ids[1], at(1)).unwrap();
    s.move_commitment(ids[2], 0, at(1)).unwrap();
    // A note drafted, then changed before Save.
    s.skip_phase(at(2)).unwrap();
    while s.current_session(at(2)).unwrap().unwrap().phase.unwrap().kind != PhaseKind::Closing {
        s.skip_phase(at(2)).unwrap();
    }
    let entry = |note: &str| OutcomeEntry {
        commitment_id: ids[2],
        outcome: Outcome::Done,
        note: Some(note.into()),
        feedback_wanted: false,
    };
    s.draft_outcome(entry("Zwischenstand"), at(2)).unwrap();
    s.draft_outcome(entry("Endstand"), at(2)).unwrap();
    close(&mut s, 0, &[Some("Endstand"), None], None);

    assert_eq!(found(&s, "neuer"), ["Neuer Entwurf"]);
    assert_eq!(found(&s, "alter"), Vec::<String>::new(), "the old text is gone");
    assert_eq!(found(&s, "entfernt"), Vec::<String>::new(), "a removed commitment is gone");
    assert_eq!(found(&s, "zwischenstand"), Vec::<String>::new(), "the old note is gone");
    assert_eq!(found(&s, "endstand"), ["Endstand"]);
    assert_eq!(found(&s, "bleibt"), ["Bleibt"]);
    assert_index_intact(&database(&dir));
}

#[test]
fn carried_commitments_are_found_in_both_sessions() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    started(&mut s, &t, 0, &["Steuererklärung"]);
    s.abandon_session(at(2)).unwrap();
    let original = s.carry_over_suggestions().unwrap()[0].commitment.id;
    started(&mut s, &t, 100, &[]);
    s.carry_over(&[original], at(101)).unwrap();
    close(&mut s, 100, &[], None);
    let hits = s.search_history("steuer", 10).unwrap();
    assert_eq!(hits.iter().map(|h| h.started_at).collect::<Vec<_>>(), [at(100), at(0)]);
    assert_index_intact(&database(&dir));
}

#[test]
fn newest_session_first_within_the_limit_and_only_ended_sessions() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    let first = session(&mut s, &t, 0, &["Bericht eins"]);
    let second = session(&mut s, &t, 100, &["Bericht zwei"]);
    let third = session(&mut s, &t, 200, &["Bericht drei"]);
    started(&mut s, &t, 300, &["Bericht in Arbeit"]);
    let sessions = |limit| s.search_history("bericht", limit).unwrap().iter().map(|h| h.session_id).collect::<Vec<_>>();
    assert_eq!(sessions(10), [third, second, first], "the session in progress is not history yet");
    assert_eq!(sessions(2), [third, second]);
    assert_eq!(sessions(0), [third], "at least one");
    assert_eq!(sessions(u32::MAX).len(), 3);
    s.abandon_session(at(310)).unwrap();
    assert_eq!(s.search_history("arbeit", 10).unwrap().len(), 1, "found once it ended");
}

#[test]
fn queries_in_fts_syntax_never_fail() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    session(
        &mut s,
        &t,
        0,
        &["C++ lernen", "\"unbalanced\" quotes", "Rock and Roll", "NEAR the end", "Party 🎉 planen"],
    );
    let long = "x".repeat(10_000);
    let many_words = "a ".repeat(5_000);
    let hostile = [
        "c++",
        "\"",
        "\"unbalanced",
        "*",
        "NEAR(a b)",
        "NEAR(a b, 2)",
        "a OR b",
        "a NOT b",
        "-x",
        "^",
        "^rock",
        ":",
        "col:term",
        "body:rock",
        "{body body_alt}: rock",
        "AND",
        "OR",
        "NOT",
        "(",
        ")",
        "rock)",
        "'",
        "\\",
        "%_",
        "",
        "   ",
        &long,
        &many_words,
        "🎉",
        "\u{0}",
        "rock\u{0}roll",
        "\u{202E}rock",
        "\u{FEFF}",
    ];
    for query in hostile {
        assert!(s.search_history(query, 50).is_ok(), "{:?}", query.chars().take(20).collect::<String>());
    }
    // Their words are searched as words.
    assert_eq!(found(&s, "c++"), ["C++ lernen"]);
    assert_eq!(found(&s, "\"unbalanced"), ["\"unbalanced\" quotes"]);
    assert_eq!(found(&s, "AND"), ["Rock and Roll"]);
    assert_eq!(found(&s, "NEAR(the end)"), ["NEAR the end"]);
    assert_eq!(found(&s, "^rock"), ["Rock and Roll"]);
    assert_eq!(found(&s, "body:rock"), Vec::<String>::new(), "\"body\" is a word, not a column");
    assert_eq!(found(&s, "rock\u{0}roll"), ["Rock and Roll"]);
    assert_eq!(found(&s, "party 🎉"), ["Party 🎉 planen"]);
    // Nothing to search for finds nothing.
    for nothing in ["", "*", "\"", "🎉", "\u{0}", "^:-"] {
        assert_eq!(s.search_history(nothing, 50).unwrap(), [], "{nothing:?}");
    }
    assert_index_intact(&database(&dir));
}

#[test]
fn a_read_only_store_searches_too() {
    let (mut s, dir) = store();
    let t = quick_template(&mut s);
    session(&mut s, &t, 0, &["Präsentation üben"]);
    let read_only = Store::open_read_only(&database(&dir)).unwrap();
    assert_eq!(read_only.search_history("praesentation", 10).unwrap(), s.search_history("präsentation", 10).unwrap());
}

#[test]
fn sessions_started_in_the_same_second_are_ordered_and_cut_exactly() {
    let (mut s, _dir) = store();
    let t = quick_template(&mut s);
    let mut expected = Vec::new();
    // Several sessions in one second (two in one millisecond) and one a second later, written
    // out of order: the index's ids order seconds, not what is in one.
    for ms in [400, 999, 0, 1500, 200, 400] {
        let start = common::t0() + chrono::Duration::milliseconds(ms);
        let id = s.start_session(t.id, start).unwrap().id;
        s.add_commitment(draft("Tagesplan"), start).unwrap();
        s.abandon_session(start).unwrap();
        expected.push((start, id));
    }
    expected.sort();
    expected.reverse();
    let newest: Vec<_> = expected.iter().map(|(_, id)| *id).collect();
    for limit in 1..=6 {
        let hits = s.search_history("tagesplan", limit).unwrap();
        assert_eq!(hits.iter().map(|h| h.session_id).collect::<Vec<_>>(), newest[..limit as usize], "limit {limit}");
    }
}
