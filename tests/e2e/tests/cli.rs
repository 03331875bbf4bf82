//! The command line against the running app: `worktogether start --template …`, then pause,
//! resume, extend and skip through to the closing round, each taking effect in the open
//! window at once and reported by `status --json`; wrong arguments; a second plain launch
//! bringing the window back instead of starting another app; and `start` opening the app
//! when it is closed, then commit, commitments and close going through it. (Without an app:
//! tests/cli.rs in the root package.)
#![allow(
    clippy::disallowed_methods,
    reason = "end-to-end tests measure real time: they read the system clock on purpose"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::desktop;
use worktogether_e2e::{App, TestCtx, open_db, parse_countdown, wait_for};

const TEMPLATE: &str = "E2E-cli";
/// Every phase outlasts the test by far: the command line moves the session on, not time.
const PHASE_SECS: u64 = 300;
const PLAN: [(&str, u64); 5] = [
    ("commitment", PHASE_SECS),
    ("focus", PHASE_SECS),
    ("break", PHASE_SECS),
    ("focus", PHASE_SECS),
    ("closing", PHASE_SECS),
];
/// How long a command may take before the test gives up on it (never a pass/fail on speed).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// What a command printed and how it ended.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The app's binary used as a command line, on the test's data directory.
struct Cli {
    binary: PathBuf,
    data_dir: PathBuf,
    xdg: PathBuf,
}

impl Cli {
    fn new(ctx: &TestCtx, data_dir: &Path) -> Self {
        Self { binary: ctx.env.app.clone(), data_dir: data_dir.to_owned(), xdg: ctx.dir.clone() }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.args(args)
            .env("WORKTOGETHER_DATA_DIR", &self.data_dir)
            // As App::launch: WebKit's storage stays in the test, for an app `start` opens.
            .env("XDG_DATA_HOME", self.xdg.join("xdg-data"))
            .env("XDG_CACHE_HOME", self.xdg.join("xdg-cache"))
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `worktogether ARGS…` to its end.
    fn run(&self, args: &[&str]) -> Result<Ran> {
        let child = self.command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
        let output = wait_output(child, COMMAND_TIMEOUT).with_context(|| format!("worktogether {args:?}"))?;
        Ok(Ran {
            code: output
                .status
                .code()
                .with_context(|| format!("worktogether {args:?} was killed: {:?}", output.status))?,
            stdout: String::from_utf8(output.stdout)?,
            stderr: String::from_utf8(output.stderr)?,
        })
    }

    /// Runs a command that must succeed; returns its standard output.
    fn ok(&self, args: &[&str]) -> Result<String> {
        let ran = self.run(args)?;
        ensure!(ran.code == 0, "worktogether {args:?} exited with {}: {}{}", ran.code, ran.stdout, ran.stderr);
        ensure!(
            !ran.stderr.contains("not open"),
            "the app runs, so worktogether {args:?} must reach it, not the database: {}",
            ran.stderr
        );
        Ok(ran.stdout)
    }

    /// `status --json`, parsed.
    fn bar(&self) -> Result<Value> {
        let out = self.ok(&["status", "--json"])?;
        ensure!(out.lines().count() == 1, "status --json prints exactly one line: {out:?}");
        Ok(serde_json::from_str(&out)?)
    }
}

/// Waits for a child with a timeout, killing it when it does not end.
fn wait_output(mut child: Child, timeout: Duration) -> Result<std::process::Output> {
    let waited = wait_for(timeout, "the command to end", || Ok(child.try_wait()?));
    if let Err(e) = waited {
        let _ = child.kill();
        let _ = child.wait();
        return Err(e);
    }
    Ok(child.wait_with_output()?)
}

/// Waits until the window shows `phase` and `status --json` reports `class`.
fn expect_phase(app: &App, cli: &Cli, phase: &str, class: &str) -> Result<()> {
    wait_for(UI_TIMEOUT, &format!("the window to show the {phase} phase"), || {
        Ok((app.shown_phase()?.as_deref() == Some(phase)).then_some(()))
    })?;
    let bar = cli.bar()?;
    ensure!(bar["class"] == class, "status --json should report class {class:?} now: {bar}");
    Ok(())
}

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn cli_drives_the_running_app() -> Result<()> {
    let ctx = TestCtx::new("cli")?;
    let data_dir = ctx.data_dir()?;
    let app = App::launch(&ctx, &data_dir, "app")?;
    let result = drive(&ctx, &app, &Cli::new(&ctx, &data_dir));
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    result
}

fn drive(ctx: &TestCtx, app: &App, cli: &Cli) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    app.save_template(TEMPLATE, &PLAN)?;
    ensure!(cli.bar()?["class"] == "idle", "no session yet");

    let out = cli.ok(&["start", "--template", TEMPLATE])?;
    ensure!(out.starts_with("Commitment round · "), "start prints the new session: {out:?}");
    app.wait_testid("commitment-round", UI_TIMEOUT).context("the window shows the started session at once")?;
    expect_phase(app, cli, "commitment", "commitment")?;
    ctx.screenshot("1-started")?;

    // Starting again is refused by the app, in words, with exit code 1.
    let again = cli.run(&["start"])?;
    ensure!(
        again.code == 1 && again.stderr.contains("A session is already running"),
        "a second start is refused: {} {}",
        again.code,
        again.stderr
    );

    cli.ok(&["skip"])?;
    expect_phase(app, cli, "focus", "focus")?;

    cli.ok(&["pause", "--note", "halfway through the list"])?;
    app.wait_testid("resume", UI_TIMEOUT).context("the window offers Resume once paused")?;
    let bar = cli.bar()?;
    ensure!(bar["class"] == "paused", "status --json reports the pause: {bar}");
    ensure!(bar["text"].as_str().is_some_and(|t| t.contains("Focus")), "the paused phase is named: {bar}");
    ctx.screenshot("2-paused")?;

    cli.ok(&["resume"])?;
    app.wait_testid("pause", UI_TIMEOUT).context("the window offers Pause again once resumed")?;
    expect_phase(app, cli, "focus", "focus")?;

    // A 300 s phase can show more than 5:00 only once it was extended.
    cli.ok(&["extend", "3"])?;
    let shown = wait_for(UI_TIMEOUT, "the countdown to show the extension", || {
        let secs = app.text_of("remaining")?.as_deref().and_then(parse_countdown);
        Ok(secs.filter(|s| *s > PHASE_SECS))
    })?;
    ensure!(shown <= PHASE_SECS + 180, "3 minutes were added to at most 5:00: {shown} s");

    cli.ok(&["skip"])?;
    expect_phase(app, cli, "break", "break")?;
    cli.ok(&["skip"])?;
    expect_phase(app, cli, "focus", "focus")?;
    // Out of view, the main window leaves the closing round to the compact window.
    app.invoke("plugin:window|hide", serde_json::json!({ "label": "main" }))?;
    let out = cli.ok(&["skip"])?;
    ensure!(out.starts_with("Closing round · "), "the last skip reaches the closing round: {out:?}");
    let closing = desktop::wait_for_window(CLOSING_WINDOW, UI_TIMEOUT).context("the closing round comes up compact")?;
    app.invoke("plugin:window|show", serde_json::json!({ "label": "main" }))?;
    app.wait_testid("closing-round", UI_TIMEOUT)?;
    expect_phase(app, cli, "closing", "closing")?;
    ctx.screenshot("3-closing")?;

    // Wrong arguments: a usage message, exit code 2, and the session untouched.
    let wrong = cli.run(&["extend", "five"])?;
    ensure!(wrong.code == 2, "wrong arguments exit with 2: {} {}", wrong.code, wrong.stderr);
    ensure!(wrong.stderr.contains("“five” is not") && wrong.stderr.contains("Usage: worktogether"), "{}", wrong.stderr);
    let refused = cli.run(&["skip"])?;
    ensure!(refused.code == 1, "the closing round waits for the report, skip is refused: {}", refused.stderr);
    expect_phase(app, cli, "closing", "closing")?;

    let db = open_db(&app.data_dir)?;
    let reasons: Vec<String> = db
        .prepare("SELECT end_reason FROM phase_runs WHERE end_reason IS NOT NULL ORDER BY seq")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ensure!(
        reasons == ["skipped"; 4],
        "each phase before the closing round was skipped from the command line: {reasons:?}"
    );

    second_launch_brings_the_window_back(ctx, cli)?;

    // The report is saved in the compact closing window, from the keyboard (Ctrl+Enter).
    desktop::focus(&closing)?;
    desktop::keys(&["ctrl+Return"])?;
    wait_for(UI_TIMEOUT, "the session to be closed from the compact window", || {
        let status: String = open_db(&app.data_dir)?.query_row("SELECT status FROM sessions", [], |r| r.get(0))?;
        Ok((status == "finished").then_some(()))
    })?;
    desktop::wait_for_no_window(CLOSING_WINDOW, UI_TIMEOUT).context("the closing window goes with the session")?;
    ensure!(cli.ok(&["status"])?.starts_with("No session"), "status says the session is over");
    Ok(())
}

const CLOSING_WINDOW: &str = "Closing round · Worktogether";

/// The app's windows named Worktogether that are mapped and viewable (not the tray icon).
fn visible_windows() -> Result<Vec<String>> {
    worktogether_e2e::desktop::windows_titled("Worktogether")
}

/// How much a window's pixels differ (their standard deviation in grey, 0–1), by ImageMagick:
/// about 0 for an empty or single-coloured window.
fn contrast(window: &str) -> Result<f64> {
    let out = Command::new("import")
        .args(["-window", window, "-colorspace", "gray", "-format", "%[fx:standard_deviation]", "info:"])
        .output()?;
    let text = String::from_utf8(out.stdout)?;
    text.trim().parse().with_context(|| format!("no standard deviation from import: {text:?}"))
}

fn map_state(window: &str) -> Result<String> {
    let out = Command::new("xwininfo").args(["-id", window]).output()?;
    let text = String::from_utf8(out.stdout)?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Map State: ").map(str::to_owned))
        .with_context(|| format!("no map state from xwininfo: {text}"))
}

fn second_launch_brings_the_window_back(ctx: &TestCtx, cli: &Cli) -> Result<()> {
    let windows = visible_windows()?;
    let [window] = windows.as_slice() else { bail!("one visible Worktogether window expected: {windows:?}") };
    // Take the window off the screen behind the app's back (there is no window manager to
    // minimise to under Xvfb).
    let status = Command::new("xdotool").args(["windowunmap", "--sync", window]).status()?;
    ensure!(status.success(), "xdotool windowunmap failed");
    ensure!(map_state(window)? == "IsUnMapped", "the window is off the screen before the second launch");

    let second = cli.run(&[])?;
    ensure!(second.code == 0, "a second launch hands over and exits 0: {} {}", second.code, second.stderr);
    wait_for(UI_TIMEOUT, "the window to come back after a second launch", || {
        Ok((map_state(window)? == "IsViewable").then_some(()))
    })?;
    let windows = visible_windows()?;
    ensure!(windows == [window.clone()], "the same one window, no second app: {windows:?}");
    ctx.screenshot("4-after-second-launch")?;
    Ok(())
}

/// An app the command line opened: stopped at the end of the test, since it runs in a
/// process group of its own (scripts/e2e.sh's clean-up would not reach it).
struct Opened(Option<u32>);

impl Drop for Opened {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
            // Gone (or a zombie of nobody's) before the next test starts its own app.
            let _ = wait_for(Duration::from_secs(10), "the opened app to end", || {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                Ok((stat.is_empty() || stat.contains(") Z ")).then_some(()))
            });
        }
    }
}

/// The app process working on `data_dir`, found by its binary and environment in /proc.
fn app_on(binary: &Path, data_dir: &Path) -> Result<Option<u32>> {
    let binary = binary.canonicalize()?;
    let wanted = format!("WORKTOGETHER_DATA_DIR={}", data_dir.display());
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) else { continue };
        let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else { continue };
        let exe = exe.to_string_lossy();
        let same =
            exe == binary.to_string_lossy() || exe.strip_suffix(" (deleted)") == Some(&*binary.to_string_lossy());
        if same && environ.split(|b| *b == 0).any(|var| var == wanted.as_bytes()) {
            found.push(pid);
        }
    }
    match found.as_slice() {
        [] => Ok(None),
        [pid] => Ok(Some(*pid)),
        many => bail!("more than one app on {}: {many:?}", data_dir.display()),
    }
}

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn cli_start_opens_the_app() -> Result<()> {
    let ctx = TestCtx::new("cli_start")?;
    let data_dir = ctx.data_dir()?;
    let cli = Cli::new(&ctx, &data_dir);
    ensure!(app_on(&cli.binary, &data_dir)?.is_none(), "no app runs on this fresh data directory");

    let started = cli.run(&["start"]);
    let opened = Opened(app_on(&cli.binary, &data_dir)?);
    let started = started?;
    ensure!(started.code == 0, "start opens the app and starts there: {} {}", started.code, started.stderr);
    ensure!(opened.0.is_some(), "an app process runs on the data directory after start");
    ensure!(started.stdout.starts_with("Commitment round · "), "{:?}", started.stdout);
    ensure!(
        started.stdout.contains("Worktogether · "),
        "without --template, the default template (Worktogether) is used: {:?}",
        started.stdout
    );
    let window = wait_for(STARTUP_TIMEOUT, "the opened app's window", || Ok(visible_windows()?.into_iter().next()))?;
    // Mapped comes before drawn: wait for the page on it (text and controls on a plain
    // background, in either theme, make its pixels far from uniform).
    wait_for(STARTUP_TIMEOUT, "the opened window to show its page", || Ok((contrast(&window)? > 0.05).then_some(())))?;
    ctx.screenshot("1-opened-by-start")?;

    // Now the app runs: the next commands go to it, and no second app is opened.
    let bar = cli.bar()?;
    ensure!(bar["class"] == "commitment", "{bar}");
    let again = cli.run(&["start", "--template", "Pomodoro"])?;
    ensure!(again.code == 1 && again.stderr.contains("already running"), "{} {}", again.code, again.stderr);

    // The ritual through the running app: commit, list, close (`ok` makes sure the app answered).
    let out = cli.ok(&["commit", "Write the offer", "--tag", "Acme", "--estimate", "30"])?;
    ensure!(out.ends_with("\n1. Write the offer · Acme · est. 30 min\n"), "commit lists the commitments: {out:?}");
    cli.ok(&["commit", "Taxes"])?;
    let listed = cli.ok(&["commitments"])?;
    ensure!(listed == "1. Write the offer · Acme · est. 30 min\n2. Taxes\n", "numbered from 1: {listed:?}");

    cli.ok(&["stop"])?;
    ensure!(cli.bar()?["class"] == "closing", "stop ends the session early, in the app");
    let refused = cli.run(&["close", "--done", "1"])?;
    ensure!(
        refused.code == 1
            && refused.stderr.contains("Give every commitment an outcome")
            && refused.stderr.contains("Still without an outcome: 2."),
        "the app refuses a report without an outcome for 2: {} {}",
        refused.code,
        refused.stderr
    );
    ensure!(cli.bar()?["class"] == "closing", "a refused close changes nothing");
    let out = cli.ok(&["close", "--done", "1", "--not-done", "2", "--rating", "4"])?;
    ensure!(out.starts_with("Session closed: 1 done, 0 partly, 1 not done · "), "{out:?}");
    ensure!(cli.bar()?["class"] == "idle", "the app closed the session");
    let db = open_db(&data_dir)?;
    let outcomes: Vec<String> = db
        .prepare("SELECT outcome FROM commitments ORDER BY position")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ensure!(outcomes == ["done", "not_done"], "the outcomes by number: {outcomes:?}");
    let rating: Option<u8> = db.query_row("SELECT focus_rating FROM sessions", [], |r| r.get(0))?;
    ensure!(rating == Some(4), "the rating is saved: {rating:?}");
    ensure!(app_on(&cli.binary, &data_dir)? == opened.0, "still the one app that start opened");
    Ok(())
}
