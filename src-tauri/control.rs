//! How other processes reach the running app: a second launch brings its window to the front
//! (tauri-plugin-single-instance), and the command line sends session actions over a local
//! control channel (docs/ipc.md, "Control socket"): the Unix socket `<data dir>/control.sock`,
//! or on Windows the named pipe `\\.\pipe\worktogether-<hash of the data dir>`. Both come
//! from `interprocess`, so every platform runs the code the tests run here.
//!
//! One request per connection: one JSON line with an [`Action`] (or, for tests on a moved
//! clock, `{"advanceClockMs": …}`), answered by one JSON line, the application layer's
//! [`Answer`] or `{code, message}`. The channel is named by the data
//! directory, so apps on different databases (tests) never talk to each other, and it is only
//! the user's: the socket is made private, and a pipe's default security lets only its
//! creator write to it.

use crate::error::ApiError;
use crate::state::AppState;
use interprocess::local_socket::Name;
use serde::{Deserialize, Serialize};
use std::path::Path;
#[cfg(unix)]
use std::path::PathBuf;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, RunEvent, Runtime};
use worktogether_core::ErrorCode;
use worktogether_core::app::{Action, Answer};

/// The socket's file name in the data directory.
#[cfg(unix)]
pub const SOCKET_FILE: &str = "control.sock";

/// Socket paths have a short limit (`sun_path`: 108 bytes on Linux, 104 on macOS).
#[cfg(unix)]
const MAX_SOCKET_PATH: usize = 100;

/// `<data dir>/control.sock`; for a data directory too deep for that, a socket named by the
/// directory's hash in the user's runtime directory (`$XDG_RUNTIME_DIR`, private to them).
#[cfg(unix)]
pub fn socket_path(data_dir: &Path) -> PathBuf {
    let path = data_dir.join(SOCKET_FILE);
    if path.as_os_str().len() <= MAX_SOCKET_PATH {
        return path;
    }
    let dir = std::env::var_os("XDG_RUNTIME_DIR").map_or_else(std::env::temp_dir, PathBuf::from);
    dir.join(format!("worktogether-{:016x}.sock", fnv1a(data_dir.as_os_str())))
}

/// The control channel of the app on `data_dir`.
#[cfg(unix)]
fn channel_name(data_dir: &Path) -> std::io::Result<Name<'static>> {
    use interprocess::local_socket::{GenericFilePath, ToFsName};
    socket_path(data_dir).to_fs_name::<GenericFilePath>()
}

/// Named pipes share one namespace per machine: the user's data directory makes the name theirs.
#[cfg(not(unix))]
fn channel_name(data_dir: &Path) -> std::io::Result<Name<'static>> {
    use interprocess::local_socket::{GenericNamespaced, ToNsName};
    pipe_name(data_dir).to_ns_name::<GenericNamespaced>()
}

#[cfg(not(unix))]
fn pipe_name(data_dir: &Path) -> String {
    format!("worktogether-{:016x}", fnv1a(data_dir.as_os_str()))
}

/// The channel as the log names it.
fn channel_shown(data_dir: &Path) -> String {
    #[cfg(unix)]
    return socket_path(data_dir).display().to_string();
    #[cfg(not(unix))]
    return format!(r"\\.\pipe\{}", pipe_name(data_dir));
}

/// The request line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Request {
    Act(Action),
    /// Moves the app's clock on, when it runs on a test clock (`WORKTOGETHER_TEST_CLOCK=1`).
    #[serde(rename_all = "camelCase")]
    AdvanceClock {
        advance_clock_ms: i64,
    },
}

/// A moved clock goes at most a year at a time: enough for any test, and no overflow.
const MAX_CLOCK_STEP_MS: i64 = 366 * 24 * 3600 * 1000;

/// The answer line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply {
    Answer(Answer),
    Refused { code: ErrorCode, message: String },
}

impl From<Result<Answer, ApiError>> for Reply {
    fn from(result: Result<Answer, ApiError>) -> Self {
        match result {
            Ok(answer) => Self::Answer(answer),
            Err(e) => Self::Refused { code: e.code, message: e.message },
        }
    }
}

/// One app per user: a second plain launch hands over to the first, which comes to the front.
/// On Linux the D-Bus name also carries the data directory when `WORKTOGETHER_DATA_DIR` names
/// one, so test apps on their own databases run side by side (as their sockets do).
pub fn single_instance<R: Runtime>(identifier: &str, data_dir: &Path) -> TauriPlugin<R> {
    let builder =
        tauri_plugin_single_instance::Builder::new().callback(|app, _args, _cwd| crate::windows::show_main(app));
    #[cfg(target_os = "linux")]
    let builder = match std::env::var_os("WORKTOGETHER_DATA_DIR").filter(|d| !d.is_empty()) {
        Some(_) => builder.dbus_id(format!("{identifier}.d{:016x}", fnv1a(data_dir.as_os_str()))),
        None => builder,
    };
    #[cfg(not(target_os = "linux"))]
    let _ = (identifier, data_dir);
    builder.build()
}

/// A stable hash (unlike std's, which may change between Rust versions) for names that
/// stand for a data directory.
fn fnv1a(text: &std::ffi::OsStr) -> u64 {
    text.as_encoded_bytes().iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

/// Removes the control socket when the app exits (it listens once the first screen is shown:
/// [`listen`], from `deferred`).
pub fn remove_at_exit<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("control")
        .on_event(|app, event| {
            if let RunEvent::Exit = event {
                server::remove(app);
            }
        })
        .build()
}

/// Applies a request in the app and builds the answer.
fn answer<R: Runtime>(app: &AppHandle<R>, line: &str) -> Reply {
    let state = app.state::<AppState>();
    let bad_request = |detail: String| -> Reply {
        Err(ApiError::invalid(&state.catalog(), "cli.control.bad_request", &[("detail", detail)])).into()
    };
    let action = match serde_json::from_str(line) {
        Ok(Request::Act(action)) => action,
        Ok(Request::AdvanceClock { advance_clock_ms: ms }) => {
            if !(0..=MAX_CLOCK_STEP_MS).contains(&ms) {
                return bad_request(format!("the clock moves forward by at most {MAX_CLOCK_STEP_MS} ms"));
            }
            if !state.advance_clock(chrono::TimeDelta::milliseconds(ms)) {
                return bad_request("this app runs on the system clock".to_owned());
            }
            crate::review::wake(app);
            crate::schedule::reminders::wake(app);
            return Reply::Answer(Answer::Done);
        }
        Err(e) => return bad_request(e.to_string()),
    };
    let start = matches!(action, Action::Start { .. });
    let result = state.apply(app, action);
    if start && result.is_ok() {
        // As from the tray: the commitment round comes up compact.
        crate::windows::show_commitment_round(app);
    }
    result.into()
}

/// Why a request did not get an answer.
#[derive(Debug)]
pub enum SendError {
    /// Nobody listens: the app does not run (a socket file may be left from a crash).
    NotRunning,
    /// The app took the request but the answer went wrong.
    Failed(String),
}

mod server {
    use super::*;
    use interprocess::local_socket::{ListenerOptions, Name, Stream, prelude::*};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::time::Duration;

    /// A request is a few hundred bytes; anything much longer is not ours.
    const MAX_LINE: u64 = 64 * 1024;
    /// A client that connects and says nothing must not hold up the next one for long.
    const SERVER_READ_TIMEOUT: Duration = Duration::from_secs(5);
    /// The app may wait up to 5 s for the database (busy timeout) before it answers.
    const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

    /// Binds the channel (replacing a socket file left by a crashed app) and serves it on its
    /// own thread.
    pub fn listen<R: Runtime>(app: AppHandle<R>) {
        let data_dir = app.state::<AppState>().data_dir.clone();
        let shown = channel_shown(&data_dir);
        if connect(&data_dir).is_ok() {
            // Only another app on this database answers there; the single-instance plugin
            // keeps that from happening, so leave it be rather than steal its commands.
            log::warn!("another Worktogether already listens on {shown}");
            return;
        }
        let listener = match channel_name(&data_dir).and_then(|name| listener_options(name).create_sync()) {
            Ok(listener) => listener,
            Err(e) => {
                log::warn!("no command line control: cannot listen on {shown}: {e}");
                return;
            }
        };
        log::info!("command line control on {shown}");
        let spawned = std::thread::Builder::new().name("control".into()).spawn(move || {
            for stream in listener.incoming() {
                match stream {
                    Ok(stream) => {
                        if let Err(e) = serve(&app, &stream) {
                            log::warn!("a command line request failed: {e}");
                        }
                    }
                    Err(e) => log::warn!("accepting a command line connection failed: {e}"),
                }
            }
        });
        if let Err(e) = spawned {
            log::warn!("no command line control: {e}");
        }
    }

    /// Private to the user (the mode is set before the socket is bound, so there is no moment
    /// in which others could connect), replacing a socket file nobody listens on any more.
    #[cfg(unix)]
    fn listener_options(name: Name<'_>) -> ListenerOptions<'_> {
        use interprocess::os::unix::local_socket::ListenerOptionsExt;
        ListenerOptions::new().name(name).try_overwrite(true).max_spin_time(Duration::from_secs(1)).mode(0o600)
    }

    /// A named pipe's default security already lets only the user (and administrators) write.
    #[cfg(not(unix))]
    fn listener_options(name: Name<'_>) -> ListenerOptions<'_> {
        ListenerOptions::new().name(name)
    }

    fn serve<R: Runtime>(app: &AppHandle<R>, stream: &Stream) -> std::io::Result<()> {
        stream.set_recv_timeout(Some(SERVER_READ_TIMEOUT))?;
        stream.set_send_timeout(Some(SERVER_READ_TIMEOUT))?;
        let mut line = String::new();
        BufReader::new(stream.take(MAX_LINE)).read_line(&mut line)?;
        let reply = answer(app, line.trim_end());
        let mut out = serde_json::to_string(&reply).map_err(std::io::Error::other)?;
        out.push('\n');
        let mut stream = stream;
        stream.write_all(out.as_bytes())?;
        stream.flush()
    }

    /// The socket file goes with the app (a named pipe goes by itself).
    pub fn remove<R: Runtime>(app: &AppHandle<R>) {
        #[cfg(unix)]
        if let Some(state) = app.try_state::<AppState>() {
            let _ = std::fs::remove_file(socket_path(&state.data_dir));
        }
        #[cfg(not(unix))]
        let _ = app;
    }

    fn connect(data_dir: &Path) -> std::io::Result<Stream> {
        Stream::connect(channel_name(data_dir)?)
    }

    /// Sends one request to the app on `data_dir` and waits for its answer.
    pub fn send(data_dir: &Path, request: &Request) -> Result<Reply, SendError> {
        let mut stream = connect(data_dir).map_err(|_| SendError::NotRunning)?;
        let failed = |e: std::io::Error| SendError::Failed(e.to_string());
        stream.set_recv_timeout(Some(CLIENT_TIMEOUT)).map_err(failed)?;
        stream.set_send_timeout(Some(CLIENT_TIMEOUT)).map_err(failed)?;
        let mut line = serde_json::to_string(request).expect("requests always serialize");
        line.push('\n');
        stream.write_all(line.as_bytes()).map_err(failed)?;
        stream.flush().map_err(failed)?;
        let mut line = String::new();
        BufReader::new((&stream).take(MAX_LINE * 16)).read_line(&mut line).map_err(failed)?;
        serde_json::from_str(&line).map_err(|e| SendError::Failed(format!("{e}: {line:?}")))
    }
}

pub use server::{listen, send};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppState, Language, StateSource, builder};
    use interprocess::local_socket::{Stream, prelude::*};
    use std::io::{BufRead, BufReader, Write};
    use std::sync::{Arc, Mutex};
    use tauri::Listener;
    use tauri::test::{MockRuntime, mock_builder};

    use worktogether_core::SessionView;
    use worktogether_core::app::TemplateChoice;

    /// The app's wiring on the mock runtime with the control socket's server, on a real socket.
    fn app(dir: &Path) -> (tauri::App<MockRuntime>, Arc<Mutex<usize>>) {
        let state = AppState::open(dir, Language::En).expect("a fresh database opens");
        let app = builder(mock_builder(), StateSource::Ready(Box::new(state)))
            .plugin(remove_at_exit())
            .build(tauri::generate_context!())
            .expect("builds");
        listen(app.handle().clone());
        let sessions = Arc::new(Mutex::new(0));
        let seen = sessions.clone();
        app.listen_any("session", move |_| *seen.lock().expect("not poisoned") += 1);
        (app, sessions)
    }

    fn session(reply: Reply) -> SessionView {
        match reply {
            Reply::Answer(Answer::Session(view)) => *view,
            other => panic!("not a session: {other:?}"),
        }
    }

    fn act(action: Action) -> Request {
        Request::Act(action)
    }

    #[test]
    fn commands_sent_over_the_socket_take_effect_in_the_app() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, sessions) = app(dir.path());
        let start = Action::Start { template: TemplateChoice::Name("pomodoro".into()) };
        let view = session(send(dir.path(), &act(start)).expect("the app answers"));
        assert_eq!(view.template_name, "Pomodoro", "templates are found by name, ignoring case");
        _app.state::<AppState>().settle();
        assert_eq!(*sessions.lock().unwrap(), 1, "the UI heard of the new session at once");

        let view = session(send(dir.path(), &act(Action::Pause { note: Some("page 3".into()) })).unwrap());
        assert_eq!(view.pause_note.as_deref(), Some("page 3"));
        match send(dir.path(), &act(Action::Pause { note: None })).unwrap() {
            Reply::Refused { code, message } => {
                assert_eq!((code, message.as_str()), (ErrorCode::WrongState, "The session is already paused."));
            }
            other => panic!("pausing twice must be refused, got {other:?}"),
        }
        _app.state::<AppState>().settle();
        assert_eq!(*sessions.lock().unwrap(), 2, "a refused command sends no event");
    }

    #[cfg(unix)]
    #[test]
    fn the_socket_is_the_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (_app, _) = app(dir.path());
        let mode = std::fs::metadata(socket_path(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "others may not send commands: {mode:o}");
    }

    #[test]
    fn a_request_that_is_not_ours_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, _) = app(dir.path());
        for request in ["hello\n", "{\"action\":\"explode\"}\n", "\n"] {
            let mut stream = Stream::connect(channel_name(dir.path()).unwrap()).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut line = String::new();
            BufReader::new(&stream).read_line(&mut line).unwrap();
            let reply: Reply = serde_json::from_str(&line).unwrap();
            match reply {
                Reply::Refused { code, message } => {
                    assert_eq!(code, ErrorCode::InvalidInput);
                    assert!(message.starts_with("Worktogether did not understand the command"), "{message}");
                }
                other => panic!("{request:?} must be refused, got {other:?}"),
            }
        }
    }

    #[test]
    fn only_a_test_clock_is_moved_and_only_forward() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, _) = app(dir.path());
        for (ms, why) in [(60_000, "this app runs on the system clock"), (-1, "forward"), (i64::MAX, "at most")] {
            match send(dir.path(), &Request::AdvanceClock { advance_clock_ms: ms }).unwrap() {
                Reply::Refused { code, message } => {
                    assert_eq!(code, ErrorCode::InvalidInput);
                    assert!(message.contains(why), "{ms} ms: {message}");
                }
                other => panic!("moving the clock by {ms} ms must be refused, got {other:?}"),
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_deep_data_directory_still_gets_a_socket() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a-data-directory-whose-path-is-too-long-for-a-unix-socket".repeat(2));
        std::fs::create_dir(&deep).unwrap();
        let path = socket_path(&deep);
        assert!(!path.starts_with(&deep) && path.as_os_str().len() <= 108, "elsewhere, and short: {path:?}");
        let (_app, _) = app(&deep);
        match send(&deep, &act(Action::Resume)).expect("the app answers on the other path") {
            Reply::Refused { code, .. } => assert_eq!(code, ErrorCode::WrongState, "no session to resume"),
            other => panic!("no session was started: {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_left_by_a_crashed_app_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        drop(std::os::unix::net::UnixListener::bind(socket_path(dir.path())).unwrap());
        assert!(matches!(send(dir.path(), &act(Action::Skip)), Err(SendError::NotRunning)), "nobody listens");
        let (_app, _) = app(dir.path());
        match send(dir.path(), &act(Action::Skip)).expect("the new app listens on the old path") {
            Reply::Refused { code, .. } => assert_eq!(code, ErrorCode::WrongState, "no session to skip"),
            other => panic!("no session was started: {other:?}"),
        }
    }
}
