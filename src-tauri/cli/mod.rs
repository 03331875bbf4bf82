//! The command line: `worktogether start|pause|resume|skip|extend|stop|status`. It runs
//! before, and without, the Tauri app (no GTK, no WebKit), so it is quick and needs no display.
//!
//! With the app running, session commands go to it over the control socket and take effect
//! there at once (events, notifications). Without it, `status` reads the database read-only,
//! `start` opens the app and then asks it, and the other commands change the saved session
//! directly: the store is made for several processes (WAL, immediate transactions).

mod args;
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
use worktogether_core::store::DATABASE_FILE;
use worktogether_core::{CoreError, SessionView, Store};

use args::{Invocation, UsageError, parse};

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
        Ok(Invocation::Help) => cli.print(&cli.catalog.t("cli.help", &[])),
        Ok(Invocation::Version) => cli.print(&format!("worktogether {}", env!("CARGO_PKG_VERSION"))),
        Ok(Invocation::Status { json, follow }) => cli.status(json, follow),
        Ok(Invocation::Session(action)) => cli.session(action),
    })
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
            self.catalog.t("cli.usage.synopsis", &[]),
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
        if let Err(e) = self.database() {
            return self.refused(&e);
        }
        let result = match control::send(self.data_dir, &Request::Act(action.clone())) {
            Err(SendError::NotRunning) if matches!(action, Action::Start { .. }) => {
                self.check_template(&action).and_then(|()| self.open_app_and_send(&action))
            }
            Err(SendError::NotRunning) => {
                let result = self.apply_offline(action).map(Reply::Answer);
                if result.is_ok() {
                    let _ = writeln!(std::io::stderr().lock(), "{}", self.catalog.t("cli.offline", &[]));
                }
                result
            }
            Err(SendError::Failed(detail)) => {
                Err(ApiError::invalid(&self.catalog, "cli.control.failed", &[("detail", detail)]))
            }
            Ok(reply) => Ok(reply),
        };
        match result {
            Ok(Reply::Answer(Answer::Session(view))) => {
                self.print(&status::human(&self.catalog, Some(&view), &chrono::Local).join("\n"))
            }
            Ok(Reply::Answer(_)) => OK,
            Ok(Reply::Refused { message, .. }) => self.fail(&message, REFUSED),
            Err(e) => self.refused(&e),
        }
    }

    /// Applies `action` to the saved data while the app is closed: the application layer the
    /// app runs, without its notifications.
    fn apply_offline(&self, action: Action) -> Result<Answer, ApiError> {
        let core = |e: CoreError| ApiError::from_core(&e, &self.catalog);
        let database = self.database()?;
        if !database.exists() {
            return Err(core(CoreError::WrongState(worktogether_core::error::WrongState::NoSession)));
        }
        let mut store = Store::open(&database).map_err(core)?;
        let names = crate::i18n::BuiltinCatalogs { system: Language::detect() };
        let cx = Context { now: state::now(), names: &names };
        app::apply(&mut store, action, &cx).map(|applied| applied.answer).map_err(core)
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
