//! `make bench-room`: a load generator for the room server, in three deployments measured in
//! one run: one instance on SQLite; with `--postgres URL`, one instance on PostgreSQL, and
//! three instances on PostgreSQL behind HAProxy (each client talks to whichever instance the
//! load balancer picks, so most events cross instances through the fan-out). In each, one
//! event stream per member (N members over M rooms, on loopback); the hosts change phases and
//! the members post commitments; for every write, the time from its acknowledgement to its
//! arrival at every member of the room (p50, p99, max), and the servers' memory and CPU.
//! Writes the figures into docs/benchmarks.md between its markers. Measurement only: a missed
//! target is reported, never a failure.

#[path = "../tests/common/haproxy.rs"]
mod haproxy;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use uuid::Uuid;
use worktogether_room_protocol::*;
use worktogether_sync::{Feed, Follower, RoomMember, RoomServer};

struct Args {
    members: usize,
    rooms: usize,
    pg_members: usize,
    pg_rooms: usize,
    instances: usize,
    rounds: usize,
    /// Writes per second offered, over all rooms (each room's turn comes round at that pace).
    rate: usize,
    server: PathBuf,
    postgres: Option<String>,
    doc: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        members: 10_000,
        rooms: 1_000,
        pg_members: 6_000,
        pg_rooms: 600,
        instances: 3,
        rounds: 10,
        rate: 400,
        server: "target/release/worktogether-room".into(),
        postgres: None,
        doc: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        let number = || value.parse::<usize>().expect("a number");
        match flag.as_str() {
            "--members" => a.members = number(),
            "--rooms" => a.rooms = number(),
            "--pg-members" => a.pg_members = number(),
            "--pg-rooms" => a.pg_rooms = number(),
            "--instances" => a.instances = number(),
            "--rounds" => a.rounds = number(),
            "--rate" => a.rate = number(),
            "--server" => a.server = value.into(),
            "--postgres" => a.postgres = Some(value),
            "--doc" => a.doc = Some(value.into()),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

/// What identifies a write in the events it causes.
fn event_key(change: &RoomChange) -> Option<String> {
    match change {
        RoomChange::CommitmentPublished { commitment } => Some(commitment.id.to_string()),
        RoomChange::SessionChanged { session, action } => Some(session_key(session, *action)),
        _ => None,
    }
}

fn session_key(s: &SharedSession, action: SessionAction) -> String {
    format!("{}:{action:?}:{}:{:?}", s.id, s.anchor_at, s.paused_at)
}

/// CPU seconds (user + system) and resident memory (now, peak; KiB) of a process.
fn usage(pid: u32) -> (f64, u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks / 100.0, kib("VmRSS:"), kib("VmHWM:"))
}

/// The sum over the deployment's server processes.
fn usage_of(pids: &[u32]) -> (f64, u64, u64) {
    pids.iter().map(|&p| usage(p)).fold((0.0, 0, 0), |(c, r, h), (c2, r2, h2)| (c + c2, r + r2, h + h2))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn free_address() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

fn wait_listening(address: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(address).is_err() {
        assert!(Instant::now() < deadline, "{address} never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Running servers (and the load balancer in front of several), stopped when dropped.
struct Deployment {
    servers: Vec<Child>,
    balancer: Option<Child>,
    address: SocketAddr,
}

impl Deployment {
    fn start(server: &Path, db: &str, instances: usize, dir: &Path) -> Self {
        let mut servers = Vec::new();
        let mut addresses = Vec::new();
        for _ in 0..instances {
            let address = free_address();
            let child = Command::new(server)
                .args(["--listen", &address.to_string(), "--db", db])
                .env("WT_ROOM_REQUESTS_PER_SECOND", "100000")
                .env("WT_ROOM_JOINS_PER_MINUTE", "1000000")
                .env("WT_ROOM_ROOMS_PER_HOUR", "1000000")
                .env("WT_ROOM_MAX_MEMBERS", "100000")
                // Every member's stream comes from loopback.
                .env("WT_ROOM_MAX_STREAMS_PER_ADDRESS", "100000")
                .env("WT_ROOM_MAX_CONNECTIONS", "100000")
                .env("WT_ROOM_MAX_CONNECTIONS_PER_ADDRESS", "0")
                .env("RUST_LOG", "warn")
                .stdout(Stdio::null())
                .spawn()
                .expect("the server starts (build it with --release first)");
            wait_listening(address);
            servers.push(child);
            addresses.push(address);
        }
        if instances == 1 {
            return Self { servers, balancer: None, address: addresses[0] };
        }
        let front = free_address();
        let config = haproxy::config(&[haproxy::Frontend { name: "rooms", bind: front, servers: &addresses }], 9_000);
        let file = dir.join("haproxy.cfg");
        std::fs::write(&file, config).unwrap();
        let balancer = Command::new("haproxy")
            .args(["-db", "-f", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .expect("haproxy starts (Debian's haproxy package)");
        wait_listening(front);
        Self { servers, balancer: Some(balancer), address: front }
    }

    fn pids(&self) -> Vec<u32> {
        self.servers.iter().map(Child::id).collect()
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        for child in self.servers.iter_mut().chain(self.balancer.as_mut()) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A new database on the PostgreSQL server `admin` names.
async fn new_postgres_db(admin: &str, name: &str) -> String {
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    // One statement each: together they would run as one transaction, which neither may.
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let (server, _) = admin.rsplit_once('/').expect("a URL with a database");
    format!("{server}/{name}")
}

/// What one deployment measured.
struct Figures {
    members: usize,
    rooms: usize,
    writes: usize,
    rate: f64,
    expected: usize,
    received: usize,
    latencies: Vec<Duration>,
    from_send: Vec<Duration>,
    idle_kib: u64,
    peak_kib: u64,
    end_kib: u64,
    cpu_percent: f64,
    cpu_per_write_ms: f64,
    setup_secs: f64,
}

/// Rooms and members through `address`, a stream per member, then `rounds` rounds of load.
async fn measure(address: SocketAddr, pids: &[u32], members: usize, rooms_n: usize, a: &Args) -> Figures {
    let rounds = a.rounds;
    // Two writes per room and round, the rooms' turns spread evenly over the round.
    let round_ms = (rooms_n * 2 * 1000 / a.rate.max(1)).max(1) as u64;
    let server = RoomServer::new(&format!("http://{address}")).unwrap();
    let key = || Uuid::now_v7().to_string();

    let per_room = members / rooms_n;
    let setup = Instant::now();
    let mut rooms: Vec<Vec<RoomMember>> = Vec::new();
    for r in 0..rooms_n {
        let create = CreateRoom { name: format!("Room {r}"), host_name: "Host".into(), link: None, description: None };
        let (host, state) = server.create_room(&create, &key()).await.unwrap();
        let mut members = vec![host];
        for i in 1..per_room {
            let (m, _) = server.join(&state.room.code, &format!("Member {i}"), &key()).await.unwrap();
            members.push(m);
        }
        rooms.push(members);
    }
    let setup_secs = setup.elapsed().as_secs_f64();

    // One follower per member; arrivals go to the collector with their instant.
    let (arrived_tx, mut arrived_rx) = mpsc::unbounded_channel::<(String, Instant)>();
    let (connected_tx, mut connected_rx) = mpsc::unbounded_channel::<()>();
    let mut tasks = Vec::new();
    for members in &rooms {
        for m in members {
            let mut follower = Follower::start(m.clone(), 0);
            let (arrived, connected) = (arrived_tx.clone(), connected_tx.clone());
            tasks.push(tokio::spawn(async move {
                while let Some(item) = follower.feed.recv().await {
                    match item {
                        Feed::Event(e) => {
                            if let Some(k) = event_key(&e.change) {
                                let _ = arrived.send((k, Instant::now()));
                            }
                        }
                        Feed::Connected => {
                            let _ = connected.send(());
                        }
                        Feed::Disconnected(e) => eprintln!("stream broke: {e}"),
                    }
                }
            }));
        }
    }
    drop((arrived_tx, connected_tx));
    for _ in 0..rooms_n * per_room {
        connected_rx.recv().await.unwrap();
    }
    let (_, idle_kib, _) = usage_of(pids);

    // The load: in every room, per round, the host pauses or resumes and one member posts.
    // For each write: when it was sent and when it was acknowledged.
    let acks: Arc<Mutex<HashMap<String, (Instant, Instant)>>> = Arc::default();
    let (cpu_before, _, _) = usage_of(pids);
    let load = Instant::now();
    let mut writers = Vec::new();
    for (r, members) in rooms.iter().enumerate() {
        let (members, acks) = (members.clone(), acks.clone());
        writers.push(tokio::spawn(async move {
            let host = &members[0];
            let phases = vec![PlannedPhase { kind: PhaseKind::Focus, duration_secs: 3600 }];
            let session =
                host.start_session(&StartSession { template_name: "Load".into(), phases }, &key()).await.unwrap();
            // Spread the rooms over the round so writes do not all arrive at once.
            tokio::time::sleep(Duration::from_millis((r as u64 * 997) % round_ms)).await;
            for round in 0..rounds {
                let action = if round % 2 == 0 { SessionAction::Pause } else { SessionAction::Resume };
                let sent = Instant::now();
                let s = host.control_session(session.id, action, &key()).await.unwrap();
                acks.lock().unwrap().insert(session_key(&s, action), (sent, Instant::now()));
                let member = &members[1 + round % (members.len() - 1)];
                let sent = Instant::now();
                let c = member.publish_commitment(session.id, &format!("Round {round}"), &key()).await.unwrap();
                acks.lock().unwrap().insert(c.id.to_string(), (sent, Instant::now()));
                tokio::time::sleep(Duration::from_millis(round_ms)).await;
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    let writes = rooms_n * rounds * 2;
    let expected = writes * per_room;
    let mut arrivals = Vec::with_capacity(expected);
    while arrivals.len() < expected {
        match tokio::time::timeout(Duration::from_secs(30), arrived_rx.recv()).await {
            Ok(Some(a)) => arrivals.push(a),
            _ => break,
        }
    }
    let load_secs = load.elapsed().as_secs_f64();
    let (cpu_after, end_kib, peak_kib) = usage_of(pids);
    let acks = acks.lock().unwrap();
    let mut latencies: Vec<Duration> =
        arrivals.iter().filter_map(|(k, at)| acks.get(k).map(|(_, ack)| at.saturating_duration_since(*ack))).collect();
    latencies.sort();
    let mut from_send: Vec<Duration> = arrivals
        .iter()
        .filter_map(|(k, at)| acks.get(k).map(|(sent, _)| at.saturating_duration_since(*sent)))
        .collect();
    from_send.sort();
    for t in tasks {
        t.abort();
    }
    eprintln!(
        "room_load: {} streams over {rooms_n} rooms: {} of {expected} deliveries, p99 {}",
        rooms_n * per_room,
        latencies.len(),
        ms(percentile(&latencies, 0.99))
    );
    Figures {
        members: rooms_n * per_room,
        rooms: rooms_n,
        writes,
        rate: writes as f64 / load_secs,
        expected,
        received: latencies.len(),
        latencies,
        from_send,
        idle_kib,
        peak_kib,
        end_kib,
        cpu_percent: (cpu_after - cpu_before) / load_secs * 100.0,
        cpu_per_write_ms: (cpu_after - cpu_before) / writes as f64 * 1000.0,
        setup_secs,
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "missed" }
}

/// One column of the report's table per deployment.
fn table(columns: &[(&str, &Figures, Option<u64>)]) -> String {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |name: &str, cell: &dyn Fn(&Figures, Option<u64>) -> String| {
        rows.push((name.to_owned(), columns.iter().map(|(_, f, mem)| cell(f, *mem)).collect()));
    };
    row("members (streams) / rooms", &|f, _| format!("{} / {}", f.members, f.rooms));
    row("writes, rate", &|f, _| format!("{}, {:.0}/s", f.writes, f.rate));
    row("deliveries received", &|f, _| format!("{} of {}", f.received, f.expected));
    row("latency p50", &|f, _| ms(percentile(&f.latencies, 0.5)));
    row("latency p99 (target < 100 ms)", &|f, _| {
        let p99 = percentile(&f.latencies, 0.99);
        format!("{} ({})", ms(p99), verdict(p99 < Duration::from_millis(100) && f.received == f.expected))
    });
    row("latency max", &|f, _| ms(f.latencies.last().copied().unwrap_or_default()));
    row("from sending to arrival: p50 / p99", &|f, _| {
        format!("{} / {}", ms(percentile(&f.from_send, 0.5)), ms(percentile(&f.from_send, 0.99)))
    });
    row("server memory: streams open, idle / peak / end", &|f, target| {
        let peak = f.peak_kib as f64 / 1024.0;
        let target =
            target.map(|mb| format!(" (target < {mb} MB: {})", verdict(peak * 1024.0 * 1024.0 < mb as f64 * 1e6)));
        format!(
            "{:.0} / {:.0} / {:.0} MiB{}",
            f.idle_kib as f64 / 1024.0,
            peak,
            f.end_kib as f64 / 1024.0,
            target.unwrap_or_default()
        )
    });
    row("server CPU during the load", &|f, _| format!("{:.0} % of one core", f.cpu_percent));
    row("server CPU per write", &|f, _| format!("{:.2} ms", f.cpu_per_write_ms));
    row("setup (rooms created, joins)", &|f, _| format!("{:.1} s", f.setup_secs));
    let mut t = format!(
        "| figure | {} |\n| --- |{}\n",
        columns.iter().map(|c| c.0).collect::<Vec<_>>().join(" | "),
        " --- |".repeat(columns.len())
    );
    for (name, cells) in rows {
        t.push_str(&format!("| {name} | {} |\n", cells.join(" | ")));
    }
    t
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();

    let sqlite = {
        let db = dir.path().join("rooms.sqlite3");
        let deployment = Deployment::start(&a.server, db.to_str().unwrap(), 1, dir.path());
        measure(deployment.address, &deployment.pids(), a.members, a.rooms, &a).await
    };
    let mut columns = vec![("one instance, SQLite", &sqlite, Some(500))];
    let postgres = match &a.postgres {
        None => None,
        Some(admin) => {
            let one = {
                let db = new_postgres_db(admin, "bench_one").await;
                let deployment = Deployment::start(&a.server, &db, 1, dir.path());
                measure(deployment.address, &deployment.pids(), a.pg_members, a.pg_rooms, &a).await
            };
            let several = {
                let db = new_postgres_db(admin, "bench_several").await;
                let deployment = Deployment::start(&a.server, &db, a.instances, dir.path());
                measure(deployment.address, &deployment.pids(), a.pg_members, a.pg_rooms, &a).await
            };
            Some((one, several))
        }
    };
    let several_name = format!("{} instances, PostgreSQL, HAProxy", a.instances);
    let mut fan_out = String::new();
    if let Some((one, several)) = &postgres {
        columns.push(("one instance, PostgreSQL", one, None));
        columns.push((several_name.as_str(), several, None));
        let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { f64::NAN };
        fan_out = format!(
            "\nThe fan-out's extra cost, {n} instances against one on the same database and load: server CPU per write \
             {cpu:.2}× (all instances together; PostgreSQL's own CPU is not counted in either), latency p99 {p99:.2}×.\n",
            n = a.instances,
            cpu = ratio(several.cpu_per_write_ms, one.cpu_per_write_ms),
            p99 = ratio(
                percentile(&several.latencies, 0.99).as_secs_f64(),
                percentile(&one.latencies, 0.99).as_secs_f64()
            ),
        );
    }
    let report = format!(
        "## Room server (`make bench-room`)\n\n\
         One event stream per member, on loopback; the load generator (crates/room-server/examples/room_load.rs) runs \
         on the same 2 cores as the release servers (and PostgreSQL, and HAProxy). {rate} writes a second are offered \
         over all rooms, for {rounds} rounds: in each, every room's host pauses or resumes the shared session and one \
         member posts a commitment, the rooms' turns spread over the round. Latency is \
         from the write's acknowledgement at its writer to the event's arrival at each member (an event that arrives \
         before the acknowledgement counts 0: a server publishes an event when it commits, before it answers); the \
         time from sending the write is given as well. Behind HAProxy every request and stream goes to the instance \
         with the fewest connections, so most events reach their streams through another instance (PostgreSQL's \
         LISTEN/NOTIFY). Memory is the servers' resident memory, summed over the instances.\n\n{table}{fan_out}",
        rounds = a.rounds,
        rate = a.rate,
        table = table(&columns),
    );
    print!("{report}");
    if let Some(doc) = a.doc {
        let text = std::fs::read_to_string(&doc).unwrap();
        let (start, end) = ("<!-- room-bench:start -->", "<!-- room-bench:end -->");
        let (before, rest) = text.split_once(start).expect("docs/benchmarks.md has the room-bench markers");
        let (_, after) = rest.split_once(end).expect("docs/benchmarks.md has the room-bench end marker");
        std::fs::write(&doc, format!("{before}{start}\n{report}{end}{after}")).unwrap();
    }
}
