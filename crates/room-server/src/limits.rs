//! Rate limits: room creation, join attempts and failed authentications per client
//! address, requests per member (`governor`'s keyed GCRA limiters: a few bytes per key, no
//! background task); and the open event streams per member and per client address.

use crate::config::Limits;
use crate::error::AppError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, NotUntil, Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

pub struct RateLimits {
    creates: DefaultKeyedRateLimiter<IpAddr>,
    joins: DefaultKeyedRateLimiter<IpAddr>,
    /// Per member, as authenticated: one key whatever spelling of the id the token used.
    requests: DefaultKeyedRateLimiter<Uuid>,
    /// Failed authentications per client address, and the addresses refused until a time.
    failures: DefaultKeyedRateLimiter<IpAddr>,
    refused_until: Mutex<HashMap<IpAddr, Instant>>,
}

/// A refusal that says when to try again.
fn refused(what: &'static str, not_until: &NotUntil<<DefaultClock as Clock>::Instant>) -> AppError {
    AppError::RateLimited { what, retry_after: whole_seconds(not_until.wait_time_from(DefaultClock::default().now())) }
}

/// Seconds to wait, rounded up.
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least one")
}

impl RateLimits {
    pub fn new(limits: &Limits) -> Self {
        let per_second = at_least_one(limits.requests_per_second);
        Self {
            creates: RateLimiter::keyed(Quota::per_hour(at_least_one(limits.rooms_per_hour))),
            joins: RateLimiter::keyed(Quota::per_minute(at_least_one(limits.joins_per_minute))),
            requests: RateLimiter::keyed(
                Quota::per_second(per_second).allow_burst(at_least_one(per_second.get().saturating_mul(2))),
            ),
            failures: RateLimiter::keyed(Quota::per_minute(at_least_one(limits.failed_auths_per_minute))),
            refused_until: Mutex::default(),
        }
    }

    pub fn create(&self, addr: IpAddr) -> Result<(), AppError> {
        self.creates.check_key(&addr).map_err(|e| refused("rooms created from this address", &e))
    }

    pub fn join(&self, addr: IpAddr) -> Result<(), AppError> {
        self.joins.check_key(&addr).map_err(|e| refused("join attempts from this address", &e))
    }

    /// Counted per member once the token is found valid (see [`crate::domain::Admission`]).
    pub fn request(&self, member: Uuid) -> Result<(), AppError> {
        self.requests.check_key(&member).map_err(|e| refused("requests with this token", &e))
    }

    /// Before a token is checked: refused while the address is over its failed authentications.
    pub fn address_allowed(&self, addr: IpAddr) -> Result<(), AppError> {
        let mut refused_until = self.refused_until.lock().expect("refused addresses lock");
        let Some(&until) = refused_until.get(&addr) else { return Ok(()) };
        let now = Instant::now();
        if until <= now {
            refused_until.remove(&addr);
            return Ok(());
        }
        Err(AppError::RateLimited {
            what: "failed authentications from this address",
            retry_after: whole_seconds(until - now),
        })
    }

    /// A token from `addr` was not valid: counted against the address (never against the
    /// member it names). The answer: 401, or 429 once the address is over its limit.
    pub fn failed_authentication(&self, addr: IpAddr) -> AppError {
        match self.failures.check_key(&addr) {
            Ok(()) => AppError::Unauthorized,
            Err(e) => {
                let wait = e.wait_time_from(DefaultClock::default().now());
                self.refused_until.lock().expect("refused addresses lock").insert(addr, Instant::now() + wait);
                AppError::RateLimited {
                    what: "failed authentications from this address",
                    retry_after: whole_seconds(wait),
                }
            }
        }
    }

    /// Forgets keys whose limits are back to full, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.creates.retain_recent();
        self.joins.retain_recent();
        self.requests.retain_recent();
        self.failures.retain_recent();
        let now = Instant::now();
        self.refused_until.lock().expect("refused addresses lock").retain(|_, until| *until > now);
    }
}

/// Open event streams per member and per client address. A stream holds a [`StreamSlot`]
/// of each; dropping the stream frees them.
pub struct StreamSlots {
    per_member: u32,
    per_address: u32,
    members: Mutex<HashMap<Uuid, u32>>,
    addresses: Mutex<HashMap<IpAddr, u32>>,
}

impl StreamSlots {
    pub fn new(limits: &Limits) -> Self {
        Self {
            per_member: limits.max_streams_per_member.max(1),
            per_address: limits.max_streams_per_address.max(1),
            members: Mutex::default(),
            addresses: Mutex::default(),
        }
    }

    /// A place for one more stream from `addr`; taken before the token is checked.
    pub fn address(self: &Arc<Self>, addr: IpAddr) -> Result<StreamSlot, AppError> {
        take(&self.addresses, addr, self.per_address, "from this address")?;
        Ok(StreamSlot { slots: self.clone(), key: SlotKey::Address(addr) })
    }

    /// A place for one more stream of `member`.
    pub fn member(self: &Arc<Self>, member: Uuid) -> Result<StreamSlot, AppError> {
        take(&self.members, member, self.per_member, "for this member")?;
        Ok(StreamSlot { slots: self.clone(), key: SlotKey::Member(member) })
    }
}

fn take<K: Hash + Eq>(open: &Mutex<HashMap<K, u32>>, key: K, max: u32, what: &'static str) -> Result<(), AppError> {
    let mut open = open.lock().expect("stream slots lock");
    let n = open.entry(key).or_default();
    if *n >= max {
        return Err(AppError::TooManyStreams { what, max });
    }
    *n += 1;
    Ok(())
}

fn give_back<K: Hash + Eq>(open: &Mutex<HashMap<K, u32>>, key: &K) {
    let mut open = open.lock().expect("stream slots lock");
    if let Some(n) = open.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            open.remove(key);
        }
    }
}

enum SlotKey {
    Member(Uuid),
    Address(IpAddr),
}

/// One open stream's place; freed on drop.
pub struct StreamSlot {
    slots: Arc<StreamSlots>,
    key: SlotKey,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        match &self.key {
            SlotKey::Member(m) => give_back(&self.slots.members, m),
            SlotKey::Address(a) => give_back(&self.slots.addresses, a),
        }
    }
}

/// Open connections per client address (the TCP peer). Off behind a trusted reverse proxy,
/// whose one address carries every client; the proxy limits connections there.
pub struct ConnectionsPerAddress {
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
    max: Option<u32>,
}

/// One open connection of an address; its place is free again when this is dropped.
pub struct ConnectionPlace {
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
    addr: IpAddr,
}

impl ConnectionsPerAddress {
    pub fn new(limits: &Limits) -> Self {
        let max = (!limits.trust_forwarded_for && limits.max_connections_per_address > 0)
            .then_some(limits.max_connections_per_address);
        Self { open: Arc::default(), max }
    }

    /// A place for a new connection from `addr`, or `None` if it holds its maximum.
    pub fn open(&self, addr: IpAddr) -> Option<Option<ConnectionPlace>> {
        let Some(max) = self.max else { return Some(None) };
        let mut open = self.open.lock().expect("connections lock");
        let count = open.entry(addr).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Some(ConnectionPlace { open: self.open.clone(), addr }))
    }
}

impl Drop for ConnectionPlace {
    fn drop(&mut self) {
        let mut open = self.open.lock().expect("connections lock");
        if let Some(count) = open.get_mut(&self.addr) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.addr);
            }
        }
    }
}
