//! Identifiers: UUIDv7, whose time part comes from the `now` passed in (never the clock).

use crate::Timestamp;
use uuid::Uuid;

/// A new UUIDv7 for something created at `now`; IDs sort by creation time.
pub fn new_id(now: Timestamp) -> Uuid {
    let secs = u64::try_from(now.timestamp()).unwrap_or(0);
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, secs, now.timestamp_subsec_nanos());
    Uuid::new_v7(ts)
}
