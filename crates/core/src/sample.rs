//! A heavy history for benchmarks and tests: about a thousand sessions a year, five commitments
//! each (tags in several spellings, texts with umlauts), a pause in each, a sleep of the
//! computer in every seventh, every tenth abandoned, the first unfinished commitment carried
//! into the next session (so chains of carried-over commitments grow), notes on outcomes and
//! sessions. Made through the store's own operations, so it is what the app would have written.
//! Used by `examples/history_bench.rs` (`make bench`), the export tests and the end-to-end
//! tests of the history screens.

use crate::Timestamp;
use crate::error::Result;
use crate::model::TemplateDraft;
use crate::model::{ClosingReport, CommitmentDraft, Outcome, OutcomeEntry, PhaseKind, PlannedPhase, SleepMode};
use crate::store::Store;
use chrono::Duration;

/// Tags as people type them: the same client in several spellings.
pub const TAGS: [&str; 8] = ["Buchhaltung", "buchhaltung", "Website", "Kunde A", "KUNDE A", "Steuer", "Blog", "Haus"];

/// Commitment texts with umlauts and ß, for search.
pub const TEXTS: [&str; 6] = [
    "Rechnungen für Müller schreiben",
    "Belege der Straßenbahn sortieren",
    "Newsletter-Entwurf",
    "Angebot für die Bäckerei",
    "Steuererklärung vorbereiten",
    "Blogartikel über Überstunden",
];

/// From one session's start to the next: about a thousand a year.
pub const SPACING: Duration = Duration::minutes(526);

/// Adds `sessions` sessions to `store`, the first starting at `first_start`, one every
/// [`SPACING`], with commitment texts taken in turn from `texts` (numbered, so each is unique).
/// Each session lasts 125 minutes; the template "Sample" (5 · 50 · 10 · 50 · 5 minutes) is added.
pub fn heavy_history(store: &mut Store, sessions: u32, first_start: Timestamp, texts: &[&str]) -> Result<()> {
    use PhaseKind::*;
    let phases = [(Commitment, 5), (Focus, 50), (Break, 10), (Focus, 50), (Closing, 5)]
        .into_iter()
        .map(|(kind, minutes)| PlannedPhase::new(kind, minutes))
        .collect();
    let t = store.save_template(TemplateDraft { id: None, name: "Sample".into(), phases }, first_start)?;
    let outcomes = [Outcome::Done, Outcome::Done, Outcome::Partly, Outcome::NotDone, Outcome::Done];
    let mut carry = None;
    for i in 0..sessions {
        let start = first_start + SPACING * i as i32;
        let m = |minutes: i64| start + Duration::minutes(minutes);
        store.start_session(t.id, m(0))?;
        if let Some(id) = carry.take() {
            store.carry_over(&[id], m(0))?;
        }
        let have = store.current_session(m(0))?.map_or(0, |v| v.commitments.len() as u32);
        for k in have..5 {
            let n = (i + k) as usize;
            let tag = (k != 4).then(|| TAGS[n % TAGS.len()].to_owned());
            let text = format!("{} ({i}.{k})", texts[n % texts.len()]);
            store.add_commitment(CommitmentDraft { text, tag, estimate_minutes: Some(25) }, m(1))?;
        }
        store.skip_phase(m(2))?;
        store.pause_session(Some("Telefon".into()), m(20))?;
        store.resume_session(m(25))?;
        if i % 7 == 3 {
            store.tick(m(90), Some(m(70)), SleepMode::KeepWallClock)?;
        }
        if i % 10 == 9 {
            store.abandon_session(m(40))?;
            continue;
        }
        let commitments = store.current_session(m(125))?.map(|v| v.commitments).unwrap_or_default();
        let report: Vec<OutcomeEntry> = commitments
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
        store.close_session(ClosingReport { outcomes: report, overall_note, focus_rating: Some(4) }, m(125))?;
    }
    Ok(())
}
