//! The tray menu as data: a pure function of the session, the templates and the language,
//! so which items show, which are enabled and what they say is unit-tested without a
//! tray. `tray::mod` turns the model into a native menu and the chosen item into an action.

use crate::i18n::Catalog;
use uuid::Uuid;
use worktogether_core::schedule::BlockDay;
use worktogether_core::schedule::reminders::SNOOZE_MINUTES;
use worktogether_core::{PhaseKind, SessionStatus, SessionView, Template};

/// What a menu item does when chosen; its string form is the native item's ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayCommand {
    Start,
    StartFrom(Uuid),
    Pause,
    Resume,
    Skip,
    Extend,
    End,
    Open,
    Quit,
    /// Join the running session of the room of this membership.
    JoinRoom(Uuid),
    /// A work block's occurrence whose time has come: start its session, remind again later,
    /// or skip it today.
    StartBlock(BlockDay),
    SnoozeBlock(BlockDay),
    SkipBlock(BlockDay),
}

/// What the tray shows of the schedule: the block whose time has come, today's focus against
/// its budget (minutes), and how many routines are overdue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraySchedule {
    pub pending: Option<(BlockDay, String, String)>,
    pub budget: Option<(u64, u32)>,
    pub overdue_routines: usize,
}

/// Minutes one "+5 min" adds.
pub const EXTEND_MINUTES: u32 = 5;
const START_FROM: &str = "start-from:";
const JOIN_ROOM: &str = "join-room:";
const BLOCK_START: &str = "block-start:";
const BLOCK_SNOOZE: &str = "block-snooze:";
const BLOCK_SKIP: &str = "block-skip:";

/// `block:day` as an item ID's tail.
fn block_day_id(at: BlockDay) -> String {
    format!("{}:{}", at.block_id, at.day)
}

fn parse_block_day(tail: &str) -> Option<BlockDay> {
    let (block, day) = tail.split_once(':')?;
    Some(BlockDay { block_id: block.parse().ok()?, day: day.parse().ok()? })
}

impl TrayCommand {
    pub fn id(self) -> String {
        match self {
            Self::Start => "start".into(),
            Self::StartFrom(id) => format!("{START_FROM}{id}"),
            Self::Pause => "pause".into(),
            Self::Resume => "resume".into(),
            Self::Skip => "skip".into(),
            Self::Extend => "extend".into(),
            Self::End => "end".into(),
            Self::Open => "open".into(),
            Self::Quit => "quit".into(),
            Self::JoinRoom(id) => format!("{JOIN_ROOM}{id}"),
            Self::StartBlock(at) => format!("{BLOCK_START}{}", block_day_id(at)),
            Self::SnoozeBlock(at) => format!("{BLOCK_SNOOZE}{}", block_day_id(at)),
            Self::SkipBlock(at) => format!("{BLOCK_SKIP}{}", block_day_id(at)),
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        if let Some(template) = id.strip_prefix(START_FROM) {
            return template.parse().ok().map(Self::StartFrom);
        }
        if let Some(membership) = id.strip_prefix(JOIN_ROOM) {
            return membership.parse().ok().map(Self::JoinRoom);
        }
        if let Some(tail) = id.strip_prefix(BLOCK_START) {
            return parse_block_day(tail).map(Self::StartBlock);
        }
        if let Some(tail) = id.strip_prefix(BLOCK_SNOOZE) {
            return parse_block_day(tail).map(Self::SnoozeBlock);
        }
        if let Some(tail) = id.strip_prefix(BLOCK_SKIP) {
            return parse_block_day(tail).map(Self::SkipBlock);
        }
        [Self::Start, Self::Pause, Self::Resume, Self::Skip, Self::Extend, Self::End, Self::Open, Self::Quit]
            .into_iter()
            .find(|c| c.id() == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayEntry {
    /// `command: None` is a line of information (the current phase), shown disabled.
    Item {
        command: Option<TrayCommand>,
        label: String,
        enabled: bool,
    },
    Submenu {
        label: String,
        entries: Vec<TrayEntry>,
    },
    Separator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayModel {
    pub entries: Vec<TrayEntry>,
    /// Beside the icon where the platform shows titles: the minutes left, or nothing.
    pub title: Option<String>,
}

fn item(command: TrayCommand, label: String, enabled: bool) -> TrayEntry {
    TrayEntry::Item { command: Some(command), label, enabled }
}

/// Whole minutes left, rounded up: "1 min" until the phase is really over.
fn minutes_left(remaining_secs: i32) -> u32 {
    (remaining_secs.max(0) as u32).div_ceil(60)
}

/// The menu for the session in progress (`None`: nothing runs). `joinable` are the rooms
/// (membership, room name) whose shared session runs: offered while no session of one's own runs.
pub fn tray_model(
    catalog: &Catalog,
    session: Option<&SessionView>,
    templates: &[Template],
    default_template: Option<&Template>,
    joinable: &[(Uuid, String)],
    schedule: &TraySchedule,
) -> TrayModel {
    let t = |key: &str| catalog.t(key, &[]);
    let mut entries = Vec::new();
    let mut title = None;
    let info = |label: String| TrayEntry::Item { command: None, label, enabled: false };
    if let Some((focus, budget)) = schedule.budget {
        let args = [("focus", focus.to_string()), ("budget", budget.to_string())];
        entries.push(info(
            catalog.t(if focus >= u64::from(budget) { "tray.budget_reached" } else { "tray.budget" }, &args),
        ));
    }
    if schedule.overdue_routines > 0 {
        entries.push(info(catalog.t("tray.routines_overdue", &[("count", schedule.overdue_routines.to_string())])));
    }
    match session.filter(|s| s.status.in_progress()).and_then(|s| s.phase.as_ref().map(|p| (s, p))) {
        None => {
            if let Some((at, block, time)) = &schedule.pending {
                entries.push(info(catalog.t("tray.block", &[("title", block.clone()), ("time", time.clone())])));
                entries.push(item(TrayCommand::StartBlock(*at), t("tray.block_start"), true));
                let snooze = catalog.t("notify.block.snooze", &[("minutes", SNOOZE_MINUTES.to_string())]);
                entries.push(item(TrayCommand::SnoozeBlock(*at), snooze, true));
                entries.push(item(TrayCommand::SkipBlock(*at), t("notify.block.skip"), true));
                entries.push(TrayEntry::Separator);
            }
            for (membership, room) in joinable {
                let label = catalog.t("tray.join_room", &[("room", room.clone())]);
                entries.push(item(TrayCommand::JoinRoom(*membership), label, true));
            }
            if let Some(default) = default_template {
                let label = catalog.t("tray.start", &[("template", default.name.clone())]);
                entries.push(item(TrayCommand::Start, label, true));
            }
            let from = templates.iter().map(|t| item(TrayCommand::StartFrom(t.id), t.name.clone(), true)).collect();
            entries.push(TrayEntry::Submenu { label: t("tray.start_from"), entries: from });
        }
        Some((session, phase)) => {
            let paused = session.status == SessionStatus::Paused;
            let closing = phase.kind == PhaseKind::Closing;
            let phase_name = t(&format!("phase.{}", phase.kind.as_str()));
            let minutes = minutes_left(phase.remaining_secs);
            let status = if closing {
                catalog.t("tray.status_closing", &[("phase", phase_name)])
            } else {
                let key = if paused { "tray.status_paused" } else { "tray.status" };
                title = Some(catalog.t("tray.title", &[("minutes", minutes.to_string())]));
                catalog.t(key, &[("phase", phase_name), ("minutes", minutes.to_string())])
            };
            entries.push(TrayEntry::Item { command: None, label: status, enabled: false });
            entries.push(TrayEntry::Separator);
            if paused {
                entries.push(item(TrayCommand::Resume, t("tray.resume"), true));
            } else {
                entries.push(item(TrayCommand::Pause, t("tray.pause"), true));
            }
            // The closing round is where the session ends: skipping or extending it, or
            // ending it early, would make no sense.
            entries.push(item(TrayCommand::Skip, t("tray.skip"), !paused && !closing));
            let extend = catalog.t("tray.extend", &[("minutes", EXTEND_MINUTES.to_string())]);
            entries.push(item(TrayCommand::Extend, extend, !paused && !closing));
            entries.push(item(TrayCommand::End, t("tray.end"), !closing));
        }
    }
    entries.push(TrayEntry::Separator);
    entries.push(item(TrayCommand::Open, t("tray.open"), true));
    entries.push(item(TrayCommand::Quit, t("tray.quit"), true));
    TrayModel { entries, title }
}

/// The top-level items whose label alone changed from `shown` to `next` (index, new label):
/// the minute of a running phase, or the language. `None` when anything else changed, and the
/// menu is to be built anew. Relabelling an item is one call to the desktop's menu; building
/// the menu is dozens, each waking the main thread and the tray host.
pub fn relabels<'a>(shown: &[TrayEntry], next: &'a [TrayEntry]) -> Option<Vec<(usize, &'a str)>> {
    if shown.len() != next.len() {
        return None;
    }
    let mut changed = Vec::new();
    for (i, (was, is)) in shown.iter().zip(next).enumerate() {
        match (was, is) {
            (
                TrayEntry::Item { command: c1, label: l1, enabled: e1 },
                TrayEntry::Item { command: c2, label: l2, enabled: e2 },
            ) if c1 == c2 && e1 == e2 => {
                if l1 != l2 {
                    changed.push((i, l2.as_str()));
                }
            }
            _ if was == is => {}
            _ => return None,
        }
    }
    Some(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use chrono::TimeZone;
    use worktogether_core::{Store, Timestamp};

    fn at(secs: i64) -> Timestamp {
        chrono::Utc.timestamp_opt(1_790_000_000 + secs, 0).unwrap()
    }

    /// A store with the built-in templates and, if `steps` is given, a session moved along.
    fn store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        store.ensure_builtin_templates(|b| b.key().to_owned(), at(0)).unwrap();
        store
    }

    /// Labels with their state: "label" enabled, "(label)" disabled, "label ▸ […]", "—".
    fn render(entries: &[TrayEntry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                TrayEntry::Item { label, enabled: true, .. } => label.clone(),
                TrayEntry::Item { label, enabled: false, .. } => format!("({label})"),
                TrayEntry::Submenu { label, entries } => format!("{label} ▸ {:?}", render(entries)),
                TrayEntry::Separator => "—".into(),
            })
            .collect()
    }

    fn model(store: &Store, language: Language, now: Timestamp) -> TrayModel {
        let templates = store.list_templates().unwrap();
        let session = store.current_session(now).unwrap();
        let default = store.default_template().unwrap();
        tray_model(&Catalog::new(language), session.as_ref(), &templates, Some(&default), &[], &TraySchedule::default())
    }

    #[test]
    fn a_block_whose_time_has_come_and_the_budget_show_in_the_menu() {
        let s = store();
        let templates = s.list_templates().unwrap();
        let at = BlockDay { block_id: Uuid::nil(), day: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap() };
        let schedule = TraySchedule {
            pending: Some((at, "Mittagsschlaf".into(), "13:00".into())),
            budget: Some((130, 240)),
            overdue_routines: 1,
        };
        let de = tray_model(&Catalog::new(Language::De), None, &templates, None, &[], &schedule);
        assert_eq!(
            render(&de.entries)[..7],
            [
                "(Fokus heute: 130 von 240 Min.)",
                "(Überfällige Routinen: 1)",
                "(„Mittagsschlaf“ um 13:00)",
                "Session dafür starten",
                "15 Min. später",
                "Heute auslassen",
                "—"
            ]
        );
        for command in [TrayCommand::StartBlock(at), TrayCommand::SnoozeBlock(at), TrayCommand::SkipBlock(at)] {
            assert_eq!(TrayCommand::parse(&command.id()), Some(command));
        }
        assert_eq!(TrayCommand::parse("block-start:nonsense:2026-12-07"), None);
        let reached = TraySchedule { budget: Some((240, 240)), ..TraySchedule::default() };
        let en = tray_model(&Catalog::new(Language::En), None, &templates, None, &[], &reached);
        assert_eq!(render(&en.entries)[0], "(Today’s 240 min of focus are done: time to stop)");
    }

    #[test]
    fn a_rooms_running_session_is_offered_while_idle() {
        let s = store();
        let templates = s.list_templates().unwrap();
        let room = (Uuid::nil(), "Morning office".to_owned());
        let none = TraySchedule::default();
        let idle = tray_model(&Catalog::new(Language::En), None, &templates, None, std::slice::from_ref(&room), &none);
        assert_eq!(render(&idle.entries)[0], "Join the session in Morning office");
        assert_eq!(
            TrayCommand::parse(&TrayCommand::JoinRoom(Uuid::nil()).id()),
            Some(TrayCommand::JoinRoom(Uuid::nil()))
        );
        let de = tray_model(&Catalog::new(Language::De), None, &templates, None, &[room], &none);
        assert_eq!(render(&de.entries)[0], "Bei der Session in Morning office mitmachen");
    }

    #[test]
    fn idle_offers_to_start_in_both_languages() {
        let s = store();
        let en = model(&s, Language::En, at(0));
        assert_eq!(
            render(&en.entries),
            [
                "Start session (worktogether)",
                r#"Start from ▸ ["worktogether", "pomodoro", "short_block"]"#,
                "—",
                "Open Worktogether",
                "Quit"
            ]
        );
        assert_eq!(en.title, None, "no title while idle");
        let de = model(&s, Language::De, at(0));
        assert_eq!(render(&de.entries)[0], "Session starten (worktogether)");
        assert_eq!(render(&de.entries)[3], "Worktogether öffnen");
    }

    #[test]
    fn a_new_minute_or_language_relabels_the_menu_and_anything_else_rebuilds_it() {
        let mut s = store();
        let pomodoro = s.list_templates().unwrap()[1].id;
        s.start_session(pomodoro, at(0)).unwrap();
        s.skip_phase(at(10)).unwrap();
        let en = model(&s, Language::En, at(70)).entries;
        assert_eq!(relabels(&en, &en), Some(vec![]));
        let later = model(&s, Language::En, at(190)).entries;
        let minute = relabels(&en, &later).unwrap();
        assert_eq!(minute, [(0, "Focus · 22 min left")], "only the phase line says the minutes");
        let de = model(&s, Language::De, at(70)).entries;
        let language = relabels(&en, &de).unwrap();
        assert!(language.len() > 3, "{language:?}");
        let labels = render(&de);
        assert!(language.iter().all(|(i, label)| labels[*i].trim_matches(['(', ')']) == *label), "{language:?}");

        let idle = model(&store(), Language::En, at(70)).entries;
        assert_eq!(relabels(&en, &idle), None, "another shape of menu is built anew");
        s.pause_session(None, at(80)).unwrap();
        let paused = model(&s, Language::En, at(80)).entries;
        assert_eq!(relabels(&en, &paused), None, "Pause becoming Resume, Skip disabled: built anew");
    }

    #[test]
    fn a_running_focus_block_shows_its_minutes_and_its_controls() {
        let mut s = store();
        let pomodoro = s.list_templates().unwrap()[1].id;
        s.start_session(pomodoro, at(0)).unwrap();
        s.skip_phase(at(10)).unwrap(); // into the first 25-minute focus block
        let en = model(&s, Language::En, at(10 + 60 * 3 + 1));
        assert_eq!(
            render(&en.entries),
            [
                "(Focus · 22 min left)",
                "—",
                "Pause",
                "Skip phase",
                "+5 min",
                "End session",
                "—",
                "Open Worktogether",
                "Quit"
            ]
        );
        assert_eq!(en.title.as_deref(), Some("22 min"), "21:59 left shows as 22 minutes");
        let de = model(&s, Language::De, at(10 + 60 * 3 + 1));
        assert_eq!(render(&de.entries)[0], "(Fokus · noch 22 Min.)");
        assert_eq!(de.title.as_deref(), Some("22 Min."));

        s.pause_session(None, at(400)).unwrap();
        let paused = render(&model(&s, Language::En, at(500)).entries);
        assert_eq!(
            paused[..6],
            ["(Focus · paused, 19 min left)", "—", "Resume", "(Skip phase)", "(+5 min)", "End session"]
        );
    }

    #[test]
    fn the_closing_round_offers_no_skip_extend_or_end() {
        let mut s = store();
        let short = s.list_templates().unwrap()[2].id;
        s.start_session(short, at(0)).unwrap();
        s.end_session_early(at(5)).unwrap();
        let m = model(&s, Language::En, at(6));
        assert_eq!(
            render(&m.entries)[..6],
            ["(Closing round: what did you get done?)", "—", "Pause", "(Skip phase)", "(+5 min)", "(End session)"]
        );
        assert_eq!(m.title, None, "the closing round has no countdown worth a title");
    }

    #[test]
    fn item_ids_round_trip() {
        let id = Uuid::now_v7();
        for c in [TrayCommand::Start, TrayCommand::StartFrom(id), TrayCommand::Pause, TrayCommand::Quit] {
            assert_eq!(TrayCommand::parse(&c.id()), Some(c));
        }
        assert_eq!(TrayCommand::parse("start-from:nope"), None);
        assert_eq!(TrayCommand::parse("launch"), None);
    }
}
