//! The server's settings: flags, each also read from an environment variable.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Parser)]
#[command(name = "worktogether-room", version, about = "The Worktogether room server")]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "WT_ROOM_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// The database: a SQLite file (default: worktogether-room.sqlite3 in the data directory),
    /// or a PostgreSQL URL (postgres://user:password@host/database) for several instances.
    #[arg(long, env = "WT_ROOM_DB")]
    pub db: Option<String>,
    /// The address clients use, e.g. https://rooms.example.org (shown in the start-up log).
    #[arg(long, env = "WT_ROOM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "WT_ROOM_LOG_JSON")]
    pub log_json: bool,
    #[command(flatten)]
    pub limits: Limits,
}

/// Every limit a client can run into; the defaults suit a small community server.
#[derive(Debug, Clone, clap::Args)]
pub struct Limits {
    /// Largest request body in bytes.
    #[arg(long, env = "WT_ROOM_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,
    /// Longest room name, display name, template name or schedule title, in characters.
    #[arg(long, env = "WT_ROOM_MAX_NAME_CHARS", default_value_t = 80)]
    pub max_name_chars: usize,
    /// Longest commitment, in characters.
    #[arg(long, env = "WT_ROOM_MAX_COMMITMENT_CHARS", default_value_t = 500)]
    pub max_commitment_chars: usize,
    /// Longest note or room description, in characters.
    #[arg(long, env = "WT_ROOM_MAX_NOTE_CHARS", default_value_t = 2000)]
    pub max_note_chars: usize,
    /// Most members in one room.
    #[arg(long, env = "WT_ROOM_MAX_MEMBERS", default_value_t = 100)]
    pub max_members: u32,
    /// Rooms one client address may create per hour.
    #[arg(long, env = "WT_ROOM_ROOMS_PER_HOUR", default_value_t = 10)]
    pub rooms_per_hour: u32,
    /// Join attempts one client address may make per minute (guessing codes stays hopeless).
    #[arg(long, env = "WT_ROOM_JOINS_PER_MINUTE", default_value_t = 10)]
    pub joins_per_minute: u32,
    /// Requests one member token may make per second (bursts up to twice that).
    #[arg(long, env = "WT_ROOM_REQUESTS_PER_SECOND", default_value_t = 20)]
    pub requests_per_second: u32,
    /// Requests with a token that is not valid one client address may make per minute; then
    /// its requests are refused until the limit allows one again. Counted per address, not
    /// per member named in the token, so wrong secrets cannot lock a member out.
    #[arg(long, env = "WT_ROOM_FAILED_AUTHS_PER_MINUTE", default_value_t = 30)]
    pub failed_auths_per_minute: u32,
    /// Event streams one member may hold open at once (a few devices, and a reconnect or
    /// two whose old connection the server has not yet noticed is gone).
    #[arg(long, env = "WT_ROOM_MAX_STREAMS_PER_MEMBER", default_value_t = 4)]
    pub max_streams_per_member: u32,
    /// Event streams one client address may hold open at once, counted before the token is
    /// checked. Behind a reverse proxy, set --trust-forwarded-for, or every client shares
    /// the proxy's address.
    #[arg(long, env = "WT_ROOM_MAX_STREAMS_PER_ADDRESS", default_value_t = 100)]
    pub max_streams_per_address: u32,
    /// Rooms with no activity for this many days are deleted.
    #[arg(long, env = "WT_ROOM_INACTIVE_DAYS", default_value_t = 180)]
    pub inactive_days: u32,
    /// Seconds a member's event stream may be gone before the member shows as away.
    #[arg(long, env = "WT_ROOM_PRESENCE_GRACE_SECS", default_value_t = 60)]
    pub presence_grace_secs: u64,
    /// Behind a reverse proxy: take the client's address from the last `X-Forwarded-For`
    /// entry (the one the proxy added) for the per-address limits. Only with a proxy that
    /// sets it, or clients could choose their own address.
    #[arg(long, env = "WT_ROOM_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Seconds a client may take to send a request's headers (then its connection is closed,
    /// so stalled connections do not pile up).
    #[arg(long, env = "WT_ROOM_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,
    /// Seconds a client may take to send a request's body (then 408).
    #[arg(long, env = "WT_ROOM_BODY_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub body_read_timeout_secs: u64,
    /// Seconds a client may leave an answer waiting, taking none of its bytes (then its
    /// connection is closed: while the server writes, no read timeout runs, so a client that
    /// sends many requests and reads nothing would otherwise hold its connection for good).
    #[arg(long, env = "WT_ROOM_WRITE_TIMEOUT_SECS", default_value_t = 30)]
    pub write_timeout_secs: u64,
    /// Connections open at once; more wait until one closes. Open event streams count, so
    /// keep this above the streams the server should carry.
    #[arg(long, env = "WT_ROOM_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// Connections one client address may hold open at once; its next one is closed at once
    /// (0: no limit). Not applied with --trust-forwarded-for (all clients share the proxy's
    /// address). Keep it above --max-streams-per-address.
    #[arg(long, env = "WT_ROOM_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub max_connections_per_address: u32,
    /// Seconds between keep-alive comments on event streams. Keep it well under 60: the app
    /// takes a minute without a byte as a broken stream and connects again.
    #[arg(long, env = "WT_ROOM_KEEP_ALIVE_SECS", default_value_t = 15)]
    pub keep_alive_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Config::parse_from(["worktogether-room"]).limits
    }
}

impl Config {
    /// The database `--db` names, or the default SQLite file.
    pub fn db(&self) -> String {
        self.db.clone().unwrap_or_else(|| {
            let file = dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("worktogether-room")
                .join("worktogether-room.sqlite3");
            file.to_string_lossy().into_owned()
        })
    }

    /// The database as it may be logged: a URL's password left out.
    pub fn db_for_log(&self) -> String {
        let db = self.db();
        match url::Url::parse(&db) {
            Ok(mut url) if crate::store::is_postgres(&db) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                // A password may also be given as a parameter.
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(k, v)| (k.to_string(), if k == "password" { "***".to_owned() } else { v.to_string() }))
                    .collect();
                if !pairs.is_empty() {
                    url.query_pairs_mut().clear().extend_pairs(pairs);
                }
                url.to_string()
            }
            _ => db,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(db: &str) -> String {
        Config::parse_from(["worktogether-room", "--db", db]).db_for_log()
    }

    #[test]
    fn a_database_password_never_reaches_the_log() {
        assert_eq!(logged("postgres://rooms:s3cret@db/rooms"), "postgres://rooms:***@db/rooms");
        let with_parameter = logged("postgresql://rooms@db/rooms?sslmode=disable&password=s3cret");
        assert!(!with_parameter.contains("s3cret") && with_parameter.contains("sslmode=disable"), "{with_parameter}");
        assert_eq!(logged("/var/lib/rooms.sqlite3"), "/var/lib/rooms.sqlite3", "a file's path as it is");
    }
}
