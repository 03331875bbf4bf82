//! Reads the `Notify` calls that dbus-monitor recorded (scripts/e2e.sh starts it with
//! `dbus-monitor --session "interface='org.freedesktop.Notifications'"`).

use std::path::Path;

use anyhow::{Context, Result};

/// One `org.freedesktop.Notifications.Notify` call.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// When dbus-monitor saw the call, in seconds since the Unix epoch (its `time=`).
    pub time: f64,
    pub app_name: String,
    pub summary: String,
    pub body: String,
}

/// Runs `dunstctl` (the notification server's own control) and returns what it printed.
pub fn dunstctl(args: &[&str]) -> Result<String> {
    let out = std::process::Command::new("dunstctl").args(args).output().context("running dunstctl")?;
    anyhow::ensure!(out.status.success(), "dunstctl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The ID the notification server gives the next notice: a probe notice is sent (and closed)
/// to learn it. The server numbers notices one after another, so the notice shown just before
/// has the ID before it.
pub fn next_id() -> Result<u32> {
    let out = std::process::Command::new("gdbus")
        .args(["call", "--session", "--dest", "org.freedesktop.Notifications"])
        .args(["--object-path", "/org/freedesktop/Notifications", "--method"])
        .args(["org.freedesktop.Notifications.Notify", "e2e", "0", "", "probe", "", "[]", "{}", "1"])
        .output()
        .context("running gdbus")?;
    anyhow::ensure!(out.status.success(), "gdbus Notify: {}", String::from_utf8_lossy(&out.stderr));
    // `(uint32 7,)`
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .trim_start_matches("(uint32 ")
        .trim_end_matches(",)")
        .parse()
        .with_context(|| format!("gdbus said {text:?}"))
}

/// Sends `ActionInvoked(id, action)` on the session bus, as the notification server does when
/// a person clicks the notice's button `action`.
pub fn invoke_action(id: u32, action: &str) -> Result<()> {
    let out = std::process::Command::new("gdbus")
        .args(["emit", "--session", "--object-path", "/org/freedesktop/Notifications"])
        .args(["--signal", "org.freedesktop.Notifications.ActionInvoked", &format!("uint32 {id}"), action])
        .output()
        .context("running gdbus")?;
    anyhow::ensure!(out.status.success(), "gdbus emit: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}

/// The log's current length: notifications after this offset are the ones that follow.
pub fn log_len(log: &Path) -> Result<u64> {
    Ok(std::fs::metadata(log).with_context(|| format!("reading {}", log.display()))?.len())
}

/// The `Notify` calls recorded after byte `offset` of the log.
pub fn notifications_since(log: &Path, offset: u64) -> Result<Vec<Notification>> {
    let bytes = std::fs::read(log).with_context(|| format!("reading {}", log.display()))?;
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
    Ok(parse(&String::from_utf8_lossy(&bytes[start..])))
}

/// Parses dbus-monitor's text output. A `Notify` call looks like
/// ```text
/// method call time=… sender=:1.4 -> destination=org.freedesktop.Notifications serial=3 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
///    string "Worktogether"      app_name
///    uint32 0                   replaces_id
///    string ""                  app_icon
///    string "Focus"             summary
///    string "…"                 body (may span lines)
///    array [ … ]                actions, hints, then int32 expire_timeout
/// ```
pub fn parse(text: &str) -> Vec<Notification> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if !(line.starts_with("method call") && line.contains("member=Notify")) {
            continue;
        }
        // The arguments: everything up to the next message header (a string argument may
        // span lines that do not start with a space).
        let mut args = Vec::new();
        while i < lines.len() && !is_header(lines[i]) {
            args.push(lines[i]);
            i += 1;
        }
        let string_at = |n: usize| args.get(n).map(|l| unquote(l)).unwrap_or_default();
        // The body runs from its `string "` line to the line before the actions' `array [`.
        let body = args
            .iter()
            .position(|l| l.starts_with("   array ["))
            .filter(|end| *end > 4)
            .map(|end| unquote(&args[4..end].join("\n")))
            .unwrap_or_default();
        let time = line
            .split_whitespace()
            .find_map(|field| field.strip_prefix("time="))
            .and_then(|t| t.parse().ok())
            .unwrap_or(f64::NAN);
        out.push(Notification { time, app_name: string_at(0), summary: string_at(3), body });
    }
    out
}

/// Whether a line starts a message in dbus-monitor's output.
fn is_header(line: &str) -> bool {
    ["method call ", "method return ", "signal ", "error "].iter().any(|h| line.starts_with(h))
}

/// `   string "text"` → `text`.
fn unquote(arg: &str) -> String {
    match (arg.find('"'), arg.rfind('"')) {
        (Some(a), Some(b)) if b > a => arg[a + 1..b].to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_calls_are_parsed_and_other_messages_ignored() {
        let log = r#"signal time=1.0 sender=org.freedesktop.DBus -> destination=:1.0 serial=2 path=/org/freedesktop/DBus; interface=org.freedesktop.DBus; member=NameAcquired
   string ":1.0"
method call time=2.0 sender=:1.4 -> destination=org.freedesktop.Notifications serial=3 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=GetCapabilities
method call time=3.0 sender=:1.4 -> destination=org.freedesktop.Notifications serial=4 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string "Worktogether"
   uint32 0
   string ""
   string "Focus"
   string "25 minutes.
Go."
   array [
   ]
   array [
      dict entry(
         string "urgency"
         variant             byte 1
      )
   ]
   int32 -1
signal time=4.0 sender=:1.5 -> destination=(null destination) serial=9 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=NotificationClosed
   uint32 1
   uint32 1
"#;
        let got = parse(log);
        assert_eq!(
            got,
            vec![Notification {
                time: 3.0,
                app_name: "Worktogether".into(),
                summary: "Focus".into(),
                body: "25 minutes.\nGo.".into(),
            }]
        );
    }
}
