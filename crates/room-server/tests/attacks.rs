//! Attacks on the real server binary over real TCP (issue 12): what an attacker tries beyond
//! schemathesis's schema-driven cases. Forged and mangled tokens on every endpoint, every
//! host-only action by a member, invisible and oversized input, hostile `Last-Event-ID`s,
//! stream floods, slow-loris connections, expensive schedule rules and rate-limit evasion.
//!
//! Each attack is bounded in requests and in time ([`under_attack`]). Meanwhile a bystander
//! asks for `/health` every [`HEALTH_EVERY`] on a new connection from an address of its own,
//! and every answer must come within [`HEALTH_WITHIN`]. The server's limits are made small
//! through its environment, so a few requests reach them. Requests are written by hand, so
//! any byte can go where an attacker would put it.

mod common;

use common::{HANG_GUARD, ServerProcess, connect_from, new_db};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::timeout;
use uuid::Uuid;

/// Every health check during an attack must be answered within this.
const HEALTH_WITHIN: Duration = Duration::from_secs(1);
const HEALTH_EVERY: Duration = Duration::from_millis(150);
/// The longest one attack may run; they take a few seconds.
const ATTACK_BOUND: Duration = Duration::from_secs(30);
/// The bystander's address: no attack comes from it, so no per-address limit touches it.
const BYSTANDER: &str = "127.0.0.200";
/// Where rooms are set up from (creating and joining count per address).
const SETUP: &str = "127.0.0.10";
/// Where attacks come from, unless an attack needs several addresses.
const ATTACKER: &str = "127.0.0.66";
/// Refusals are the server's own short words.
const MESSAGE_MAX: usize = 300;

/// A request written byte by byte.
#[derive(Clone)]
struct Req {
    method: String,
    path: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Option<Vec<u8>>,
}

impl Req {
    fn new(method: &str, path: &str) -> Self {
        Self { method: method.into(), path: path.into(), headers: Vec::new(), body: None }
    }

    fn header(mut self, name: &str, value: impl Into<Vec<u8>>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn bearer(self, token: &str) -> Self {
        self.header("Authorization", format!("Bearer {token}"))
    }

    fn json(self, body: &Value) -> Self {
        self.raw_json(body.to_string().into_bytes())
    }

    /// A body sent as JSON, whatever its bytes.
    fn raw_json(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self.header("Content-Type", "application/json")
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out =
            format!("{} {} HTTP/1.1\r\nHost: rooms\r\nConnection: close\r\n", self.method, self.path).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: ").as_bytes());
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        if let Some(body) = &self.body {
            out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            out.extend_from_slice(body);
        } else {
            out.extend_from_slice(b"\r\n");
        }
        out
    }
}

/// An answer read to the end of its connection; status 0 if the server closed it unanswered.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
    took: Duration,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn summary(&self) -> String {
        let body = String::from_utf8_lossy(&self.body);
        format!("{} {}", self.status, body.chars().take(300).collect::<String>())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The payload of a complete `Transfer-Encoding: chunked` body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line) = find(raw, b"\r\n") {
        let size = std::str::from_utf8(&raw[..line]).ok().and_then(|s| usize::from_str_radix(s.trim(), 16).ok());
        let Some(size) = size.filter(|&n| n > 0 && raw.len() >= line + 2 + n) else { break };
        out.extend_from_slice(&raw[line + 2..line + 2 + size]);
        raw = &raw[(line + 4 + size).min(raw.len())..];
    }
    out
}

fn parse(raw: &[u8], took: Duration) -> Answer {
    let Some(end) = find(raw, b"\r\n\r\n") else {
        return Answer { status: 0, head: String::from_utf8_lossy(raw).into_owned(), body: Vec::new(), took };
    };
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut answer = Answer { status, head, body: raw[end + 4..].to_vec(), took };
    if answer.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        answer.body = dechunk(&answer.body);
    }
    answer
}

/// Sends `raw` on a new connection from `from` and reads the answer to the end. Writing goes
/// on while the answer is read, so an answer given before a large request was read (413,
/// 431) is heard; the connection stays open for writing until the server closes it.
async fn exchange(address: SocketAddr, from: &str, raw: Vec<u8>) -> Answer {
    let started = Instant::now();
    let (mut read, mut write) = connect_from(from, address).await.into_split();
    let writer = tokio::spawn(async move {
        let _ = write.write_all(&raw).await;
        write
    });
    let mut answer = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    timeout(HANG_GUARD, async {
        while let Ok(n @ 1..) = read.read(&mut buf).await {
            answer.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no answer within {HANG_GUARD:?}"));
    drop(writer);
    parse(&answer, started.elapsed())
}

async fn send(address: SocketAddr, from: &str, req: &Req) -> Answer {
    exchange(address, from, req.bytes()).await
}

/// The answer's JSON; fails unless it is a success.
fn ok(answer: &Answer, what: &str) -> Value {
    assert!((200..300).contains(&answer.status), "{what}: {}", answer.summary());
    answer.json()
}

fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `message` repeats more than 40 characters of `input` in a row.
fn echoes(message: &str, input: &str) -> bool {
    let chars: Vec<char> = message.chars().collect();
    chars.windows(41).any(|w| input.contains(&w.iter().collect::<String>()))
}

/// A refusal with one of `statuses`, as `{ code, message }`; the message short, in the
/// server's own words (no more than 40 characters of `input` in a row), with nothing in it
/// that would change how a client shows it.
fn assert_refusal(answer: &Answer, statuses: &[u16], input: &str, what: &str) {
    assert!(statuses.contains(&answer.status), "{what}: wanted {statuses:?}, got {}", answer.summary());
    let body = answer.json();
    let message =
        body["message"].as_str().unwrap_or_else(|| panic!("{what}: not our JSON error: {}", answer.summary()));
    assert!(body["code"].is_string(), "{what}: {}", answer.summary());
    assert!(!message.is_empty() && message.len() < MESSAGE_MAX, "{what}: a short message: {message}");
    assert!(!echoes(message, input), "{what}: the message repeats the input: {message}");
    assert!(
        !message.chars().any(|c| c.is_control() || is_direction_control(c) || matches!(c, '\u{2028}' | '\u{2029}')),
        "{what}: the message holds control or direction characters: {message:?}"
    );
}

/// One `GET /health` from the bystander's address: how long the whole answer took, or why
/// it failed (no 200 within [`HEALTH_WITHIN`]).
async fn health_check(address: SocketAddr) -> Result<Duration, String> {
    let started = Instant::now();
    let probe = async {
        let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
        socket.bind(format!("{BYSTANDER}:0").parse().unwrap()).map_err(|e| e.to_string())?;
        let mut tcp = socket.connect(address).await.map_err(|e| format!("connect: {e}"))?;
        tcp.write_all(b"GET /health HTTP/1.1\r\nHost: rooms\r\nConnection: close\r\n\r\n")
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut answer = Vec::new();
        tcp.read_to_end(&mut answer).await.map_err(|e| format!("read: {e}"))?;
        match parse(&answer, started.elapsed()) {
            a if a.status == 200 => Ok(a.took),
            a => Err(format!("answered {}", a.summary())),
        }
    };
    timeout(HEALTH_WITHIN, probe).await.unwrap_or_else(|_| Err(format!("no answer within {HEALTH_WITHIN:?}")))
}

/// Runs `attack` (for at most [`ATTACK_BOUND`]) while the bystander checks `/health`, and
/// fails if any check failed or took longer than [`HEALTH_WITHIN`]; one more check follows
/// the attack's end. The bystander has a thread and runtime of its own, so the attack's own
/// work in this process cannot delay it.
async fn under_attack<T>(address: SocketAddr, name: &str, attack: impl Future<Output = T>) -> T {
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let bystander = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let mut checks = Vec::new();
            loop {
                checks.push((Instant::now(), health_check(address).await));
                tokio::select! {
                    () = tokio::time::sleep(HEALTH_EVERY) => {}
                    _ = stopped.changed() => break,
                }
            }
            checks.push((Instant::now(), health_check(address).await));
            checks
        })
    });
    let started = Instant::now();
    let result = timeout(ATTACK_BOUND, attack)
        .await
        .unwrap_or_else(|_| panic!("{name}: the attack did not end within {ATTACK_BOUND:?}"));
    stop.send(true).unwrap();
    let checks = tokio::task::spawn_blocking(move || bystander.join().unwrap()).await.unwrap();
    let worst = checks.iter().filter_map(|(_, c)| c.as_ref().ok()).max();
    eprintln!("{name}: {:?}, {} health checks, the slowest {worst:?}", started.elapsed(), checks.len());
    let failed: Vec<String> = checks
        .iter()
        .filter_map(|(at, c)| {
            c.as_ref().err().map(|e| format!("{:?} into the attack: {e}", at.duration_since(started)))
        })
        .collect();
    assert!(checks.len() >= 2, "{name}: health was checked");
    assert!(failed.is_empty(), "during {name}, /health failed {} of {} times: {failed:#?}", failed.len(), checks.len());
    result
}

fn start(dir: &tempfile::TempDir, env: &[(&'static str, &'static str)]) -> ServerProcess {
    // Nobody shows as away during a test: rooms read the same before and after an attack.
    let mut all = vec![("WT_ROOM_PRESENCE_GRACE_SECS", "3600")];
    all.extend_from_slice(env);
    ServerProcess::start_with(&new_db(dir.path()), &all)
}

/// A member's id and token.
#[derive(Clone)]
struct Member {
    id: Uuid,
    token: String,
}

impl Member {
    fn from(membership: &Value) -> Self {
        Self {
            id: membership["memberId"].as_str().unwrap().parse().unwrap(),
            token: membership["token"].as_str().unwrap().to_owned(),
        }
    }

    fn secret(&self) -> &str {
        self.token.split_once('.').unwrap().1
    }

    /// The same token with the member id written another way (the server reads them all).
    fn spelled(&self, spelling: Spelling) -> String {
        format!("{}.{}", spelling(self.id), self.secret())
    }
}

type Spelling = fn(Uuid) -> String;

/// Ways to write a member id that `Uuid::try_parse` reads as the same id.
const SPELLINGS: [(&str, Spelling); 6] = [
    ("simple", |id| id.simple().to_string()),
    ("hyphenated", |id| id.hyphenated().to_string()),
    ("upper case", |id| id.simple().to_string().to_uppercase()),
    ("upper case hyphenated", |id| id.hyphenated().to_string().to_uppercase()),
    ("braced", |id| id.braced().to_string()),
    ("urn:uuid:", |id| id.urn().to_string()),
];

async fn create_room(address: SocketAddr, from: &str, name: &str) -> (String, Member) {
    let req = Req::new("POST", "/v1/rooms").json(&json!({"name": name, "hostName": "Host"}));
    let created = ok(&send(address, from, &req).await, "create a room");
    (created["state"]["room"]["code"].as_str().unwrap().to_owned(), Member::from(&created))
}

async fn join(address: SocketAddr, from: &str, code: &str, name: &str) -> Member {
    let req = Req::new("POST", &format!("/v1/rooms/{code}/members")).json(&json!({"displayName": name}));
    Member::from(&ok(&send(address, from, &req).await, "join"))
}

/// A planned one-off session in ten days: its occurrence stays upcoming throughout a test.
fn one_off_entry() -> Value {
    let starts_at = (chrono::Utc::now() + chrono::Duration::days(10)).format("%Y-%m-%dT09:00:00").to_string();
    json!({"title": "Planning", "startsAt": starts_at, "timeZone": "UTC", "durationMinutes": 60})
}

/// A room as the attacks find it: a host, two members and one who left; a shared session
/// running with a commitment of the host and of the member, and the member's question about
/// theirs; a planned session; and another room with its own host.
struct Room {
    address: SocketAddr,
    code: String,
    host: Member,
    member: Member,
    other_member: Member,
    departed: Member,
    session: Uuid,
    host_commitment: Uuid,
    member_commitment: Uuid,
    question: Uuid,
    elsewhere_code: String,
    elsewhere: Member,
}

impl Room {
    async fn set_up(address: SocketAddr) -> Self {
        let (code, host) = create_room(address, SETUP, "Worktogether").await;
        let member = join(address, SETUP, &code, "Member").await;
        let other_member = join(address, SETUP, &code, "Other member").await;
        let departed = join(address, SETUP, &code, "Departed").await;
        ok(
            &send(address, SETUP, &Req::new("POST", &format!("/v1/rooms/{code}/leave")).bearer(&departed.token)).await,
            "leave",
        );
        let plan = json!({"templateName": "Long", "phases": [{"kind": "commitment", "durationSecs": 3600}]});
        let req = Req::new("POST", &format!("/v1/rooms/{code}/sessions")).bearer(&host.token).json(&plan);
        let session: Uuid = ok(&send(address, SETUP, &req).await, "start")["id"].as_str().unwrap().parse().unwrap();
        let mut commitments = Vec::new();
        for m in [&host, &member] {
            let req = Req::new("POST", &format!("/v1/rooms/{code}/sessions/{session}/commitments"))
                .bearer(&m.token)
                .json(&json!({"text": "Write the report"}));
            commitments.push(ok(&send(address, SETUP, &req).await, "commit")["id"].as_str().unwrap().parse().unwrap());
        }
        let req = Req::new("POST", &format!("/v1/rooms/{code}/commitments/{}/questions", commitments[1]))
            .bearer(&member.token)
            .json(&json!({"text": "Which hashtags?"}));
        let question = ok(&send(address, SETUP, &req).await, "ask")["id"].as_str().unwrap().parse().unwrap();
        let req = Req::new("PUT", &format!("/v1/rooms/{code}/schedule"))
            .bearer(&host.token)
            .json(&json!({"entries": [one_off_entry()]}));
        ok(&send(address, SETUP, &req).await, "schedule");
        let (elsewhere_code, elsewhere) = create_room(address, SETUP, "Elsewhere").await;
        Self {
            address,
            code,
            host,
            member,
            other_member,
            departed,
            session,
            host_commitment: commitments[0],
            member_commitment: commitments[1],
            question,
            elsewhere_code,
            elsewhere,
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/v1/rooms/{}{rest}", self.code)
    }

    /// A path of the OpenAPI document with this room's code and ids in it.
    fn fill(&self, template: &str) -> String {
        let filled = template
            .replace("{code}", &self.code)
            .replace("{member_id}", &self.other_member.id.to_string())
            .replace("{session_id}", &self.session.to_string())
            .replace("{commitment_id}", &self.member_commitment.to_string())
            .replace("{question_id}", &self.question.to_string());
        assert!(!filled.contains('{'), "no value for a parameter of {template}: add one to Room::fill");
        filled
    }

    /// Everything the host can read of the room and of the other room: what no refused
    /// request may change.
    async fn snapshot(&self) -> Value {
        let read = |path: String, token: String| async move {
            ok(&send(self.address, SETUP, &Req::new("GET", &path).bearer(&token)).await, &path)
        };
        let host = &self.host.token;
        json!({
            "state": read(self.path(""), host.clone()).await,
            "sessions": read(self.path("/sessions"), host.clone()).await,
            "session": read(self.path(&format!("/sessions/{}", self.session)), host.clone()).await,
            "schedule": read(self.path("/schedule"), host.clone()).await,
            "elsewhere": read(format!("/v1/rooms/{}", self.elsewhere_code), self.elsewhere.token.clone()).await,
        })
    }
}

/// One operation of the served OpenAPI document.
struct Operation {
    method: String,
    path: String,
    needs_token: bool,
    has_body: bool,
    /// Its summary, description and answers' descriptions.
    text: String,
}

/// The operations the server documents, from its own `/v1/openapi.json`: a new endpoint is
/// attacked as soon as it is documented.
async fn operations(address: SocketAddr) -> Vec<Operation> {
    let doc = ok(&send(address, SETUP, &Req::new("GET", "/v1/openapi.json")).await, "the OpenAPI document");
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let answers = op["responses"].as_object().unwrap().values().filter_map(|r| r["description"].as_str());
            let text = [op["summary"].as_str(), op["description"].as_str()].into_iter().flatten().chain(answers);
            all.push(Operation {
                method: method.to_uppercase(),
                path: path.clone(),
                needs_token: op["security"].as_array().is_some_and(|s| !s.is_empty()),
                has_body: op.get("requestBody").is_some(),
                text: text.collect::<Vec<_>>().join(" "),
            });
        }
    }
    assert!(all.len() >= 15, "the document lists the API: {} operations", all.len());
    all
}

/// A body the operation accepts, so that only the token can be why a request is refused.
fn valid_body(op: &Operation, room: &Room) -> Option<Value> {
    if !op.has_body {
        return None;
    }
    let body = match (op.method.as_str(), op.path.as_str()) {
        ("POST", "/v1/rooms") => json!({"name": "Mine", "hostName": "Mallory"}),
        ("POST", "/v1/rooms/{code}/members") => json!({"displayName": "Mallory"}),
        ("PATCH", "/v1/rooms/{code}") => json!({"name": "Taken over"}),
        ("POST", "/v1/rooms/{code}/host") => json!({"memberId": room.member.id}),
        ("PUT", "/v1/rooms/{code}/presence") => json!({"presence": "focusing"}),
        ("POST", "/v1/rooms/{code}/sessions") => {
            json!({"templateName": "Mine", "phases": [{"kind": "focus", "durationSecs": 60}]})
        }
        ("POST", "/v1/rooms/{code}/sessions/{session_id}/control") => json!({"action": "end"}),
        ("POST", "/v1/rooms/{code}/sessions/{session_id}/commitments") => json!({"text": "Take over"}),
        ("POST", "/v1/rooms/{code}/commitments") => json!({"text": "Take over"}),
        ("PUT", "/v1/rooms/{code}/commitments/{commitment_id}/outcome") => json!({"outcome": "done"}),
        ("POST", "/v1/rooms/{code}/commitments/{commitment_id}/questions") => json!({"text": "Taken over?"}),
        ("PUT", "/v1/rooms/{code}/schedule") => json!({"entries": []}),
        (method, path) => panic!("no valid body for {method} {path}: add one to valid_body"),
    };
    Some(body)
}

/// An `Authorization` header (or none) an attacker sends, and the answers that refuse it.
struct Forgery {
    what: String,
    authorization: Option<Vec<u8>>,
    refused_with: &'static [u16],
}

fn forgeries(room: &Room) -> Vec<Forgery> {
    let (host, member) = (&room.host, &room.member);
    let (id, secret) = (host.id.simple(), host.secret());
    let zeros = "0".repeat(64);
    let mut with_nul = format!("Bearer {}", host.token).into_bytes();
    with_nul.insert(20, 0); // inside the member id
    let mut forgeries = Vec::new();
    let mut add = |what: &str, authorization: Option<Vec<u8>>, refused_with: &'static [u16]| {
        forgeries.push(Forgery { what: what.to_owned(), authorization, refused_with });
    };
    let bearer = |token: &str| Some(format!("Bearer {token}").into_bytes());
    add("no Authorization", None, &[401]);
    add("basic authentication", Some(b"Basic dXNlcjpwYXNz".to_vec()), &[401]);
    add("Bearer and nothing", Some(b"Bearer".to_vec()), &[401]);
    add("not a token", bearer("not-a-token"), &[401]);
    add("the host's id, a wrong secret", bearer(&format!("{id}.{zeros}")), &[401]);
    add("the host's id, the member's secret", bearer(&format!("{id}.{}", member.secret())), &[401]);
    add("the member's id, the host's secret", bearer(&format!("{}.{secret}", member.id.simple())), &[401]);
    add("the host's secret cut short", bearer(&host.token[..host.token.len() - 1]), &[401]);
    add("the host's secret and one more digit", bearer(&format!("{}0", host.token)), &[401]);
    add("the host's secret in upper case", bearer(&format!("{id}.{}", secret.to_uppercase())), &[401]);
    add("the host's token and more", bearer(&format!("{}.x", host.token)), &[401]);
    add("a departed member's token", bearer(&room.departed.token), &[401]);
    add("an unknown member", bearer(&format!("{}.{zeros}", Uuid::now_v7().simple())), &[401]);
    // A valid token, but of another room: this room is not found for it.
    add("another room's host", bearer(&room.elsewhere.token), &[404]);
    add("a zero-width space in the host's token", bearer(&format!("{id}\u{200B}.{secret}")), &[401]);
    add("a byte order mark before the host's token", bearer(&format!("\u{FEFF}{}", host.token)), &[401]);
    add("a direction override after the host's token", bearer(&format!("{}\u{202E}", host.token)), &[401]);
    // No valid header at all: the HTTP parser refuses it.
    add("a NUL in the host's token", Some(with_nul), &[400]);
    add("a 64 KiB token", bearer(&"A".repeat(64 * 1024)), &[401]);
    add("the host's id and a 64 KiB secret", bearer(&format!("{id}.{}", "a".repeat(64 * 1024))), &[401]);
    add("a 512 KiB header", bearer(&"A".repeat(512 * 1024)), &[431]);
    for (spelling, write) in SPELLINGS {
        let what = format!("the host's id ({spelling}), a wrong secret");
        add(&what, bearer(&format!("{}.{zeros}", write(host.id))), &[401]);
    }
    forgeries
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_mangled_tokens_are_refused_on_every_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    // Every forgery is answered as such, never with "too many failed attempts".
    let process = start(&dir, &[("WT_ROOM_FAILED_AUTHS_PER_MINUTE", "100000")]);
    let address = process.address;
    let room = Room::set_up(address).await;
    let before = room.snapshot().await;
    let operations = operations(address).await;
    let forgeries = forgeries(&room);
    let attacked = under_attack(address, "forged tokens", async {
        let mut attacked = 0;
        for op in operations.iter().filter(|op| op.needs_token) {
            let body = valid_body(op, &room);
            for f in &forgeries {
                let mut req = Req::new(&op.method, &room.fill(&op.path));
                if let Some(value) = &f.authorization {
                    req = req.header("Authorization", value.clone());
                }
                if let Some(body) = &body {
                    req = req.json(body);
                }
                let answer = send(address, ATTACKER, &req).await;
                let what = format!("{} {} with {}", op.method, op.path, f.what);
                if answer.body.is_empty() {
                    // Refused by the HTTP parser, before our handlers: no JSON error.
                    assert!(f.refused_with.contains(&answer.status), "{what}: {}", answer.summary());
                } else {
                    assert_refusal(&answer, f.refused_with, "", &what);
                }
            }
            attacked += 1;
        }
        attacked
    })
    .await;
    assert!(attacked >= 15, "every operation that needs a token was attacked: {attacked}");
    assert_eq!(room.snapshot().await, before, "no forged token changed either room");
}

/// What a member tries, for every action the OpenAPI document calls host only: the same
/// requests the host would be granted.
fn host_only_attempts(room: &Room) -> Vec<(&'static str, &'static str, String, Option<Value>)> {
    let (host, member, other) = (room.host.id, room.member.id, room.other_member.id);
    let session = room.path(&format!("/sessions/{}/control", room.session));
    let remove = |id: Uuid| room.path(&format!("/members/{id}"));
    let plan = json!({"templateName": "Mine", "phases": [{"kind": "focus", "durationSecs": 60}]});
    let answered = room.path(&format!("/questions/{}/answered", room.question));
    let mut attempts = vec![
        ("DELETE", "/v1/rooms/{code}", room.path(""), None),
        ("PATCH", "/v1/rooms/{code}", room.path(""), Some(json!({"name": "Taken over"}))),
        ("PATCH", "/v1/rooms/{code}", room.path(""), Some(json!({"link": "https://meet.example.org/mine"}))),
        ("PATCH", "/v1/rooms/{code}", room.path(""), Some(json!({"description": "Ours now"}))),
        ("PATCH", "/v1/rooms/{code}", room.path(""), Some(json!({"link": ""}))),
        ("POST", "/v1/rooms/{code}/code", room.path("/code"), None),
        ("POST", "/v1/rooms/{code}/host", room.path("/host"), Some(json!({"memberId": member}))),
        ("POST", "/v1/rooms/{code}/host", room.path("/host"), Some(json!({"memberId": other}))),
        ("DELETE", "/v1/rooms/{code}/members/{member_id}", remove(host), None),
        ("DELETE", "/v1/rooms/{code}/members/{member_id}", remove(other), None),
        ("POST", "/v1/rooms/{code}/sessions", room.path("/sessions"), Some(plan)),
        ("PUT", "/v1/rooms/{code}/schedule", room.path("/schedule"), Some(json!({"entries": []}))),
        ("PUT", "/v1/rooms/{code}/schedule", room.path("/schedule"), Some(json!({"entries": [one_off_entry()]}))),
        ("POST", "/v1/rooms/{code}/questions/{question_id}/answered", answered, None),
    ];
    for action in ["pause", "resume", "skip", "end"] {
        let body = Some(json!({"action": action}));
        attempts.push(("POST", "/v1/rooms/{code}/sessions/{session_id}/control", session.clone(), body));
    }
    attempts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_can_do_nothing_only_the_host_may() {
    let dir = tempfile::tempdir().unwrap();
    let process = start(&dir, &[]);
    let address = process.address;
    let room = Room::set_up(address).await;
    let before = room.snapshot().await;
    let attempts = host_only_attempts(&room);
    let host_only: std::collections::BTreeSet<(String, String)> = operations(address)
        .await
        .into_iter()
        .filter(|op| op.text.to_lowercase().contains("host only"))
        .map(|op| (op.method, op.path))
        .collect();
    let attempted = attempts.iter().map(|(m, p, _, _)| (m.to_string(), p.to_string())).collect();
    assert_eq!(host_only, attempted, "every action the document calls host only is attempted, and only those");

    under_attack(address, "host actions by a member", async {
        for (spelling, write) in SPELLINGS.into_iter().step_by(2) {
            let token = room.member.spelled(write);
            for (method, template, path, body) in &attempts {
                let mut req = Req::new(method, path).bearer(&token);
                if let Some(body) = body {
                    req = req.json(body);
                }
                let what = format!("{method} {template} {body:?} by a member ({spelling})");
                let answer = send(address, ATTACKER, &req).await;
                assert_refusal(&answer, &[403], "", &what);
                assert_eq!(answer.json()["code"], "forbidden", "{what}");
            }
            // Only the author reports a commitment's outcome.
            let req = Req::new("PUT", &room.path(&format!("/commitments/{}/outcome", room.host_commitment)))
                .bearer(&token)
                .json(&json!({"outcome": "not_done", "note": "they did nothing"}));
            assert_refusal(&send(address, ATTACKER, &req).await, &[403], "", "the host's outcome by a member");
            // Only the author asks about a commitment.
            let req = Req::new("POST", &room.path(&format!("/commitments/{}/questions", room.host_commitment)))
                .bearer(&token)
                .json(&json!({"text": "Why so slow?"}));
            assert_refusal(&send(address, ATTACKER, &req).await, &[403], "", "a question about the host's commitment");
        }
    })
    .await;
    assert_eq!(room.snapshot().await, before, "no refused action changed the room");
}

/// A text an attacker puts into a field; `Blank` ones mean "none" for an optional field.
#[derive(PartialEq)]
enum Hostile {
    Blank,
    MultiLine,
    Always,
}

fn hostile_texts() -> Vec<(&'static str, String, Hostile)> {
    use Hostile::*;
    let s = |v: &str| v.to_owned();
    vec![
        ("empty", s(""), Blank),
        ("white space only", s(" \t\u{3000} "), Blank),
        ("two lines in a name", s("Ada\nHost"), MultiLine),
        ("zero-width characters only", s("\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}"), Always),
        ("blank braille and Hangul fillers", s("\u{2800}\u{3164}\u{115F}"), Always),
        ("a variation selector and tags", s("\u{FE0F}\u{E0041}\u{E007F}"), Always),
        ("a soft hyphen and a grapheme joiner", s("\u{00AD}\u{034F}"), Always),
        ("a right-to-left override", s("Ada\u{202E}txt.exe"), Always),
        ("an isolate", s("\u{2067}Ada\u{2069}"), Always),
        ("a right-to-left mark", s("Ada\u{200F}"), Always),
        ("a line separator", s("Ada\u{2028}Host"), Always),
        ("a paragraph separator", s("Ada\u{2029}Host"), Always),
        ("a bell", s("Ada\u{7}"), Always),
        ("NUL", s("Ada\u{0}"), Always),
        ("an ANSI escape", s("\u{1B}[2J\u{1B}[31mAda"), Always),
        ("a C1 control", s("Ada\u{85}Host"), Always),
        ("DEL", s("Ada\u{7F}"), Always),
        ("20,000 characters", "Ada was here. ".repeat(1500), Always),
        ("2,001 characters once composed", "e\u{301}".repeat(2001), Always),
        // 60 KB of marks of two classes, so normalizing must reorder them all.
        ("30,000 combining marks on one letter", format!("a{}", "\u{301}\u{316}".repeat(15_000)), Always),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invisible_and_oversized_input_is_refused_briefly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let process = start(&dir, &[("WT_ROOM_ROOMS_PER_HOUR", "1000")]);
    let address = process.address;
    let room = Room::set_up(address).await;
    let before = room.snapshot().await;
    let later = (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y-%m-%dT09:00:00").to_string();
    let phases = json!([{"kind": "focus", "durationSecs": 60}]);
    // (field, method, path, body with the text in place of "<>", one line only, optional)
    let fields = [
        ("room name", "POST", "/v1/rooms".to_owned(), json!({"name": "<>", "hostName": "Ada"}), true, false),
        ("host name", "POST", "/v1/rooms".to_owned(), json!({"name": "Room", "hostName": "<>"}), true, false),
        ("display name", "POST", room.path("/members"), json!({"displayName": "<>"}), true, false),
        ("new room name", "PATCH", room.path(""), json!({"name": "<>"}), true, false),
        ("description", "PATCH", room.path(""), json!({"description": "<>"}), false, true),
        ("link", "PATCH", room.path(""), json!({"link": "<>"}), false, true),
        ("template name", "POST", room.path("/sessions"), json!({"templateName": "<>", "phases": phases}), true, false),
        (
            "commitment",
            "POST",
            room.path(&format!("/sessions/{}/commitments", room.session)),
            json!({"text": "<>"}),
            false,
            false,
        ),
        ("commitment ahead", "POST", room.path("/commitments"), json!({"text": "<>"}), false, false),
        (
            "question",
            "POST",
            room.path(&format!("/commitments/{}/questions", room.host_commitment)),
            json!({"text": "<>"}),
            false,
            false,
        ),
        (
            "note",
            "PUT",
            room.path(&format!("/commitments/{}/outcome", room.host_commitment)),
            json!({"outcome": "done", "note": "<>"}),
            false,
            true,
        ),
        (
            "schedule title",
            "PUT",
            room.path("/schedule"),
            json!({"entries": [{"title": "<>", "startsAt": later, "timeZone": "UTC", "durationMinutes": 60}]}),
            true,
            false,
        ),
    ];
    fn put(template: &Value, text: &str) -> Value {
        match template {
            Value::String(s) if s == "<>" => Value::String(text.to_owned()),
            Value::Array(a) => Value::Array(a.iter().map(|v| put(v, text)).collect()),
            Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), put(v, text))).collect()),
            other => other.clone(),
        }
    }
    under_attack(address, "invisible text", async {
        for (field, method, path, template, one_line, optional) in &fields {
            for (what, text, kind) in hostile_texts() {
                if (kind == Hostile::Blank && *optional) || (kind == Hostile::MultiLine && !*one_line) {
                    continue; // blank means "none" there, and text fields may have lines
                }
                let req = Req::new(method, path).bearer(&room.host.token).json(&put(template, &text));
                let answer = send(address, ATTACKER, &req).await;
                assert_refusal(&answer, &[422], &text, &format!("{field} with {what}"));
            }
        }
    })
    .await;

    let sessions = room.path("/sessions");
    let host = room.host.token.clone();
    let with_host = |req: Req| req.bearer(&host);
    let patch = |body: &[u8]| with_host(Req::new("PATCH", &room.path(""))).raw_json(body.to_vec());
    let schedule =
        |entries: Value| with_host(Req::new("PUT", &room.path("/schedule"))).json(&json!({"entries": entries}));
    let entry = |time_zone: &str, minutes: Value| {
        json!({
            "title": "Planning", "startsAt": later, "timeZone": time_zone, "durationMinutes": minutes,
        })
    };
    let planned = |time_zone: &str, minutes: Value| schedule(json!([entry(time_zone, minutes)]));
    let phase = |secs: &str| {
        let body = format!(r#"{{"templateName":"Quick","phases":[{{"kind":"focus","durationSecs":{secs}}}]}}"#);
        with_host(Req::new("POST", &sessions)).raw_json(body.into_bytes())
    };
    let get = |path: String| with_host(Req::new("GET", &path));
    let nested = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let marker = "ThisFieldNameIsMuchLongerThanFortyCharactersAndShouldNeverComeBack";
    let long_zone = format!("Europe/{}", "Berlin".repeat(1700));
    let mut malformed = vec![
        Case::new("a 10 KB time zone", planned(&long_zone, json!(60)), &[422]).echoing(&long_zone),
        Case::new("a time zone with a NUL", planned("UTC\u{0}", json!(60)), &[422]),
        Case::new("durationMinutes u64::MAX", planned("UTC", json!(u64::MAX)), &[400]),
        Case::new("durationMinutes negative", planned("UTC", json!(-60)), &[400]),
        Case::new("durationMinutes a float", planned("UTC", json!(60.5)), &[400]),
        Case::new("durationMinutes zero", planned("UTC", json!(0)), &[422]),
        Case::new("durationMinutes u32::MAX", planned("UTC", json!(u32::MAX)), &[422]),
        Case::new("51 schedule entries", schedule(json!(vec![entry("UTC", json!(60)); 51])), &[422]),
        Case::new(
            "a start in year 262143",
            schedule(json!([{
                "title": "Far", "startsAt": "+262143-12-31T23:59:59", "timeZone": "UTC", "durationMinutes": 60,
            }])),
            &[400, 422],
        ),
        Case::new("durationSecs 2^64", phase("18446744073709551616"), &[400]),
        Case::new("durationSecs 1e999", phase("1e999"), &[400]),
        Case::new("durationSecs 1e3", phase("1e3"), &[400]),
        Case::new("durationSecs -1", phase("-1"), &[400]),
        Case::new("durationSecs of 10,000 digits", phase(&"9".repeat(10_000)), &[400]).echoing(&"9".repeat(10_000)),
        Case::new("durationSecs as a string", phase("\"60\""), &[400]),
        Case::new(
            "1,000 phases",
            with_host(Req::new("POST", &sessions)).json(
                &json!({"templateName": "Many", "phases": vec![json!({"kind": "focus", "durationSecs": 60}); 1000]}),
            ),
            &[422],
        ),
        Case::new(
            "a member id as a number",
            with_host(Req::new("POST", &room.path("/host")))
                .raw_json(b"{\"memberId\": 340282366920938463463374607431768211455}".to_vec()),
            &[400],
        ),
        Case::new(
            "arrays nested 20,000 deep in a name",
            patch(format!("{{\"name\":{}}}", nested("[", "]", 20_000)).as_bytes()),
            &[400],
        ),
        Case::new("arrays nested 30,000 deep", patch(nested("[", "]", 30_000).as_bytes()), &[400]),
        Case::new(
            "objects nested 5,000 deep",
            patch(format!("{}1", nested("{\"name\":", "}", 5000)).as_bytes()),
            &[400],
        ),
        Case::new("a field given twice", patch(br#"{"name":"One","name":"Two"}"#), &[400]),
        Case::new("an unknown field with a long name", patch(format!("{{\"{marker}\":1}}").as_bytes()), &[400])
            .echoing(marker),
        Case::new("an unknown field with a direction override", patch("{\"\u{202E}name\":\"x\"}".as_bytes()), &[400]),
        Case::new("invalid UTF-8", patch(b"{\"name\":\"\xff\xfe\xc0\xaf\"}"), &[400]),
        Case::new("a byte order mark", patch(b"\xef\xbb\xbf{\"name\":\"x\"}"), &[400]),
        Case::new("trailing garbage", patch(br#"{"name":"x"} {"name":"y"}"#), &[400]),
        Case::new(
            "not JSON",
            with_host(Req::new("PATCH", &room.path("")).header("Content-Type", "text/plain")),
            &[400],
        ),
        Case::new("a 10 KB idempotency key", patch(b"{}").header("Idempotency-Key", "k".repeat(10_000)), &[400])
            .echoing(&"k".repeat(10_000)),
        Case::new(
            "an idempotency key with a zero-width space",
            patch(b"{}").header("Idempotency-Key", "key\u{200B}"),
            &[400],
        ),
        Case::new(
            "a 1 MiB body, announced",
            patch(format!("{{\"name\":\"{}\"}}", "A".repeat(1 << 20)).as_bytes()),
            &[413],
        ),
        Case::new("a room code of 8 KB", get(format!("/v1/rooms/{}", "A".repeat(8 * 1024))), &[404])
            .echoing(&"A".repeat(8 * 1024)),
        Case::new("a room code with a zero-width space", get(room.path("%E2%80%8B")), &[404]),
        Case::new("a room code with a NUL", get(room.path("%00")), &[404]),
        Case::new("a path that climbs", get(room.path("/../../../etc/passwd")), &[404]),
        Case::new("a session id that is no UUID", get(room.path(&format!("/sessions/{}", "f".repeat(5000)))), &[400])
            .echoing(&"f".repeat(5000)),
    ];
    // The body the limit refuses also arrives in pieces, with no length announced.
    let chunked = with_host(Req::new("PATCH", &room.path("")))
        .header("Content-Type", "application/json")
        .header("Transfer-Encoding", "chunked");
    let mut body = Vec::new();
    for _ in 0..16 {
        body.extend_from_slice(format!("{:x}\r\n{}\r\n", 64 * 1024, "A".repeat(64 * 1024)).as_bytes());
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let mut raw = chunked.bytes();
    raw.extend_from_slice(&body);
    under_attack(address, "malformed and oversized input", async {
        for case in malformed.drain(..) {
            assert_refusal(&send(address, ATTACKER, &case.req).await, case.refused_with, &case.input, case.what);
        }
        assert_refusal(&exchange(address, ATTACKER, raw).await, &[413], "", "a 1 MiB body in chunks");
        // What the HTTP parser refuses before our handlers: too many headers, and bodies
        // whose length is told two ways (request smuggling).
        let rename = with_host(Req::new("PATCH", &room.path(""))).json(&json!({"name": "Smuggled"}));
        let mut many = with_host(Req::new("GET", &room.path("")));
        for i in 0..200 {
            many = many.header(&format!("X-Header-{i}"), "x");
        }
        let parser_refuses = [
            ("200 headers", many, 431),
            ("two Content-Lengths", rename.clone().header("Content-Length", "5"), 400),
            ("a Content-Length and chunks", rename.header("Transfer-Encoding", "chunked"), 400),
        ];
        for (what, req, status) in parser_refuses {
            let answer = send(address, ATTACKER, &req).await;
            assert_eq!(answer.status, status, "{what}: {}", answer.summary());
        }
    })
    .await;
    assert_eq!(room.snapshot().await, before, "no refused input changed the room");
}

/// A malformed request, the answers that refuse it, and the input its message must not repeat.
struct Case {
    what: &'static str,
    req: Req,
    refused_with: &'static [u16],
    input: String,
}

impl Case {
    fn new(what: &'static str, req: Req, refused_with: &'static [u16]) -> Self {
        Self { what, req, refused_with, input: String::new() }
    }

    fn echoing(self, input: &str) -> Self {
        Self { input: input.to_owned(), ..self }
    }
}

/// An event stream opened over its own connection; read event by event.
struct EventStream {
    tcp: TcpStream,
    /// Bytes as they came, still chunked.
    raw: Vec<u8>,
    text: String,
}

/// Opens `GET …/events` from `from`: the answer (its status and head; for a refusal also
/// its body), and the stream if it was opened.
async fn open_stream(address: SocketAddr, from: &str, req: Req) -> (Answer, Option<EventStream>) {
    let started = Instant::now();
    let mut tcp = connect_from(from, address).await;
    tcp.write_all(&req.header("Accept", "text/event-stream").bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let end = timeout(HANG_GUARD, async {
        loop {
            if let Some(end) = find(&raw, b"\r\n\r\n") {
                return end;
            }
            match tcp.read(&mut buf).await {
                Ok(n @ 1..) => raw.extend_from_slice(&buf[..n]),
                _ => return raw.len(),
            }
        }
    })
    .await
    .expect("the head of an answer");
    let answer = parse(&raw, started.elapsed());
    if answer.status != 200 {
        let _ = timeout(HANG_GUARD, tcp.read_to_end(&mut raw)).await;
        return (parse(&raw, started.elapsed()), None);
    }
    let rest = raw.split_off((end + 4).min(raw.len()));
    (answer, Some(EventStream { tcp, raw: rest, text: String::new() }))
}

impl EventStream {
    /// The next event, or `None` if the stream ended or said nothing (keep-alives aside)
    /// for `wait`.
    async fn next_event(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            self.take_chunks();
            if let Some(end) = self.text.find("\n\n") {
                let block: String = self.text.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return Some(serde_json::from_str(data).expect("an event is JSON"));
                }
                continue;
            }
            let mut buf = [0u8; 4096];
            match tokio::time::timeout_at(deadline, self.tcp.read(&mut buf)).await {
                Ok(Ok(n @ 1..)) => self.raw.extend_from_slice(&buf[..n]),
                _ => return None,
            }
        }
    }

    /// Moves every complete chunk of the body from `raw` to `text`.
    fn take_chunks(&mut self) {
        while let Some(line) = find(&self.raw, b"\r\n") {
            let size = usize::from_str_radix(std::str::from_utf8(&self.raw[..line]).unwrap().trim(), 16).unwrap();
            if self.raw.len() < line + 2 + size + 2 {
                return;
            }
            self.text.push_str(std::str::from_utf8(&self.raw[line + 2..line + 2 + size]).unwrap());
            self.raw.drain(..line + 4 + size);
        }
    }
}

fn events(code: &str) -> Req {
    Req::new("GET", &format!("/v1/rooms/{code}/events"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_last_event_ids_are_refused_without_spinning() {
    let dir = tempfile::tempdir().unwrap();
    // Refused streams must give their place back: two is all this address has.
    let process = start(&dir, &[("WT_ROOM_MAX_STREAMS_PER_ADDRESS", "2")]);
    let address = process.address;
    let room = Room::set_up(address).await;
    let latest = ok(&send(address, SETUP, &Req::new("GET", &room.path("")).bearer(&room.host.token)).await, "state")
        ["lastEventId"]
        .as_u64()
        .unwrap();
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("one after the latest", (latest + 1).to_string().into_bytes()),
        ("2^63", (1u64 << 63).to_string().into_bytes()),
        ("2^63 + 1", ((1u64 << 63) + 1).to_string().into_bytes()),
        ("u64::MAX", u64::MAX.to_string().into_bytes()),
        ("2^64", b"18446744073709551616".to_vec()),
        ("10,000 digits", "9".repeat(10_000).into_bytes()),
        ("10,000 zeros, then one after the latest", format!("{}{}", "0".repeat(10_000), latest + 1).into_bytes()),
        ("-1", b"-1".to_vec()),
        ("-9223372036854775808", b"-9223372036854775808".to_vec()),
        ("a float", b"1.0".to_vec()),
        ("an exponent", b"1e3".to_vec()),
        ("hexadecimal", b"0x10".to_vec()),
        ("empty", Vec::new()),
        ("a word", b"latest".to_vec()),
        ("NaN", b"NaN".to_vec()),
        ("full-width digits", "１２".as_bytes().to_vec()),
        ("a zero-width space", "1\u{200B}".as_bytes().to_vec()),
        ("two ids", b"1, 2".to_vec()),
        ("a NUL", b"1\x002".to_vec()),
    ];
    under_attack(address, "hostile Last-Event-IDs", async {
        for (what, id) in &hostile {
            let req = events(&room.code).bearer(&room.member.token).header("Last-Event-ID", id.clone());
            let (answer, stream) = open_stream(address, ATTACKER, req).await;
            assert!(stream.is_none(), "Last-Event-ID {what}: the stream was opened");
            let input = String::from_utf8_lossy(id);
            if answer.body.is_empty() {
                assert_eq!(answer.status, 400, "Last-Event-ID {what}: refused by the HTTP parser: {}", answer.head);
            } else {
                assert_refusal(&answer, &[400], &input, &format!("Last-Event-ID {what}"));
            }
            assert!(answer.took < HEALTH_WITHIN, "Last-Event-ID {what}: refused at once, not after {:?}", answer.took);
        }
    })
    .await;
    // Both of the address's places are free, and a stream from the latest id hears what follows.
    let continued = events(&room.code).bearer(&room.member.token).header("Last-Event-ID", latest.to_string());
    let (answer, stream) = open_stream(address, ATTACKER, continued.clone()).await;
    let mut stream = stream.unwrap_or_else(|| panic!("the latest id is a place to continue: {}", answer.summary()));
    let (answer, second) = open_stream(address, ATTACKER, continued).await;
    assert!(second.is_some(), "the refused streams gave their places back: {}", answer.summary());
    let rename = Req::new("PATCH", &room.path("")).bearer(&room.host.token).json(&json!({"name": "Renamed"}));
    ok(&send(address, SETUP, &rename).await, "rename");
    let event = stream.next_event(Duration::from_secs(10)).await.expect("the next event arrives");
    assert_eq!((event["id"].as_u64(), event["change"]["type"].as_str()), (Some(latest + 1), Some("room_updated")));
}

/// Opens a stream for each of `tokens` at once from `from`: the streams opened, and the refusals.
async fn open_streams(
    address: SocketAddr,
    from: &'static str,
    code: &str,
    tokens: &[String],
) -> (Vec<EventStream>, Vec<Answer>) {
    let mut tasks = JoinSet::new();
    for token in tokens {
        tasks.spawn(open_stream(address, from, events(code).bearer(token)));
    }
    let (mut open, mut refused) = (Vec::new(), Vec::new());
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            (_, Some(stream)) => open.push(stream),
            (answer, None) => refused.push(answer),
        }
    }
    (open, refused)
}

fn assert_too_many<'a>(refused: impl IntoIterator<Item = &'a Answer>, what: &str) {
    for answer in refused {
        assert_refusal(answer, &[429], "", what);
        assert!(
            answer.header("retry-after").is_some_and(|v| v.parse::<u64>().is_ok()),
            "{what}: Retry-After: {}",
            answer.head
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_floods_stay_within_their_caps() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("WT_ROOM_MAX_STREAMS_PER_MEMBER", "2"),
        ("WT_ROOM_MAX_STREAMS_PER_ADDRESS", "5"),
        ("WT_ROOM_KEEP_ALIVE_SECS", "1"),
        ("WT_ROOM_FAILED_AUTHS_PER_MINUTE", "10"),
        ("WT_ROOM_REQUESTS_PER_SECOND", "10"),
    ];
    let process = start(&dir, &env);
    let address = process.address;
    let (code, host) = create_room(address, SETUP, "Flooded").await;
    let mut members = Vec::new();
    for i in 0..6 {
        members.push(join(address, SETUP, &code, &format!("Member {i}")).await);
    }
    let mut held = Vec::new();
    under_attack(address, "stream floods", async {
        // One token, twelve streams at once: two open (the member's cap), the rest are refused.
        let (open, refused) = open_streams(address, "127.0.0.31", &code, &vec![members[0].token.clone(); 12]).await;
        assert_eq!((open.len(), refused.len()), (2, 10), "two streams per member");
        assert_too_many(&refused, "a third stream of one member");
        held.extend(open);

        // One address, several members: the address's cap holds.
        let tokens: Vec<String> = members[1..4].iter().flat_map(|m| [m.token.clone(), m.token.clone()]).collect();
        let (open, refused) = open_streams(address, "127.0.0.32", &code, &tokens).await;
        assert_eq!((open.len(), refused.len()), (5, 1), "five streams per address");
        assert_too_many(&refused, "a sixth stream from one address");
        held.extend(open);

        // Forged tokens keep no place: one after another (each holds one of the address's
        // places until its token is refused), then the address still opens five streams.
        for _ in 0..8 {
            let forged = format!("{}.{}", Uuid::now_v7().simple(), "0".repeat(64));
            let (answer, stream) = open_stream(address, "127.0.0.33", events(&code).bearer(&forged)).await;
            assert!(stream.is_none());
            assert_refusal(&answer, &[401], "", "a stream with a forged token");
        }
        let tokens: Vec<String> =
            [&members[4], &members[4], &members[5], &members[5], &host].map(|m| m.token.clone()).to_vec();
        let (open, refused) = open_streams(address, "127.0.0.33", &code, &tokens).await;
        assert_eq!(
            (open.len(), refused.len()),
            (5, 0),
            "forged streams gave their places back: {:?}",
            refused.iter().map(Answer::summary).collect::<Vec<_>>()
        );
        held.extend(open);

        // Events flood every open stream at once; the host's request limit holds, and a
        // stream hears each accepted change once, in order.
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        for i in 0..40 {
            let presence = ["focusing", "break"][i % 2];
            let req = Req::new("PUT", &format!("/v1/rooms/{code}/presence"))
                .bearer(&host.token)
                .json(&json!({"presence": presence}));
            tasks.spawn(async move { send(address, SETUP, &req).await });
        }
        let answers = tasks.join_all().await;
        let allowed = 20 + (10.0 * started.elapsed().as_secs_f64()).ceil() as usize;
        let accepted = answers.iter().filter(|a| a.status == 200).count();
        assert!((10..=allowed).contains(&accepted), "a burst of 20, then 10 a second: {accepted} accepted");
        assert_too_many(answers.iter().filter(|a| a.status != 200), "the host's requests");
        let mut ids = Vec::new();
        while ids.len() < accepted {
            let event = held[0].next_event(Duration::from_secs(10)).await.expect("every accepted change arrives");
            if event["change"]["type"] == "presence_changed" && event["change"]["memberId"] == json!(host.id) {
                ids.push(event["id"].as_u64().unwrap());
            }
        }
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order, once each: {ids:?}");

        // A reconnect storm: streams opened and dropped at once. Their places come back once
        // the server notices (at the next keep-alive).
        held.drain(..2); // member 0's streams
        for _ in 0..30 {
            let (answer, stream) = open_stream(address, "127.0.0.34", events(&code).bearer(&members[0].token)).await;
            assert!(matches!(answer.status, 200 | 429), "{}", answer.summary());
            drop(stream);
        }
        timeout(Duration::from_secs(10), async {
            loop {
                let (_, stream) = open_stream(address, "127.0.0.34", events(&code).bearer(&members[0].token)).await;
                if stream.is_some() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
        .await
        .expect("closed streams free their places");
    })
    .await;
}

/// Stalled connections of one kind: from where, what each sends at once and then a byte at
/// a time, how many, and how the server answers before it closes them.
struct Stalled {
    what: &'static str,
    from: &'static str,
    head: String,
    trickle: String,
    connections: usize,
    answer: &'static str,
}

/// How a stalled connection ended: after how long the server closed it, and the first
/// line of what it sent before closing (408 for a body that never came).
struct Ended {
    after: Duration,
    status_line: String,
}

/// Writes `head` on a new connection from `from`, then `trickle` one byte every `every`, and
/// waits for the server to close the connection (at most [`HANG_GUARD`]).
async fn stall(
    address: SocketAddr,
    from: &'static str,
    head: Vec<u8>,
    trickle: Vec<u8>,
    every: Duration,
) -> Option<Ended> {
    let started = Instant::now();
    let tcp = connect_from(from, address).await;
    let (mut read, mut write) = tcp.into_split();
    let writer = tokio::spawn(async move {
        if write.write_all(&head).await.is_err() {
            return;
        }
        for byte in trickle {
            tokio::time::sleep(every).await;
            if write.write_all(&[byte]).await.is_err() {
                return;
            }
        }
        std::future::pending::<()>().await; // the connection stays open until the server closes it
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    let ended = timeout(HANG_GUARD, async {
        while let Ok(n @ 1..) = read.read(&mut buf).await {
            answer.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    writer.abort();
    ended.ok()?;
    let status_line = String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned();
    Some(Ended { after: started.elapsed(), status_line })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_loris_connections_are_closed_while_health_answers() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("WT_ROOM_HEADER_READ_TIMEOUT_SECS", "1"),
        ("WT_ROOM_BODY_READ_TIMEOUT_SECS", "1"),
        ("WT_ROOM_WRITE_TIMEOUT_SECS", "1"),
        ("WT_ROOM_MAX_CONNECTIONS_PER_ADDRESS", "20"),
    ];
    let process = start(&dir, &env);
    let address = process.address;
    let tick = Duration::from_millis(100);
    // Closed within the 1 s timeout, with time for a busy machine.
    let closed_within = Duration::from_secs(3);
    let post = |extra: &str| {
        format!("POST /v1/rooms HTTP/1.1\r\nHost: rooms\r\nContent-Type: application/json\r\n{extra}\r\n")
    };
    let kinds = [
        Stalled {
            what: "headers a byte at a time",
            from: "127.0.0.41",
            head: String::new(),
            trickle: format!("GET /health HTTP/1.1\r\nHost: rooms\r\nX-Slow: {}", "a".repeat(60)),
            connections: 20,
            answer: "",
        },
        Stalled {
            what: "nothing at all",
            from: "127.0.0.42",
            head: String::new(),
            trickle: String::new(),
            connections: 20,
            answer: "",
        },
        Stalled {
            what: "a request, then nothing on the kept-alive connection",
            from: "127.0.0.43",
            head: "GET /health HTTP/1.1\r\nHost: rooms\r\n\r\n".into(),
            trickle: String::new(),
            connections: 10,
            answer: "HTTP/1.1 200",
        },
        Stalled {
            what: "a body a byte at a time",
            from: "127.0.0.44",
            head: post("Content-Length: 100\r\n"),
            trickle: format!("{{\"name\": \"{}\"}}", "a".repeat(90)),
            connections: 10,
            answer: "HTTP/1.1 408",
        },
        Stalled {
            what: "chunks a byte at a time",
            from: "127.0.0.45",
            head: post("Transfer-Encoding: chunked\r\n"),
            trickle: "1\r\na\r\n".repeat(20),
            connections: 10,
            answer: "HTTP/1.1 408",
        },
    ];
    under_attack(address, "slow-loris", async {
        let mut tasks = JoinSet::new();
        for kind in kinds {
            for _ in 0..kind.connections {
                let (head, trickle) = (kind.head.clone().into_bytes(), kind.trickle.clone().into_bytes());
                let (what, from, answer) = (kind.what, kind.from, kind.answer);
                tasks.spawn(async move { (what, answer, stall(address, from, head, trickle, tick).await) });
            }
        }
        // More connections from one address than it may hold: the extra ones are closed at once.
        let mut held = Vec::new();
        for _ in 0..20 {
            let mut tcp = connect_from("127.0.0.46", address).await;
            tcp.write_all(b"GET /health HTTP/1.1\r\n").await.unwrap();
            held.push(tcp);
        }
        let mut extra = Vec::new();
        for _ in 0..10 {
            let tcp = connect_from("127.0.0.46", address).await;
            extra.push(tokio::spawn(stall_closed(tcp)));
        }
        for closed in extra {
            let after = closed.await.unwrap();
            assert!(
                after < Duration::from_millis(500),
                "a connection over the address's cap is closed at once, not after {after:?}"
            );
        }
        while let Some(done) = tasks.join_next().await {
            let (what, answer, ended) = done.unwrap();
            let ended = ended.unwrap_or_else(|| panic!("{what}: the connection was never closed"));
            assert!(ended.after < closed_within, "{what}: closed after {:?}", ended.after);
            assert!(ended.status_line.starts_with(answer), "{what}: answered {:?}", ended.status_line);
        }
        for (i, tcp) in held.iter_mut().enumerate() {
            assert!(
                common::closed_within(tcp, closed_within).await,
                "stalled connection {i} of a full address is closed"
            );
        }
    })
    .await;
    // Slow readers: many requests at once, then no answer read. The server waits to write,
    // when no read timeout runs; it must give up on them all the same.
    under_attack(address, "slow readers", async {
        let pipelined = b"GET /v1/openapi.json HTTP/1.1\r\nHost: rooms\r\n\r\n".repeat(SLOW_READ_REQUESTS);
        let mut readers = JoinSet::new();
        for _ in 0..3 {
            let tcp = slow_reader(address, "127.0.0.47", &pipelined).await;
            readers.spawn(dropped_after(tcp, Duration::from_secs(15)));
        }
        while let Some(dropped) = readers.join_next().await {
            let after = dropped.unwrap();
            assert!(after.is_some(), "a client that reads no answer is dropped after the write timeout");
        }
    })
    .await;
    // Every address that attacked is served again.
    for from in ["127.0.0.41", "127.0.0.42", "127.0.0.46", "127.0.0.47"] {
        let answer = send(address, from, &Req::new("GET", "/health")).await;
        assert_eq!(answer.status, 200, "{from}: {}", answer.summary());
    }
}

/// Requests a slow reader sends at once: their answers (the OpenAPI document, 60 KB each)
/// are far more than the connection's buffers hold (a few MB on loopback).
const SLOW_READ_REQUESTS: usize = 200;

/// A connection from `from` that sends `requests` and reads nothing (with a small receive
/// buffer, so the server's writes soon wait for it).
async fn slow_reader(address: SocketAddr, from: &str, requests: &[u8]) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let mut tcp = socket.connect(address).await.unwrap();
    tcp.write_all(requests).await.unwrap();
    tcp
}

/// How long the server took to drop `tcp`, a slow reader, if it did within `limit`: it
/// writes one more request (never read) every 100 ms, which fails once the server closed it.
async fn dropped_after(mut tcp: TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        let write = timeout(Duration::from_secs(1), tcp.write_all(b"GET /health HTTP/1.1\r\nHost: rooms\r\n\r\n"));
        if let Ok(Err(_)) = write.await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// How long the server took to close `tcp`, which sent nothing.
async fn stall_closed(mut tcp: TcpStream) -> Duration {
    let started = Instant::now();
    assert!(common::closed_within(&mut tcp, HANG_GUARD).await, "the connection is closed");
    started.elapsed()
}

/// The costliest rule found to check: `rrule` steps through years of months before it
/// knows that no 31 February is a Monday (about 0.5 s in a debug build).
const COSTLY_NEVER: &str = "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2;BYDAY=MO;BYSETPOS=-1";

/// How a schedule rule must be answered.
#[derive(Debug, PartialEq)]
enum Verdict {
    Refused,
    Accepted,
    /// Either, as long as it is answered in time.
    Bounded,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expensive_schedule_rules_are_refused_or_bounded() {
    use Verdict::*;
    let dir = tempfile::tempdir().unwrap();
    let process = start(&dir, &[]);
    let address = process.address;
    let room = Room::set_up(address).await;
    let day = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%dT09:00:00").to_string();
    let recent = day(-30);
    let year_ago = day(-365);
    let every_day: String = (1..=366).map(|d| d.to_string()).collect::<Vec<_>>().join(",");
    let every_week: String = (1..=53).map(|d| d.to_string()).collect::<Vec<_>>().join(",");
    let rules: Vec<(&str, String, String, Verdict)> = vec![
        ("every second", recent.clone(), "FREQ=SECONDLY".into(), Refused),
        ("every minute", recent.clone(), "FREQ=MINUTELY".into(), Refused),
        ("every hour", recent.clone(), "FREQ=HOURLY".into(), Refused),
        ("every second from year 1", "0001-01-01T00:00:00".into(), "FREQ=SECONDLY".into(), Refused),
        ("daily from year 1", "0001-01-01T00:00:00".into(), "FREQ=DAILY".into(), Refused),
        ("yearly from 1900", "1900-01-01T00:00:00".into(), "FREQ=YEARLY".into(), Refused),
        ("five a day", recent.clone(), "FREQ=DAILY;BYHOUR=1,2,3,4,5".into(), Refused),
        (
            "60 a day by minutes",
            recent.clone(),
            format!("FREQ=DAILY;BYHOUR=9;BYMINUTE={}", (0..60).map(|m| m.to_string()).collect::<Vec<_>>().join(",")),
            Refused,
        ),
        ("seconds hidden in a weekly rule", recent.clone(), "FREQ=WEEKLY;BYSECOND=0,1,2,3,4,5,6,7,8,9".into(), Refused),
        ("30 February", recent.clone(), "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30".into(), Refused),
        ("31st of short months", recent.clone(), "FREQ=MONTHLY;BYMONTH=2,4,6,9,11;BYMONTHDAY=31".into(), Refused),
        ("the 366th day of February", recent.clone(), "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=2".into(), Refused),
        (
            "a never-happening day picked by BYSETPOS",
            recent.clone(),
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31;BYSETPOS=-1".into(),
            Refused,
        ),
        ("interval zero", recent.clone(), "FREQ=DAILY;INTERVAL=0".into(), Refused),
        ("a count beyond u64", recent.clone(), "FREQ=DAILY;COUNT=99999999999999999999999".into(), Refused),
        ("a second rule", recent.clone(), "FREQ=DAILY\nRRULE:FREQ=SECONDLY".into(), Refused),
        ("a DTSTART of its own", recent.clone(), "FREQ=DAILY;DTSTART=00010101T000000".into(), Refused),
        ("an EXDATE", recent.clone(), "FREQ=DAILY\r\nEXDATE:20260101T090000Z".into(), Refused),
        (
            "600 characters",
            recent.clone(),
            format!(
                "FREQ=DAILY;BYMONTHDAY={}",
                (1..=28).map(|d| d.to_string()).collect::<Vec<_>>().join(",").repeat(8)
            ),
            Refused,
        ),
        ("a count of u32::MAX", recent.clone(), "FREQ=DAILY;COUNT=4294967295".into(), Accepted),
        ("until the year 9999", recent.clone(), "FREQ=DAILY;UNTIL=99991231T235959Z".into(), Accepted),
        ("four a day, every day, from a year ago", year_ago.clone(), "FREQ=DAILY;BYHOUR=6,10,14,18".into(), Accepted),
        (
            "the last weekday by BYSETPOS",
            recent.clone(),
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1".into(),
            Accepted,
        ),
        ("every day of the year by BYYEARDAY", year_ago.clone(), format!("FREQ=YEARLY;BYYEARDAY={every_day}"), Bounded),
        ("every week by BYWEEKNO", year_ago.clone(), format!("FREQ=YEARLY;BYWEEKNO={every_week};BYDAY=MO"), Bounded),
        (
            "BYSETPOS over every day of a year",
            recent.clone(),
            format!(
                "FREQ=YEARLY;BYYEARDAY={};BYSETPOS=-1,1,2,3",
                (1..=100).map(|d| d.to_string()).collect::<Vec<_>>().join(",")
            ),
            Bounded,
        ),
        ("29 February on a Monday", recent.clone(), "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO".into(), Bounded),
        ("an interval of u32::MAX days", recent.clone(), "FREQ=DAILY;INTERVAL=4294967295".into(), Bounded),
        ("an interval of 65,535 years", recent.clone(), "FREQ=YEARLY;INTERVAL=65535".into(), Bounded),
        (
            "every 9,999 years until 9999",
            recent.clone(),
            "FREQ=YEARLY;INTERVAL=9999;UNTIL=99991231T000000Z".into(),
            Bounded,
        ),
        ("a start in 9999", "9999-12-31T23:00:00".into(), "FREQ=DAILY".into(), Bounded),
        // Rules `rrule` steps through the longest before it finds they never happen.
        ("the last Monday of a 31 February", recent.clone(), COSTLY_NEVER.into(), Refused),
        (
            "30 February in any week",
            recent.clone(),
            format!("FREQ=YEARLY;BYWEEKNO={every_week};BYMONTH=2;BYMONTHDAY=30"),
            Refused,
        ),
        (
            "the last Monday of a 29 February",
            recent.clone(),
            "FREQ=MONTHLY;BYMONTHDAY=29;BYMONTH=2;BYDAY=MO;BYSETPOS=-1".into(),
            Bounded,
        ),
        (
            "weekly in a half-hour time zone, across DST",
            recent.clone(),
            "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30".into(),
            Accepted,
        ),
    ];
    // A rule is checked and listed within the server's budget (250 ms each, and one rule's
    // own search); generous for a debug build on a busy machine: the point is "not minutes".
    let within = Duration::from_secs(5);
    let put = |entries: Vec<Value>| {
        Req::new("PUT", &room.path("/schedule")).bearer(&room.host.token).json(&json!({"entries": entries}))
    };
    // A time zone half an hour off and with DST, for the most work per occurrence.
    let entry = |start: &str, rule: &str| {
        json!({
            "title": "Planned", "startsAt": start, "timeZone": "America/St_Johns", "durationMinutes": 60,
            "rrule": rule,
        })
    };
    let read = Req::new("GET", &room.path("/schedule")).bearer(&room.member.token);
    under_attack(address, "expensive schedule rules", async {
        let mut slowest = (Duration::ZERO, "");
        for (what, start, rule, verdict) in &rules {
            let answer = send(address, ATTACKER, &put(vec![entry(start, rule)])).await;
            match (verdict, answer.status) {
                (Accepted | Bounded, 200) => {}
                (Refused | Bounded, _) => assert_refusal(&answer, &[422], rule, what),
                (Accepted, _) => panic!("{what} is a rule rooms need: {}", answer.summary()),
            }
            assert!(answer.took < within, "{what}: answered after {:?}", answer.took);
            slowest = slowest.max((answer.took, *what));
            let listed = send(address, ATTACKER, &read).await;
            assert_eq!(listed.status, 200, "{what}: {}", listed.summary());
            assert!(listed.took < HEALTH_WITHIN, "{what}: the schedule is read in {:?}", listed.took);
        }
        // At once: twice the most work a schedule may ask for, six times the costliest
        // refusal. Each waits for the others' work on two cores, but all of it is bounded.
        let full = vec![entry(&year_ago, "FREQ=DAILY;BYHOUR=6,10,14,18"); 50];
        let never = vec![entry(&recent, COSTLY_NEVER); 50];
        let mut tasks = JoinSet::new();
        for i in 0..8 {
            let req = put(if i < 2 { full.clone() } else { never.clone() });
            tasks.spawn(async move { (i, send(address, ATTACKER, &req).await) });
        }
        while let Some(done) = tasks.join_next().await {
            let (i, answer) = done.unwrap();
            let what = if i < 2 { "a full schedule" } else { "a schedule that never happens" };
            if i < 2 {
                let upcoming = ok(&answer, what)["upcoming"].as_array().unwrap().len();
                assert_eq!(upcoming, 100, "listed up to the limit");
            } else {
                assert_refusal(&answer, &[422], "", what);
            }
            assert!(answer.took < 3 * within, "{what}: answered after {:?}", answer.took);
            slowest = slowest.max((answer.took, what));
        }
        eprintln!("the slowest schedule: {} in {:?}", slowest.1, slowest.0);
        let listed = send(address, ATTACKER, &read).await;
        assert_eq!(listed.status, 200, "{}", listed.summary());
        assert!(listed.took < HEALTH_WITHIN, "a full schedule is read in {:?}", listed.took);
    })
    .await;
}

/// Sends `count` requests for `path` at once on one connection from `from` and reads every
/// answer: how many came back with 200.
async fn pipelined(address: SocketAddr, from: &str, path: &str, count: usize) -> usize {
    let mut requests = format!("GET {path} HTTP/1.1\r\nHost: rooms\r\n\r\n").repeat(count - 1).into_bytes();
    requests.extend_from_slice(&Req::new("GET", path).bytes());
    let answer = exchange(address, from, requests).await;
    let mut all = answer.head.into_bytes();
    all.extend_from_slice(&answer.body);
    String::from_utf8_lossy(&all).matches("HTTP/1.1 200").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_request_floods_without_a_token_leave_health_fast() {
    let dir = tempfile::tempdir().unwrap();
    let process = start(&dir, &[]);
    let address = process.address;
    under_attack(address, "pipelined floods", async {
        // What anyone may ask for without a token, as fast as one connection carries it.
        let mut floods = JoinSet::new();
        let paths =
            ["/v1/openapi.json", "/health", "/nowhere", "/v1/openapi.json", "/v1/openapi.json", "/v1/openapi.json"];
        for (i, path) in paths.into_iter().enumerate() {
            let from = format!("127.0.0.{}", 81 + i);
            floods.spawn(async move { (path, pipelined(address, &from, path, 150).await) });
        }
        while let Some(flood) = floods.join_next().await {
            let (path, answered) = flood.unwrap();
            let expected = if path == "/nowhere" { 0 } else { 150 };
            assert_eq!(answered, expected, "{path}: every request answered");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_cannot_be_evaded() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("WT_ROOM_REQUESTS_PER_SECOND", "2"), // bursts of 4
        ("WT_ROOM_FAILED_AUTHS_PER_MINUTE", "5"),
        ("WT_ROOM_JOINS_PER_MINUTE", "3"),
        ("WT_ROOM_ROOMS_PER_HOUR", "2"),
    ];
    let process = start(&dir, &env);
    let address = process.address;
    let (code, host) = create_room(address, SETUP, "Limited").await;
    let member = join(address, SETUP, &code, "Member").await;
    let other = join(address, SETUP, &code, "Other").await;
    let state = Req::new("GET", &format!("/v1/rooms/{code}"));
    under_attack(address, "rate-limit evasion", async {
        // The member's id in six spellings from two addresses, all at once: one limit.
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        for i in 0..24 {
            let (_, spelling) = SPELLINGS[i % SPELLINGS.len()];
            let req = state.clone().bearer(&member.spelled(spelling));
            let from = ["127.0.0.51", "127.0.0.52"][i % 2];
            tasks.spawn(async move { send(address, from, &req).await });
        }
        let answers = tasks.join_all().await;
        let allowed = 4 + (2.0 * started.elapsed().as_secs_f64()).ceil() as usize;
        let granted = answers.iter().filter(|a| a.status == 200).count();
        assert!(granted <= allowed, "{granted} of 24 granted, at most {allowed}: spellings dodged the limit");
        assert!(granted < 24, "some were refused");
        assert_too_many(answers.iter().filter(|a| a.status != 200), "a member over their limit");

        // Wrong secrets in the host's name: the attacker's address is stopped, the host is not.
        let mut statuses = Vec::new();
        for (i, (_, spelling)) in SPELLINGS.iter().cycle().take(12).enumerate() {
            let forged = format!("{}.{:064x}", spelling(host.id), i);
            let answer = send(address, "127.0.0.53", &state.clone().bearer(&forged)).await;
            if answer.status == 429 {
                assert_too_many(&[answer], "failed authentications");
                statuses.push(429);
            } else {
                assert_refusal(&answer, &[401], "", "a wrong secret");
                statuses.push(401);
            }
        }
        assert_eq!(statuses, [[401; 5].as_slice(), &[429; 7]].concat(), "five failures a minute, then refused");
        let answer = send(address, "127.0.0.54", &state.clone().bearer(&host.token)).await;
        assert_eq!(answer.status, 200, "the host is not locked out: {}", answer.summary());
        // The stopped address gets nothing through, not even with a valid token or a forged
        // X-Forwarded-For (the server trusts it only behind a proxy it was told about).
        let valid = state.clone().bearer(&other.token);
        assert_too_many(&[send(address, "127.0.0.53", &valid).await], "a valid token from a refused address");
        let spoofed = valid.header("X-Forwarded-For", "203.0.113.9");
        assert_too_many(&[send(address, "127.0.0.53", &spoofed).await], "a forged X-Forwarded-For");

        // Guessing room codes, spelled every way a code may be typed: one count per address.
        let guesses = ["ABCDE-FGHJK", "abcde-fghjk", "ABCDEFGHJK", " abcde fghjk ", "ZZZZZ-ZZZZZ", "zzzzzzzzzz"];
        let mut statuses = Vec::new();
        for guess in guesses {
            let path = format!("/v1/rooms/{}/members", guess.replace(' ', "%20"));
            let answer =
                send(address, "127.0.0.55", &Req::new("POST", &path).json(&json!({"displayName": "Guess"}))).await;
            statuses.push(answer.status);
        }
        assert_eq!(statuses, [404, 404, 404, 429, 429, 429], "three join attempts a minute");
        let joined = join(address, "127.0.0.56", &code, "Newcomer").await;
        assert_ne!(joined.id, member.id, "another address still joins");

        // New rooms with new keys and names: two an hour.
        let mut statuses = Vec::new();
        for i in 0..4 {
            let req = Req::new("POST", "/v1/rooms")
                .header("Idempotency-Key", Uuid::now_v7().to_string())
                .json(&json!({"name": format!("Room {i}"), "hostName": format!("Host {i}")}));
            statuses.push(send(address, "127.0.0.57", &req).await.status);
        }
        assert_eq!(statuses, [201, 201, 429, 429], "two rooms an hour from one address");
    })
    .await;
}
