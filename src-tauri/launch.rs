//! Opening a link, a file or a folder with the person's own programs (the browser, the file
//! manager), with the launchers the `open` crate knows for the platform (`xdg-open`, `gio`…).
//! They start without the environment meant for the app's WebView
//! ([`crate::webview::WEB_PROCESS_ENV`]): a browser built on WebKit must not inherit it.

use std::io;
use std::process::{Child, Stdio};
use std::time::Duration;

/// How long a launcher may take to fail before it counts as started; a launcher that fails
/// within it gives way to the next one (as `open::that_detached` does).
const FAILURE_CHECK: Duration = Duration::from_millis(250);

/// Opens `target` (a URL or a path) and returns once a launcher has taken it, or with the last
/// launcher's error. Blocks for up to [`FAILURE_CHECK`] per launcher tried.
pub fn open(target: &str) -> io::Result<()> {
    let mut failure = io::Error::new(io::ErrorKind::NotFound, "no program to open it with");
    for mut command in open::commands(target) {
        for (name, _) in crate::webview::WEB_PROCESS_ENV {
            command.env_remove(name);
        }
        command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        // Its own process group: a signal to the app's group (Ctrl+C in the terminal it was
        // started from) does not close the person's browser.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        match command.spawn().and_then(went_ahead) {
            Ok(()) => return Ok(()),
            Err(e) => failure = e,
        }
    }
    Err(failure)
}

/// Whether a launcher went ahead: it ended well, or it still runs after [`FAILURE_CHECK`]. A
/// thread of its own waits for its end either way, so it leaves no zombie behind.
fn went_ahead(mut child: Child) -> io::Result<()> {
    let (ended, end) = std::sync::mpsc::channel();
    std::thread::Builder::new().name("launcher".into()).spawn(move || ended.send(child.wait()))?;
    match end.recv_timeout(FAILURE_CHECK) {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(io::Error::other(format!("the launcher ended with {status}"))),
        Ok(Err(e)) => Err(e),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(()),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(io::Error::other("the launcher was lost")),
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A launcher that writes its environment into a file, first on `PATH` as `xdg-open`,
    /// stands in for the desktop's: it gets no `JSC_useJIT`, the app's other variables pass,
    /// and a launcher that fails is reported.
    #[test]
    fn launchers_start_without_the_web_process_environment() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("env.txt");
        let launcher = dir.path().join("xdg-open");
        std::fs::write(
            &launcher,
            format!("#!/bin/sh\nenv > '{}'\n[ \"$1\" = fail ] && exit 3\nexit 0\n", out.display()),
        )
        .unwrap();
        let mut permissions = std::fs::metadata(&launcher).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&launcher, permissions).unwrap();

        // A child process started with an environment like the app's (the test's own
        // environment is not changed: other tests run beside it).
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "launch::tests::child_opens", "--nocapture", "--include-ignored"])
            .env("PATH", format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default()))
            .env("JSC_useJIT", "false")
            .env("WORKTOGETHER_PROBE", "kept")
            .status()
            .unwrap();
        assert!(status.success(), "the child test failed: {status}");
        let env = std::fs::read_to_string(&out).unwrap();
        assert!(env.contains("WORKTOGETHER_PROBE=kept"), "{env}");
        assert!(!env.contains("JSC_useJIT"), "the launcher inherited the WebView's setting:\n{env}");
    }

    /// Run by the test above, in a process of its own.
    #[test]
    #[ignore = "run by launchers_start_without_the_web_process_environment"]
    fn child_opens() {
        open("https://example.org/").unwrap();
        // Ours fails; whatever the machine has after it (gio…) finds no file "fail" either.
        assert!(open("fail").is_err());
    }
}
