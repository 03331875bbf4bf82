//! The person's time zone, which the core takes as an argument and never reads itself: `TZ`
//! when it names a zone (tests set it), otherwise the system's IANA zone, otherwise UTC.

use chrono_tz::Tz;

pub fn person_zone() -> Tz {
    let named = |name: &str| name.trim().trim_start_matches(':').parse::<Tz>().ok();
    std::env::var("TZ")
        .ok()
        .as_deref()
        .and_then(named)
        .or_else(|| iana_time_zone::get_timezone().ok().as_deref().and_then(named))
        .unwrap_or(Tz::UTC)
}
