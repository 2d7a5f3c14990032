//! Home care through the client's link: what the handout holds, and the
//! daily ticks. One tick policy for the phone page and the API.

use jiff::civil::Date;
use myomap_plans::HomeCarePlan;
use myomap_store::{HomeCare, LinkGrant, MAX_TICKS_PER_DAY, Store};

use crate::{ClinicError, Clock, today_in};

/// A handout's content as the plans crate reads it; content it cannot
/// read shows as an empty handout rather than failing the client's page.
pub fn plan_of(handout: &HomeCare) -> HomeCarePlan {
    serde_json::from_value(handout.content.clone()).unwrap_or_default()
}

/// A handout opened through its link, on the clinic's calendar day.
pub struct OpenHandout {
    pub grant: LinkGrant,
    pub handout: HomeCare,
    pub plan: HomeCarePlan,
    /// Today where the clinic is: the day ticks are saved under.
    pub today: Date,
    /// Ids of the daily items ticked today.
    pub done_today: Vec<String>,
}

pub async fn open_via_link(store: &Store, clock: &dyn Clock, token: &str) -> Result<OpenHandout, ClinicError> {
    let (grant, handout) = store.home_care_by_link(token).await?;
    let today = today_in(&grant.clinic_time_zone, clock);
    let day = today.to_string();
    let done_today = handout
        .ticks
        .iter()
        .filter(|(tick_day, _)| *tick_day == day)
        .map(|(_, item)| item.clone())
        .collect();
    Ok(OpenHandout {
        plan: plan_of(&handout),
        grant,
        handout,
        today,
        done_today,
    })
}

/// Replaces today's ticks with `done` (ids of the handout's daily items).
/// An id the handout does not have is refused naming `done[i]`, too many
/// naming `done`; an item ticked twice counts once. Returns the day saved.
pub async fn tick_via_link(
    store: &Store,
    clock: &dyn Clock,
    token: &str,
    done: &[String],
) -> Result<Date, ClinicError> {
    let open = open_via_link(store, clock, token).await?;
    let known: Vec<String> = open.plan.daily_items().into_iter().map(|(id, _)| id).collect();
    if let Some((i, unknown)) = done.iter().enumerate().find(|(_, d)| !known.contains(d)) {
        return Err(ClinicError::field(
            &format!("done[{i}]"),
            format!("\"{unknown}\" is not an item of this handout"),
        ));
    }
    let mut done = done.to_vec();
    done.sort();
    done.dedup();
    if done.len() > MAX_TICKS_PER_DAY {
        return Err(ClinicError::field(
            "done",
            format!("at most {MAX_TICKS_PER_DAY} items a day"),
        ));
    }
    store
        .tick_home_care_via_link(token, &open.today.to_string(), &done)
        .await?;
    Ok(open.today)
}
