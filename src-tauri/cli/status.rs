//! What `worktogether status` says about the session: lines for people, and one JSON line
//! for status bars (waybar and polybar custom modules).

use crate::i18n::Catalog;
use chrono::TimeZone;
use serde::Serialize;
use worktogether_core::{CurrentPhase, SessionStatus, SessionView, Timestamp};

/// The status bar's line: the fields waybar reads from a `return-type: json` module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BarLine {
    /// Empty while no session runs, so the bar shows nothing (waybar hides empty modules).
    pub text: String,
    pub tooltip: String,
    /// idle, commitment, focus, break, closing or paused: for the bar's style sheet.
    pub class: &'static str,
    /// How much of the phase has passed, 0–100.
    pub percentage: u8,
    /// The room whose shared session this is (absent for a session of one's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
}

fn phase_name(catalog: &Catalog, phase: &CurrentPhase) -> String {
    catalog.t(&format!("phase.{}", phase.kind.as_str()), &[])
}

/// `23:10` or `1:05:00`.
fn countdown(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// A time of day on the person's clock: 24 hours, as in the UI.
fn clock<Tz: TimeZone>(t: Timestamp, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    t.with_timezone(tz).format("%H:%M").to_string()
}

/// "Worktogether · 2 commitments", and "in <room>" for a room's session.
fn details(catalog: &Catalog, view: &SessionView) -> String {
    let count = view.commitments.len();
    let key = if count == 1 { "cli.status.commitments.one" } else { "cli.status.commitments.other" };
    let commitments = catalog.t(key, &[("count", count.to_string())]);
    let line =
        catalog.t("cli.status.details", &[("template", view.template_name.clone()), ("commitments", commitments)]);
    match &view.room {
        Some(room) => format!("{line} · {}", catalog.t("cli.status.in_room", &[("room", room.room_name.clone())])),
        None => line,
    }
}

/// One to three lines for people: phase and time, template and commitments, and where the
/// person left off while paused.
pub fn human<Tz: TimeZone>(catalog: &Catalog, view: Option<&SessionView>, tz: &Tz) -> Vec<String>
where
    Tz::Offset: std::fmt::Display,
{
    let Some((view, phase)) = view.and_then(|v| Some((v, v.phase.as_ref()?))) else {
        return vec![catalog.t("cli.status.none", &[])];
    };
    let name = phase_name(catalog, phase);
    let left = countdown(phase.remaining_secs.max(0).unsigned_abs());
    let first = match (view.status, view.paused_since) {
        (SessionStatus::Paused, Some(since)) => {
            catalog.t("cli.status.paused", &[("phase", name), ("since", clock(since, tz)), ("time", left)])
        }
        _ if phase.remaining_secs < 0 => catalog
            .t("cli.status.overtime", &[("phase", name), ("time", countdown(phase.remaining_secs.unsigned_abs()))]),
        _ => catalog.t("cli.status.left", &[("phase", name), ("time", left), ("clock", clock(phase.deadline, tz))]),
    };
    let mut lines = vec![first, details(catalog, view)];
    if let Some(note) = view.pause_note.as_deref().filter(|_| view.status == SessionStatus::Paused) {
        lines.push(format!("{} {note}", catalog.t("session.leftOff", &[])));
    }
    lines
}

/// The status bar's line. Its text shows whole minutes (rounded up, like the tray), so that
/// `--follow` has something new to say about once a minute, not every second.
pub fn bar<Tz: TimeZone>(catalog: &Catalog, view: Option<&SessionView>, tz: &Tz) -> BarLine
where
    Tz::Offset: std::fmt::Display,
{
    let Some((view, phase)) = view.and_then(|v| Some((v, v.phase.as_ref()?))) else {
        return BarLine {
            text: String::new(),
            tooltip: catalog.t("cli.status.none", &[]),
            class: "idle",
            percentage: 0,
            room: None,
        };
    };
    let name = phase_name(catalog, phase);
    let remaining = u32::try_from(phase.remaining_secs).unwrap_or(0);
    let minutes = remaining.div_ceil(60).to_string();
    let paused = view.status == SessionStatus::Paused;
    let (text, first) = if let (true, Some(since)) = (paused, view.paused_since) {
        (
            catalog.t("cli.bar.text_paused", &[("phase", name.clone()), ("minutes", minutes)]),
            catalog.t("cli.bar.paused", &[("phase", name), ("since", clock(since, tz))]),
        )
    } else if phase.remaining_secs < 0 {
        (name.clone(), catalog.t("cli.bar.overtime", &[("phase", name), ("clock", clock(phase.started_at, tz))]))
    } else {
        (
            catalog.t("cli.bar.text", &[("phase", name.clone()), ("minutes", minutes)]),
            catalog.t("cli.bar.until", &[("phase", name), ("clock", clock(phase.deadline, tz))]),
        )
    };
    let elapsed = phase.duration_secs.saturating_sub(remaining);
    let percentage =
        if phase.duration_secs == 0 { 100 } else { (u64::from(elapsed) * 100 / u64::from(phase.duration_secs)) as u8 };
    BarLine {
        text,
        tooltip: format!("{first}\n{}", details(catalog, view)),
        class: if paused { "paused" } else { phase.kind.as_str() },
        percentage: percentage.min(100),
        room: view.room.as_ref().map(|r| r.room_name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use chrono::{Duration, Utc};
    use worktogether_core::{PhaseKind, PlannedPhase, Store, TemplateDraft};

    fn t0() -> Timestamp {
        Utc.with_ymd_and_hms(2026, 11, 25, 13, 0, 0).unwrap()
    }

    /// A real session from the core: commitment 2 min · focus 50 min · closing 10 min.
    fn session(store: &mut Store) {
        let phases = [(PhaseKind::Commitment, 120), (PhaseKind::Focus, 3000), (PhaseKind::Closing, 600)]
            .map(|(kind, duration_secs)| PlannedPhase { kind, duration_secs })
            .to_vec();
        let template = store.save_template(TemplateDraft { id: None, name: "Deep work".into(), phases }, t0()).unwrap();
        store.start_session(template.id, t0()).unwrap();
        let draft = worktogether_core::CommitmentDraft { text: "Taxes".into(), tag: None, estimate_minutes: None };
        store.add_commitment(draft, t0()).unwrap();
    }

    fn at(store: &Store, secs: i64) -> Option<SessionView> {
        store.current_session(t0() + Duration::seconds(secs)).unwrap()
    }

    #[test]
    fn no_session_is_idle() {
        let en = Catalog::new(Language::En);
        assert_eq!(human(&en, None, &Utc), ["No session is running."]);
        let line = bar(&en, None, &Utc);
        assert_eq!(
            line,
            BarLine {
                text: "".into(),
                tooltip: "No session is running.".into(),
                class: "idle",
                percentage: 0,
                room: None
            }
        );
        assert_eq!(
            serde_json::to_string(&line).unwrap(),
            r#"{"text":"","tooltip":"No session is running.","class":"idle","percentage":0}"#,
            "one line with exactly the fields waybar reads"
        );
    }

    #[test]
    fn a_focus_block_in_both_languages() {
        let mut store = Store::open_in_memory().unwrap();
        session(&mut store);
        // 120 s commitment, then 26 min 50 s into the 50 min focus block.
        let view = at(&store, 120 + 1610);
        let (en, de) = (Catalog::new(Language::En), Catalog::new(Language::De));
        assert_eq!(human(&en, view.as_ref(), &Utc), ["Focus · 23:10 left (until 13:52)", "Deep work · 1 commitment"]);
        assert_eq!(human(&de, view.as_ref(), &Utc), ["Fokus · noch 23:10 (bis 13:52)", "Deep work · 1 Commitment"]);
        let line = bar(&en, view.as_ref(), &Utc);
        assert_eq!(line.text, "Focus 24 min", "whole minutes, rounded up like the tray");
        assert_eq!(line.class, "focus");
        assert_eq!(line.percentage, 53, "1610 of 3000 s have passed");
        assert_eq!(line.tooltip, "Focus until 13:52\nDeep work · 1 commitment");
        let line = bar(&de, view.as_ref(), &Utc);
        assert_eq!(line.text, "Fokus 24 Min");
        assert_eq!(line.tooltip, "Fokus bis 13:52\nDeep work · 1 Commitment");
    }

    #[test]
    fn paused_and_overtime() {
        let mut store = Store::open_in_memory().unwrap();
        session(&mut store);
        store.pause_session(Some("page 3".into()), t0() + Duration::seconds(60)).unwrap();
        let view = at(&store, 600);
        let en = Catalog::new(Language::En);
        assert_eq!(
            human(&en, view.as_ref(), &Utc),
            [
                "Commitment round · paused since 13:01 · 1:00 left",
                "Deep work · 1 commitment",
                "Where you left off: page 3"
            ],
        );
        let line = bar(&en, view.as_ref(), &Utc);
        assert_eq!((line.class, line.text.as_str(), line.percentage), ("paused", "⏸ Commitment round 1 min", 50));
        let de = Catalog::new(Language::De);
        assert_eq!(
            bar(&de, view.as_ref(), &Utc).tooltip,
            "Commitment-Runde pausiert seit 13:01\nDeep work · 1 Commitment"
        );

        store.resume_session(t0() + Duration::seconds(600)).unwrap();
        store.end_session_early(t0() + Duration::seconds(600)).unwrap();
        // The closing round waits for the report: 10 min planned, 12 min 5 s later.
        let view = at(&store, 600 + 600 + 125);
        assert_eq!(human(&en, view.as_ref(), &Utc)[0], "Closing round · 2:05 over time");
        assert_eq!(human(&de, view.as_ref(), &Utc)[0], "Abschlussrunde · 2:05 überzogen");
        let line = bar(&en, view.as_ref(), &Utc);
        assert_eq!((line.class, line.text.as_str(), line.percentage), ("closing", "Closing round", 100));
    }

    #[test]
    fn a_rooms_session_says_which_room() {
        let mut store = Store::open_in_memory().unwrap();
        let room = worktogether_core::RoomLink {
            membership_id: uuid::Uuid::nil(),
            session_id: uuid::Uuid::nil(),
            room_name: "Morning office".into(),
        };
        let plan = vec![
            PlannedPhase { kind: PhaseKind::Focus, duration_secs: 600 },
            PlannedPhase { kind: PhaseKind::Closing, duration_secs: 60 },
        ];
        let at_room = worktogether_core::RoomPosition {
            index: 0,
            started_at: t0(),
            ends_at: Some(t0() + Duration::seconds(600)),
            over: false,
        };
        store.join_room_session(room, "Shared", plan, at_room, t0()).unwrap();
        let en = Catalog::new(Language::En);
        let line = bar(&en, at(&store, 60).as_ref(), &Utc);
        assert_eq!(line.room.as_deref(), Some("Morning office"));
        assert!(serde_json::to_string(&line).unwrap().contains(r#""room":"Morning office""#));
        assert_eq!(human(&en, at(&store, 60).as_ref(), &Utc)[1], "Shared · 0 commitments · in Morning office");
    }

    #[test]
    fn the_bar_changes_once_a_minute_not_every_second() {
        let mut store = Store::open_in_memory().unwrap();
        session(&mut store);
        let en = Catalog::new(Language::En);
        // Three whole minutes of the focus block, second by second.
        let shown: std::collections::BTreeSet<_> = (0..180)
            .map(|s| bar(&en, at(&store, 120 + 600 + s).as_ref(), &Utc))
            .map(|line| (line.text, line.tooltip, line.class))
            .collect();
        let texts: Vec<_> = shown.iter().map(|(text, _, _)| text.as_str()).collect();
        assert_eq!(texts, ["Focus 38 min", "Focus 39 min", "Focus 40 min"], "one change per minute: {shown:?}");
    }

    #[test]
    fn long_countdowns_show_hours() {
        assert_eq!(countdown(3900), "1:05:00");
        assert_eq!(countdown(59), "0:59");
    }
}
