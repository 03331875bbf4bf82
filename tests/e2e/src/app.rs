//! One running app: its own tauri-driver (on free ports), the WebKitWebDriver it starts,
//! and the app window in a WebDriver session. Dropping an [`App`] stops all three.
#![allow(
    clippy::disallowed_methods,
    reason = "end-to-end tests measure real time: they read the system clock on purpose"
)]

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::webdriver::{Client, Element, Session};
use crate::{TestCtx, wait_for};

/// How long the app gets to show its first screen.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a UI element gets to appear after an action.
pub const UI_TIMEOUT: Duration = Duration::from_secs(15);

pub struct App {
    pub session: Session,
    driver: Driver,
    app_binary: PathBuf,
    pub data_dir: PathBuf,
    closed: bool,
}

/// The tauri-driver process; dropping it stops it and everything it started.
struct Driver {
    child: Child,
    stopped: bool,
}

impl Driver {
    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let tree = descendants(self.child.id());
        // tauri-driver stops WebKitWebDriver on SIGTERM.
        let _ = signal(self.child.id(), "TERM");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Whatever it started and left behind (WebKitWebDriver, the app, WebKit's processes).
        for pid in tree {
            if alive(pid) {
                let _ = signal(pid, "KILL");
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A free TCP port on 127.0.0.1 (free when asked; tauri-driver binds it right after).
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl App {
    /// Starts tauri-driver with `WORKTOGETHER_DATA_DIR=data_dir` (it passes its environment to
    /// the app), opens a session, which starts the app, and waits until the UI has loaded.
    /// `label` names the driver's log file in the test's artifacts.
    pub fn launch(ctx: &TestCtx, data_dir: &Path, label: &str) -> Result<Self> {
        Self::launch_with_env(ctx, data_dir, label, &[])
    }

    /// Like [`App::launch`], with more environment for the app, e.g. `LANG` for its language or
    /// its own `HOME`, so that start at login writes its entry inside the test.
    pub fn launch_with_env(ctx: &TestCtx, data_dir: &Path, label: &str, env: &[(&str, &str)]) -> Result<Self> {
        let port = free_port()?;
        let mut native_port = free_port()?;
        while native_port == port {
            native_port = free_port()?;
        }
        let log_path = ctx.dir.join(format!("{label}-driver.log"));
        let log = File::create(&log_path)?;
        let child = Command::new(&ctx.env.tauri_driver)
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&ctx.env.native_driver)
            .env("WORKTOGETHER_DATA_DIR", data_dir)
            // WebKit's storage and caches stay within the test too, so that nothing a
            // previous run (or the developer's own app) left there changes what the UI does.
            .env("XDG_DATA_HOME", ctx.dir.join("xdg-data"))
            .env("XDG_CACHE_HOME", ctx.dir.join("xdg-cache"))
            .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", ctx.env.tauri_driver.display()))?;
        let mut driver = Driver { child, stopped: false };
        let client = Client::new(port);
        let capabilities = json!({
            "browserName": "wry",
            "tauri:options": { "application": ctx.env.app },
        });
        // tauri-driver accepts connections before WebKitWebDriver is ready: retry for 30 s.
        let start = Instant::now();
        let session = loop {
            if let Some(status) = driver.child.try_wait()? {
                bail!("tauri-driver exited with {status}; see {}", log_path.display());
            }
            match client.new_session(capabilities.clone()) {
                Ok(session) => break session,
                Err(e) if start.elapsed() > Duration::from_secs(30) => {
                    return Err(e.context(format!(
                        "no WebDriver session from tauri-driver on port {port} within 30 s; see {}",
                        log_path.display()
                    )));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(500)),
            }
        };
        let app =
            Self { session, driver, app_binary: ctx.env.app.clone(), data_dir: data_dir.to_owned(), closed: false };
        app.session.set_script_timeout(30_000)?;
        app.wait_until_loaded()?;
        Ok(app)
    }

    /// Waits until the page has loaded and Tauri's IPC bridge is there.
    pub fn wait_until_loaded(&self) -> Result<()> {
        wait_for(STARTUP_TIMEOUT, "the UI to load (document ready, Tauri IPC present)", || {
            let ready = self.session.execute(
                "return document.readyState === 'complete' && !!window.__TAURI_INTERNALS__ \
                 && !!document.querySelector('[data-testid]');",
                vec![],
            );
            Ok(ready.ok().and_then(|v| v.as_bool()).unwrap_or(false).then_some(()))
        })
    }

    /// Calls a Rust command over IPC, as the UI does. An `ApiError` becomes an `Err`.
    pub fn invoke(&self, command: &str, args: Value) -> Result<Value> {
        let script = "const [cmd, args, done] = arguments; \
            window.__TAURI_INTERNALS__.invoke(cmd, args).then( \
              (v) => done({ ok: v === undefined ? null : v }), \
              (e) => done({ err: e === undefined ? null : e }));";
        let answer = self
            .session
            .execute_async(script, vec![json!(command), args])
            .with_context(|| format!("invoking {command}"))?;
        if let Some(err) = answer.get("err") {
            bail!("command {command} failed: {err}");
        }
        Ok(answer.get("ok").cloned().unwrap_or(Value::Null))
    }

    /// Reloads the page (the UI reads its state anew from Rust).
    pub fn reload(&self) -> Result<()> {
        if let Err(e) = self.session.refresh() {
            eprintln!("WebDriver refresh failed ({e:#}); reloading from a script");
            self.session.execute("location.reload(); return null;", vec![])?;
        }
        // Let the old document go before waiting for the new one.
        std::thread::sleep(Duration::from_millis(300));
        self.wait_until_loaded()
    }

    fn selector(testid: &str) -> String {
        format!("[data-testid=\"{testid}\"]")
    }

    /// Whether an element with this `data-testid` is in the page now.
    pub fn has(&self, testid: &str) -> Result<bool> {
        Ok(self.session.find(&Self::selector(testid))?.is_some())
    }

    /// Waits for an element with this `data-testid`.
    pub fn wait_testid(&self, testid: &str, timeout: Duration) -> Result<Element> {
        wait_for(timeout, &format!("[data-testid={testid}] to appear"), || self.session.find(&Self::selector(testid)))
    }

    /// Clicks an element; if WebDriver's click fails (it sometimes does with WebKitWebDriver),
    /// clicks it from a script instead.
    pub fn click(&self, testid: &str) -> Result<()> {
        let element = self.wait_testid(testid, UI_TIMEOUT)?;
        if let Err(e) = self.session.click(&element) {
            eprintln!("WebDriver click on {testid} failed ({e:#}); clicking from a script");
            self.js_click(testid)?;
        }
        Ok(())
    }

    /// Clicks from a script: `element.click()`.
    pub fn js_click(&self, testid: &str) -> Result<()> {
        let clicked = self.session.execute(
            "const el = document.querySelector(arguments[0]); if (!el) return false; el.click(); return true;",
            vec![json!(Self::selector(testid))],
        )?;
        if clicked != json!(true) {
            bail!("no [data-testid={testid}] to click");
        }
        Ok(())
    }

    /// Types into an input as a person would (focus, keys); falls back to setting the value
    /// from a script and firing `input`/`change` when the keys did not arrive.
    pub fn type_into(&self, testid: &str, text: &str) -> Result<()> {
        let element = self.wait_testid(testid, UI_TIMEOUT)?;
        let typed = self
            .session
            .click(&element)
            .and_then(|()| self.session.clear(&element))
            .and_then(|()| self.session.send_keys(&element, text));
        let value = self.value_of(testid)?;
        if typed.is_err() || value.as_deref() != Some(text) {
            eprintln!("typing into {testid} gave {value:?} ({typed:?}); setting the value from a script");
            self.session.execute(
                "const [sel, text] = arguments; const el = document.querySelector(sel); \
                 const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype; \
                 Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, text); \
                 el.dispatchEvent(new Event('input', { bubbles: true })); \
                 el.dispatchEvent(new Event('change', { bubbles: true })); return null;",
                vec![json!(Self::selector(testid)), json!(text)],
            )?;
        }
        Ok(())
    }

    /// Chooses `value` in a `<select>`, as a person picking it does (`input` and `change` fire).
    pub fn select(&self, testid: &str, value: &str) -> Result<()> {
        self.wait_testid(testid, UI_TIMEOUT)?;
        let chosen = self.session.execute(
            "const [sel, value] = arguments; const el = document.querySelector(sel);              if (!el || !Array.from(el.options).some((o) => o.value === value)) return false;              el.value = value; el.dispatchEvent(new Event('input', { bubbles: true }));              el.dispatchEvent(new Event('change', { bubbles: true })); return true;",
            vec![json!(Self::selector(testid)), json!(value)],
        )?;
        if chosen != json!(true) {
            bail!("[data-testid={testid}] has no option {value:?}");
        }
        Ok(())
    }

    /// The `value` of an input, `None` when there is no such element.
    pub fn value_of(&self, testid: &str) -> Result<Option<String>> {
        let v = self.session.execute(
            "const el = document.querySelector(arguments[0]); return el ? el.value : null;",
            vec![json!(Self::selector(testid))],
        )?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// The visible text of the first element with this `data-testid`, `None` if there is none.
    pub fn text_of(&self, testid: &str) -> Result<Option<String>> {
        let v = self.session.execute(
            "const el = document.querySelector(arguments[0]); return el ? el.innerText : null;",
            vec![json!(Self::selector(testid))],
        )?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// The visible texts of all elements with this `data-testid`, in document order.
    pub fn texts_of(&self, testid: &str) -> Result<Vec<String>> {
        let v = self.session.execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map((el) => el.innerText);",
            vec![json!(Self::selector(testid))],
        )?;
        Ok(v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default())
    }

    /// An attribute of every element with this `data-testid`, in document order (missing: "").
    pub fn attrs_of(&self, testid: &str, attribute: &str) -> Result<Vec<String>> {
        let v = self.session.execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map((el) => el.getAttribute(arguments[1]) ?? '');",
            vec![json!(Self::selector(testid)), json!(attribute)],
        )?;
        Ok(v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default())
    }

    /// An attribute of the first element with this `data-testid`.
    pub fn attr_of(&self, testid: &str, attribute: &str) -> Result<Option<String>> {
        let v = self.session.execute(
            "const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;",
            vec![json!(Self::selector(testid)), json!(attribute)],
        )?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// The phase on screen: `data-phase` of `phase-name`; failing that, `closing` or
    /// `commitment` when only the closing or commitment round's screen is there.
    pub fn shown_phase(&self) -> Result<Option<String>> {
        let v = self.session.execute(
            "const p = document.querySelector('[data-testid=\"phase-name\"]'); \
             if (p && p.getAttribute('data-phase')) return p.getAttribute('data-phase'); \
             if (document.querySelector('[data-testid=\"closing-round\"]')) return 'closing'; \
             if (document.querySelector('[data-testid=\"commitment-round\"]')) return 'commitment'; \
             return null;",
            vec![],
        )?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// Waits until the window's page is `visible` or `hidden` (`document.visibilityState`):
    /// whether the window is in view, asked of its page.
    pub fn wait_visibility(&self, want: &str) -> Result<()> {
        wait_for(UI_TIMEOUT, &format!("the window's page to be {want}"), || {
            let state = self.session.execute("return document.visibilityState;", vec![])?;
            Ok((state.as_str() == Some(want)).then_some(()))
        })
    }

    /// How many elements with this `data-testid` there are.
    pub fn count(&self, testid: &str) -> Result<usize> {
        Ok(self.texts_of(testid)?.len())
    }

    /// Saves a template over IPC (the UI has no faster way to make seconds-long phases).
    /// `phases` are `(kind, seconds)`. Returns the template's id.
    pub fn save_template(&self, name: &str, phases: &[(&str, u64)]) -> Result<String> {
        let phases: Vec<Value> =
            phases.iter().map(|(kind, secs)| json!({ "kind": kind, "durationSecs": secs })).collect();
        let template =
            self.invoke("save_template", json!({ "draft": { "id": null, "name": name, "phases": phases } }))?;
        template
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .with_context(|| format!("save_template answered without an id: {template}"))
    }

    /// Saves the page's HTML and a screenshot, for a failing test.
    pub fn dump(&self, ctx: &TestCtx, label: &str) {
        if let Err(e) = ctx.screenshot(label) {
            eprintln!("screenshot {label}: {e:#}");
        }
        match self.session.execute("return document.documentElement.outerHTML;", vec![]) {
            Ok(html) => {
                let file = ctx.dir.join(format!("{label}.html"));
                if let Err(e) = std::fs::write(&file, html.as_str().unwrap_or_default()) {
                    eprintln!("writing {}: {e}", file.display());
                }
            }
            Err(e) => eprintln!("page source for {label}: {e:#}"),
        }
    }

    /// The pid of the app process this driver started.
    pub fn app_pid(&self) -> Result<u32> {
        let pids: Vec<u32> =
            descendants(self.driver.child.id()).into_iter().filter(|pid| is_binary(*pid, &self.app_binary)).collect();
        match pids.as_slice() {
            [pid] => Ok(*pid),
            [] => bail!("no {} process under tauri-driver {}", self.app_binary.display(), self.driver.child.id()),
            many => bail!("several app processes under tauri-driver: {many:?}"),
        }
    }

    /// Kills the app with SIGKILL (a crash: no chance to save anything) and waits until it is
    /// gone, then stops the driver. Returns the pid that was killed.
    pub fn crash(mut self) -> Result<u32> {
        let pid = self.app_pid()?;
        signal(pid, "KILL")?;
        wait_for(Duration::from_secs(10), &format!("app pid {pid} to die after SIGKILL"), || {
            Ok((!alive(pid)).then_some(()))
        })?;
        self.stop();
        Ok(pid)
    }

    /// Ends the WebDriver session (closing the app) and stops the driver.
    pub fn close(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        // Closing the session closes the app; it may already be gone.
        let _ = self.session.delete();
        self.driver.stop();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends a signal with kill(1) (the workspace forbids `unsafe`, so no libc::kill).
fn signal(pid: u32, name: &str) -> Result<()> {
    let status = Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).stderr(Stdio::null()).status()?;
    if !status.success() {
        bail!("kill -{name} {pid} failed: {status}");
    }
    Ok(())
}

/// Whether a process exists and is not a zombie.
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat_fields(&stat).is_some_and(|(state, _)| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// (state, ppid) from /proc/PID/stat; the command name may contain spaces and parentheses.
fn stat_fields(stat: &str) -> Option<(&str, u32)> {
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// All live descendants of `root`, from /proc.
fn descendants(root: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                && let Some((_, ppid)) = stat_fields(&stat)
            {
                parents.push((pid, ppid));
            }
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(parents.iter().filter(|(_, ppid)| *ppid == parent).map(|(pid, _)| *pid));
        i += 1;
    }
    found.remove(0);
    found
}

/// Whether `pid` runs `binary` (a rebuilt binary shows as "... (deleted)").
fn is_binary(pid: u32, binary: &Path) -> bool {
    let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) else {
        return false;
    };
    let exe = exe.to_string_lossy();
    let want = binary.canonicalize().unwrap_or_else(|_| binary.to_owned());
    exe == want.to_string_lossy() || exe.strip_suffix(" (deleted)") == Some(&*want.to_string_lossy())
}
