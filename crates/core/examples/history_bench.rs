//! Ten years of heavy use, and how fast history reads it: builds 10,000 sessions with 50,000
//! commitments (`worktogether_core::sample`: tags in several spellings, notes with umlauts,
//! pauses, sleeps, abandoned sessions, chains of carried-over commitments) through the store's
//! own operations, keeps the database at `OUT`, then times the core's history reads on it and
//! prints one JSON object.
//!
//!     cargo run --release -p worktogether-core --example history_bench -- OUT [--sessions N]
//!
//! Used by `bench/run.py` (`make bench`), which also starts the app on the database. Times are
//! medians of repeated runs on the file database (warm cache), in milliseconds.
#![allow(clippy::disallowed_methods, reason = "a benchmark reads the real clock to time itself")]

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use std::path::PathBuf;
use std::time::Instant;
use worktogether_core::stats::StatsRange;
use worktogether_core::{HistoryQuery, Store, sample};

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
    let epoch = Utc.with_ymd_and_hms(2016, 12, 1, 6, 0, 0).unwrap();
    sample::heavy_history(&mut memory, sessions, epoch, &sample::TEXTS).unwrap();
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
