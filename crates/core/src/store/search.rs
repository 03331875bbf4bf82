//! The search index over the history and searching it.
//!
//! `history_text` holds each searchable text folded (a commitment's text and note, a session's
//! overall note: one row each), `history_fts` indexes it with FTS5 (external content, so the
//! folded text is stored once). Triggers on `commitments` and `sessions` keep both in step;
//! they fold with the SQL functions registered here, the same Rust as the query's folding
//! (`crate::search`). Migration V6 creates them and indexes what was written before.

use super::{Store, parse_ts, parse_uuid};
use crate::error::Result;
use crate::limits::LIST_MAX;
use crate::search::{Query, SearchField, SearchHit, index_alternative, index_text};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, params};

/// Registers `wt_fold(text)` and `wt_fold_alt(text)` on `conn`. Every connection that may
/// write a commitment or a session needs them (the triggers call them), so `Store` registers
/// them before it migrates; the migration that builds the index registers them itself too.
pub(crate) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    // Deterministic (the same text folds the same, so SQLite may reuse a result) and innocuous
    // (no side effects: allowed in triggers whatever `trusted_schema` says).
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("wt_fold", 1, flags, |cx| folded(cx, index_text))?;
    conn.create_scalar_function("wt_fold_alt", 1, flags, |cx| folded(cx, index_alternative))?;
    Ok(())
}

/// The folded argument; `NULL` (no note) stays `NULL`.
fn folded(cx: &Context, fold: fn(&str) -> String) -> rusqlite::Result<Option<String>> {
    Ok(match cx.get_raw(0) {
        ValueRef::Null => None,
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => Some(fold(&String::from_utf8_lossy(bytes))),
        ValueRef::Integer(n) => Some(fold(&n.to_string())),
        ValueRef::Real(x) => Some(fold(&x.to_string())),
    })
}

/// The matches' ids, newest session first: `history_text`'s ids follow the session's start
/// (see migration V6), so the index hands them out in that order and the search stops reading
/// once it has enough. The session in progress is not history yet.
const MATCH_IDS: &str = "
SELECT f.rowid FROM history_fts f JOIN history_text t ON t.id = f.rowid
WHERE history_fts MATCH ?1
  AND t.session_id IS NOT (SELECT id FROM sessions WHERE status IN ('running','paused'))
ORDER BY f.rowid DESC";

/// The texts with these ids (a JSON array), newest session first; in a session its note,
/// then its commitments in their order (text before note).
const HITS: &str = "
SELECT t.session_id, t.commitment_id, t.field, s.started_at,
       CASE t.field WHEN 'session_note' THEN s.overall_note WHEN 'commitment' THEN c.text ELSE c.note END
FROM history_text t
JOIN sessions s ON s.id = t.session_id
LEFT JOIN commitments c ON c.id = t.commitment_id
WHERE t.id IN (SELECT value FROM json_each(?1)) AND s.status IN ('finished','abandoned')
ORDER BY s.started_at DESC, s.id DESC, c.position, t.field
LIMIT ?2";

/// The ids of the texts of sessions that started in the same second differ only in these bits.
const SECOND_BITS: u32 = 20;

impl Store {
    /// The texts of ended sessions that match `query`, newest session first, at most `limit`
    /// (up to [`LIST_MAX`]). Every word of the query must start a word of the text, whatever
    /// the case, accents, ß or umlaut spelling; a query with no words finds nothing.
    pub fn search_history(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let Some(query) = Query::parse(query) else { return Ok(Vec::new()) };
        let limit = limit.clamp(1, LIST_MAX);
        let ids = self.newest_matches(&query.match_expression(), limit as usize)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(HITS)?;
        let rows = stmt.query_map(params![serde_json::to_string(&ids).expect("ids serialize"), limit], |r| {
            let field: String = r.get(2)?;
            let text: Option<String> = r.get(4)?;
            Ok(SearchHit {
                session_id: parse_uuid(&r.get::<_, String>(0)?)?,
                commitment_id: r.get::<_, Option<String>>(1)?.as_deref().map(parse_uuid).transpose()?,
                field: SearchField::parse(&field).ok_or_else(|| super::corrupt("search field", &field))?,
                started_at: parse_ts(&r.get::<_, String>(3)?)?,
                snippet: query.snippet(text.as_deref().unwrap_or_default()),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The ids of the first `limit` matches, and of the other matches in sessions that started
    /// in the same second as the last of them: ids do not order those, `HITS` does.
    fn newest_matches(&self, expression: &str, limit: usize) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(MATCH_IDS)?;
        let mut rows = stmt.query([expression])?;
        let mut ids: Vec<i64> = Vec::new();
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if ids.len() >= limit && id >> SECOND_BITS != ids[limit - 1] >> SECOND_BITS {
                break;
            }
            ids.push(id);
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::super::migrations::migrations;
    use crate::Store;
    use crate::search::match_expression;
    use rusqlite::{Connection, params};

    const SESSION: &str = "0190a000-0000-7000-8000-000000000001";

    /// A finished session and two commitments written by SQL, as an older version left them.
    fn write_version_5_rows(conn: &Connection) {
        conn.execute(
            "INSERT INTO sessions (id, template_name, plan, status, started_at, ended_at, overall_note)
             VALUES (?1, 'Quick', '[]', 'finished', '2025-03-01T09:00:00.000Z', '2025-03-01T10:00:00.000Z',
                     'Gute Straßenbahn-Fahrt')",
            [SESSION],
        )
        .unwrap();
        for (i, (text, note)) in [("Anruf Müller", Some("Rückruf Freitag")), ("Buchhaltung", None)].iter().enumerate()
        {
            conn.execute(
                "INSERT INTO commitments (id, session_id, position, text, note, outcome, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'done', '2025-03-01T09:00:01.000Z')",
                params![format!("0190a000-0000-7000-8000-00000000010{i}"), SESSION, i as i64, text, note],
            )
            .unwrap();
        }
    }

    fn found(store: &Store, query: &str) -> usize {
        store.search_history(query, 100).unwrap().len()
    }

    #[test]
    fn texts_written_before_version_6_are_indexed_by_its_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 5).unwrap();
        write_version_5_rows(&conn);
        drop(conn);

        let store = Store::open(&path).unwrap();
        assert!(store.schema_version().unwrap() >= 6);
        let counts = ["mueller", "muller", "rückruf", "buch", "strassenbahn"].map(|q| found(&store, q));
        assert_eq!(counts, [1, 1, 1, 1, 1]);
        drop(store);

        // The index is derived data: run again over a database that has one, V6 rebuilds it.
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 5).unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(["mueller", "buch", "strassenbahn"].map(|q| found(&store, q)), [1, 1, 1]);
        store.conn.execute("INSERT INTO history_fts (history_fts, rank) VALUES ('integrity-check', 1)", []).unwrap();
    }

    #[test]
    fn the_migration_runs_on_a_connection_without_the_functions() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 5).unwrap();
        write_version_5_rows(&conn);
        migrations().to_latest(&mut conn).unwrap();
        let rows: i64 = conn.query_row("SELECT COUNT(*) FROM history_text", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 4, "two commitments, one note on them, one session note");
    }

    #[test]
    fn the_timeline_filter_takes_any_query() {
        let store = Store::open_in_memory().unwrap();
        write_version_5_rows(&store.conn);
        let filter = "SELECT COUNT(*) FROM sessions
                      WHERE id IN (SELECT session_id FROM history_fts WHERE history_fts MATCH ?1)";
        let count = |expr: &str| store.conn.query_row(filter, [expr], |r| r.get::<_, i64>(0)).unwrap();
        for query in ["c++", "\"", "\"unbalanced", "*", "NEAR(a b)", "a OR b", "-x", "^", ":", "col:term", "AND"] {
            if let Some(expr) = match_expression(query) {
                count(&expr);
            }
        }
        assert_eq!(count(&match_expression("Müller").unwrap()), 1);
        assert_eq!(count(&match_expression("Urlaub").unwrap()), 0);
    }

    #[test]
    fn ids_stay_in_their_second_when_its_end_is_taken() {
        let store = Store::open_in_memory().unwrap();
        write_version_5_rows(&store.conn);
        let second: i64 =
            store.conn.query_row("SELECT unixepoch('2025-03-01T09:00:00.000Z')", [], |r| r.get(0)).unwrap();
        let (lo, hi) = (second << super::SECOND_BITS, ((second + 1) << super::SECOND_BITS) - 1);
        // As if a million texts had been written in that second: its last id is taken.
        store.conn.execute("DELETE FROM history_text", []).unwrap();
        store
            .conn
            .execute(
                "INSERT INTO history_text (id, session_id, field, body, body_alt)
                 VALUES (?1, ?2, 'session_note', 'platzhalter', '')",
                params![hi, SESSION],
            )
            .unwrap();
        for (i, text) in ["Erste Lücke", "Zweite Lücke"].iter().enumerate() {
            store
                .conn
                .execute(
                    "INSERT INTO commitments (id, session_id, position, text, created_at)
                     VALUES (?1, ?2, ?3, ?4, '2025-03-01T09:00:01.000Z')",
                    params![format!("0190a000-0000-7000-8000-00000000020{i}"), SESSION, 2 + i as i64, text],
                )
                .unwrap();
        }
        let ids: Vec<i64> = store
            .conn
            .prepare("SELECT id FROM history_text ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(ids, [lo, lo + 1, hi]);
        assert_eq!(found(&store, "lücke"), 2);
        store.conn.execute("INSERT INTO history_fts (history_fts, rank) VALUES ('integrity-check', 1)", []).unwrap();
    }

    /// A local measure, not a test of speed: ten years of history (5,000 sessions, 50,000
    /// commitments, notes on some) and how long searches take.
    /// `cargo test --release -p worktogether-core --lib -- --ignored search_speed --nocapture`
    #[test]
    #[ignore = "a measurement: run it by name in a release build"]
    #[allow(clippy::disallowed_methods, reason = "a measurement reads the clock; the code it measures does not")]
    fn search_speed() {
        use std::time::{Duration, Instant};
        const WORDS: &[&str] = &[
            "Buchhaltung",
            "Rechnung",
            "Kunde",
            "Angebot",
            "Müller",
            "Straße",
            "Präsentation",
            "Überweisung",
            "Steuer",
            "Meeting",
            "review",
            "draft",
            "Bericht",
            "E-Mails",
            "Planung",
            "Website",
            "Code",
            "Tests",
            "Übersetzung",
            "Größe",
            "Café",
            "Jahresabschluss",
            "Lieferant",
            "Projekt",
            "Schulung",
            "Kapitel",
            "Entwurf",
            "Korrektur",
            "Termin",
            "Lohn",
            "Mahnung",
            "Vertrag",
            "Konzept",
            "Design",
            "Bugfix",
            "Release",
            "Interview",
            "Artikel",
            "Folien",
            "Budget",
            "Quartal",
            "Inventur",
            "Förderantrag",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut text = |words: usize| -> String {
            let mut t: Vec<String> = (0..words).map(|_| WORDS[next(WORDS.len())].to_owned()).collect();
            t.push(format!("#{}", next(100_000)));
            t.join(" ")
        };
        let write = |conn: &Connection, text: &mut dyn FnMut(usize) -> String| {
            let start = chrono::DateTime::parse_from_rfc3339("2016-01-01T08:00:00Z").unwrap();
            for s in 0..5_000i64 {
                let id = format!("0190a000-0000-7000-8000-{s:012}");
                let at = (start + chrono::Duration::minutes(s * 1051)).to_rfc3339();
                let note = (s % 2 == 0).then(|| text(12));
                conn.execute(
                    "INSERT INTO sessions (id, template_name, plan, status, started_at, ended_at, overall_note)
                     VALUES (?1, 'Quick', '[]', 'finished', ?2, ?2, ?3)",
                    params![id, at, note],
                )
                .unwrap();
                for c in 0..10i64 {
                    let note = (c % 3 == 0).then(|| text(10));
                    conn.execute(
                        "INSERT INTO commitments (id, session_id, position, text, note, outcome, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, 'done', ?6)",
                        params![format!("0190a001-0000-7000-8000-{:012}", s * 10 + c), id, c, text(4), note, at],
                    )
                    .unwrap();
                }
            }
        };

        let dir = tempfile::tempdir().unwrap();
        // Indexing by the triggers, as the app writes.
        let mut store = Store::open(&dir.path().join("new.sqlite3")).unwrap();
        let clock = Instant::now();
        let tx = store.conn.transaction().unwrap();
        write(&tx, &mut text);
        tx.commit().unwrap();
        println!("50,000 commitments written with the triggers: {:?}", clock.elapsed());
        // Indexing by the migration, as an upgrade does.
        let path = dir.path().join("old.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 5).unwrap();
        let tx = conn.transaction().unwrap();
        write(&tx, &mut text);
        tx.commit().unwrap();
        drop(conn);
        let clock = Instant::now();
        drop(Store::open(&path).unwrap());
        println!("migration V6 over 50,000 commitments: {:?}", clock.elapsed());

        for (query, limit) in [
            ("Jahresabschluss", 50),
            ("mueller", 50),
            ("Straße Rechnung", 50),
            ("förderantrag kunde bericht", 50),
            ("inv", 50),
            ("k", 50),
            ("k", 500),
            ("12345", 50),
            ("Urlaub", 50),
        ] {
            let mut times: Vec<Duration> = (0..30)
                .map(|_| {
                    let clock = Instant::now();
                    let hits = store.search_history(query, limit).unwrap();
                    std::hint::black_box(hits);
                    clock.elapsed()
                })
                .collect();
            times.sort();
            let matches: i64 = store
                .conn
                .query_row(
                    "SELECT COUNT(*) FROM history_fts WHERE history_fts MATCH ?1",
                    [match_expression(query).unwrap()],
                    |r| r.get(0),
                )
                .unwrap();
            println!(
                "{query:>28} limit {limit:>3}: {matches:>6} texts match, median {:?}, slowest {:?}",
                times[times.len() / 2],
                times[times.len() - 1]
            );
        }
    }
}
