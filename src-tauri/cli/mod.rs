//! The command line: `worktogether start|commit|commitments|pause|resume|skip|extend|stop|
//! close|abandon|templates|status|export|import`, the whole ritual from a terminal. It runs
//! before, and without, the Tauri app (no GTK, no WebKit), so it is quick and needs no display.
//!
//! With the app running, session commands go to it over the control socket and take effect
//! there at once (events, notifications). Without it, `start` opens the app and then asks it
//! (with no display to open it on, over SSH, it starts the session in the saved data), and the
//! other commands change the saved session directly: the store is made for several processes
//! (WAL, immediate transactions). `status`, `commitments`, `templates` and `export` always
//! read the database read-only, app or not; `import` writes it, only while the app is closed.

mod args;
mod export;
mod import;
mod ritual;
mod rooms;
mod schedule;
mod status;

use crate::control::{self, Reply, Request, SendError};
use crate::error::ApiError;
use crate::i18n::{Catalog, Language};
use crate::state;
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use worktogether_core::app::{self, Action, Answer, Context, TemplateChoice};
use worktogether_core::error::WrongState;
use worktogether_core::store::DATABASE_FILE;
use worktogether_core::{CoreError, ErrorCode, SessionStatus, SessionView, Store};

use args::{Closing, Invocation, UsageError, parse};

/// Exit codes: done, refused (the message says why), wrong arguments.
const OK: i32 = 0;
const REFUSED: i32 = 1;
const USAGE: i32 = 2;

/// How long `start` waits for the app it opened to answer.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);
/// `status --follow` looks again about once a second.
const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);

/// Runs the command the arguments name and returns the exit code; `None` when they ask to
/// open the app.
pub fn run(args: impl IntoIterator<Item = OsString>) -> Option<i32> {
    let args: Vec<String> = args.into_iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let invocation = parse(&args);
    if invocation == Ok(Invocation::Open) {
        return None;
    }
    crate::console::attach_to_terminal();
    let data_dir = state::data_dir();
    let cli = Cli { catalog: Catalog::new(language(&data_dir.join(DATABASE_FILE))), data_dir: &data_dir };
    Some(match invocation {
        Ok(Invocation::Open) => unreachable!("handled above"),
        Err(e) => cli.usage(&e),
        Ok(Invocation::Help) => {
            let help = ["cli.help", "cli.export.help", "cli.import.help", "cli.schedule.help"]
                .map(|key| cli.catalog.t(key, &[]));
            cli.print(&help.join("\n\n"))
        }
        Ok(Invocation::Version) => cli.print(&format!("worktogether {}", env!("CARGO_PKG_VERSION"))),
        Ok(Invocation::Status { json, follow }) => cli.status(json, follow),
        Ok(Invocation::Commitments) => cli.commitments(),
        Ok(Invocation::Templates) => cli.templates(),
        Ok(Invocation::Close(closing)) => cli.close(&closing),
        Ok(Invocation::Rooms { json }) => cli.rooms(json),
        Ok(Invocation::Join { link }) => cli.join(&link),
        Ok(Invocation::Export(export)) => cli.export(&export),
        Ok(Invocation::Import { file }) => cli.import(file.as_deref()),
        Ok(Invocation::Schedule { json }) => cli.schedule(json),
        Ok(Invocation::ScheduleExport { file, force }) => cli.schedule_export(file.as_deref(), force),
        Ok(Invocation::Session(action)) => cli.session(action),
    })
}

/// Whether a window can open here. Over SSH, on Linux and the BSDs (X11 or Wayland), neither
/// display is named; macOS and Windows always have one.
fn has_display() -> bool {
    if cfg!(all(unix, not(target_os = "macos"))) {
        ["DISPLAY", "WAYLAND_DISPLAY"].into_iter().any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
    } else {
        true
    }
}

/// The person's chosen language, read from the database when there is one.
fn language(database: &Path) -> Language {
    let system = Language::detect();
    match Store::open_read_only(database).and_then(|s| s.language_choice()) {
        Ok(choice) => Language::chosen(choice, system),
        Err(_) => system,
    }
}

struct Cli<'a> {
    catalog: Catalog,
    data_dir: &'a Path,
}

impl Cli<'_> {
    /// Prints to standard output; a closed pipe (`| head`) is not an error.
    fn print(&self, text: &str) -> i32 {
        let _ = writeln!(std::io::stdout().lock(), "{text}");
        OK
    }

    /// Says why to standard error, with `code` as the exit code.
    fn fail(&self, message: &str, code: i32) -> i32 {
        let _ = writeln!(std::io::stderr().lock(), "worktogether: {message}");
        code
    }

    fn usage(&self, e: &UsageError) -> i32 {
        let message = format!(
            "{}\n{}\n{}",
            self.catalog.t(e.key, &e.args),
            self.catalog.t(e.synopsis, &[]),
            self.catalog.t("cli.usage.hint", &[])
        );
        self.fail(&message, USAGE)
    }

    fn refused(&self, e: &ApiError) -> i32 {
        self.fail(&e.message, REFUSED)
    }

    fn database(&self) -> Result<std::path::PathBuf, ApiError> {
        if self.data_dir.exists() && !self.data_dir.is_dir() {
            let path = self.data_dir.display().to_string();
            return Err(ApiError::invalid(&self.catalog, "cli.data_dir_not_folder", &[("path", path)]));
        }
        Ok(self.data_dir.join(DATABASE_FILE))
    }

    /// The session in progress, from the database, as of now.
    fn read(&self) -> Result<Option<SessionView>, ApiError> {
        let database = self.database()?;
        if !database.exists() {
            // Nothing was ever saved here: no session, and nothing to create for asking.
            return Ok(None);
        }
        let core = |e: CoreError| ApiError::from_core(&e, &self.catalog);
        Store::open_read_only(&database).and_then(|s| s.current_session(state::now())).map_err(core)
    }

    fn status(&self, json: bool, follow: bool) -> i32 {
        let render = |view: Option<&SessionView>| {
            if json {
                serde_json::to_string(&status::bar(&self.catalog, view, &chrono::Local))
                    .expect("plain fields serialize")
            } else {
                status::human(&self.catalog, view, &chrono::Local).join("\n")
            }
        };
        if !follow {
            return match self.read() {
                Ok(view) => self.print(&render(view.as_ref())),
                Err(e) => self.refused(&e),
            };
        }
        // A new line when what the bar shows changes (phase, pause, the minute), not every second.
        let mut last: Option<Result<status::BarLine, String>> = None;
        let stop = interrupted();
        loop {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return INTERRUPTED;
            }
            let now = self.read().map(|view| (status::bar(&self.catalog, view.as_ref(), &chrono::Local), view));
            // The percentage alone moves every few seconds: it rides along, it does not print.
            let key = now.as_ref().map(|(line, _)| status::BarLine { percentage: 0, ..line.clone() });
            let key = key.map_err(|e| e.message.clone());
            if last.as_ref() != Some(&key) {
                let written = match &now {
                    Ok((_, view)) => writeln!(std::io::stdout().lock(), "{}", render(view.as_ref())),
                    // Reported once; the database may come back (e.g. created by the app).
                    Err(e) => writeln!(std::io::stderr().lock(), "worktogether: {}", e.message),
                };
                if written.is_err() {
                    // The reader went away (SIGPIPE is ignored by Rust programs: EPIPE here).
                    return OK;
                }
                last = Some(key);
            }
            std::thread::sleep(FOLLOW_INTERVAL);
        }
    }

    fn session(&self, action: Action) -> i32 {
        let commit = matches!(action, Action::Commit { .. });
        self.answer(self.act(action), commit)
    }

    /// Prints what an action did: the session (and after `commit` its commitments, numbered),
    /// the closed session's summary, or why it was refused.
    fn answer(&self, result: Result<Reply, ApiError>, commit: bool) -> i32 {
        match result {
            Ok(Reply::Answer(Answer::Session(view))) if view.status == SessionStatus::Abandoned => {
                self.print(&self.catalog.t("cli.abandoned", &[]))
            }
            Ok(Reply::Answer(Answer::Session(view))) => {
                let mut lines = status::human(&self.catalog, Some(&view), &chrono::Local);
                if commit {
                    lines.extend(ritual::commitment_lines(&self.catalog, &view.commitments));
                }
                self.print(&lines.join("\n"))
            }
            Ok(Reply::Answer(Answer::Summary(summary))) => self.print(&ritual::summary_line(&self.catalog, &summary)),
            Ok(Reply::Answer(_)) => OK,
            Ok(Reply::Refused { message, .. }) => self.fail(&message, REFUSED),
            Err(e) => self.refused(&e),
        }
    }

    /// Sends `action` to the running app, or applies it to the saved data when the app is
    /// closed (saying so on standard error).
    fn act(&self, action: Action) -> Result<Reply, ApiError> {
        self.database()?;
        let notice = |key: &str| {
            let _ = writeln!(std::io::stderr().lock(), "{}", self.catalog.t(key, &[]));
        };
        match control::send(self.data_dir, &Request::Act(action.clone())) {
            Err(SendError::NotRunning) if matches!(action, Action::Start { .. }) => {
                if has_display() {
                    return self.check_template(&action).and_then(|()| self.open_app_and_send(&action));
                }
                // Over SSH: the session starts in the saved data; the app shows it once opened.
                let answer = self.apply_offline(action, true)?;
                notice("cli.started_offline");
                Ok(Reply::Answer(answer))
            }
            Err(SendError::NotRunning) => {
                let answer = self.apply_offline(action, false)?;
                notice("cli.offline");
                Ok(Reply::Answer(answer))
            }
            Err(SendError::Failed(detail)) => {
                Err(ApiError::invalid(&self.catalog, "cli.control.failed", &[("detail", detail)]))
            }
            Ok(reply) => Ok(reply),
        }
    }

    /// The session's commitments, numbered as `close` takes them.
    fn commitments(&self) -> i32 {
        match self.read() {
            Ok(Some(view)) => self.print(&ritual::commitment_lines(&self.catalog, &view.commitments).join("\n")),
            Ok(None) => self.print(&self.catalog.t("cli.status.none", &[])),
            Err(e) => self.refused(&e),
        }
    }

    /// The templates, as the app has them or, before it ever ran, will create them.
    fn templates(&self) -> i32 {
        let core = |e: CoreError| ApiError::from_core(&e, &self.catalog);
        let listed = self.database().and_then(|database| {
            let store = if database.exists() {
                Store::open_read_only(&database).map_err(core)?
            } else {
                // Nothing is created for asking: the built-ins as the app will make them.
                let mut store = Store::open_in_memory().map_err(core)?;
                self.ensure_builtin_templates(&mut store)?;
                store
            };
            let templates = store.list_templates().map_err(core)?;
            if templates.is_empty() {
                return Ok(Vec::new()); // no default either
            }
            let default = store.default_template().map_err(core)?;
            Ok(ritual::template_lines(&self.catalog, &templates, default.id))
        });
        match listed {
            Ok(lines) if lines.is_empty() => OK,
            Ok(lines) => self.print(&lines.join("\n")),
            Err(e) => self.refused(&e),
        }
    }

    /// The rooms as last seen. Nothing is created for asking: no database, no rooms.
    fn rooms(&self, json: bool) -> i32 {
        let listed = self.database().and_then(|database| {
            if !database.exists() {
                return Ok(Vec::new());
            }
            let store = Store::open_read_only(&database).map_err(|e| self.core(&e))?;
            rooms::read(&store, state::now()).map_err(|e| self.core(&e))
        });
        match listed {
            Ok(rooms) if json => self.print(&serde_json::to_string(&rooms).expect("room lines serialize")),
            Ok(rooms) => self.print(&rooms::text(&self.catalog, &rooms)),
            Err(e) => self.refused(&e),
        }
    }

    /// Opens the invite link in the app, as a click on it does: the app (started, or the one
    /// open) shows the room's join form with the link filled in.
    fn join(&self, link: &str) -> i32 {
        let link = match rooms::check_link(&self.catalog, link) {
            Ok(link) => link,
            Err(message) => return self.fail(&message, REFUSED),
        };
        if !has_display() {
            return self.fail(&self.catalog.t("cli.join.no_display", &[]), REFUSED);
        }
        let failed = |detail: String| {
            self.refused(&ApiError::invalid(&self.catalog, "cli.launch_failed", &[("detail", detail)]))
        };
        let exe = match std::env::current_exe() {
            Ok(exe) => exe,
            Err(e) => return failed(e.to_string()),
        };
        let mut command = Command::new(exe);
        command.arg(&link).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        match command.spawn() {
            Ok(_) => self.print(&self.catalog.t("cli.join.opened", &[])),
            Err(e) => failed(e.to_string()),
        }
    }

    /// Closes the closing round with the outcomes given by number. The numbers are mapped to
    /// the commitments of the session as saved (the app saves every change at once).
    fn close(&self, closing: &Closing) -> i32 {
        let view = match self.read() {
            Ok(Some(view)) => view,
            Ok(None) => return self.refused(&self.core(&CoreError::WrongState(WrongState::NoSession))),
            Err(e) => return self.refused(&e),
        };
        let report = match ritual::report(&view, closing) {
            Ok(report) => report,
            Err(number) => {
                let message = self.catalog.t("cli.close.no_such_number", &[("number", number.to_string())]);
                return self.fail(&message, REFUSED);
            }
        };
        let pending = ritual::pending(&report);
        let refusal = match self.act(Action::Close { report }) {
            Ok(Reply::Refused { code, message }) => (code, message),
            Err(e) => (e.code, e.message),
            answered => return self.answer(answered, false),
        };
        match (refusal, pending) {
            // The core's "give every commitment an outcome", and which ones still need one.
            ((ErrorCode::InvalidInput, message), Some(numbers)) => {
                let hint = self.catalog.t("cli.close.pending", &[("numbers", numbers)]);
                self.fail(&format!("{message}\n{hint}"), REFUSED)
            }
            ((_, message), _) => self.fail(&message, REFUSED),
        }
    }

    fn core(&self, e: &CoreError) -> ApiError {
        ApiError::from_core(e, &self.catalog)
    }

    fn ensure_builtin_templates(&self, store: &mut Store) -> Result<(), ApiError> {
        let name = |b: worktogether_core::templates::Builtin| self.catalog.t(&format!("builtin.{}", b.key()), &[]);
        store.ensure_builtin_templates(name, state::now()).map_err(|e| self.core(&e))
    }

    /// Applies `action` to the saved data while the app is closed: the application layer the
    /// app runs, without its notifications. Only `create` (a start) makes a database where
    /// there is none, with the built-in templates as the app would.
    fn apply_offline(&self, action: Action, create: bool) -> Result<Answer, ApiError> {
        let database = self.database()?;
        if !create && !database.exists() {
            return Err(self.core(&CoreError::WrongState(WrongState::NoSession)));
        }
        let mut store = Store::open(&database).map_err(|e| self.core(&e))?;
        if create {
            self.ensure_builtin_templates(&mut store)?;
        }
        let names = crate::i18n::BuiltinCatalogs { system: Language::detect() };
        let cx = Context { now: state::now(), zone: crate::zone::person_zone(), names: &names };
        app::apply(&mut store, action, &cx).map(|applied| applied.answer).map_err(|e| self.core(&e))
    }

    /// A template named on the command line must exist before the app is opened for it.
    fn check_template(&self, action: &Action) -> Result<(), ApiError> {
        let Action::Start { template: TemplateChoice::Name(name) } = action else { return Ok(()) };
        let database = self.database()?;
        if !database.exists() {
            return Ok(()); // the app creates the built-in templates when it first opens
        }
        let core = |e: CoreError| ApiError::from_core(&e, &self.catalog);
        Store::open_read_only(&database).and_then(|s| s.template_named(name)).map(drop).map_err(core)
    }

    /// Opens the app (this same program, detached) and sends `action` once it listens.
    fn open_app_and_send(&self, action: &Action) -> Result<Reply, ApiError> {
        let failed = |detail: String| ApiError::invalid(&self.catalog, "cli.launch_failed", &[("detail", detail)]);
        let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
        let mut command = Command::new(exe);
        command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        // Its own process group: a Ctrl+C meant for this command does not end the app.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut app = command.spawn().map_err(|e| failed(e.to_string()))?;
        let started = Instant::now();
        loop {
            match control::send(self.data_dir, &Request::Act(action.clone())) {
                Ok(reply) => return Ok(reply),
                Err(SendError::Failed(detail)) => {
                    return Err(ApiError::invalid(&self.catalog, "cli.control.failed", &[("detail", detail)]));
                }
                Err(SendError::NotRunning) => {}
            }
            if let Ok(Some(status)) = app.try_wait() {
                return Err(failed(status.to_string()));
            }
            if started.elapsed() > LAUNCH_TIMEOUT {
                return Err(failed(format!("{} s", LAUNCH_TIMEOUT.as_secs())));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The exit code after Ctrl+C, as shells report a command ended by SIGINT.
const INTERRUPTED: i32 = 130;

/// Set on Ctrl+C or SIGTERM. A handler of our own, because a process started in the background
/// by a non-interactive shell inherits SIGINT as ignored, and `--follow` must still stop.
fn interrupted() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, flag.clone()) {
            log::warn!("cannot watch for Ctrl+C: {e}");
        }
    }
    flag
}
