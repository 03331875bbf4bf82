//! The tray icon: its menu offers the whole ritual (on Linux clicks on the icon never reach
//! the app, so every action is in the menu), its drawing shows the state, and its title the
//! minutes left. Menu and icon are rebuilt when the session changes and when the minute shown
//! changes — never every second. Without a tray host the app runs on without one.

mod icon;
mod menu;

use crate::state::AppState;
use icon::{TrayLook, draw};
pub use menu::{TrayCommand, TrayEntry, TrayModel, TraySchedule, tray_model};
use std::time::Duration;
use tauri::image::Image;
use tauri::menu::{IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};
use worktogether_core::app::{Action, TemplateChoice};
use worktogether_core::schedule::reminders::SNOOZE_MINUTES;
use worktogether_core::schedule::{BlockDay, Exception};
use worktogether_core::{PhaseKind, SessionStatus, SessionView, Timestamp};

const TRAY_ID: &str = "worktogether";
/// Drawn at twice the usual panel size, so it stays sharp on HiDPI panels too.
const ICON_SIZE: u32 = 64;

/// Whether the tray icon exists; closing the main window hides it only then.
pub struct TrayPresence(pub bool);

/// Creates the tray icon and the task that keeps it current. Never fails the app.
pub fn install<R: Runtime>(app: &AppHandle<R>) {
    let icon = Image::new_owned(draw(TrayLook::Idle, ICON_SIZE), ICON_SIZE, ICON_SIZE);
    let built = TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon)
        .tooltip(app.state::<AppState>().catalog().t("tray.tooltip", &[]))
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| handle(app, event.id().as_ref()))
        .build(app);
    match built {
        Ok(_) => {
            report_missing_host();
            app.manage(TrayPresence(true));
            tauri::async_runtime::spawn(keep_current(app.clone()));
        }
        Err(e) => {
            log::warn!("no tray icon ({e}); the app runs on without one");
            app.manage(TrayPresence(false));
        }
    }
}

/// Logs once when no StatusNotifier host is on the bus: the icon then shows only in an
/// XEmbed tray, if there is one.
fn report_missing_host() {
    #[cfg(target_os = "linux")]
    tauri::async_runtime::spawn(async {
        if !crate::notifier::bus_name_has_owner("org.kde.StatusNotifierWatcher").await {
            log::info!("no StatusNotifier host on the session bus: the tray icon shows only in an XEmbed tray");
        }
    });
}

/// What the chosen menu item asks for. Refusals are logged: the menu offers only what the
/// session allows, so one means the state changed a moment before the click.
pub fn handle<R: Runtime>(app: &AppHandle<R>, id: &str) {
    let Some(command) = TrayCommand::parse(id) else {
        log::warn!("unknown tray menu item {id:?}");
        return;
    };
    let action = match command {
        TrayCommand::Open => return crate::windows::show_main(app),
        TrayCommand::JoinRoom(membership) => return crate::rooms::join_from_tray(app, membership),
        TrayCommand::Quit => return app.exit(0),
        TrayCommand::Start => Action::Start { template: TemplateChoice::Default },
        TrayCommand::StartFrom(id) => Action::Start { template: TemplateChoice::Id(id) },
        TrayCommand::Pause => Action::Pause { note: None },
        TrayCommand::Resume => Action::Resume,
        TrayCommand::Skip => Action::Skip,
        TrayCommand::Extend => Action::Extend { minutes: menu::EXTEND_MINUTES },
        TrayCommand::End => Action::Stop,
        TrayCommand::StartBlock(at) => Action::StartBlock { at },
        TrayCommand::SnoozeBlock(at) => Action::SnoozeBlock { at, minutes: SNOOZE_MINUTES },
        TrayCommand::SkipBlock(at) => {
            Action::ChangeOccurrence { block_id: at.block_id, day: at.day, exception: Some(Exception::Skip) }
        }
    };
    let starts = matches!(action, Action::Start { .. } | Action::StartBlock { .. });
    match app.state::<AppState>().apply(app, action) {
        Ok(_) if starts => crate::windows::show_commitment_round(app),
        Ok(_) => {}
        Err(e) => log::warn!("tray: {}", e.message),
    }
}

fn look(session: Option<&SessionView>) -> TrayLook {
    let Some((session, phase)) =
        session.filter(|s| s.status.in_progress()).and_then(|s| s.phase.as_ref().map(|p| (s, p)))
    else {
        return TrayLook::Idle;
    };
    let left = phase.remaining_secs.max(0) as f32 / phase.duration_secs.max(1) as f32;
    match (session.status, phase.kind) {
        (SessionStatus::Paused, _) => TrayLook::Paused,
        (_, PhaseKind::Focus) => TrayLook::Focus { left },
        (_, PhaseKind::Break) => TrayLook::Break { left },
        _ => TrayLook::Round,
    }
}

/// How long until the minutes shown change (`None`: nothing counts down).
fn until_next_minute(session: Option<&SessionView>) -> Option<Duration> {
    let session = session.filter(|s| s.status == SessionStatus::Running)?;
    let remaining = session.phase.as_ref()?.remaining_secs;
    (remaining > 0).then(|| Duration::from_secs(((remaining - 1) % 60 + 1) as u64))
}

/// Rebuilds the menu, icon and title whenever they would show something new: woken by
/// every session change, and by itself when the minute shown runs out.
async fn keep_current<R: Runtime>(app: AppHandle<R>) {
    let state = app.state::<AppState>();
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
    let mut shown: Option<Shown<R>> = None;
    let mut alarm = crate::alarm::Alarm::new();
    loop {
        let snapshot = state.read(|s, now| {
            Ok((s.current_session(now)?, s.list_templates()?, s.default_template().ok(), schedule(s, now)?))
        });
        let next = match snapshot {
            Ok((session, templates, default, schedule)) => {
                let joinable = app.try_state::<crate::rooms::Rooms>().map(|r| r.joinable()).unwrap_or_default();
                let model =
                    tray_model(&state.catalog(), session.as_ref(), &templates, default.as_ref(), &joinable, &schedule);
                let look = look(session.as_ref());
                if shown.as_ref().is_none_or(|s| s.model != model || s.look != look) {
                    log::debug!("tray: showing {look:?}, title {:?}", model.title);
                    // After a failure the next change builds everything anew.
                    shown = show_on_main_thread(&app, &tray, shown.take(), model, look)
                        .await
                        .inspect_err(|e| log::warn!("could not update the tray: {e}"))
                        .ok();
                    log::debug!("tray: shown");
                }
                until_next_minute(session.as_ref())
            }
            Err(e) => {
                log::warn!("tray: {}", e.message);
                None
            }
        };
        match next {
            // A little late rather than early, so the new minute has begun.
            Some(wait) => {
                let at = crate::state::now() + wait + Duration::from_millis(200);
                tokio::select! {
                    () = alarm.until(at, wait + Duration::from_millis(200)) => {}
                    () = state.tray_wake.notified() => {}
                }
            }
            None => state.tray_wake.notified().await,
        }
    }
}

/// What the tray shows of the schedule as of `now`, in the person's zone.
fn schedule(store: &worktogether_core::Store, now: Timestamp) -> Result<TraySchedule, worktogether_core::CoreError> {
    let zone = crate::zone::person_zone();
    let today = worktogether_core::stats::local_day(zone, now);
    let pending = store.pending_block(zone, now)?.map(|o| {
        let time = o.starts_at.with_timezone(&chrono::Local).format("%H:%M").to_string();
        (BlockDay::from(&o), o.title, time)
    });
    let budget = match store.daily_budget()?.of(today) {
        Some(budget) => Some((store.focus_on(zone, today, now)? / 60, budget)),
        None => None,
    };
    let overdue_routines = store
        .routine_statuses(today)?
        .iter()
        .filter(|r| matches!(r.current, Some((_, worktogether_core::schedule::DayState::Overdue))))
        .count();
    Ok(TraySchedule { pending, budget, overdue_routines })
}

/// What the tray shows, with the native items of the top-level entries (`None` for
/// separators and submenus), so that a new label can be written into its item.
struct Shown<R: Runtime> {
    model: TrayModel,
    look: TrayLook,
    items: Vec<Option<MenuItem<R>>>,
}

/// [`show`] as one task of the main thread: called from there, each of the tray's and the
/// menu's calls is made directly; from elsewhere, each would be a round trip, waking both
/// threads.
async fn show_on_main_thread<R: Runtime>(
    app: &AppHandle<R>,
    tray: &TrayIcon<R>,
    before: Option<Shown<R>>,
    model: TrayModel,
    look: TrayLook,
) -> tauri::Result<Shown<R>> {
    let (done, shown) = tokio::sync::oneshot::channel();
    let (handle, tray) = (app.clone(), tray.clone());
    app.run_on_main_thread(move || {
        let _ = done.send(show(&handle, &tray, before, model, look));
    })?;
    shown.await.map_err(|_| tauri::Error::FailedToReceiveMessage)?
}

/// Changes the tray from `before` to `model` and `look`, touching only what differs: a new
/// menu wakes the tray host, where a new label is one small message.
fn show<R: Runtime>(
    app: &AppHandle<R>,
    tray: &TrayIcon<R>,
    before: Option<Shown<R>>,
    model: TrayModel,
    look: TrayLook,
) -> tauri::Result<Shown<R>> {
    let relabels = before.as_ref().and_then(|b| menu::relabels(&b.model.entries, &model.entries));
    let items = match (&before, relabels) {
        (Some(before), Some(relabels)) => {
            for (i, label) in relabels {
                if let Some(item) = &before.items[i] {
                    item.set_text(native_label(label))?;
                }
            }
            before.items.clone()
        }
        _ => {
            let menu = Menu::new(app)?;
            let mut items = Vec::with_capacity(model.entries.len());
            for entry in &model.entries {
                let native = native(app, entry)?;
                menu.append(native.as_ref())?;
                items.push(native.kind().as_menuitem().cloned());
            }
            tray.set_menu(Some(menu))?;
            items
        }
    };
    if before.as_ref().is_none_or(|b| b.look != look) {
        tray.set_icon(Some(Image::new_owned(draw(look, ICON_SIZE), ICON_SIZE, ICON_SIZE)))?;
    }
    if before.as_ref().is_none_or(|b| b.model.title != model.title) {
        tray.set_title(model.title.as_deref())?;
    }
    Ok(Shown { model, look, items })
}

/// "&" would mark a mnemonic in a native label; a template may be called "Kids & chores".
fn native_label(label: &str) -> String {
    label.replace('&', "&&")
}

fn native<R: Runtime>(app: &AppHandle<R>, entry: &TrayEntry) -> tauri::Result<Box<dyn IsMenuItem<R>>> {
    let text = native_label;
    Ok(match entry {
        TrayEntry::Item { command, label, enabled } => {
            let id = command.map_or_else(|| "status".to_owned(), TrayCommand::id);
            Box::new(MenuItem::with_id(app, id, text(label), *enabled, None::<&str>)?)
        }
        TrayEntry::Submenu { label, entries } => {
            let submenu = Submenu::new(app, text(label), true)?;
            for entry in entries {
                submenu.append(native(app, entry)?.as_ref())?;
            }
            Box::new(submenu)
        }
        TrayEntry::Separator => Box::new(PredefinedMenuItem::separator(app)?),
    })
}
