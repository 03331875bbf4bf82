//! The real server binary for the tests that talk to it over TCP (`live.rs`, `attacks.rs`):
//! started on a port of its own, killed and restarted; a few raw-TCP probes; and the database
//! a test runs on (SQLite, or PostgreSQL when [`POSTGRES`] is set). Each test crate uses a
//! part of it.
#![allow(dead_code)]

pub mod haproxy;

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::time::timeout;

/// The PostgreSQL server the tests run on instead of SQLite, if set: an administrator's URL,
/// as `scripts/postgres.sh` prints it (`make test` runs the handler and live tests on both).
pub const POSTGRES: &str = "ROOM_TEST_POSTGRES";

pub fn on_postgres() -> bool {
    std::env::var_os(POSTGRES).is_some()
}

/// A new, empty database for one test: a SQLite file in `dir`, or a database of its own on
/// [`POSTGRES`] (created from a thread of its own, so this works inside a runtime too).
pub fn new_db(dir: &Path) -> String {
    let Ok(url) = std::env::var(POSTGRES) else { return dir.join("rooms.sqlite3").to_string_lossy().into_owned() };
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let create = format!("CREATE DATABASE {name}");
    let admin = url.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            client.batch_execute(&create).await.unwrap();
        });
    })
    .join()
    .expect("the test database is created");
    let (server, _) = url.rsplit_once('/').expect("a URL with a database");
    format!("{server}/{name}")
}

/// Only against hangs; never reached when things work.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

/// The tests run in parallel, each with its own server. A server binds a port the system
/// picks and says which (no port is chosen first and handed over: another test's server
/// could take it in between, and two tests would share one server). A killed server keeps
/// its port for the restart, so no server may start while one is down: this lock is held by
/// each start until its server listens, and from `kill_9` until `restart`.
static PORTS: Mutex<()> = Mutex::new(());

fn ports() -> MutexGuard<'static, ()> {
    PORTS.lock().unwrap_or_else(PoisonError::into_inner)
}

pub struct ServerProcess {
    pub child: Child,
    pub address: SocketAddr,
    db: String,
    /// Extra environment variables (limits) the server starts with.
    env: Vec<(&'static str, &'static str)>,
    /// While the server is down: no other server starts and takes its port.
    down: Option<MutexGuard<'static, ()>>,
}

impl ServerProcess {
    /// Starts a server on `db` (a path or URL, as [`new_db`] gives).
    pub fn start(db: &str) -> Self {
        Self::start_with(db, &[])
    }

    pub fn start_with(db: &str, env: &[(&'static str, &'static str)]) -> Self {
        let _ports = ports();
        let (child, address) = Self::spawn(db, "127.0.0.1:0".parse().unwrap(), env);
        Self { child, address, db: db.to_owned(), env: env.to_vec(), down: None }
    }

    /// Starts the server on `listen` and returns once it listens, with the address it
    /// listens on (from its "ready" log line, so it is this server's and no other's).
    fn spawn(db: &str, listen: SocketAddr, env: &[(&str, &str)]) -> (Child, SocketAddr) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_worktogether-room"))
            .args(["--listen", &listen.to_string(), "--db", db, "--log-json"])
            .env("WT_ROOM_REQUESTS_PER_SECOND", "10000")
            .env("WT_ROOM_JOINS_PER_MINUTE", "10000")
            .env("WT_ROOM_PRESENCE_GRACE_SECS", "1")
            .env("RUST_LOG", "warn,worktogether_room=info")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (ready_tx, ready) = std::sync::mpsc::channel();
        // Reads the log to its end (the server never blocks on a full pipe); shown with a failure.
        let name = db.to_owned();
        std::thread::spawn(move || {
            let mut ready_tx = Some(ready_tx);
            for line in stdout.lines().map_while(Result::ok) {
                eprintln!("server {name}: {line}");
                let log: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                if log["fields"]["message"] == "worktogether-room is ready"
                    && let Some(tx) = ready_tx.take()
                {
                    let _ = tx.send(log["fields"]["listen"].as_str().and_then(|a| a.parse::<SocketAddr>().ok()));
                }
            }
        });
        let address = ready
            .recv_timeout(HANG_GUARD)
            .unwrap_or_else(|e| panic!("the server on {listen} never listened ({e}); its log is above"))
            .expect("the ready line names the address");
        if listen.port() != 0 {
            assert_eq!(address, listen, "the server listens where it was told to");
        }
        (child, address)
    }

    pub fn address(&self) -> String {
        format!("http://{}", self.address)
    }

    /// SIGKILL: no chance to flush anything.
    pub fn kill_9(&mut self) {
        let down = ports();
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.down = Some(down);
    }

    /// SIGKILL, for good: it is not restarted, so its port is not kept.
    pub fn kill_for_good(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// On the same port: the clients find it where it was.
    pub fn restart(&mut self) {
        let down = self.down.take().expect("killed before");
        (self.child, _) = Self::spawn(&self.db, self.address, &self.env);
        drop(down);
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// HAProxy (Debian's `haproxy`) in front of running servers, with two addresses: `host`
/// passes to the first server only, `members` balances over the others (see [`haproxy`]).
pub struct LoadBalancer {
    child: Child,
    pub host: SocketAddr,
    pub members: SocketAddr,
}

impl LoadBalancer {
    pub fn start(dir: &Path, host: SocketAddr, members: &[SocketAddr]) -> Self {
        let _ports = ports();
        let free = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let (front_host, front_members) = (free(), free());
        let config = haproxy::config(
            &[
                haproxy::Frontend { name: "host", bind: front_host, servers: &[host] },
                haproxy::Frontend { name: "members", bind: front_members, servers: members },
            ],
            4000,
        );
        let file = dir.join("haproxy.cfg");
        std::fs::write(&file, config).unwrap();
        let child = Command::new("haproxy")
            .args(["-db", "-f", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .expect("haproxy starts (Debian's haproxy package; make deps installs it)");
        let listening = |a: SocketAddr| std::net::TcpStream::connect(a).is_ok();
        let deadline = std::time::Instant::now() + HANG_GUARD;
        while !(listening(front_host) && listening(front_members)) {
            assert!(std::time::Instant::now() < deadline, "haproxy never listened");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, host: front_host, members: front_members }
    }
}

impl Drop for LoadBalancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /health` on a new connection; the status line, or `None` if no answer came in time.
pub async fn health_within(address: SocketAddr, limit: Duration) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    timeout(limit, async {
        let mut tcp = tokio::net::TcpStream::connect(address).await.ok()?;
        tcp.write_all(format!("GET /health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes())
            .await
            .ok()?;
        let mut answer = Vec::new();
        tcp.read_to_end(&mut answer).await.ok()?;
        String::from_utf8_lossy(&answer).lines().next().map(str::to_owned)
    })
    .await
    .ok()
    .flatten()
}

/// Whether the server closed `tcp` (end of stream or reset) within `limit`; whatever it
/// sent before closing (a 408, say) is read and dropped.
pub async fn closed_within(tcp: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 1024];
    timeout(limit, async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// A TCP connection to `address` from the loopback address `from` (127.0.0.0/8 is all ours).
pub async fn connect_from(from: &str, address: SocketAddr) -> tokio::net::TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    socket.connect(address).await.unwrap()
}
