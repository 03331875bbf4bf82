//! What the command line says about the ritual beyond the status: the session's commitments,
//! numbered as `close` takes them; the closing report built from those numbers; the closed
//! session's summary; the templates.

use super::args::Closing;
use crate::i18n::Catalog;
use uuid::Uuid;
use worktogether_core::{ClosingReport, Commitment, Outcome, OutcomeEntry, SessionSummary, SessionView, Template};

/// One line per commitment, numbered from 1: text, tag, estimate, and the outcome drafted so
/// far (in the app's closing round, or ticked off during focus).
pub fn commitment_lines(catalog: &Catalog, commitments: &[Commitment]) -> Vec<String> {
    if commitments.is_empty() {
        return vec![catalog.t("cli.commitments.none", &[])];
    }
    let line = |(index, c): (usize, &Commitment)| {
        let mut parts = vec![format!("{}. {}", index + 1, c.text)];
        parts.extend(c.tag.clone());
        if let Some(minutes) = c.estimate_minutes {
            parts.push(catalog.t("commitment.estimateValue", &[("minutes", minutes.to_string())]));
        }
        if c.outcome != Outcome::Pending {
            let outcome = catalog.t(&format!("outcome.{}", c.outcome.as_str()), &[]);
            parts.push(match &c.note {
                Some(note) => format!("→ {outcome}: {note}"),
                None => format!("→ {outcome}"),
            });
        }
        if c.feedback_wanted {
            parts.push(catalog.t("history.feedbackWanted", &[]));
        }
        parts.join(" · ")
    };
    commitments.iter().enumerate().map(line).collect()
}

/// The report `close` sends for `view`, or the first number that names none of its
/// commitments. What the person does not give keeps what they drafted in the app: a
/// commitment's outcome, note and feedback wish, the session's note and rating. A commitment
/// left without an outcome stays `Pending`, for the core to refuse in its own words.
pub fn report(view: &SessionView, closing: &Closing) -> Result<ClosingReport, usize> {
    if let Some((number, _)) = closing.outcomes.iter().find(|(number, _)| *number > view.commitments.len()) {
        return Err(*number);
    }
    let outcomes = view
        .commitments
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let given = closing.outcomes.iter().find(|(number, _)| *number == index + 1).map(|(_, o)| *o);
            OutcomeEntry {
                commitment_id: c.id,
                outcome: given.unwrap_or(c.outcome),
                note: c.note.clone(),
                feedback_wanted: c.feedback_wanted,
            }
        })
        .collect();
    Ok(ClosingReport {
        outcomes,
        overall_note: closing.note.clone().or_else(|| view.overall_note.clone()),
        focus_rating: closing.rating.or(view.focus_rating),
    })
}

/// The numbers of the commitments `report` leaves without an outcome, as "2, 3".
pub fn pending(report: &ClosingReport) -> Option<String> {
    let numbers: Vec<String> = (report.outcomes.iter().enumerate())
        .filter(|(_, entry)| entry.outcome == Outcome::Pending)
        .map(|(index, _)| (index + 1).to_string())
        .collect();
    (!numbers.is_empty()).then(|| numbers.join(", "))
}

/// "Session closed: 2 done, 1 partly, 0 not done · 50 min focused".
pub fn summary_line(catalog: &Catalog, summary: &SessionSummary) -> String {
    let count = |outcome| summary.commitments.iter().filter(|c| c.outcome == outcome).count().to_string();
    catalog.t(
        "cli.close.summary",
        &[
            ("done", count(Outcome::Done)),
            ("partly", count(Outcome::Partly)),
            ("not_done", count(Outcome::NotDone)),
            ("minutes", (summary.focus_secs / 60).to_string()),
        ],
    )
}

/// The templates' names in the app's order, the default one marked.
pub fn template_lines(catalog: &Catalog, templates: &[Template], default: Uuid) -> Vec<String> {
    let line = |t: &Template| {
        if t.id == default { catalog.t("cli.templates.default", &[("name", t.name.clone())]) } else { t.name.clone() }
    };
    templates.iter().map(line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use chrono::{Duration, TimeZone, Utc};
    use worktogether_core::{CommitmentDraft, PhaseKind, PlannedPhase, Store, TemplateDraft, Timestamp};

    fn t0() -> Timestamp {
        Utc.with_ymd_and_hms(2026, 11, 25, 13, 0, 0).unwrap()
    }

    fn draft(text: &str, tag: Option<&str>, estimate_minutes: Option<u32>) -> CommitmentDraft {
        CommitmentDraft { text: text.into(), tag: tag.map(Into::into), estimate_minutes }
    }

    /// Three commitments, then straight to the closing round (commitment 2 min, focus 50,
    /// closing 10), where the app drafted an outcome for the second.
    fn closing_round(store: &mut Store) -> SessionView {
        let phases = [(PhaseKind::Commitment, 120), (PhaseKind::Focus, 3000), (PhaseKind::Closing, 600)]
            .map(|(kind, duration_secs)| PlannedPhase { kind, duration_secs })
            .to_vec();
        let template = store.save_template(TemplateDraft { id: None, name: "Deep work".into(), phases }, t0()).unwrap();
        store.start_session(template.id, t0()).unwrap();
        store.add_commitment(draft("Write the offer", Some("Acme"), Some(30)), t0()).unwrap();
        store.add_commitment(draft("Taxes", None, None), t0()).unwrap();
        let view = store.add_commitment(draft("Call Jo", None, Some(5)), t0()).unwrap().view;
        let later = t0() + Duration::seconds(600);
        store.end_session_early(later).unwrap();
        let entry = OutcomeEntry {
            commitment_id: view.commitments[1].id,
            outcome: Outcome::Partly,
            note: Some("half the receipts".into()),
            feedback_wanted: true,
        };
        store.draft_outcome(entry, later).unwrap();
        store.draft_closing_notes(Some("slow start".into()), Some(3), later).unwrap().view
    }

    #[test]
    fn commitments_are_numbered_in_both_languages() {
        let (en, de) = (Catalog::new(Language::En), Catalog::new(Language::De));
        assert_eq!(commitment_lines(&en, &[]), ["No commitments yet. Add one with: worktogether commit \"TEXT\""]);
        let mut store = Store::open_in_memory().unwrap();
        let view = closing_round(&mut store);
        assert_eq!(
            commitment_lines(&en, &view.commitments),
            [
                "1. Write the offer · Acme · est. 30 min",
                "2. Taxes · → Partly: half the receipts · feedback wanted",
                "3. Call Jo · est. 5 min",
            ]
        );
        assert_eq!(
            commitment_lines(&de, &view.commitments),
            [
                "1. Write the offer · Acme · ca. 30 Min.",
                "2. Taxes · → Teilweise: half the receipts · Feedback gewünscht",
                "3. Call Jo · ca. 5 Min.",
            ]
        );
    }

    #[test]
    fn a_commitment_not_named_keeps_what_the_app_drafted() {
        let mut store = Store::open_in_memory().unwrap();
        let view = closing_round(&mut store);
        let ids: Vec<Uuid> = view.commitments.iter().map(|c| c.id).collect();
        let closing = Closing { outcomes: vec![(3, Outcome::NotDone), (1, Outcome::Done)], note: None, rating: None };
        let report = report(&view, &closing).unwrap();
        let entry = |i: usize, outcome, note: Option<&str>, feedback_wanted| OutcomeEntry {
            commitment_id: ids[i],
            outcome,
            note: note.map(Into::into),
            feedback_wanted,
        };
        assert_eq!(
            report,
            ClosingReport {
                outcomes: vec![
                    entry(0, Outcome::Done, None, false),
                    entry(1, Outcome::Partly, Some("half the receipts"), true),
                    entry(2, Outcome::NotDone, None, false),
                ],
                overall_note: Some("slow start".into()),
                focus_rating: Some(3),
            },
            "in the session's order; the drafted outcome, note and rating are kept"
        );
        assert_eq!(pending(&report), None);

        // Given on the command line, the outcome, note and rating win over the drafts.
        let closing = Closing { outcomes: vec![(2, Outcome::Done)], note: Some("fine".into()), rating: Some(5) };
        let report = super::report(&view, &closing).unwrap();
        assert_eq!(report.outcomes[1], entry(1, Outcome::Done, Some("half the receipts"), true));
        assert_eq!((report.overall_note.as_deref(), report.focus_rating), (Some("fine"), Some(5)));
        assert_eq!(pending(&report).as_deref(), Some("1, 3"), "the core refuses these; the command line names them");

        let summary = store.close_session(super::report(&view, &Closing::default()).unwrap(), view.as_of);
        assert!(summary.is_err(), "1 and 3 have no outcome yet");
        let closing = Closing { outcomes: vec![(1, Outcome::Done), (3, Outcome::Done)], ..Closing::default() };
        let summary = store.close_session(super::report(&view, &closing).unwrap(), view.as_of).unwrap();
        assert_eq!(
            summary_line(&Catalog::new(Language::En), &summary).split(" · ").next(),
            Some("Session closed: 2 done, 1 partly, 0 not done")
        );
        assert_eq!(
            summary_line(&Catalog::new(Language::De), &summary).split(" · ").next(),
            Some("Session abgeschlossen: 2 erledigt, 1 teilweise, 0 nicht erledigt")
        );
    }

    #[test]
    fn a_number_past_the_list_is_named() {
        let mut store = Store::open_in_memory().unwrap();
        let view = closing_round(&mut store);
        let closing = Closing {
            outcomes: vec![(1, Outcome::Done), (4, Outcome::Done), (7, Outcome::Partly)],
            ..Closing::default()
        };
        assert_eq!(report(&view, &closing), Err(4));
    }

    #[test]
    fn the_summary_counts_outcomes_and_whole_focus_minutes() {
        let summary = |secs| SessionSummary {
            id: Uuid::nil(),
            template_name: "Deep work".into(),
            status: worktogether_core::SessionStatus::Finished,
            started_at: t0(),
            ended_at: Some(t0()),
            focus_secs: secs,
            pause_secs: 0,
            sleep_secs: 0,
            interruptions: 0,
            commitments: Vec::new(),
            overall_note: None,
            focus_rating: None,
            room_name: None,
        };
        let en = Catalog::new(Language::En);
        assert_eq!(summary_line(&en, &summary(3000)), "Session closed: 0 done, 0 partly, 0 not done · 50 min focused");
        assert_eq!(summary_line(&en, &summary(59)), "Session closed: 0 done, 0 partly, 0 not done · 0 min focused");
        let de = Catalog::new(Language::De);
        assert_eq!(
            summary_line(&de, &summary(3000)),
            "Session abgeschlossen: 0 erledigt, 0 teilweise, 0 nicht erledigt · 50 Min. Fokus"
        );
    }

    #[test]
    fn the_default_template_is_marked() {
        let template = |id, name: &str| Template {
            id: Uuid::from_u128(id),
            name: name.into(),
            builtin: false,
            phases: Vec::new(),
        };
        let templates = [template(1, "Worktogether"), template(2, "Deep work")];
        assert_eq!(
            template_lines(&Catalog::new(Language::En), &templates, templates[1].id),
            ["Worktogether", "Deep work (default)"]
        );
        assert_eq!(
            template_lines(&Catalog::new(Language::De), &templates, templates[1].id),
            ["Worktogether", "Deep work (Standard)"]
        );
    }
}
