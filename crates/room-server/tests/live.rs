//! The real server binary over real TCP, with the real client library: a host and three
//! members through a shared session, a member cut off and catching up, the server killed
//! with SIGKILL mid-session and restarted, forged entries and host actions refused; on
//! PostgreSQL also three instances behind a load balancer, one of them killed.
//!
//! No assertion depends on timing: waits are for events or states, with a generous limit
//! only so that a broken build fails instead of hanging.

mod common;

use common::{
    HANG_GUARD, LoadBalancer, POSTGRES, ServerProcess, closed_within, connect_from, health_within, new_db, on_postgres,
};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;
use tokio::time::timeout;
use uuid::Uuid;
use worktogether_room_protocol::*;
use worktogether_sync::{Feed, Follower, RoomMember, RoomServer, SyncError};

/// A member's client: its membership, and everything its follower received.
struct Client {
    member: RoomMember,
    follower: Option<Follower>,
    /// Whether the follower's stream is open, as far as its feed has told.
    connected: bool,
    /// How often its stream broke (and the follower connected again).
    breaks: usize,
    events: Vec<RoomEvent>,
    session: Option<SharedSession>,
}

impl Client {
    fn new(member: RoomMember, state: &RoomState) -> Self {
        let mut client =
            Self { member, follower: None, connected: false, breaks: 0, events: Vec::new(), session: None };
        client.session = state.session.clone();
        client.follow(state.last_event_id);
        client
    }

    /// Follows the room (again), after event `after`.
    fn follow(&mut self, after: u64) {
        self.follower = Some(Follower::start(self.member.clone(), after));
        self.connected = false;
    }

    /// Stops following, as when the network is cut.
    fn unfollow(&mut self) {
        self.follower = None;
        self.connected = false;
    }

    fn last_id(&self) -> u64 {
        self.events.last().map_or(0, |e| e.id)
    }

    /// Handles feed items until `done` holds for what was received.
    async fn until(&mut self, what: &str, done: impl Fn(&[RoomEvent]) -> bool) {
        self.wait(what, |c| done(&c.events)).await;
    }

    /// Handles feed items until the stream is open: the server counts the member as here.
    async fn until_connected(&mut self) {
        self.wait("its stream", |c| c.connected).await;
    }

    async fn wait(&mut self, what: &str, done: impl Fn(&Self) -> bool) {
        let member = self.member.member_id;
        timeout(HANG_GUARD, async {
            while !done(self) {
                let item = self.follower.as_mut().expect("following").feed.recv().await.expect("the follower runs");
                self.take(item);
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{member} waited too long for {what}"));
    }

    fn take(&mut self, item: Feed) {
        match item {
            Feed::Event(e) => {
                if let RoomChange::SessionStarted { session } | RoomChange::SessionChanged { session, .. } = &e.change {
                    self.session = Some(session.clone());
                }
                self.events.push(e);
            }
            Feed::Connected => self.connected = true,
            Feed::Disconnected(e) => {
                assert!(e.is_transient(), "only transient breaks: {e}");
                self.connected = false;
                self.breaks += 1;
            }
        }
    }

    /// The commitment ids this client saw published.
    fn published(&self) -> Vec<Uuid> {
        self.events
            .iter()
            .filter_map(|e| match &e.change {
                RoomChange::CommitmentPublished { commitment } => Some(commitment.id),
                _ => None,
            })
            .collect()
    }

    fn outcomes(&self) -> HashSet<Uuid> {
        self.events
            .iter()
            .filter_map(|e| match &e.change {
                RoomChange::CommitmentUpdated { commitment } if commitment.outcome != Outcome::Pending => {
                    Some(commitment.id)
                }
                _ => None,
            })
            .collect()
    }
}

fn count_published(n: usize) -> impl Fn(&[RoomEvent]) -> bool {
    move |events| events.iter().filter(|e| matches!(e.change, RoomChange::CommitmentPublished { .. })).count() >= n
}

fn key() -> String {
    Uuid::now_v7().to_string()
}

/// A host and `members` members, each with a client following the room.
async fn room(server: &RoomServer, members: usize) -> Vec<Client> {
    let create = CreateRoom { name: "Worktogether".into(), host_name: "Host".into(), link: None, description: None };
    let (host, state) = server.create_room(&create, &key()).await.unwrap();
    let mut clients = vec![Client::new(host, &state)];
    for i in 0..members {
        let (m, state) = server.join(&state.room.code, &format!("Member {i}"), &key()).await.unwrap();
        clients.push(Client::new(m, &state));
    }
    clients
}

fn plan(secs: &[(PhaseKind, u32)]) -> StartSession {
    StartSession {
        template_name: "Quick".into(),
        phases: secs.iter().map(|&(kind, duration_secs)| PlannedPhase { kind, duration_secs }).collect(),
    }
}

fn phase_kind(p: SharedPhase) -> Option<PhaseKind> {
    match p {
        SharedPhase::Running { kind, .. } | SharedPhase::Paused { kind, .. } => Some(kind),
        SharedPhase::Over { .. } => None,
    }
}

/// Waits (on server time) until the session is in a phase of `kind` on the server too: also
/// at the earliest instant the server's clock may show, as far as the client knows it.
async fn wait_for_phase(server: &RoomServer, client: &mut Client, kind: PhaseKind) {
    timeout(HANG_GUARD, async {
        loop {
            let session = client.session.clone().expect("a session");
            let earliest = server.now() - server.clock().uncertainty().expect("the server answered");
            if phase_kind(server.phase_now(&session)) == Some(kind)
                && phase_kind(session.phase_at(earliest)) == Some(kind)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the phase comes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_and_three_members_share_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let process = ServerProcess::start(&new_db(dir.path()));
    let server = RoomServer::new(&process.address()).unwrap();
    let mut clients = room(&server, 3).await;
    let joined =
        |events: &[RoomEvent]| events.iter().filter(|e| matches!(e.change, RoomChange::MemberJoined { .. })).count();
    let host = clients[0].member.clone();
    let session = host
        .start_session(&plan(&[(PhaseKind::Commitment, 3), (PhaseKind::Focus, 2), (PhaseKind::Closing, 600)]), &key())
        .await
        .unwrap();
    for (i, c) in clients.iter_mut().enumerate() {
        c.until("the session", |e| e.iter().any(|e| matches!(e.change, RoomChange::SessionStarted { .. }))).await;
        assert_eq!(joined(&c.events), 3 - i.min(3), "a client sees the joins after its own (the host sees all three)");
    }

    // Same session data everywhere, so the same phase at every server instant.
    let copies: Vec<SharedSession> = clients.iter().map(|c| c.session.clone().unwrap()).collect();
    assert!(copies.iter().all(|s| *s == session), "every client holds the host's session");
    for step in 0..=40 {
        let at = session.started_at + chrono::Duration::milliseconds(step * 250);
        let phases: HashSet<_> = copies.iter().map(|s| format!("{:?}", s.phase_at(at))).collect();
        assert_eq!(phases.len(), 1, "one phase for all at {at}: {phases:?}");
    }
    for c in &clients {
        // One machine: the true offset is zero, so the estimate is off by no more than it may be.
        let clock = c.member.server.clock();
        let (offset, uncertainty) = (clock.offset(), clock.uncertainty().unwrap());
        assert!(offset.abs() <= uncertainty, "one machine, yet an offset of {offset}, more than ±{uncertainty}");
    }

    // Everyone commits; everyone receives all four commitments.
    let mut mine: HashMap<Uuid, Uuid> = HashMap::new();
    for c in &clients {
        let text = format!("Bookkeeping of {}", c.member.member_id);
        let published = c.member.publish_commitment(session.id, &text, &key()).await.unwrap();
        assert!(!published.afterwards);
        mine.insert(c.member.member_id, published.id);
    }
    for c in clients.iter_mut() {
        c.until("four commitments", count_published(4)).await;
        let seen: HashSet<Uuid> = c.published().into_iter().collect();
        assert_eq!(seen, mine.values().copied().collect(), "each sees every commitment once");
    }

    // Forgeries: a member reporting another's outcome, or acting as host.
    let (m1, m2) = (clients[1].member.clone(), clients[2].member.clone());
    let report = ReportOutcome { outcome: Outcome::Done, note: Some("done".into()), feedback_wanted: true };
    let forged = m2.report_outcome(mine[&m1.member_id], &report, &key()).await;
    assert_eq!(forged.unwrap_err(), SyncError::Forbidden);
    assert_eq!(m1.control_session(session.id, SessionAction::End, &key()).await.unwrap_err(), SyncError::Forbidden);
    let rename = UpdateRoom { name: Some("Mine".into()), ..UpdateRoom::default() };
    assert_eq!(m1.update_room(&rename, &key()).await.unwrap_err(), SyncError::Forbidden);

    // Member 3's network is cut while the others report their outcomes.
    let cut = clients[3].last_id();
    clients[3].unfollow();
    let mut host_client = clients.remove(0);
    wait_for_phase(&server, &mut host_client, PhaseKind::Closing).await;
    clients.insert(0, host_client);
    for c in &clients[..3] {
        c.member.report_outcome(mine[&c.member.member_id], &report, &key()).await.unwrap();
    }
    let kudos = m1.give_kudos(mine[&host.member_id], &key()).await.unwrap();
    assert_eq!(kudos.kudos, vec![m1.member_id]);
    for c in clients[..3].iter_mut() {
        c.until("three outcomes", |e| e.iter().filter(|e| matches!(&e.change, RoomChange::CommitmentUpdated { commitment } if commitment.outcome == Outcome::Done)).count() >= 3).await;
    }
    // Back online: it catches up from where it was cut, exactly once and in order.
    clients[3].follow(cut);
    // Member 3 joined last: compare from its first event on.
    let first = clients[3].events[0].id;
    let reference: Vec<u64> = clients[1].events.iter().map(|e| e.id).filter(|&id| id >= first).collect();
    let target = *reference.last().unwrap();
    clients[3].until("catching up", |e| e.last().is_some_and(|e| e.id >= target)).await;
    let ids: Vec<u64> = clients[3].events.iter().map(|e| e.id).collect();
    assert_eq!(ids, reference, "the cut-off member saw the same events as the others, once each, in order");
    assert_eq!(clients[3].outcomes().len(), 3);

    // Asynchronous participation: after the end, a member still posts.
    host.control_session(session.id, SessionAction::End, &key()).await.unwrap();
    let late = m2.publish_commitment(session.id, "Website texts, afterwards", &key()).await.unwrap();
    assert!(late.afterwards, "posted after the session: marked as asynchronous");
    let detail = host.session(session.id).await.unwrap();
    assert_eq!(detail.commitments.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_session_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut process = ServerProcess::start(&new_db(dir.path()));
    let server = RoomServer::new(&process.address()).unwrap();
    let mut clients = room(&server, 3).await;
    let session = clients[0]
        .member
        .start_session(&plan(&[(PhaseKind::Commitment, 600), (PhaseKind::Closing, 600)]), &key())
        .await
        .unwrap();

    // Each member writes 15 commitments, retrying each with its key until acknowledged.
    const EACH: usize = 15;
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<Uuid>();
    let mut writers = Vec::new();
    for c in &clients[1..] {
        let (member, acked) = (c.member.clone(), acked_tx.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..EACH {
                let key = key();
                let text = format!("{} #{i}", member.member_id);
                let id = loop {
                    match member.publish_commitment(session.id, &text, &key).await {
                        Ok(c) => break c.id,
                        Err(e) if e.is_transient() => tokio::time::sleep(Duration::from_millis(50)).await,
                        Err(e) => panic!("refused: {e}"),
                    }
                };
                acked.send(id).unwrap();
            }
        }));
    }
    drop(acked_tx);
    let mut acked = Vec::new();
    while acked.len() < 10 {
        acked.push(acked_rx.recv().await.unwrap());
    }
    process.kill_9();
    // While it is down, writes are refused as "unreachable" and retried.
    let down = clients[1].member.state().await.unwrap_err();
    assert!(matches!(down, SyncError::Unreachable { .. }), "{down}");
    process.restart();
    while let Some(id) = acked_rx.recv().await {
        acked.push(id);
    }
    for w in writers {
        w.await.unwrap();
    }

    let detail = clients[0].member.session(session.id).await.unwrap();
    let stored: HashSet<Uuid> = detail.commitments.iter().map(|c| c.id).collect();
    assert!(acked.iter().all(|id| stored.contains(id)), "every acknowledged write survived SIGKILL");
    assert_eq!(detail.commitments.len(), 3 * EACH, "retries with the same key applied once");

    // The followers reconnected by themselves and got each commitment exactly once.
    for c in clients.iter_mut() {
        c.until("all commitments", count_published(3 * EACH)).await;
        let published = c.published();
        assert_eq!(published.len(), 3 * EACH, "no duplicates");
        assert_eq!(published.iter().copied().collect::<HashSet<_>>(), stored);
        assert!(c.events.windows(2).all(|w| w[0].id < w[1].id), "in order");
    }
}

/// Publishes `each` commitments as `member`, each retried with its key until acknowledged,
/// and sends each acknowledged id.
fn write_commitments(
    member: &RoomMember,
    session: Uuid,
    each: usize,
    acked: tokio::sync::mpsc::UnboundedSender<Uuid>,
) -> tokio::task::JoinHandle<()> {
    let member = member.clone();
    tokio::spawn(async move {
        for i in 0..each {
            let key = key();
            let text = format!("{} #{i}", member.member_id);
            let id = loop {
                match member.publish_commitment(session, &text, &key).await {
                    Ok(c) => break c.id,
                    Err(e) if e.is_transient() => tokio::time::sleep(Duration::from_millis(50)).await,
                    Err(e) => panic!("refused: {e}"),
                }
            };
            acked.send(id).unwrap();
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_behind_one_address_lose_and_repeat_nothing_when_one_is_killed() {
    if !on_postgres() {
        return eprintln!("skipped: several instances share a PostgreSQL database ({POSTGRES}; make test sets it)");
    }
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path());
    let writer = ServerProcess::start(&db);
    let mut listeners = [ServerProcess::start(&db), ServerProcess::start(&db)];
    let lb = LoadBalancer::start(dir.path(), writer.address, &[listeners[0].address, listeners[1].address]);
    // The host writes through one instance; the members join, write and listen through the others.
    let host_side = RoomServer::new(&format!("http://{}", lb.host)).unwrap();
    let member_side = RoomServer::new(&format!("http://{}", lb.members)).unwrap();
    let create = CreateRoom { name: "Everywhere".into(), host_name: "Host".into(), link: None, description: None };
    let (host, state) = host_side.create_room(&create, &key()).await.unwrap();
    let mut clients = Vec::new();
    for i in 0..4 {
        let (m, state) = member_side.join(&state.room.code, &format!("Member {i}"), &key()).await.unwrap();
        clients.push(Client::new(m, &state));
    }
    for c in clients.iter_mut() {
        c.until_connected().await;
    }
    let session =
        host.start_session(&plan(&[(PhaseKind::Commitment, 600), (PhaseKind::Closing, 600)]), &key()).await.unwrap();

    const EACH: usize = 12;
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<Uuid>();
    let mut writers = vec![write_commitments(&host, session.id, EACH, acked_tx.clone())];
    for c in &clients {
        writers.push(write_commitments(&c.member, session.id, EACH, acked_tx.clone()));
    }
    drop(acked_tx);
    let mut acked = Vec::new();
    while acked.len() < 15 {
        acked.push(acked_rx.recv().await.unwrap());
    }
    // Mid-session, one of the members' instances dies: its streams and requests fail over.
    listeners[0].kill_for_good();
    while let Some(id) = acked_rx.recv().await {
        acked.push(id);
    }
    for w in writers {
        w.await.unwrap();
    }

    let total = 5 * EACH;
    let detail = host.session(session.id).await.unwrap();
    let stored: HashSet<Uuid> = detail.commitments.iter().map(|c| c.id).collect();
    assert!(acked.iter().all(|id| stored.contains(id)), "every acknowledged write is stored");
    assert_eq!(detail.commitments.len(), total, "a retry through another instance applied once");
    for c in clients.iter_mut() {
        c.until("every commitment", count_published(total)).await;
        let published = c.published();
        assert_eq!(published.len(), total, "nothing twice");
        assert_eq!(published.iter().copied().collect::<HashSet<_>>(), stored, "nothing lost");
        assert!(c.events.windows(2).all(|w| w[0].id + 1 == w[1].id), "in order, with no gap in the room's ids");
    }
    assert!(clients.iter().any(|c| c.breaks > 0), "the killed instance served streams, which failed over");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vanished_member_shows_as_away_and_sigterm_closes_streams() {
    let dir = tempfile::tempdir().unwrap();
    let process = ServerProcess::start(&new_db(dir.path()));
    let server = RoomServer::new(&process.address()).unwrap();
    let mut clients = room(&server, 1).await;
    let member_id = clients[1].member.member_id;
    clients[1].member.set_presence(Presence::Focusing, &key()).await.unwrap();
    let presence_of = move |events: &[RoomEvent], p: Presence| {
        events.iter().any(|e| matches!(e.change, RoomChange::PresenceChanged { member_id: m, presence } if m == member_id && presence == p))
    };
    clients[0].until("focusing", move |e| presence_of(e, Presence::Focusing)).await;
    // Its stream was open (only a stream that closes makes a member away), then the lid closes.
    clients[1].until_connected().await;
    clients[1].unfollow();
    clients[0].until("away", move |e| presence_of(e, Presence::Away)).await;
    let state = clients[0].member.state().await.unwrap();
    assert_eq!(state.members.iter().find(|m| m.id == member_id).unwrap().presence, Presence::Away);
    let seen = clients[0].last_id();
    clients[1].follow(seen);
    let back = clients[0].events.len();
    clients[0]
        .until("back", move |e| {
            e[back..].iter().any(|e| matches!(e.change, RoomChange::PresenceChanged { member_id: m, presence: Presence::Focusing } if m == member_id))
        })
        .await;

    // SIGTERM: the server closes the open streams and exits cleanly.
    let status = Command::new("kill").args(["-TERM", &process.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut process = process;
    let exit = process.child.wait().unwrap();
    assert!(exit.success(), "a graceful shutdown exits with success: {exit}");
    let follower = clients[0].follower.as_mut().unwrap();
    let closed = timeout(HANG_GUARD, async {
        loop {
            if let Feed::Disconnected(e) = follower.feed.recv().await.unwrap() {
                return e;
            }
        }
    })
    .await
    .unwrap();
    assert!(closed.is_transient(), "the client will reconnect: {closed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hour_offline_then_back_everything_arrives_once_in_order() {
    use std::sync::{Arc, Mutex};
    use worktogether_core::store::outbox::RoomMembership;
    use worktogether_sync::{Outbox, RoomWrite, room_view};

    let dir = tempfile::tempdir().unwrap();
    let mut process = ServerProcess::start(&new_db(dir.path()));
    let server = RoomServer::new(&process.address()).unwrap();
    let clients = room(&server, 1).await;
    let (host, member) = (clients[0].member.clone(), clients[1].member.clone());
    let session =
        host.start_session(&plan(&[(PhaseKind::Commitment, 3600), (PhaseKind::Closing, 600)]), &key()).await.unwrap();

    // The member's app: its own SQLite store with the membership and the room last seen.
    let app_db = worktogether_core::Store::open(&dir.path().join("app.sqlite3")).unwrap();
    let now = chrono::Utc::now();
    app_db
        .save_room_membership(&RoomMembership {
            id: member.member_id,
            server: server.address().into(),
            room_code: member.code.clone(),
            display_name: "Member 0".into(),
            joined_at: now,
        })
        .unwrap();
    let state = member.state().await.unwrap();
    room_view::remember(&app_db, member.member_id, &state, now).unwrap();
    let store = Arc::new(Mutex::new(app_db));
    let outbox = Outbox::new(store.clone());

    process.kill_9();
    let texts: Vec<String> = (0..5).map(|i| format!("Offline commitment {i}")).collect();
    for text in &texts {
        outbox
            .enqueue(
                member.member_id,
                &RoomWrite::PublishCommitment { session: session.id, text: text.clone(), local: None },
                now,
            )
            .unwrap();
    }
    outbox.enqueue(member.member_id, &RoomWrite::Presence { presence: Presence::Focusing }, now).unwrap();
    // Offline, the room last seen is still there to show.
    let offline = room_view::last_seen(&store.lock().unwrap(), member.member_id).unwrap().unwrap();
    assert_eq!(offline, state);

    // An hour of retries on a simulated clock: each attempt fails, nothing is lost.
    let mut clock = now;
    let mut attempts = 0;
    while clock < now + chrono::Duration::hours(1) {
        let flushed = outbox.flush(&member, clock).await.unwrap();
        assert_eq!(flushed.sent, 0);
        let (next, error) = flushed.waiting.expect("still waiting");
        if let Some(e) = error {
            assert!(matches!(e, SyncError::Unreachable { .. }), "{e}");
            attempts += 1;
        }
        clock = next;
    }
    assert!((5..=30).contains(&attempts), "backing off, not hammering: {attempts} attempts in an hour");
    assert_eq!(store.lock().unwrap().pending_room_writes(member.member_id).unwrap(), 6);

    // The first write reached the server once before, but its answer was lost.
    process.restart();
    let head = store.lock().unwrap().next_room_write(member.member_id).unwrap().unwrap();
    worktogether_sync::outbox::send(&member, &head).await.unwrap();

    let flushed = outbox.flush(&member, clock).await.unwrap();
    assert_eq!((flushed.sent, flushed.refused.len(), flushed.waiting.is_none()), (6, 0, true), "{flushed:?}");
    let detail = host.session(session.id).await.unwrap();
    let stored: Vec<&str> = detail.commitments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(stored, texts.iter().map(String::as_str).collect::<Vec<_>>(), "each once, in the order written");
    let state = host.state().await.unwrap();
    assert_eq!(state.members.iter().find(|m| m.id == member.member_id).unwrap().presence, Presence::Focusing);
    assert_eq!(outbox.flush(&member, clock).await.unwrap(), worktogether_sync::Flushed::default(), "nothing left");

    // A write the server refuses for good does not block the ones after it.
    let too_early = detail.commitments[0].id; // outcomes wait for the closing round
    let report = ReportOutcome { outcome: Outcome::Done, note: None, feedback_wanted: false };
    outbox.enqueue(member.member_id, &RoomWrite::ReportOutcome { commitment: too_early, report }, clock).unwrap();
    outbox.enqueue(member.member_id, &RoomWrite::Presence { presence: Presence::Break }, clock).unwrap();
    let flushed = outbox.flush(&member, clock).await.unwrap();
    assert_eq!(flushed.sent, 1);
    assert!(matches!(flushed.refused[..], [(_, SyncError::WrongState { .. })]), "{flushed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_get_errors_a_person_can_act_on() {
    assert!(matches!(RoomServer::new("rooms example org"), Err(SyncError::BadServerAddress { .. })));
    assert!(matches!(RoomServer::new("ftp://rooms.example.org"), Err(SyncError::BadServerAddress { .. })));
    // Nothing listens on this port: it is bound, without listening, so no server takes it.
    let held = tokio::net::TcpSocket::new_v4().unwrap();
    held.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let nowhere = RoomServer::new(&format!("http://{}", held.local_addr().unwrap())).unwrap();
    assert!(matches!(nowhere.join("ABCDE-FGHJK", "Ada", &key()).await, Err(SyncError::Unreachable { .. })));
    drop(held);

    let dir = tempfile::tempdir().unwrap();
    let process = ServerProcess::start(&new_db(dir.path()));
    let server = RoomServer::new(&process.address()).unwrap();
    assert!(matches!(server.join("ABC-0", "Ada", &key()).await, Err(SyncError::NotARoomCode { .. })));
    assert_eq!(server.join("ABCDE-FGHJK", "Ada", &key()).await.err(), Some(SyncError::RoomNotFound));
    let clients = room(&server, 1).await;
    let code = clients[0].member.code.to_lowercase();
    assert!(matches!(server.join(&code, " ", &key()).await, Err(SyncError::Invalid { .. })), "a blank name");
    let member = clients[1].member.clone();
    member.leave(&key()).await.unwrap();
    assert_eq!(
        member.state().await.err(),
        Some(SyncError::TokenExpired),
        "after leaving, the token is no longer valid"
    );
    let session = clients[0].member.control_session(Uuid::now_v7(), SessionAction::Pause, &key()).await;
    assert!(matches!(session, Err(SyncError::NotFound { .. })), "{session:?}");
}

/// A raw `GET …/events` over its own TCP connection: the status, the head, and the
/// connection (the stream stays open while it is held).
fn raw_stream(address: SocketAddr, code: &str, token: &str) -> (u16, String, std::net::TcpStream) {
    use std::io::{Read, Write};
    let mut tcp = std::net::TcpStream::connect(address).unwrap();
    tcp.set_read_timeout(Some(HANG_GUARD)).unwrap();
    let request = format!(
        "GET /v1/rooms/{code}/events HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        tcp.read_exact(&mut byte).expect("an answer");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap();
    (status, head, tcp)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_per_address_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("WT_ROOM_MAX_STREAMS_PER_ADDRESS", "3"), ("WT_ROOM_KEEP_ALIVE_SECS", "1")];
    let process = ServerProcess::start_with(&new_db(dir.path()), &env);
    let server = RoomServer::new(&process.address()).unwrap();
    let create = CreateRoom { name: "Worktogether".into(), host_name: "Host".into(), link: None, description: None };
    let (host, state) = server.create_room(&create, &key()).await.unwrap();
    let mut members = vec![host];
    for i in 0..2 {
        members.push(server.join(&state.room.code, &format!("Member {i}"), &key()).await.unwrap().0);
    }
    let mut open = Vec::new();
    for m in &members {
        let (status, head, tcp) = raw_stream(process.address, &m.code, &m.token);
        assert_eq!(status, 200, "three streams from one address are fine: {head}");
        open.push(tcp);
    }
    let (status, head, _) = raw_stream(process.address, &members[0].code, &members[0].token);
    assert_eq!(status, 429, "a fourth stream from the address is refused: {head}");
    assert!(head.to_ascii_lowercase().contains("retry-after:"), "429 says when to retry: {head}");
    assert!(head.contains("application/json"), "the refusal is our JSON error: {head}");
    assert!(members[1].state().await.is_ok(), "other requests from the address still work");

    // A closed connection frees its place (the server notices at the next keep-alive).
    drop(open.pop());
    timeout(HANG_GUARD, async {
        loop {
            let (status, _, tcp) = raw_stream(process.address, &members[2].code, &members[2].token);
            if status == 200 {
                return tcp;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .expect("the place is free again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_loris_connections_are_closed_and_health_still_answers() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("WT_ROOM_HEADER_READ_TIMEOUT_SECS", "1"),
        ("WT_ROOM_BODY_READ_TIMEOUT_SECS", "1"),
        ("WT_ROOM_MAX_CONNECTIONS", "60"),
        ("WT_ROOM_KEEP_ALIVE_SECS", "1"),
    ];
    let process = ServerProcess::start_with(&new_db(dir.path()), &env);
    let address = process.address;
    let server = RoomServer::new(&process.address()).unwrap();
    let create = CreateRoom { name: "Worktogether".into(), host_name: "Host".into(), link: None, description: None };
    let (host, _) = server.create_room(&create, &key()).await.unwrap();
    // A member's event stream is not a stalled request: it outlives the header timeout.
    let (status, head, stream) = raw_stream(address, &host.code, &host.token);
    assert_eq!(status, 200, "{head}");

    // 50 connections that send half a request head and then nothing.
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut tcp = tokio::net::TcpStream::connect(address).await.unwrap();
        tcp.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
        stalled.push(tcp);
    }
    // One that sends its head and a part of the body it announced.
    let mut slow_body = tokio::net::TcpStream::connect(address).await.unwrap();
    slow_body
        .write_all(b"POST /v1/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
        .await
        .unwrap();
    let health = health_within(address, Duration::from_secs(1)).await;
    assert!(health.as_deref().is_some_and(|h| h.contains(" 200 ")), "health answers within 1 s: {health:?}");

    for (i, tcp) in stalled.iter_mut().enumerate() {
        assert!(closed_within(tcp, Duration::from_secs(5)).await, "stalled connection {i} is closed after the timeout");
    }
    let mut answer = String::new();
    {
        use tokio::io::AsyncReadExt;
        let mut buf = Vec::new();
        let read = timeout(Duration::from_secs(5), slow_body.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "a body that never arrives ends in time");
        answer.push_str(&String::from_utf8_lossy(&buf));
    }
    assert!(answer.starts_with("HTTP/1.1 408"), "a body not sent in time is a 408: {answer}");

    // The stream is still open and still hears keep-alives.
    let mut stream = tokio::net::TcpStream::from_std({
        stream.set_nonblocking(true).unwrap();
        stream
    })
    .unwrap();
    let mut buf = [0u8; 256];
    let n = timeout(Duration::from_secs(5), tokio::io::AsyncReadExt::read(&mut stream, &mut buf)).await;
    assert!(matches!(n, Ok(Ok(n)) if n > 0), "the event stream survives the header timeout: {n:?}");
    let health = health_within(address, Duration::from_secs(1)).await;
    assert!(health.as_deref().is_some_and(|h| h.contains(" 200 ")), "and health answers after: {health:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_capped_and_a_freed_place_is_served() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let env = [("WT_ROOM_HEADER_READ_TIMEOUT_SECS", "2"), ("WT_ROOM_MAX_CONNECTIONS", "5")];
    let process = ServerProcess::start_with(&new_db(dir.path()), &env);
    let address = process.address;
    let mut stalled = Vec::new();
    for _ in 0..5 {
        let mut tcp = tokio::net::TcpStream::connect(address).await.unwrap();
        tcp.write_all(b"GET /health HTTP/1.1\r\n").await.unwrap();
        stalled.push(tcp);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Every place is taken: a sixth client waits in the backlog, unserved …
    assert_eq!(health_within(address, Duration::from_millis(500)).await, None, "the sixth connection waits");
    // … until a place is free.
    drop(stalled.pop());
    let health = health_within(address, Duration::from_secs(1)).await;
    assert!(health.as_deref().is_some_and(|h| h.contains(" 200 ")), "a freed place is served: {health:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let env = [("WT_ROOM_HEADER_READ_TIMEOUT_SECS", "30"), ("WT_ROOM_MAX_CONNECTIONS_PER_ADDRESS", "5")];
    let process = ServerProcess::start_with(&new_db(dir.path()), &env);
    let address = process.address;
    let mut stalled = Vec::new();
    for _ in 0..5 {
        let mut tcp = connect_from("127.0.0.1", address).await;
        tcp.write_all(b"GET /health HTTP/1.1\r\n").await.unwrap();
        stalled.push(tcp);
    }
    let mut sixth = connect_from("127.0.0.1", address).await;
    let _ = sixth.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let mut answer = Vec::new();
    let read = timeout(Duration::from_secs(2), sixth.read_to_end(&mut answer)).await;
    assert!(read.is_ok() && answer.is_empty(), "the address's sixth connection is closed at once, unanswered");

    // Another address is served at once.
    let mut other = connect_from("127.0.0.2", address).await;
    other.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    timeout(Duration::from_secs(1), other.read_to_end(&mut answer)).await.expect("health within 1 s").unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));

    // A closed connection frees the address's place.
    drop(stalled.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let health = health_within(address, Duration::from_secs(1)).await;
    assert!(health.as_deref().is_some_and(|h| h.contains(" 200 ")), "{health:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_keeps_a_removed_member_out_with_a_new_code() {
    let dir = tempfile::tempdir().unwrap();
    let process = ServerProcess::start(&new_db(dir.path()));
    let server = RoomServer::new(&process.address()).unwrap();
    let create = CreateRoom { name: "Worktogether".into(), host_name: "Host".into(), link: None, description: None };
    let (host, state) = server.create_room(&create, &key()).await.unwrap();
    let (stays, _) = server.join(&state.room.code, "Stays", &key()).await.unwrap();
    let (removed, _) = server.join(&state.room.code, "Removed", &key()).await.unwrap();
    host.remove_member(removed.member_id, &key()).await.unwrap();
    let room = host.change_code(&key()).await.unwrap();
    assert_ne!(room.code, state.room.code);
    let again = server.join(&state.room.code, "Removed", &key()).await;
    assert!(matches!(again, Err(SyncError::RoomNotFound)), "the old code admits nobody: {:?}", again.err());
    let seen = stays.state().await.expect("a member keeps working with the code they saved");
    assert_eq!(seen.room.code, room.code, "and learns the new one");
    assert!(server.join(&room.code, "New", &key()).await.is_ok(), "the new code admits");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_ask_the_host_and_the_host_deletes_the_room_for_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let process = ServerProcess::start(&new_db(dir.path()));
    let server = RoomServer::new(&process.address()).unwrap();
    let mut clients = room(&server, 2).await;
    let (host, asker, other) = (clients[0].member.clone(), clients[1].member.clone(), clients[2].member.clone());
    let session = host.start_session(&plan(&[(PhaseKind::Commitment, 3600)]), &key()).await.unwrap();
    let commitment = asker.publish_commitment(session.id, "Launch the shop's account", &key()).await.unwrap();

    let key_once = key();
    let question = asker.ask_question(commitment.id, "Reels or stories first?", &key_once).await.unwrap();
    let retried = asker.ask_question(commitment.id, "Reels or stories first?", &key_once).await.unwrap();
    assert_eq!(retried, question, "a retry gets the first answer");
    assert_eq!(
        (question.member_id, question.commitment_id, question.answered_at),
        (asker.member_id, commitment.id, None)
    );
    let refused = other.ask_question(commitment.id, "Mine?", &key()).await;
    assert_eq!(refused.err(), Some(SyncError::Forbidden), "only about one's own commitments");
    assert_eq!(asker.mark_answered(question.id, &key()).await.err(), Some(SyncError::Forbidden), "host only");
    let answered = host.mark_answered(question.id, &key()).await.unwrap();
    assert!(answered.answered_at.is_some());
    assert_eq!(host.mark_answered(question.id, &key()).await.unwrap(), answered, "again is fine");
    assert_eq!(other.session(session.id).await.unwrap().questions, [answered]);
    for c in &mut clients {
        c.until("the answer", |e| e.iter().any(|e| matches!(e.change, RoomChange::QuestionAnswered { .. }))).await;
        let asked = c.events.iter().filter(|e| matches!(e.change, RoomChange::QuestionAsked { .. })).count();
        assert_eq!(asked, 1, "asked once");
    }

    host.delete_room(&key()).await.unwrap();
    for c in &mut clients {
        // The last event, then the stream ends; reconnecting finds the membership gone.
        let mut follower = c.follower.take().expect("following");
        let (mut deleted, mut ended) = (false, None);
        timeout(HANG_GUARD, async {
            while let Some(item) = follower.feed.recv().await {
                match item {
                    Feed::Event(e) => deleted |= e.change == RoomChange::RoomDeleted,
                    Feed::Disconnected(e) if !e.is_transient() => {
                        ended = Some(e);
                        break;
                    }
                    _ => {}
                }
            }
        })
        .await
        .expect("the follower stops");
        assert!(deleted, "{} heard that the room was deleted", c.member.member_id);
        assert_eq!(ended, Some(SyncError::TokenExpired));
        assert_eq!(c.member.state().await.err(), Some(SyncError::TokenExpired));
    }
    assert_eq!(host.delete_room(&key()).await.err(), Some(SyncError::TokenExpired), "already gone");
    assert_eq!(server.join(&host.code, "Late", &key()).await.err(), Some(SyncError::RoomNotFound));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commitment_posted_ahead_through_the_outbox_reaches_the_next_session() {
    use std::sync::{Arc, Mutex};
    use worktogether_core::store::outbox::RoomMembership;
    use worktogether_sync::{Outbox, RoomWrite, room_view};

    let dir = tempfile::tempdir().unwrap();
    let process = ServerProcess::start(&new_db(dir.path()));
    let server = RoomServer::new(&process.address()).unwrap();
    let mut clients = room(&server, 1).await;
    let (host, member) = (clients[0].member.clone(), clients[1].member.clone());
    // The host's room as last seen, kept current by the events its follower receives.
    let mut view = host.state().await.unwrap();

    // The member's app: the write waits in its outbox, then goes.
    let app_db = worktogether_core::Store::open(&dir.path().join("app.sqlite3")).unwrap();
    let now = chrono::Utc::now();
    app_db
        .save_room_membership(&RoomMembership {
            id: member.member_id,
            server: server.address().into(),
            room_code: member.code.clone(),
            display_name: "Member 0".into(),
            joined_at: now,
        })
        .unwrap();
    let outbox = Outbox::new(Arc::new(Mutex::new(app_db)));
    let text = "Invoices, while I am away".to_owned();
    outbox.enqueue(member.member_id, &RoomWrite::PostAhead { text: text.clone() }, now).unwrap();
    let flushed = outbox.flush(&member, now).await.unwrap();
    assert_eq!((flushed.sent, flushed.refused.len(), flushed.waiting.is_none()), (1, 0, true), "{flushed:?}");

    let state = host.state().await.unwrap();
    assert_eq!(state.ahead.len(), 1, "{:?}", state.ahead);
    let posted = state.ahead[0].clone();
    assert_eq!((posted.member_id, posted.text.as_str()), (member.member_id, text.as_str()));
    let posted_ahead = |e: &[RoomEvent]| e.iter().any(|e| matches!(e.change, RoomChange::CommitmentPostedAhead { .. }));
    clients[0].until("the commitment posted ahead", posted_ahead).await;
    for e in &clients[0].events {
        room_view::apply(&mut view, e);
    }
    assert_eq!(view.ahead, state.ahead, "the event brings what the state holds");

    // The host starts the session: it moves in, marked as posted ahead.
    let session = host.start_session(&plan(&[(PhaseKind::Commitment, 3600)]), &key()).await.unwrap();
    clients[0].until("the moved commitment", count_published(1)).await;
    for e in &clients[0].events {
        room_view::apply(&mut view, e);
    }
    assert!(view.ahead.is_empty() && host.state().await.unwrap().ahead.is_empty());
    assert_eq!(view.session.as_ref().map(|s| s.id), Some(session.id));
    let detail = member.session(session.id).await.unwrap();
    let moved = &detail.commitments[..];
    assert_eq!(moved.len(), 1);
    assert_eq!((moved[0].id, moved[0].created_at, moved[0].ahead), (posted.id, posted.created_at, true));
    assert_eq!(clients[0].published(), [posted.id]);

    // While it runs, a commitment ahead is refused for good: it belongs in the session.
    outbox.enqueue(member.member_id, &RoomWrite::PostAhead { text: "Too late".into() }, now).unwrap();
    let flushed = outbox.flush(&member, now).await.unwrap();
    assert!(matches!(flushed.refused[..], [(_, SyncError::WrongState { .. })]), "{flushed:?}");
    assert_eq!(member.post_ahead("Too late", &key()).await.err().map(|e| e.is_transient()), Some(false));
}
