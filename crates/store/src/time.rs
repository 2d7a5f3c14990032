//! Instants are stored as milliseconds since the Unix epoch (UTC).

use jiff::Timestamp;

pub(crate) fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

pub(crate) fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}
