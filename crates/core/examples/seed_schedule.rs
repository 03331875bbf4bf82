//! Fills a data directory with a busy schedule and no session, for `make bench`:
//! `seed_schedule DIR` writes 20 work blocks (weekly, every other week, monthly, flexible
//! windows, one-offs) and 10 routines, all starting today, into DIR's database.

use chrono::Datelike;
use worktogether_core::Store;
use worktogether_core::schedule::{BlockDraft, Day, Ends, Recurrence, Repeat, RoutineDraft};
use worktogether_core::store::DATABASE_FILE;
use worktogether_core::templates::Builtin;

/// How many of each the budget names.
const BLOCKS: usize = 20;
const ROUTINES: usize = 10;

#[allow(clippy::disallowed_methods)] // a tool at the edge: it owns the clock, the core does not
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: seed_schedule DIR")?;
    let now = chrono::Utc::now();
    let today = now.date_naive();
    let mut store = Store::open(&std::path::Path::new(&dir).join(DATABASE_FILE))?;
    store.ensure_builtin_templates(|b: Builtin| b.key().to_owned(), now)?;
    let repeats = [
        Repeat::Weeks { interval: 1, days: Day::WORKDAYS.to_vec() },
        Repeat::Weeks { interval: 2, days: vec![Day::Tu, Day::Th] },
        Repeat::Days { interval: 1 },
        Repeat::MonthWeekday { interval: 1, nth: 1, weekday: Day::Mo },
        Repeat::Once,
    ];
    for i in 0..BLOCKS {
        let repeat = repeats[i % repeats.len()].clone();
        let flexible = i % 3 == 0;
        let draft = BlockDraft {
            title: format!("Block {}", i + 1),
            template_id: None,
            recurrence: Recurrence { first: today, repeat, ends: Ends::Never },
            start_minute: (6 * 60 + 37 * i as u16) % (24 * 60),
            length_minutes: if flexible { 120 } else { 90 },
            expected_minutes: flexible.then_some(60),
            remind_minutes: Some(10),
        };
        store.save_block(None, draft, now)?;
    }
    for i in 0..ROUTINES {
        let repeat = match i % 3 {
            0 => Repeat::MonthWorkday { interval: 1, nth: 1 },
            1 => Repeat::Weeks { interval: 1, days: vec![Day::Mo] },
            _ => Repeat::MonthDay { interval: 1, day: (today.day() as i8 % 28) + 1 },
        };
        let draft = RoutineDraft {
            title: format!("Routine {}", i + 1),
            tag: Some("Büro".into()),
            recurrence: Recurrence { first: today, repeat, ends: Ends::Never },
            steps: vec!["Belege sammeln".into(), "Ablegen".into()],
            estimate_minutes: Some(30),
        };
        store.save_routine(None, draft, now)?;
    }
    println!("{BLOCKS} blocks and {ROUTINES} routines in {dir}");
    Ok(())
}
