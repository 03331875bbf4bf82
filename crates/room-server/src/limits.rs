//! Rate limits: room creation and join attempts per client address, requests per member
//! token. `governor`'s keyed GCRA limiters: a few bytes per key, no background task.

use crate::config::Limits;
use crate::error::AppError;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct RateLimits {
    creates: DefaultKeyedRateLimiter<IpAddr>,
    joins: DefaultKeyedRateLimiter<IpAddr>,
    requests: DefaultKeyedRateLimiter<String>,
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
        }
    }

    pub fn create(&self, addr: IpAddr) -> Result<(), AppError> {
        self.creates.check_key(&addr).map_err(|_| AppError::RateLimited("rooms created from this address"))
    }

    pub fn join(&self, addr: IpAddr) -> Result<(), AppError> {
        self.joins.check_key(&addr).map_err(|_| AppError::RateLimited("join attempts from this address"))
    }

    /// Counted per member: the token's member id part (the secret is checked later).
    pub fn request(&self, token: &str) -> Result<(), AppError> {
        let key = token.split('.').next().unwrap_or_default().chars().take(40).collect::<String>();
        self.requests.check_key(&key).map_err(|_| AppError::RateLimited("requests with this token"))
    }

    /// Forgets keys whose limits are back to full, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.creates.retain_recent();
        self.joins.retain_recent();
        self.requests.retain_recent();
    }
}
