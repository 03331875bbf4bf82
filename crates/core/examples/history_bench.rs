//! Ten years of heavy use, and how fast history reads it: builds 10,000 sessions with 50,000
//! commitments (tags in several spellings, notes with umlauts, pauses, sleeps, abandoned
//! sessions, chains of carried-over commitments) through the store's own operations, keeps the
//! database at `OUT`, then times the core's history reads on it and prints one JSON object.
//!
//!     cargo run --release -p worktogether-core --example history_bench -- OUT [--sessions N]
//!
//! Used by `bench/run.py` (`make bench`), which also starts the app on the database. Times are
//! medians of repeated runs on the file database (warm cache), in milliseconds.
#![allow(clippy::disallowed_methods, reason = "a benchmark reads the real clock to time itself")]

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use std::path::PathBuf;
use std::time::Instant;
use worktogether_core::stats::StatsRange;
use worktogether_core::{
    ClosingReport, CommitmentDraft, HistoryQuery, Outcome, OutcomeEntry, PhaseKind, PlannedPhase, SleepMode, Store,
    TemplateDraft,
};

const TAGS: [&str; 8] = ["Buchhaltung", "buchhaltung", "Website", "Kunde A", "KUNDE A", "Steuer", "Blog", "Haus"];
const TEXTS: [&str; 6] = [
    "Rechnungen für Müller schreiben",
    "Belege der Straßenbahn sortieren",
    "Newsletter-Entwurf",
    "Angebot für die Bäckerei",
    "Steuererklärung vorbereiten",
    "Blogartikel über Überstunden",
];

fn build(store: &mut Store, sessions: u32) {
    use PhaseKind::*;
    let phases = [(Commitment, 5), (Focus, 50), (Break, 10), (Focus, 50), (Closing, 5)]
        .into_iter()
        .map(|(kind, minutes)| PlannedPhase::new(kind, minutes))
        .collect();
    let epoch = Utc.with_ymd_and_hms(2016, 12, 1, 6, 0, 0).unwrap();
    let t = store.save_template(TemplateDraft { id: None, name: "Bench".into(), phases }, epoch).unwrap();
    let outcomes = [Outcome::Done, Outcome::Done, Outcome::Partly, Outcome::NotDone, Outcome::Done];
    let mut carry = None;
    for i in 0..sessions {
        let start = epoch + Duration::minutes(i64::from(i) * 526); // about 1,000 a year
        let m = |minutes: i64| start + Duration::minutes(minutes);
        store.start_session(t.id, m(0)).unwrap();
        if let Some(id) = carry.take() {
            store.carry_over(&[id], m(0)).unwrap();
        }
        let have = store.current_session(m(0)).unwrap().unwrap().commitments.len() as u32;
        for k in have..5 {
            let n = (i + k) as usize;
            let tag = (k != 4).then(|| TAGS[n % TAGS.len()].to_owned());
            let text = format!("{} ({i}.{k})", TEXTS[n % TEXTS.len()]);
            store.add_commitment(CommitmentDraft { text, tag, estimate_minutes: Some(25) }, m(1)).unwrap();
        }
        store.skip_phase(m(2)).unwrap();
        store.pause_session(Some("Telefon".into()), m(20)).unwrap();
        store.resume_session(m(25)).unwrap();
        if i % 7 == 3 {
            store.tick(m(90), Some(m(70)), SleepMode::KeepWallClock).unwrap();
        }
        if i % 10 == 9 {
            store.abandon_session(m(40)).unwrap();
            continue;
        }
        let view = store.current_session(m(125)).unwrap().unwrap();
        let report: Vec<OutcomeEntry> = view
            .commitments
            .iter()
            .enumerate()
            .map(|(k, c)| OutcomeEntry {
                commitment_id: c.id,
                outcome: outcomes[(i as usize + k) % outcomes.len()],
                note: (k == 0).then(|| "Erledigt, bis auf die Überweisung".to_owned()),
                feedback_wanted: false,
            })
            .collect();
        carry = report.iter().find(|o| o.outcome != Outcome::Done).map(|o| o.commitment_id);
        let overall_note = (i % 3 == 0).then(|| "Guter Fokus nach dem Mittagsschlaf".to_owned());
        store.close_session(ClosingReport { outcomes: report, overall_note, focus_rating: Some(4) }, m(125)).unwrap();
    }
}

/// The median of `runs` timings of `f`, in milliseconds.
fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(f());
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: history_bench OUT [--sessions N]"));
    let sessions = match (args.next().as_deref(), args.next()) {
        (Some("--sessions"), Some(n)) => n.parse().expect("a number of sessions"),
        _ => 10_000,
    };
    let started = Instant::now();
    let mut memory = Store::open_in_memory().unwrap();
    build(&mut memory, sessions);
    memory.copy_to(&out).unwrap();
    let build_s = started.elapsed().as_secs_f64();

    let store = Store::open(&out).unwrap();
    let first = HistoryQuery { limit: 30, ..HistoryQuery::default() };
    let page = |q: &HistoryQuery| store.history_page(q).unwrap();
    // Deep in the timeline: the cursor after 100 pages.
    let mut deep = first.clone();
    for _ in 0..100 {
        deep.after = page(&deep).next;
    }
    let tag = HistoryQuery { tag: Some("kunde a".into()), ..first.clone() };
    let text = HistoryQuery { text: Some("strasse".into()), ..first.clone() };
    let year =
        StatsRange::new(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2025, 12, 31).unwrap())
            .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let runs = 25;
    let result = serde_json::json!({
        "sessions": sessions,
        "commitments": sessions * 5,
        "build_s": build_s,
        "file_mb": std::fs::metadata(&out).unwrap().len() as f64 / 1e6,
        "page_first_ms": median_ms(runs, || page(&first)),
        "page_deep_ms": median_ms(runs, || page(&deep)),
        "page_tag_ms": median_ms(runs, || page(&tag)),
        "page_search_ms": median_ms(runs, || page(&text)),
        "search_ms": median_ms(runs, || store.search_history("mueller rechnungen", 50).unwrap()),
        "search_broad_ms": median_ms(runs, || store.search_history("b", 50).unwrap()),
        "stats_year_ms": median_ms(runs, || store.statistics(year, Berlin, today).unwrap()),
    });
    println!("{result}");
}
