//! Native notifications at phase changes, through notify-rust over D-Bus.
//!
//! Sending never blocks the UI or the ticker: it runs on its own task with timeouts, and
//! is skipped (logged once) when no notification service owns the bus name — otherwise
//! D-Bus may spend 10–50 s trying to start one.

use crate::i18n::Catalog;
use std::time::Duration;
use worktogether_core::{PhaseChange, PhaseKind, PlannedPhase, SessionView};

const SERVICE: &str = "org.freedesktop.Notifications";
const OWNER_CHECK_TIMEOUT: Duration = Duration::from_secs(2);
const SEND_TIMEOUT: Duration = Duration::from_secs(5);

/// What a notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub summary: String,
    pub body: String,
}

fn phase_name(catalog: &Catalog, kind: PhaseKind) -> String {
    catalog.t(&format!("phase.{}", kind.as_str()), &[])
}

/// "Fokus · 50 Min": a phase and its length in whole minutes (rounded up).
fn with_minutes(catalog: &Catalog, phase: PlannedPhase) -> String {
    let minutes = phase.duration_secs.div_ceil(60).to_string();
    catalog.t("notify.phase_with_minutes", &[("phase", phase_name(catalog, phase.kind)), ("minutes", minutes)])
}

/// The notice for a phase change: what starts now and what comes next.
pub fn phase_notice(catalog: &Catalog, change: &PhaseChange, view: &SessionView) -> Notice {
    // After a catch-up, what is left of the phase matters, not its planned length.
    let duration_secs = view.phase.as_ref().map_or(0, |p| {
        if change.missed > 0 { u32::try_from(p.remaining_secs.max(0)).unwrap_or(0) } else { p.duration_secs }
    });
    let now = with_minutes(catalog, PlannedPhase { kind: change.to, duration_secs });
    let next = view.next.map(|n| with_minutes(catalog, n)).unwrap_or_default();
    let (summary, mut body) = match change.to {
        PhaseKind::Closing => (catalog.t("notify.closing.title", &[]), catalog.t("notify.closing.body", &[])),
        PhaseKind::Commitment => (now, catalog.t("notify.commitment.body", &[("next", next)])),
        PhaseKind::Break => (now, catalog.t("notify.break.body", &[("next", next)])),
        PhaseKind::Focus => {
            let open: Vec<&str> = view
                .commitments
                .iter()
                .filter(|c| c.outcome == worktogether_core::Outcome::Pending)
                .map(|c| c.text.as_str())
                .collect();
            let body = if open.is_empty() {
                catalog.t("notify.focus.body_empty", &[("next", next)])
            } else {
                catalog.t("notify.focus.body", &[("commitments", open.join("; ")), ("next", next)])
            };
            (now, body)
        }
    };
    if change.missed > 0 {
        body = format!("{} {body}", catalog.t("notify.catch_up", &[("count", (change.missed + 1).to_string())]));
    }
    Notice { summary, body }
}

/// A button on a notification (where the notification server offers them) and what a
/// click on it does.
pub struct NoticeAction {
    /// The action keys it answers to on the bus.
    pub ids: &'static [&'static str],
    pub label: String,
    pub on_click: Box<dyn FnOnce() + Send>,
}

/// A notice's one action is offered twice: as `default`, what a click on the notice itself
/// does (GNOME, KDE, dunst), and as a button of its own where the server shows buttons.
const ONE_ACTION_IDS: &[&str] = &["default", "button"];

/// Sends notices one after another, in the order of the phase changes, from one
/// background task; `send` returns at once.
pub struct Notifier {
    queue: tokio::sync::mpsc::UnboundedSender<(Notice, Vec<NoticeAction>)>,
}

impl Notifier {
    pub fn start() -> Self {
        let (queue, notices) = tokio::sync::mpsc::unbounded_channel();
        tauri::async_runtime::spawn(deliver(notices));
        Self { queue }
    }

    pub fn send(&self, notice: Notice) {
        self.send_with_actions(notice, Vec::new());
    }

    /// A notice with a button; `on_click` runs (on a thread of its own) if the person clicks it.
    pub fn send_with_action(&self, notice: Notice, label: String, on_click: Box<dyn FnOnce() + Send>) {
        self.send_with_actions(notice, vec![NoticeAction { ids: ONE_ACTION_IDS, label, on_click }]);
    }

    /// A notice with several buttons; the one clicked runs (on a thread of its own), once.
    pub fn send_with_actions(&self, notice: Notice, actions: Vec<NoticeAction>) {
        if self.queue.send((notice, actions)).is_err() {
            log::warn!("the notification task has stopped; a notice was dropped");
        }
    }
}

async fn deliver(mut notices: tokio::sync::mpsc::UnboundedReceiver<(Notice, Vec<NoticeAction>)>) {
    let mut bus = Bus::default();
    while let Some((notice, actions)) = notices.recv().await {
        if !bus.service_available().await {
            continue;
        }
        let shown = tauri::async_runtime::spawn_blocking(move || {
            let mut notification = notify_rust::Notification::new();
            notification.appname("Worktogether").summary(&notice.summary).body(&notice.body).icon("worktogether");
            for action in &actions {
                for id in action.ids {
                    notification.action(id, &action.label);
                }
            }
            let handle = notification.show()?;
            if !actions.is_empty() {
                // Waits until the notice is clicked or closed, on a thread of its own, so the
                // next notice is not held up.
                wait_for_click(handle, actions);
            }
            Ok::<(), notify_rust::error::Error>(())
        });
        match tokio::time::timeout(SEND_TIMEOUT, shown).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => log::warn!("notification not shown: {e}"),
            Ok(Err(e)) => log::warn!("notification task failed: {e}"),
            Err(_) => log::warn!("notification service did not answer within {SEND_TIMEOUT:?}"),
        }
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn wait_for_click(handle: notify_rust::NotificationHandle, actions: Vec<NoticeAction>) {
    let spawned = std::thread::Builder::new().name("notice-action".into()).spawn(move || {
        let mut actions: Vec<_> = actions.into_iter().map(Some).collect();
        handle.wait_for_action(|id| {
            let clicked = actions.iter_mut().find(|a| a.as_ref().is_some_and(|a| a.ids.contains(&id)));
            if let Some(action) = clicked.and_then(Option::take) {
                (action.on_click)();
            }
        });
    });
    if let Err(e) = spawned {
        log::warn!("a notification's button will not work: {e}");
    }
}

/// Elsewhere the notification servers offer no buttons through notify-rust: the tray and the
/// app offer the same choice.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn wait_for_click(_handle: notify_rust::NotificationHandle, _actions: Vec<NoticeAction>) {}

/// Whether some program owns `name` on the session bus (e.g. a tray host); `false` when
/// the bus cannot be asked.
#[cfg(target_os = "linux")]
pub async fn bus_name_has_owner(name: &str) -> bool {
    let ask = async {
        let connection = zbus::Connection::session().await?;
        let proxy = zbus::fdo::DBusProxy::new(&connection).await?;
        Ok::<_, zbus::Error>(proxy.name_has_owner(zbus::names::BusName::try_from(name)?).await?)
    };
    matches!(tokio::time::timeout(OWNER_CHECK_TIMEOUT, ask).await, Ok(Ok(true)))
}

/// Whether a notification service is there to talk to (Linux: it owns the bus name),
/// over one session-bus connection kept between notices.
#[derive(Default)]
struct Bus {
    #[cfg(target_os = "linux")]
    connection: Option<zbus::Connection>,
    reported_missing_service: bool,
}

impl Bus {
    async fn service_available(&mut self) -> bool {
        #[cfg(target_os = "linux")]
        let available = {
            let owned = tokio::time::timeout(OWNER_CHECK_TIMEOUT, self.name_has_owner()).await;
            if !matches!(owned, Ok(Ok(_))) {
                self.connection = None; // reconnect next time
            }
            if !matches!(owned, Ok(Ok(true))) && !self.reported_missing_service {
                log::warn!("no notification service on the session bus ({owned:?}); notifications are skipped");
            }
            matches!(owned, Ok(Ok(true)))
        };
        #[cfg(not(target_os = "linux"))]
        let available = {
            let _ = (OWNER_CHECK_TIMEOUT, SERVICE);
            true
        };
        self.reported_missing_service = !available;
        available
    }

    #[cfg(target_os = "linux")]
    async fn name_has_owner(&mut self) -> zbus::Result<bool> {
        let connection = match &self.connection {
            Some(c) => c.clone(),
            None => zbus::Connection::session().await?,
        };
        self.connection = Some(connection.clone());
        let proxy = zbus::fdo::DBusProxy::new(&connection).await?;
        Ok(proxy.name_has_owner(zbus::names::BusName::try_from(SERVICE)?).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use chrono::{TimeZone, Utc};
    use worktogether_core::{Commitment, CurrentPhase, Outcome, SessionStatus};

    fn view(kind: PhaseKind, minutes: u32, next: Option<(PhaseKind, u32)>, commitments: &[&str]) -> SessionView {
        let t = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
        let id = uuid::Uuid::nil();
        SessionView {
            id,
            template_name: "Worktogether".into(),
            status: SessionStatus::Running,
            started_at: t,
            phase: Some(CurrentPhase {
                index: 1,
                kind,
                started_at: t,
                deadline: t,
                duration_secs: minutes * 60,
                remaining_secs: 0,
            }),
            next: next.map(|(kind, m)| PlannedPhase::new(kind, m)),
            plan: vec![],
            paused_since: None,
            pause_note: None,
            commitments: commitments
                .iter()
                .enumerate()
                .map(|(i, text)| Commitment {
                    id,
                    session_id: id,
                    position: i as u32,
                    text: (*text).into(),
                    tag: None,
                    estimate_minutes: None,
                    outcome: Outcome::Pending,
                    note: None,
                    feedback_wanted: false,
                    carried_from: None,
                    carry_count: 0,
                })
                .collect(),
            focus_secs: 0,
            overall_note: None,
            focus_rating: None,
            room: None,
            follows_room: false,
            shares_with_room: false,
            as_of: t,
        }
    }

    fn change(from: PhaseKind, to: PhaseKind, missed: u32) -> PhaseChange {
        PhaseChange { session_id: uuid::Uuid::nil(), from, to, to_index: 1, missed }
    }

    #[test]
    fn focus_says_what_starts_what_for_and_what_comes_next() {
        let de = Catalog::new(Language::De);
        let v = view(PhaseKind::Focus, 50, Some((PhaseKind::Break, 10)), &["Buchhaltung", "Website"]);
        let n = phase_notice(&de, &change(PhaseKind::Commitment, PhaseKind::Focus, 0), &v);
        assert_eq!(n.summary, "Fokus · 50 Min");
        assert_eq!(n.body, "Deine Commitments: Buchhaltung; Website. Danach: Pause · 10 Min");
    }

    #[test]
    fn closing_asks_what_was_done_in_both_languages() {
        let v = view(PhaseKind::Closing, 10, None, &[]);
        let c = change(PhaseKind::Focus, PhaseKind::Closing, 0);
        assert_eq!(phase_notice(&Catalog::new(Language::De), &c, &v).summary, "Abschlussrunde: Was hast du geschafft?");
        assert_eq!(phase_notice(&Catalog::new(Language::En), &c, &v).summary, "Closing round: what did you get done?");
    }

    #[test]
    fn a_catch_up_is_one_notice_that_says_so() {
        let en = Catalog::new(Language::En);
        let v = view(PhaseKind::Focus, 25, Some((PhaseKind::Closing, 5)), &[]);
        let mut v = v;
        v.phase.as_mut().unwrap().remaining_secs = 10 * 60 - 5;
        let n = phase_notice(&en, &change(PhaseKind::Focus, PhaseKind::Focus, 2), &v);
        assert_eq!(n.summary, "Focus · 10 min", "what is left of the phase, rounded up");
        assert!(n.body.starts_with("While you were away, 3 phases passed."), "{}", n.body);
    }
}
