//! Starts a session in a data directory without the app, for benchmarks and manual tests:
//! `cargo run -p worktogether-core --example seed_session -- DIR [TEMPLATE NAME]`.
//! The session starts now, from the named template (default: the first built-in).

use worktogether_core::store::DATABASE_FILE;
use worktogether_core::templates::Builtin;
use worktogether_core::{CommitmentDraft, Store};

#[allow(clippy::disallowed_methods)] // a tool at the edge: it owns the clock, the core does not
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: seed_session DIR [TEMPLATE NAME]")?;
    let now = chrono::Utc::now();
    let mut store = Store::open(&std::path::Path::new(&dir).join(DATABASE_FILE))?;
    store.ensure_builtin_templates(|b: Builtin| b.key().to_owned(), now)?;
    let templates = store.list_templates()?;
    let template = match args.next() {
        Some(name) => templates.iter().find(|t| t.name == name).ok_or(format!("no template named {name:?}"))?,
        None => templates.first().ok_or("no templates")?,
    };
    store.start_session(template.id, now)?;
    store.add_commitment(CommitmentDraft { text: "Buchhaltung".into(), tag: None, estimate_minutes: None }, now)?;
    println!("started {:?} in {dir}", template.name);
    Ok(())
}
