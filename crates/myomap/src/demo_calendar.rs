//! The demo clinic's calendar: names, rooms, a standard working week for
//! both treating accounts, and a populated week (this week and next) of
//! appointments with their reminders, so the day, week and messages pages
//! have something to show. Seeded once per clinic: when it has no rooms yet.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use myomap_clinic::SystemClock;
use myomap_clinic::schedule::{self as scheduling, ReminderFacts};
use myomap_domain::ClientId;
use myomap_schedule::{AppointmentLength, Interval, WeeklyHours, week_of};
use myomap_store::{AppointmentStatus, NewAppointment, Store, StoreError};

pub const DEMO_ZONE: &str = "Europe/London";

/// (email, display name) of the demo staff.
const NAMES: [(&str, &str); 3] = [
    ("owner@demo.test", "Jordan Hale"),
    ("therapist@demo.test", "Sam Rivera"),
    ("frontdesk@demo.test", "Alex Kim"),
];

/// Wall-clock starts and lengths of one demo day, varied by weekday.
const DAY_PLAN: [(u8, u8, u16); 5] = [(9, 0, 60), (10, 15, 45), (11, 15, 60), (13, 30, 90), (15, 30, 60)];

/// Seeds once: does nothing when the clinic already has rooms.
pub async fn seed(store: &Store, clients: &[ClientId]) -> anyhow::Result<usize> {
    let owner = store.actor_for_email(NAMES[0].0).await?;
    let scope = store.clinic(&owner);
    if !scope.rooms().await?.is_empty() {
        return Ok(0);
    }
    // A demo clinic made before the calendar existed gets its week too,
    // with the clients it already has.
    let existing: Vec<ClientId>;
    let clients = if clients.is_empty() {
        existing = scope
            .list_clients(&myomap_store::ClientQuery {
                page: 1,
                ..Default::default()
            })
            .await?
            .clients
            .iter()
            .map(|c| c.id)
            .collect();
        existing.as_slice()
    } else {
        clients
    };
    if clients.is_empty() {
        return Ok(0);
    }
    scope.set_time_zone(DEMO_ZONE).await?;
    let staff = scope.staff().await?;
    for (email, name) in NAMES {
        if let Some(member) = staff.iter().find(|m| m.email == email) {
            scope.set_display_name(&member.id, name).await?;
        }
    }
    let rooms = [scope.add_room("Room 1").await?, scope.add_room("Room 2").await?];
    let hours = WeeklyHours::standard_week();
    let therapists = scope.therapists().await?;
    for therapist in &therapists {
        scope
            .set_working_hours(&therapist.id, &scheduling::hours_rows(&hours))
            .await?;
    }
    // Re-read the actor: the zone changed.
    let owner = store.actor_for_email(NAMES[0].0).await?;
    let scope = store.clinic(&owner);
    let zone = TimeZone::get(DEMO_ZONE)?;
    let today = jiff::Timestamp::now().to_zoned(zone.clone()).date();
    let this_week = week_of(today);
    let next_week = week_of(this_week[0].checked_add(jiff::Span::new().days(7))?);
    let days: Vec<Date> = this_week.iter().chain(next_week.iter()).take(12).copied().collect();
    // Sam is on a course next Thursday afternoon: the week view shows it
    // and no appointment lands in it.
    if let Some(sam) = therapists.iter().find(|t| t.email == NAMES[1].0) {
        let thursday = next_week[3];
        let from = thursday
            .to_datetime(Time::new(13, 0, 0, 0)?)
            .to_zoned(zone.clone())?
            .timestamp();
        let to = thursday
            .to_datetime(Time::new(17, 0, 0, 0)?)
            .to_zoned(zone.clone())?
            .timestamp();
        scope.add_time_off(&sam.id, from, to, "training course").await?;
    }
    let mut booked = 0;
    let mut next_client = clients.iter().cycle();
    let now = jiff::Timestamp::now();
    for (d, day) in days.iter().enumerate() {
        let open = hours.open_on(*day, &zone);
        for (t, therapist) in therapists.iter().enumerate() {
            for (slot, (hour, minute, minutes)) in DAY_PLAN.iter().enumerate() {
                // A lighter book for the owner, and a gap that moves daily.
                if (t == 0 && slot % 2 == 1) || (slot + d) % 5 == 4 {
                    continue;
                }
                let length = AppointmentLength::try_from(*minutes)?;
                let start = day
                    .to_datetime(Time::new(i8::try_from(*hour)?, i8::try_from(*minute)?, 0, 0)?)
                    .to_zoned(zone.clone())?
                    .timestamp();
                let interval = Interval::starting_at(start, length);
                if !open.iter().any(|o| o.contains(&interval)) {
                    continue;
                }
                let Some(client) = next_client.next().copied() else {
                    break;
                };
                let details = scope.get_client(client).await?;
                let reminder = scheduling::reminder(
                    ReminderFacts {
                        // Seeding has no address to link to.
                        link_base: None,
                        clinic_name: &owner.clinic_name,
                        client_given_name: &details.given_name,
                        recipient: details.email.clone(),
                        starts_at: interval.start,
                        length,
                        therapist_name: &therapist.name,
                    },
                    &zone,
                    false,
                    &SystemClock,
                );
                let appointment = match scope
                    .book(
                        &NewAppointment {
                            client,
                            therapist_id: therapist.id.clone(),
                            room_id: Some(rooms[t % 2].id.clone()),
                            starts_at: interval.start,
                            ends_at: interval.end,
                            minutes: length.minutes(),
                            note: String::new(),
                        },
                        reminder,
                    )
                    .await
                {
                    Ok(a) => a,
                    // The other therapist holds the client or the room then.
                    Err(StoreError::Conflict(_)) => continue,
                    Err(e) => return Err(e.into()),
                };
                booked += 1;
                if appointment.ends_at < now {
                    let status = if (slot + d) % 7 == 3 {
                        AppointmentStatus::NoShow
                    } else {
                        AppointmentStatus::Attended
                    };
                    scope
                        .set_appointment_status(&appointment.id, appointment.version, status)
                        .await?;
                }
            }
        }
    }
    Ok(booked)
}
