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
    binary: std::path::PathBuf,
    dir: std::path::PathBuf,
}

impl RoomServer {
    /// Starts the server with its database in `dir` and waits until it listens.
    pub fn start(binary: &Path, dir: &Path) -> Result<Self> {
        let (child, address) = Self::spawn(binary, dir, "127.0.0.1:0")?;
        Ok(Self { child, address, binary: binary.to_owned(), dir: dir.to_owned() })
    }

    /// SIGKILL: nothing is flushed, nothing said goodbye to.
    pub fn kill_9(&mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// Starts it again on the same port and database, where the apps find it.
    pub fn restart(&mut self) -> Result<()> {
        let (child, address) = Self::spawn(&self.binary, &self.dir, &self.address.to_string())?;
        anyhow::ensure!(address == self.address, "restarted on {address}, not {}", self.address);
        self.child = child;
        Ok(())
    }

    fn spawn(binary: &Path, dir: &Path, listen: &str) -> Result<(Child, SocketAddr)> {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("room-server.log"))?;
        let mut child = Command::new(binary)
            .args(["--listen", listen, "--log-json", "--db"])
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
            let mut out = std::fs::OpenOptions::new().create(true).append(true).open(log_path).ok();
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
            Ok(Some(address)) => Ok((child, address)),
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

/// A TCP relay between one app and the room server, which the test can cut: the app's
/// connections are dropped and new ones refused until it is mended, as when a laptop's
/// network goes away.
pub struct CutProxy {
    pub address: SocketAddr,
    cut: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Bumped at each cut: relays of an earlier generation stop.
    generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl CutProxy {
    pub fn start(upstream: SocketAddr) -> Result<Self> {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let cut = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let generation = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (cut_flag, gen_flag) = (cut.clone(), generation.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                if cut_flag.load(Ordering::SeqCst) {
                    drop(client); // refused: the network is away
                    continue;
                }
                let Ok(server) = std::net::TcpStream::connect(upstream) else { continue };
                let born = gen_flag.load(Ordering::SeqCst);
                for (from, to) in [(client.try_clone(), server.try_clone()), (server.try_clone(), client.try_clone())] {
                    let (Ok(mut from), Ok(mut to)) = (from, to) else { continue };
                    let gen_flag = gen_flag.clone();
                    std::thread::spawn(move || {
                        use std::io::{Read, Write};
                        let _ = from.set_read_timeout(Some(Duration::from_millis(200)));
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            if gen_flag.load(Ordering::SeqCst) != born {
                                break;
                            }
                            match from.read(&mut buf) {
                                Ok(0) => break,
                                Ok(n) => {
                                    if to.write_all(&buf[..n]).is_err() {
                                        break;
                                    }
                                }
                                Err(e)
                                    if matches!(
                                        e.kind(),
                                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                                    ) => {}
                                Err(_) => break,
                            }
                        }
                        let _ = from.shutdown(std::net::Shutdown::Both);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Ok(Self { address, cut, generation })
    }

    /// The network goes away: open connections drop, new ones are refused.
    pub fn cut(&self) {
        use std::sync::atomic::Ordering;
        self.cut.store(true, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn mend(&self) {
        self.cut.store(false, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }
}
