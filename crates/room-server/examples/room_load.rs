//! `make bench-room`: a load generator for the room server. Starts the release server,
//! opens one event stream per member (N members over M rooms, on loopback), makes the hosts
//! change phases and the members post commitments, and measures for every write the time
//! from its acknowledgement to its arrival at every member of the room (p50, p99, max), and
//! the server's memory and CPU. Writes the figures into docs/benchmarks.md between its
//! markers. Measurement only: a missed target is reported, never a failure.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use uuid::Uuid;
use worktogether_room_protocol::*;
use worktogether_sync::{Feed, Follower, RoomMember, RoomServer};

struct Args {
    members: usize,
    rooms: usize,
    rounds: usize,
    server: PathBuf,
    doc: Option<PathBuf>,
}

fn args() -> Args {
    let mut a =
        Args { members: 2000, rooms: 200, rounds: 10, server: "target/release/worktogether-room".into(), doc: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--members" => a.members = value.parse().expect("a number"),
            "--rooms" => a.rooms = value.parse().expect("a number"),
            "--rounds" => a.rounds = value.parse().expect("a number"),
            "--server" => a.server = value.into(),
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

/// CPU seconds (user + system) and resident memory of a process.
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(&a.server)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--db", dir.path().join("rooms.sqlite3").to_str().unwrap()])
        .env("WT_ROOM_REQUESTS_PER_SECOND", "100000")
        .env("WT_ROOM_JOINS_PER_MINUTE", "1000000")
        .env("WT_ROOM_ROOMS_PER_HOUR", "1000000")
        .env("WT_ROOM_MAX_MEMBERS", "100000")
        // Every member's stream comes from loopback.
        .env("WT_ROOM_MAX_STREAMS_PER_ADDRESS", "100000")
        .env("WT_ROOM_MAX_CONNECTIONS_PER_ADDRESS", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server starts (build it with --release first)");
    let pid = child.id();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let server = RoomServer::new(&format!("http://127.0.0.1:{port}")).unwrap();
    let key = || Uuid::now_v7().to_string();

    // Rooms and members.
    let per_room = a.members / a.rooms;
    let setup = Instant::now();
    let mut rooms: Vec<Vec<RoomMember>> = Vec::new();
    let mut states = Vec::new();
    for r in 0..a.rooms {
        let create = CreateRoom { name: format!("Room {r}"), host_name: "Host".into(), link: None, description: None };
        let (host, state) = server.create_room(&create, &key()).await.unwrap();
        let mut members = vec![host];
        states.push(state.clone());
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
    for _ in 0..a.rooms * per_room {
        connected_rx.recv().await.unwrap();
    }
    let (_, rss_idle, _) = usage(pid);

    // The load: in every room, per round, the host pauses or resumes and one member posts.
    // For each write: when it was sent and when it was acknowledged.
    let acks: Arc<Mutex<HashMap<String, (Instant, Instant)>>> = Arc::default();
    let (cpu_before, _, _) = usage(pid);
    let load = Instant::now();
    let mut writers = Vec::new();
    for (r, members) in rooms.iter().enumerate() {
        let (members, acks, rounds) = (members.clone(), acks.clone(), a.rounds);
        writers.push(tokio::spawn(async move {
            let host = &members[0];
            let phases = vec![PlannedPhase { kind: PhaseKind::Focus, duration_secs: 3600 }];
            let session =
                host.start_session(&StartSession { template_name: "Load".into(), phases }, &key()).await.unwrap();
            // Spread the rooms over the round so writes do not all arrive at once.
            tokio::time::sleep(Duration::from_millis((r as u64 * 997) % 1000)).await;
            for round in 0..rounds {
                let action = if round % 2 == 0 { SessionAction::Pause } else { SessionAction::Resume };
                let sent = Instant::now();
                let s = host.control_session(session.id, action, &key()).await.unwrap();
                acks.lock().unwrap().insert(session_key(&s, action), (sent, Instant::now()));
                let member = &members[1 + round % (members.len() - 1)];
                let sent = Instant::now();
                let c = member.publish_commitment(session.id, &format!("Round {round}"), &key()).await.unwrap();
                acks.lock().unwrap().insert(c.id.to_string(), (sent, Instant::now()));
                tokio::time::sleep(Duration::from_millis(1000)).await;
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    let writes = a.rooms * a.rounds * 2;
    let expected = writes * per_room;
    let mut arrivals = Vec::with_capacity(expected);
    while arrivals.len() < expected {
        match tokio::time::timeout(Duration::from_secs(30), arrived_rx.recv()).await {
            Ok(Some(a)) => arrivals.push(a),
            _ => break,
        }
    }
    let load_secs = load.elapsed().as_secs_f64();
    let (cpu_after, rss_end, rss_peak) = usage(pid);
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
    child.kill().unwrap();
    child.wait().unwrap();

    let (p50, p99, max) =
        (percentile(&latencies, 0.5), percentile(&latencies, 0.99), latencies.last().copied().unwrap_or_default());
    let cpu = (cpu_after - cpu_before) / load_secs * 100.0;
    let verdict = |ok: bool| if ok { "met" } else { "missed" };
    let report = format!(
        "## Room server (`make bench-room`)\n\n\
         {members} members in {rooms} rooms ({per_room} each), one event stream each, on loopback; the load generator \
         (crates/room-server/examples/room_load.rs) runs on the same 2 cores as the release server. In every room, once \
         a second for {rounds} rounds, the host pauses or resumes the shared session and one member posts a commitment \
         ({writes} writes, {rate:.0} writes/s, {deliveries} deliveries). Latency is from the write's acknowledgement at \
         its writer to the event's arrival at each member (an event that arrives before the acknowledgement counts 0: the server publishes an event when it \
         commits, before it answers); the time from sending the write is given as well.\n\n\
         | figure | value | target |\n| --- | --- | --- |\n\
         | deliveries received | {got} of {deliveries} | all |\n\
         | latency p50 | {p50} | |\n\
         | latency p99 | {p99} | < 100 ms ({v_lat}) |\n\
         | latency max | {max} | |\n\
         | from sending the write to arrival: p50 / p99 / max | {s50} / {s99} / {smax} | |\n\
         | server memory, all streams open, idle | {idle:.0} MiB | |\n\
         | server memory, peak (VmHWM) | {peak:.0} MiB | < 300 MB ({v_mem}) |\n\
         | server memory, end | {end:.0} MiB | |\n\
         | server CPU during the load | {cpu:.0} % of one core | |\n\
         | setup: {rooms} rooms created, {joins} joins | {setup_secs:.1} s | |\n",
        members = a.rooms * per_room,
        rooms = a.rooms,
        rounds = a.rounds,
        rate = writes as f64 / load_secs,
        deliveries = expected,
        got = latencies.len(),
        p50 = ms(p50),
        p99 = ms(p99),
        max = ms(max),
        s50 = ms(percentile(&from_send, 0.5)),
        s99 = ms(percentile(&from_send, 0.99)),
        smax = ms(from_send.last().copied().unwrap_or_default()),
        v_lat = verdict(p99 < Duration::from_millis(100) && latencies.len() == expected),
        idle = rss_idle as f64 / 1024.0,
        peak = rss_peak as f64 / 1024.0,
        end = rss_end as f64 / 1024.0,
        v_mem = verdict((rss_peak as f64 * 1024.0) < 300e6),
        joins = a.rooms * (per_room - 1),
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
