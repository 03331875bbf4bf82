//! End-to-end tests of the real app; see tests/e2e/README.md.
//!
//! The helpers here start tauri-driver and the app (one of each per [`App`]), drive the UI
//! over WebDriver, read the notification log that `scripts/e2e.sh` records with
//! dbus-monitor, and open the app's database read-only. The tests run only under
//! `scripts/e2e.sh` (`make e2e`), which provides the display, the session bus and the paths
//! through `WORKTOGETHER_E2E_*` variables; elsewhere they print why and pass.
#![allow(
    clippy::disallowed_methods,
    reason = "end-to-end tests measure real time: they read the system clock on purpose"
)]

pub mod a11y;
pub mod app;
pub mod desktop;
pub mod notify;
pub mod room_server;
pub mod webdriver;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};

pub use app::App;

/// What `scripts/e2e.sh` provides.
#[derive(Debug, Clone)]
pub struct E2eEnv {
    /// The debug binary of the app.
    pub app: PathBuf,
    pub tauri_driver: PathBuf,
    pub native_driver: PathBuf,
    /// artifacts/e2e (or artifacts/e2e-<group> with `--split`): screenshots, logs, the tests' data directories.
    pub artifacts: PathBuf,
    /// dbus-monitor's record of org.freedesktop.Notifications calls on the test bus.
    pub notify_log: PathBuf,
    /// The room server's debug binary.
    pub room_server: PathBuf,
}

impl E2eEnv {
    /// The environment scripts/e2e.sh sets up; an error anywhere else (there is no display
    /// or bus to test on), so a test never passes without having run.
    pub fn from_env() -> Result<Self> {
        if std::env::var_os("WORKTOGETHER_E2E").is_none() {
            bail!("end-to-end tests need the display and bus of `make e2e` (scripts/e2e.sh)");
        }
        let path = |name: &str| -> Result<PathBuf> {
            std::env::var_os(name)
                .map(PathBuf::from)
                .with_context(|| format!("{name} is not set: run the tests with `make e2e`"))
        };
        let env = Self {
            app: path("WORKTOGETHER_E2E_APP")?,
            tauri_driver: path("WORKTOGETHER_E2E_TAURI_DRIVER")?,
            native_driver: path("WORKTOGETHER_E2E_NATIVE_DRIVER")?,
            artifacts: path("WORKTOGETHER_E2E_ARTIFACTS")?,
            notify_log: path("WORKTOGETHER_E2E_NOTIFY_LOG")?,
            room_server: path("WORKTOGETHER_E2E_ROOM_SERVER")?,
        };
        for (what, p) in [("app", &env.app), ("tauri-driver", &env.tauri_driver)] {
            if !p.exists() {
                bail!("the {what} is missing at {}", p.display());
            }
        }
        Ok(env)
    }
}

/// One test's context: its name and its own artifacts directory.
pub struct TestCtx {
    pub env: E2eEnv,
    pub name: String,
    pub dir: PathBuf,
}

impl TestCtx {
    /// Fails when the tests do not run under scripts/e2e.sh.
    pub fn new(name: &str) -> Result<Self> {
        let env = E2eEnv::from_env()?;
        let dir = env.artifacts.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Self { env, name: name.to_owned(), dir })
    }

    /// A fresh, empty data directory for the app (`WORKTOGETHER_DATA_DIR`).
    pub fn data_dir(&self) -> Result<PathBuf> {
        let dir = self.dir.join("data");
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// A private home directory for the app (pass it as `HOME` to [`App::launch_with_env`]), so
    /// what it writes there — an autostart entry, an `.asoundrc` — stays inside the test.
    pub fn home(&self) -> Result<String> {
        let dir = self.dir.join("home");
        std::fs::create_dir_all(&dir)?;
        Ok(dir.display().to_string())
    }

    /// A picture of the whole virtual screen (the app window and dunst's notifications).
    pub fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let file = self.dir.join(format!("{name}.png"));
        let status = std::process::Command::new("import")
            .args(["-window", "root"])
            .arg(&file)
            .status()
            .context("running imagemagick's import")?;
        if !status.success() {
            bail!("import failed ({status}) for {}", file.display());
        }
        Ok(file)
    }
}

/// Polls `check` every 200 ms until it returns `Some`, for at most `timeout`.
/// `what` completes "timed out after N s waiting for ...". Errors from `check` end the wait.
pub fn wait_for<T>(timeout: Duration, what: &str, mut check: impl FnMut() -> Result<Option<T>>) -> Result<T> {
    let start = Instant::now();
    loop {
        if let Some(value) = check()? {
            return Ok(value);
        }
        if start.elapsed() >= timeout {
            bail!("timed out after {:.0} s waiting for {what}", timeout.as_secs_f64());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Like [`wait_for`], but errors from `check` count as "not yet" (the last one is reported).
pub fn wait_for_ok<T>(timeout: Duration, what: &str, mut check: impl FnMut() -> Result<T>) -> Result<T> {
    let mut last = None;
    let result = wait_for(timeout, what, || match check() {
        Ok(value) => Ok(Some(value)),
        Err(e) => {
            last = Some(e);
            Ok(None)
        }
    });
    result.map_err(|e| match last {
        Some(last) => e.context(format!("last error: {last:#}")),
        None => e,
    })
}

/// The app's database, opened read-only.
pub fn open_db(data_dir: &Path) -> Result<rusqlite::Connection> {
    let path = data_dir.join("worktogether.sqlite3");
    let conn = rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {} read-only", path.display()))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// Parses a stored RFC 3339 time.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(text)
        .with_context(|| format!("{text:?} is not an RFC 3339 time"))?
        .with_timezone(&Utc))
}

/// Parses a countdown as shown on screen: `m:ss`, `mm:ss` or `h:mm:ss` (other text around it
/// is ignored, e.g. "1:54 left").
pub fn parse_countdown(text: &str) -> Option<u64> {
    let token = text
        .split(|c: char| !(c.is_ascii_digit() || c == ':'))
        .find(|t| t.contains(':') && t.split(':').all(|p| !p.is_empty()))?;
    token.split(':').try_fold(0u64, |acc, part| Some(acc * 60 + part.parse::<u64>().ok()?))
}

/// Waits until the app's control socket answers: it listens once the first screen is shown
/// (`deferred.rs`), a moment after the page is there.
#[cfg(unix)]
pub fn wait_for_control(data_dir: &Path) -> Result<()> {
    let socket = data_dir.join("control.sock");
    wait_for(Duration::from_secs(30), "the app's control socket", || {
        Ok(std::os::unix::net::UnixStream::connect(&socket).is_ok().then_some(()))
    })
}

/// Sends one request line to the running app's control socket (docs/ipc.md) and returns its
/// answer line, as the command line does; for what the command line has no words for, like
/// moving a test clock (`{"advanceClockMs": …}`).
#[cfg(unix)]
pub fn control(data_dir: &Path, request: &serde_json::Value) -> Result<serde_json::Value> {
    use std::io::{BufRead, BufReader, Write};
    let socket = data_dir.join("control.sock");
    anyhow::ensure!(
        socket.as_os_str().len() <= 100,
        "{} is too long for a socket path; the app listens elsewhere",
        socket.display()
    );
    let mut stream = std::os::unix::net::UnixStream::connect(&socket)
        .with_context(|| format!("connecting to {}", socket.display()))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    writeln!(stream, "{request}")?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).with_context(|| format!("the answer to {request}"))?;
    serde_json::from_str(&line).with_context(|| format!("the answer {line:?} to {request}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_parse_as_seconds() {
        assert_eq!(parse_countdown("1:54"), Some(114));
        assert_eq!(parse_countdown("01:54 left"), Some(114));
        assert_eq!(parse_countdown("1:00:05"), Some(3605));
        assert_eq!(parse_countdown("no time"), None);
    }
}
