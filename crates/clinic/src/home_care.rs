//! Home care: the handout built for a client's record, what a handout
//! holds, the daily ticks through the client's link (one tick policy for
//! the phone page and the API) and the adherence staff see.

use std::collections::BTreeMap;

use jiff::civil::Date;
use myomap_domain::ClientId;
use myomap_plans::{Habits, HomeCarePlan, build_home_care};
use myomap_store::{Actor, HomeCare, IssuedLink, LinkGrant, MAX_TICKS_PER_DAY, NoteStatus, Store};

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

/// The window home-care adherence is reported over.
const ADHERENCE_DAYS: i64 = 14;

/// "Ticked on 5 of the last 14 days (23 of 84 items)".
pub fn adherence(handout: &HomeCare, today: jiff::civil::Date) -> (String, Vec<(String, String)>) {
    let plan = plan_of(handout);
    let items = plan.daily_items().len();
    let since = today
        .checked_sub(jiff::Span::new().days(ADHERENCE_DAYS - 1))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut per_day: BTreeMap<&str, usize> = BTreeMap::new();
    for (day, _) in handout.ticks.iter().filter(|(day, _)| day.as_str() >= since.as_str()) {
        *per_day.entry(day.as_str()).or_default() += 1;
    }
    let ticked: usize = per_day.values().sum();
    let summary = format!(
        "Ticked on {} of the last {ADHERENCE_DAYS} days ({ticked} of {} items).",
        per_day.len(),
        items * usize::try_from(ADHERENCE_DAYS).unwrap_or(14)
    );
    let days = per_day
        .iter()
        .rev()
        .map(|(day, n)| ((*day).to_owned(), format!("{n} of {items}")))
        .collect();
    (summary, days)
}

/// A handout from the last signed session's treated muscles and the habits
/// the intake recorded.
pub fn home_care_plan(record: &myomap_store::ClientRecord) -> HomeCarePlan {
    let last = record
        .notes
        .iter()
        .filter(|n| n.status == NoteStatus::Signed && n.amended_by.is_none())
        .max_by(|a, b| a.note.date.cmp(&b.note.date));
    let treated: Vec<(String, Option<myomap_domain::Side>)> = last
        .map(|n| n.note.treated.iter().map(|p| (p.muscle.clone(), p.side)).collect())
        .unwrap_or_default();
    let habits = record.intake.as_ref().map_or_else(Habits::default, |i| Habits {
        long_sitting: i.form.long_sitting,
        repetitive_tasks: i.form.repetitive_tasks,
        sport: !i.form.sport.trim().is_empty(),
        fluid_managed: crate::screening::fluid_managed(i),
    });
    build_home_care(&treated, habits)
}

/// Makes a client's handout from their record as it is now (one audited
/// read): stretches for what the last signed session treated, advice for
/// the habits the intake recorded.
pub async fn create_handout(store: &Store, actor: &Actor, client: ClientId) -> Result<HomeCare, ClinicError> {
    let scope = store.clinic(actor);
    let record = scope.client_record(client).await?;
    let content = serde_json::to_value(home_care_plan(&record)).map_err(|e| ClinicError::Internal(e.to_string()))?;
    Ok(scope.create_home_care(client, &content).await?)
}

/// How long a client's home-care link stays open: long enough for a course
/// of treatment, opened as often as the client likes.
pub const LINK_TTL: std::time::Duration = std::time::Duration::from_secs(90 * 24 * 60 * 60);

/// The link the client opens on a phone to read the handout and tick off
/// what they did.
pub async fn request_link(store: &Store, actor: &Actor, handout_id: &str) -> Result<IssuedLink, ClinicError> {
    Ok(store.clinic(actor).home_care_link(handout_id, LINK_TTL).await?)
}
