//! The one integration-test binary of the schedule crate (one link, not one
//! per file): open hours and slots on the daylight-saving days, and
//! properties of free slots over random templates, bookings, days and zones.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod dst;
mod properties;
