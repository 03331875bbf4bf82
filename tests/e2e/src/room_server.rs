//! A real room server for the rooms tests: `worktogether-room` (built by scripts/e2e.sh) on a
//! port the system picks, with its own SQLite file, stopped when dropped.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct RoomServer {
    child: Child,
    pub address: SocketAddr,
}

impl RoomServer {
    /// Starts the server with its database in `dir` and waits until it listens.
    pub fn start(binary: &Path, dir: &Path) -> Result<Self> {
        let log = std::fs::File::create(dir.join("room-server.log"))?;
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--log-json", "--db"])
            .arg(dir.join("rooms.sqlite3"))
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = BufReader::new(child.stdout.take().context("the server's output")?);
        let (ready_tx, ready) = mpsc::channel();
        let log_path = dir.join("room-server.jsonl");
        std::thread::spawn(move || {
            let mut out = std::fs::File::create(log_path).ok();
            let mut ready_tx = Some(ready_tx);
            for line in stdout.lines().map_while(Result::ok) {
                if let Some(out) = out.as_mut() {
                    use std::io::Write;
                    let _ = writeln!(out, "{line}");
                }
                let log: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                if log["fields"]["message"] == "worktogether-room is ready"
                    && let Some(tx) = ready_tx.take()
                {
                    let _ = tx.send(log["fields"]["listen"].as_str().and_then(|a| a.parse().ok()));
                }
            }
        });
        match ready.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(address)) => Ok(Self { child, address }),
            _ => {
                let _ = child.kill();
                bail!("the room server did not listen within 30 s; see {}", dir.display())
            }
        }
    }

    /// The address a person types into the app.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }
}

impl Drop for RoomServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
