//! The calendar: rooms, therapists' weekly hours, appointments and each
//! therapist's iCalendar feed secret.
//!
//! Double bookings are refused here, inside the booking's transaction: the
//! booking first bumps a counter on the therapist's calendar row and on the
//! room row, which on PostgreSQL takes row locks that make concurrent
//! bookings of the same therapist or room take turns (SQLite writers take
//! turns anyway), and only then looks for an overlapping appointment. Two
//! instances racing for the same slot therefore cannot both win.
//!
//! Storage keeps wall-clock hours as text and instants as epoch
//! milliseconds; the schedule crate validates hours and finds slots.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use myomap_domain::{ClientId, Role};
use serde_json::Value;
use sqlx::{AnyConnection, Row};

use crate::accounts::{random_token, token_hash};
use crate::audit::{self, AuditEvent};
use crate::claim::{Refusal, Versioned};
use crate::links::{IssuedLink, LinkGrant, LinkPurpose, issue_link_in};
use crate::outbox::{self, APPOINTMENT_LINK_MARKER, OutboxDraft};
use crate::row::{Query, ReadRow};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, Store, StoreError};

/// A member of staff as the calendar shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: String,
    pub email: String,
    /// The display name, or the email when none is set.
    pub name: String,
    pub role: Role,
}

impl StaffMember {
    /// Owners and therapists treat clients and have calendars.
    pub fn treats_clients(&self) -> bool {
        matches!(self.role, Role::Owner | Role::Therapist)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub id: String,
    pub name: String,
}

/// One stored row of a weekly template, as text the schedule crate parses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursRow {
    pub weekday: String,
    pub starts: String,
    pub ends: String,
    /// `work` or `break`.
    pub kind: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
    NoShow,
    Attended,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 4] = [
        AppointmentStatus::Booked,
        AppointmentStatus::Cancelled,
        AppointmentStatus::NoShow,
        AppointmentStatus::Attended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "no_show",
            AppointmentStatus::Attended => "attended",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "Booked",
            AppointmentStatus::Cancelled => "Cancelled",
            AppointmentStatus::NoShow => "No-show",
            AppointmentStatus::Attended => "Attended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Holds its time: a cancelled appointment frees the slot, a no-show
    /// or an attended one happened and keeps it.
    pub fn occupies_time(self) -> bool {
        self != AppointmentStatus::Cancelled
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub therapist_id: String,
    pub therapist_name: String,
    pub room_id: Option<String>,
    pub room_name: Option<String>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub minutes: u16,
    pub status: AppointmentStatus,
    pub note: String,
    pub version: i64,
}

/// A therapist away: holiday, training, a sick day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOff {
    pub id: String,
    pub therapist_id: String,
    pub therapist_name: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub reason: String,
}

const TIME_OFF_COLUMNS: &str =
    "o.id, o.therapist_id, COALESCE(u.display_name, u.email), o.starts_at, o.ends_at, o.reason";

fn time_off_from_row(row: &sqlx::any::AnyRow) -> Result<TimeOff, StoreError> {
    Ok(TimeOff {
        id: row.try_get(0)?,
        therapist_id: row.try_get(1)?,
        therapist_name: row.try_get(2)?,
        starts_at: from_ms(row.try_get(3)?),
        ends_at: from_ms(row.try_get(4)?),
        reason: row.try_get(5)?,
    })
}

/// What to book; the web layer has checked the length and the hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppointment {
    pub client: ClientId,
    pub therapist_id: String,
    pub room_id: Option<String>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub minutes: u16,
    pub note: String,
}

/// A new time (and possibly therapist or room) for an appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTime {
    pub therapist_id: String,
    pub room_id: Option<String>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub minutes: u16,
}

const APPOINTMENT_COLUMNS: &str = "a.id, a.client_id, c.given_name || ' ' || c.family_name, a.therapist_id, \
     COALESCE(u.display_name, u.email), a.room_id, r.name, a.starts_at, a.ends_at, a.minutes, a.status, a.note, a.version";
const APPOINTMENT_FROM: &str = "appointments a JOIN clients c ON c.id = a.client_id \
     JOIN users u ON u.id = a.therapist_id LEFT JOIN rooms r ON r.id = a.room_id";

fn appointment_from_row(row: &impl ReadRow) -> Result<Appointment, StoreError> {
    let corrupt = |what: &str| StoreError::Internal(format!("corrupt appointment {what}"));
    Ok(Appointment {
        id: row.column(0)?,
        client_id: row.column::<String, _>(1)?.parse().map_err(|_| corrupt("client id"))?,
        client_name: row.column(2)?,
        therapist_id: row.column(3)?,
        therapist_name: row.column(4)?,
        room_id: row.column(5)?,
        room_name: row.column(6)?,
        starts_at: from_ms(row.column(7)?),
        ends_at: from_ms(row.column(8)?),
        minutes: u16::try_from(row.column::<i64, _>(9)?).map_err(|_| corrupt("length"))?,
        status: AppointmentStatus::parse(&row.column::<String, _>(10)?).ok_or_else(|| corrupt("status"))?,
        note: row.column(11)?,
        version: row.column(12)?,
    })
}

fn staff_from_row(row: &impl ReadRow) -> Result<StaffMember, StoreError> {
    Ok(StaffMember {
        id: row.column(0)?,
        email: row.column(1)?,
        name: row.column(2)?,
        role: row
            .column::<String, _>(3)?
            .parse()
            .map_err(|_| StoreError::Internal("corrupt role".into()))?,
    })
}

/// "Tue 3 Mar 10:00–11:00" in the clinic's zone, for conflict messages.
fn local_span(zone: &TimeZone, starts_at: i64, ends_at: i64) -> String {
    let start = from_ms(starts_at).to_zoned(zone.clone());
    let end = from_ms(ends_at).to_zoned(zone.clone());
    format!("{}–{}", start.strftime("%a %-d %b %H:%M"), end.strftime("%H:%M"))
}

/// Overlap in half-open terms: touching appointments do not clash.
const OVERLAPS: &str = "a.status <> 'cancelled' AND a.starts_at < $3 AND a.ends_at > $4 AND a.id <> $5";

impl ClinicScope<'_> {
    fn zone(&self) -> TimeZone {
        TimeZone::get(&self.actor.time_zone).unwrap_or(TimeZone::UTC)
    }

    /// Everyone on the clinic's staff, by name.
    pub async fn staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        self.store
            .read_one(self.actor, move |scope, tx| {
                Box::pin(async move { scope.staff_in(tx).await })
            })
            .await
    }

    pub(crate) async fn staff_in(&self, tx: &mut Tx<'_>) -> Result<Vec<StaffMember>, StoreError> {
        let rows = tx
            .fetch_all(
                Query::new(
                    "SELECT id, email, COALESCE(display_name, email), role FROM users WHERE clinic_id = $1 \
             ORDER BY COALESCE(display_name, email), id",
                )
                .bind(&self.clinic_id),
            )
            .await?;
        rows.iter().map(staff_from_row).collect()
    }

    /// Owners and therapists: the people with calendars.
    pub async fn therapists(&self) -> Result<Vec<StaffMember>, StoreError> {
        Ok(self
            .staff()
            .await?
            .into_iter()
            .filter(StaffMember::treats_clients)
            .collect())
    }

    /// Owners manage anyone's settings; a therapist manages their own.
    fn require_self_or_owner(&self, user_id: &str, what: &str) -> Result<(), StoreError> {
        if self.actor.role == Role::Owner || self.actor_id == user_id {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!(
                "only the clinic owner or the therapist themselves can change {what}"
            )))
        }
    }

    pub async fn set_display_name(&self, user_id: &str, name: &str) -> Result<(), StoreError> {
        self.require_self_or_owner(user_id, "a display name")?;
        let mut tx = self.store.write_tx().await?;
        let updated = sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(name)
            .bind(user_id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::NotFound("account"));
        }
        self.audit(&mut tx, "user.rename", "user", user_id).await?;
        tx.commit().await
    }

    /// Sets the clinic's IANA time zone (owner only); the caller validated it.
    pub async fn set_time_zone(&self, zone: &str) -> Result<(), StoreError> {
        if self.actor.role != Role::Owner {
            return Err(StoreError::Forbidden(
                "only the clinic owner can change the time zone".into(),
            ));
        }
        let mut tx = self.store.write_tx().await?;
        sqlx::query("UPDATE clinics SET time_zone = $1, settings_version = settings_version + 1 WHERE id = $2")
            .bind(zone)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "clinic.time_zone", "clinic", &self.clinic_id)
            .await?;
        tx.commit().await
    }

    pub async fn rooms(&self) -> Result<Vec<Room>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM rooms WHERE clinic_id = $1 ORDER BY name, id")
            .bind(&self.clinic_id)
            .fetch_all(&self.store.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Room {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                })
            })
            .collect()
    }

    /// Adds a treatment room (owner and front desk set up the clinic's rooms).
    pub async fn add_room(&self, name: &str) -> Result<Room, StoreError> {
        if self.actor.role == Role::Therapist {
            return Err(StoreError::Forbidden(
                "only the owner or the front desk can add rooms".into(),
            ));
        }
        let mut tx = self.store.write_tx().await?;
        let id = uuid::Uuid::now_v7().to_string();
        let inserted = sqlx::query("INSERT INTO rooms (id, clinic_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(&self.clinic_id)
            .bind(name)
            .bind(now_ms())
            .execute(&mut *tx.tx)
            .await;
        match inserted {
            Err(e) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Conflict(format!(
                    "there is already a room called \"{name}\""
                )));
            }
            other => other?,
        };
        self.audit(&mut tx, "room.create", "room", &id).await?;
        tx.commit().await?;
        Ok(Room {
            id,
            name: name.to_owned(),
        })
    }

    pub async fn working_hours(&self, therapist_id: &str) -> Result<Vec<HoursRow>, StoreError> {
        hours_of(&mut *self.store.pool.acquire().await?, &self.clinic_id, therapist_id).await
    }

    /// Replaces a therapist's weekly template in one transaction. Existing
    /// appointments stay: changing hours never cancels anyone silently.
    pub async fn set_working_hours(&self, therapist_id: &str, rows: &[HoursRow]) -> Result<(), StoreError> {
        self.require_self_or_owner(therapist_id, "working hours")?;
        let mut tx = self.store.write_tx().await?;
        therapist_in(&mut tx.tx, &self.clinic_id, therapist_id).await?;
        sqlx::query("DELETE FROM working_hours WHERE therapist_id = $1 AND clinic_id = $2")
            .bind(therapist_id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        for (position, row) in rows.iter().enumerate() {
            sqlx::query(
                "INSERT INTO working_hours (clinic_id, therapist_id, position, weekday, starts, ends, kind) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&self.clinic_id)
            .bind(therapist_id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(&row.weekday)
            .bind(&row.starts)
            .bind(&row.ends)
            .bind(&row.kind)
            .execute(&mut *tx.tx)
            .await?;
        }
        self.audit(&mut tx, "hours.set", "user", therapist_id).await?;
        tx.commit().await
    }

    /// Appointments that overlap [from, to), of one therapist or of all,
    /// in start order (cancelled ones included: views decide what to show).
    pub async fn appointments_between(
        &self,
        therapist_id: Option<&str>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Appointment>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM {APPOINTMENT_FROM} WHERE a.clinic_id = $1 \
             AND ($2 = '' OR a.therapist_id = $2) AND a.starts_at < $3 AND a.ends_at > $4 \
             ORDER BY a.starts_at, a.therapist_id, a.id"
        ))
        .bind(&self.clinic_id)
        .bind(therapist_id.unwrap_or_default())
        .bind(to.as_millisecond())
        .bind(from.as_millisecond())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(appointment_from_row).collect()
    }

    /// A client's appointments, newest first.
    pub async fn client_appointments(&self, client: ClientId) -> Result<Vec<Appointment>, StoreError> {
        self.store
            .read_one(self.actor, move |scope, tx| {
                Box::pin(async move { scope.client_appointments_in(tx, client).await })
            })
            .await
    }

    pub(crate) async fn client_appointments_in(
        &self,
        tx: &mut Tx<'_>,
        client: ClientId,
    ) -> Result<Vec<Appointment>, StoreError> {
        let rows = tx
            .fetch_all(
                Query::new(&format!(
                    "SELECT {APPOINTMENT_COLUMNS} FROM {APPOINTMENT_FROM} WHERE a.clinic_id = $1 AND a.client_id = $2 \
             ORDER BY a.starts_at DESC, a.id"
                ))
                .bind(&self.clinic_id)
                .bind(client.to_string()),
            )
            .await?;
        rows.iter().map(appointment_from_row).collect()
    }

    pub async fn appointment(&self, id: &str) -> Result<Appointment, StoreError> {
        fetch_appointment(&mut *self.store.pool.acquire().await?, &self.clinic_id, id).await
    }

    /// Books an appointment, refusing a double booking of the therapist or
    /// the room, and queues its reminder in the same transaction.
    pub async fn book(&self, new: &NewAppointment, reminder: Option<OutboxDraft>) -> Result<Appointment, StoreError> {
        let mut booked = self.book_series(&[(new.clone(), reminder)]).await?;
        booked
            .pop()
            .ok_or_else(|| StoreError::Internal("a booking returned nothing".into()))
    }

    /// Books a series (a plan's sessions) all or nothing, in one
    /// transaction: a clash of any one refuses the lot, naming which.
    pub async fn book_series(
        &self,
        series: &[(NewAppointment, Option<OutboxDraft>)],
    ) -> Result<Vec<Appointment>, StoreError> {
        let mut tx = self.store.write_tx().await?;
        let mut booked = Vec::with_capacity(series.len());
        for (n, (new, reminder)) in series.iter().enumerate() {
            let id = self
                .book_in(&mut tx, new, reminder.as_ref())
                .await
                .map_err(|e| match e {
                    StoreError::Conflict(m) if series.len() > 1 => StoreError::Conflict(format!(
                        "appointment {} of {}: {m}; nothing was booked",
                        n + 1,
                        series.len()
                    )),
                    other => other,
                })?;
            booked.push(fetch_appointment(&mut tx.tx, &self.clinic_id, &id).await?);
        }
        tx.commit().await?;
        Ok(booked)
    }

    async fn book_in(
        &self,
        tx: &mut Tx<'_>,
        new: &NewAppointment,
        reminder: Option<&OutboxDraft>,
    ) -> Result<String, StoreError> {
        self.require_client(tx, new.client).await?;
        let id = uuid::Uuid::now_v7().to_string();
        let time = NewTime {
            therapist_id: new.therapist_id.clone(),
            room_id: new.room_id.clone(),
            starts_at: new.starts_at,
            ends_at: new.ends_at,
            minutes: new.minutes,
        };
        claim_time(tx, &self.clinic_id, &self.zone(), &time, &new.client.to_string(), &id).await?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO appointments (id, clinic_id, client_id, therapist_id, room_id, starts_at, ends_at, minutes, status, note, booked_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(&self.clinic_id)
        .bind(new.client.to_string())
        .bind(&new.therapist_id)
        .bind(new.room_id.as_deref())
        .bind(new.starts_at.as_millisecond())
        .bind(new.ends_at.as_millisecond())
        .bind(i64::from(new.minutes))
        .bind(&new.note)
        .bind(&self.actor_id)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        if let Some(reminder) = reminder {
            enqueue_about_appointment(
                tx,
                &self.clinic_id,
                new.client,
                &id,
                new.starts_at,
                &self.actor_id,
                reminder,
            )
            .await?;
        }
        self.audit(tx, "appointment.book", "appointment", &id).await?;
        Ok(id)
    }

    /// Moves an appointment (time, therapist or room), with the same
    /// double-booking rule; its pending reminder is replaced.
    pub async fn reschedule(
        &self,
        id: &str,
        expected_version: i64,
        time: &NewTime,
        reminder: Option<OutboxDraft>,
    ) -> Result<Appointment, StoreError> {
        let mut tx = self.store.write_tx().await?;
        versioned_appointment(&self.clinic_id, id, Some(expected_version), &["booked"])
            .claim_or_conflict(&mut tx.tx, |status| {
                format!(
                    "this appointment is {}; only a booked one can be moved",
                    status_label(status)
                )
            })
            .await?;
        let current = fetch_appointment(&mut tx.tx, &self.clinic_id, id).await?;
        claim_time(
            &mut tx,
            &self.clinic_id,
            &self.zone(),
            time,
            &current.client_id.to_string(),
            id,
        )
        .await?;
        sqlx::query(
            "UPDATE appointments SET therapist_id = $1, room_id = $2, starts_at = $3, ends_at = $4, minutes = $5 \
             WHERE id = $6 AND clinic_id = $7",
        )
        .bind(&time.therapist_id)
        .bind(time.room_id.as_deref())
        .bind(time.starts_at.as_millisecond())
        .bind(time.ends_at.as_millisecond())
        .bind(i64::from(time.minutes))
        .bind(id)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        outbox::cancel_pending_for(&mut tx, &self.clinic_id, id).await?;
        if let Some(reminder) = reminder {
            enqueue_about_appointment(
                &mut tx,
                &self.clinic_id,
                current.client_id,
                id,
                time.starts_at,
                &self.actor_id,
                &reminder,
            )
            .await?;
        }
        self.audit(&mut tx, "appointment.reschedule", "appointment", id).await?;
        let moved = fetch_appointment(&mut tx.tx, &self.clinic_id, id).await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Cancels, or records a no-show or attendance. Cancelling withdraws
    /// the reminder that has not gone out yet.
    pub async fn set_appointment_status(
        &self,
        id: &str,
        expected_version: i64,
        status: AppointmentStatus,
    ) -> Result<Appointment, StoreError> {
        self.set_appointment_status_and_notify(id, expected_version, status, |_, _| None)
            .await
    }

    /// Changes the status like [`Self::set_appointment_status`]; when a
    /// booked appointment still to come is cancelled, the message `compose`
    /// writes (from the appointment and the client) is queued in the same
    /// transaction, so a cancelled client is always told.
    pub async fn set_appointment_status_and_notify(
        &self,
        id: &str,
        expected_version: i64,
        status: AppointmentStatus,
        compose: impl FnOnce(&Appointment, &crate::Recipient) -> Option<OutboxDraft>,
    ) -> Result<Appointment, StoreError> {
        let mut tx = self.store.write_tx().await?;
        // A cancelled appointment stays cancelled; the others may be
        // corrected (a no-show who turned up late is marked attended).
        let from: &[&str] = if status == AppointmentStatus::Cancelled {
            &["booked", "no_show", "attended", "cancelled"]
        } else {
            &["booked", "no_show", "attended"]
        };
        versioned_appointment(&self.clinic_id, id, Some(expected_version), from)
            .claim_or_conflict(&mut tx.tx, |_| {
                "this appointment was cancelled; book a new one instead".into()
            })
            .await?;
        // Read under the claim's row lock: the state this change leaves, so
        // two racing cancellations tell the client once.
        let before = fetch_appointment(&mut tx.tx, &self.clinic_id, id).await?;
        sqlx::query("UPDATE appointments SET status = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(status.as_str())
            .bind(id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        if status == AppointmentStatus::Cancelled {
            outbox::cancel_pending_for(&mut tx, &self.clinic_id, id).await?;
        }
        self.audit(&mut tx, &format!("appointment.{}", status.as_str()), "appointment", id)
            .await?;
        let changed = fetch_appointment(&mut tx.tx, &self.clinic_id, id).await?;
        let cancelled_ahead = status == AppointmentStatus::Cancelled
            && before.status == AppointmentStatus::Booked
            && before.starts_at > Timestamp::now();
        if cancelled_ahead {
            let row = sqlx::query("SELECT given_name, email FROM clients WHERE id = $1 AND clinic_id = $2")
                .bind(changed.client_id.to_string())
                .bind(&self.clinic_id)
                .fetch_one(&mut *tx.tx)
                .await?;
            let recipient = crate::Recipient {
                given_name: row.try_get("given_name")?,
                email: row.try_get("email")?,
            };
            if let Some(draft) = compose(&changed, &recipient) {
                let message = outbox::enqueue(&mut tx, &self.clinic_id, changed.client_id, id, &draft).await?;
                self.audit(&mut tx, "outbox.queue.cancellation", "outbox", &message)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Time off of one therapist or all that overlaps [from, to).
    pub async fn time_off_between(
        &self,
        therapist_id: Option<&str>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<TimeOff>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {TIME_OFF_COLUMNS} FROM time_off o JOIN users u ON u.id = o.therapist_id \
             WHERE o.clinic_id = $1 AND ($2 = '' OR o.therapist_id = $2) AND o.starts_at < $3 AND o.ends_at > $4 \
             ORDER BY o.starts_at, o.id"
        ))
        .bind(&self.clinic_id)
        .bind(therapist_id.unwrap_or_default())
        .bind(to.as_millisecond())
        .bind(from.as_millisecond())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(time_off_from_row).collect()
    }

    /// Records time off. Booked appointments in that time are not moved
    /// silently: the request is refused, naming the first of them.
    pub async fn add_time_off(
        &self,
        therapist_id: &str,
        starts_at: Timestamp,
        ends_at: Timestamp,
        reason: &str,
    ) -> Result<TimeOff, StoreError> {
        if self.actor.role == Role::Therapist && self.actor_id != therapist_id {
            return Err(StoreError::Forbidden(
                "a therapist records only their own time off; the owner or the front desk can record anyone's".into(),
            ));
        }
        if ends_at <= starts_at {
            return Err(StoreError::Invalid(myomap_domain::ValidationErrors::single(
                "ends_at",
                "must be after the start",
            )));
        }
        let mut tx = self.store.write_tx().await?;
        therapist_in(&mut tx.tx, &self.clinic_id, therapist_id).await?;
        lock_calendar(&mut tx, &self.clinic_id, therapist_id).await?;
        let booked = sqlx::query(
            "SELECT c.given_name || ' ' || c.family_name, a.starts_at, a.ends_at, \
             (SELECT COUNT(*) FROM appointments b WHERE b.clinic_id = $1 AND b.therapist_id = $2 \
              AND b.status = 'booked' AND b.starts_at < $3 AND b.ends_at > $4) \
             FROM appointments a JOIN clients c ON c.id = a.client_id \
             WHERE a.clinic_id = $1 AND a.therapist_id = $2 AND a.status = 'booked' AND a.starts_at < $3 AND a.ends_at > $4 \
             ORDER BY a.starts_at LIMIT 1",
        )
        .bind(&self.clinic_id)
        .bind(therapist_id)
        .bind(ends_at.as_millisecond())
        .bind(starts_at.as_millisecond())
        .fetch_optional(&mut *tx.tx)
        .await?;
        if let Some(row) = booked {
            let count: i64 = row.try_get(3)?;
            let client: String = row.try_get(0)?;
            return Err(StoreError::Conflict(format!(
                "{count} booked appointment{} in this time (the first: {}, {client}); move or cancel {} first",
                if count == 1 { " falls" } else { "s fall" },
                local_span(&self.zone(), row.try_get(1)?, row.try_get(2)?),
                if count == 1 { "it" } else { "them" },
            )));
        }
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO time_off (id, clinic_id, therapist_id, starts_at, ends_at, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&self.clinic_id)
        .bind(therapist_id)
        .bind(starts_at.as_millisecond())
        .bind(ends_at.as_millisecond())
        .bind(reason)
        .bind(&self.actor_id)
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "time_off.add", "time_off", &id).await?;
        let row = sqlx::query(&format!(
            "SELECT {TIME_OFF_COLUMNS} FROM time_off o JOIN users u ON u.id = o.therapist_id WHERE o.id = $1"
        ))
        .bind(&id)
        .fetch_one(&mut *tx.tx)
        .await?;
        let added = time_off_from_row(&row)?;
        tx.commit().await?;
        Ok(added)
    }

    pub async fn remove_time_off(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.store.write_tx().await?;
        let therapist: String =
            sqlx::query_scalar("SELECT therapist_id FROM time_off WHERE id = $1 AND clinic_id = $2")
                .bind(id)
                .bind(&self.clinic_id)
                .fetch_optional(&mut *tx.tx)
                .await?
                .ok_or(StoreError::NotFound("time off"))?;
        if self.actor.role == Role::Therapist && self.actor_id != therapist {
            return Err(StoreError::Forbidden(
                "a therapist changes only their own time off".into(),
            ));
        }
        sqlx::query("DELETE FROM time_off WHERE id = $1 AND clinic_id = $2")
            .bind(id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "time_off.remove", "time_off", id).await?;
        tx.commit().await
    }

    /// A new secret address for a therapist's iCalendar feed; the old one
    /// stops working. The token is returned once and only its hash is kept.
    pub async fn renew_calendar_feed(&self, therapist_id: &str) -> Result<String, StoreError> {
        self.require_self_or_owner(therapist_id, "a calendar feed")?;
        let mut tx = self.store.write_tx().await?;
        therapist_in(&mut tx.tx, &self.clinic_id, therapist_id).await?;
        lock_calendar(&mut tx, &self.clinic_id, therapist_id).await?;
        let token = random_token();
        sqlx::query("UPDATE calendars SET feed_token_hash = $1 WHERE therapist_id = $2 AND clinic_id = $3")
            .bind(token_hash(&token))
            .bind(therapist_id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "calendar.feed.renew", "user", therapist_id).await?;
        tx.commit().await?;
        Ok(token)
    }
}

/// Serialises bookings of the therapist and the room, then refuses any
/// overlap with another appointment of the therapist, the client or the
/// room (`own_id` is skipped so an appointment can move within its own
/// time).
pub(crate) async fn claim_time(
    tx: &mut Tx<'_>,
    clinic_id: &str,
    zone: &TimeZone,
    time: &NewTime,
    client_id: &str,
    own_id: &str,
) -> Result<(), StoreError> {
    if time.ends_at <= time.starts_at {
        return Err(StoreError::Conflict("an appointment must end after it starts".into()));
    }
    let therapist = therapist_in(&mut tx.tx, clinic_id, &time.therapist_id).await?;
    lock_calendar(tx, clinic_id, &therapist.id).await?;
    if let Some(room) = &time.room_id {
        let locked = sqlx::query("UPDATE rooms SET booking_seq = booking_seq + 1 WHERE id = $1 AND clinic_id = $2")
            .bind(room)
            .bind(clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        if locked.rows_affected() != 1 {
            return Err(StoreError::NotFound("room"));
        }
    }
    let clash = |who: &str, row: &sqlx::any::AnyRow| -> Result<StoreError, StoreError> {
        let client: String = row.try_get(0)?;
        Ok(StoreError::Conflict(format!(
            "{who} is already booked {} ({client}); choose another time",
            local_span(zone, row.try_get(1)?, row.try_get(2)?)
        )))
    };
    let therapist_clash = sqlx::query(&format!(
        "SELECT c.given_name || ' ' || c.family_name, a.starts_at, a.ends_at FROM appointments a \
         JOIN clients c ON c.id = a.client_id \
         WHERE a.clinic_id = $1 AND a.therapist_id = $2 AND {OVERLAPS} ORDER BY a.starts_at LIMIT 1"
    ))
    .bind(clinic_id)
    .bind(&therapist.id)
    .bind(time.ends_at.as_millisecond())
    .bind(time.starts_at.as_millisecond())
    .bind(own_id)
    .fetch_optional(&mut *tx.tx)
    .await?;
    if let Some(row) = therapist_clash {
        return Err(clash(&therapist.name, &row)?);
    }
    let away = sqlx::query(
        "SELECT reason, starts_at, ends_at FROM time_off WHERE clinic_id = $1 AND therapist_id = $2 \
         AND starts_at < $3 AND ends_at > $4 ORDER BY starts_at LIMIT 1",
    )
    .bind(clinic_id)
    .bind(&therapist.id)
    .bind(time.ends_at.as_millisecond())
    .bind(time.starts_at.as_millisecond())
    .fetch_optional(&mut *tx.tx)
    .await?;
    if let Some(row) = away {
        let reason: String = row.try_get(0)?;
        return Err(StoreError::Conflict(format!(
            "{} is away {}{}; choose another time",
            therapist.name,
            local_span(zone, row.try_get(1)?, row.try_get(2)?),
            if reason.is_empty() {
                String::new()
            } else {
                format!(" ({reason})")
            }
        )));
    }
    // A client cannot be in two treatment rooms at once either.
    let client_clash = sqlx::query(&format!(
        "SELECT COALESCE(u.display_name, u.email), a.starts_at, a.ends_at FROM appointments a \
         JOIN users u ON u.id = a.therapist_id \
         WHERE a.clinic_id = $1 AND a.client_id = $2 AND {OVERLAPS} ORDER BY a.starts_at LIMIT 1"
    ))
    .bind(clinic_id)
    .bind(client_id)
    .bind(time.ends_at.as_millisecond())
    .bind(time.starts_at.as_millisecond())
    .bind(own_id)
    .fetch_optional(&mut *tx.tx)
    .await?;
    if let Some(row) = client_clash {
        let with: String = row.try_get(0)?;
        return Err(StoreError::Conflict(format!(
            "the client already has an appointment {} with {with}; choose another time",
            local_span(zone, row.try_get(1)?, row.try_get(2)?)
        )));
    }
    if let Some(room) = &time.room_id {
        let room_clash = sqlx::query(&format!(
            "SELECT c.given_name || ' ' || c.family_name, a.starts_at, a.ends_at, r.name FROM appointments a \
             JOIN clients c ON c.id = a.client_id JOIN rooms r ON r.id = a.room_id \
             WHERE a.clinic_id = $1 AND a.room_id = $2 AND {OVERLAPS} ORDER BY a.starts_at LIMIT 1"
        ))
        .bind(clinic_id)
        .bind(room)
        .bind(time.ends_at.as_millisecond())
        .bind(time.starts_at.as_millisecond())
        .bind(own_id)
        .fetch_optional(&mut *tx.tx)
        .await?;
        if let Some(row) = room_clash {
            let name: String = row.try_get(3)?;
            return Err(clash(&format!("Room \"{name}\""), &row)?);
        }
    }
    Ok(())
}

async fn therapist_in(conn: &mut AnyConnection, clinic_id: &str, id: &str) -> Result<StaffMember, StoreError> {
    let row = sqlx::query(
        "SELECT id, email, COALESCE(display_name, email), role FROM users WHERE id = $1 AND clinic_id = $2",
    )
    .bind(id)
    .bind(clinic_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("therapist"))?;
    let member = staff_from_row(&row)?;
    if !member.treats_clients() {
        return Err(StoreError::NotFound("therapist"));
    }
    Ok(member)
}

/// Queues a message about an appointment; a draft carrying
/// [`APPOINTMENT_LINK_MARKER`] gets the appointment's client link, issued
/// here, open until the appointment starts.
async fn enqueue_about_appointment(
    tx: &mut Tx<'_>,
    clinic_id: &str,
    client: ClientId,
    appointment_id: &str,
    starts_at: Timestamp,
    actor: &str,
    draft: &OutboxDraft,
) -> Result<(), StoreError> {
    let mut draft = draft.clone();
    if draft.body.contains(APPOINTMENT_LINK_MARKER) {
        let link = issue_link_in(
            tx,
            clinic_id,
            &client.to_string(),
            actor,
            LinkPurpose::Appointment,
            appointment_id,
            starts_at.as_millisecond(),
        )
        .await?;
        draft.body = draft.body.replace(APPOINTMENT_LINK_MARKER, &link.token);
    }
    outbox::enqueue(tx, clinic_id, client, appointment_id, &draft).await?;
    Ok(())
}

/// The first room (by name) free for [starts_at, ends_at), for a booking
/// made without one (online). Each candidate's row is locked before it is
/// checked, as a staff booking of that room would; no free room (or no
/// rooms at all) books without one, for the clinic to place.
async fn free_room(
    tx: &mut Tx<'_>,
    clinic_id: &str,
    starts_at: Timestamp,
    ends_at: Timestamp,
) -> Result<Option<String>, StoreError> {
    let rooms: Vec<String> = sqlx::query_scalar("SELECT id FROM rooms WHERE clinic_id = $1 ORDER BY name, id")
        .bind(clinic_id)
        .fetch_all(&mut *tx.tx)
        .await?;
    for room in rooms {
        sqlx::query("UPDATE rooms SET booking_seq = booking_seq + 1 WHERE id = $1 AND clinic_id = $2")
            .bind(&room)
            .bind(clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        let taken: Option<String> = sqlx::query_scalar(
            "SELECT id FROM appointments WHERE clinic_id = $1 AND room_id = $2 AND status <> 'cancelled' \
             AND starts_at < $3 AND ends_at > $4 LIMIT 1",
        )
        .bind(clinic_id)
        .bind(&room)
        .bind(ends_at.as_millisecond())
        .bind(starts_at.as_millisecond())
        .fetch_optional(&mut *tx.tx)
        .await?;
        if taken.is_none() {
            return Ok(Some(room));
        }
    }
    Ok(None)
}

/// An appointment as a row a change claims, from the states it may leave.
fn versioned_appointment<'q>(
    clinic_id: &'q str,
    id: &'q str,
    expected: Option<i64>,
    from: &'q [&'q str],
) -> Versioned<'q> {
    Versioned {
        table: "appointments",
        noun: "appointment",
        id,
        clinic_id,
        expected,
        from,
    }
}

fn status_label(status: &str) -> String {
    AppointmentStatus::ALL
        .into_iter()
        .find(|s| s.as_str() == status)
        .map_or_else(|| status.to_owned(), |s| s.label().to_lowercase())
}

/// Makes sure the therapist's calendar row exists and bumps it: the row
/// lock (PostgreSQL) that serialises their bookings until commit.
async fn lock_calendar(tx: &mut Tx<'_>, clinic_id: &str, therapist_id: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO calendars (therapist_id, clinic_id) VALUES ($1, $2) ON CONFLICT (therapist_id) DO NOTHING",
    )
    .bind(therapist_id)
    .bind(clinic_id)
    .execute(&mut *tx.tx)
    .await?;
    sqlx::query("UPDATE calendars SET booking_seq = booking_seq + 1 WHERE therapist_id = $1 AND clinic_id = $2")
        .bind(therapist_id)
        .bind(clinic_id)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
}

async fn hours_of(conn: &mut AnyConnection, clinic_id: &str, therapist_id: &str) -> Result<Vec<HoursRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT weekday, starts, ends, kind FROM working_hours WHERE therapist_id = $1 AND clinic_id = $2 ORDER BY position",
    )
    .bind(therapist_id)
    .bind(clinic_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(HoursRow {
                weekday: r.try_get(0)?,
                starts: r.try_get(1)?,
                ends: r.try_get(2)?,
                kind: r.try_get(3)?,
            })
        })
        .collect()
}

/// One appointment, on any connection: a write transaction's, or a plain
/// pool connection for a read.
pub(crate) async fn fetch_appointment(
    conn: &mut AnyConnection,
    clinic_id: &str,
    id: &str,
) -> Result<Appointment, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM {APPOINTMENT_FROM} WHERE a.id = $1 AND a.clinic_id = $2"
    ))
    .bind(id)
    .bind(clinic_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("appointment"))?;
    appointment_from_row(&row)
}

/// A therapist's calendar as its feed shows it.
#[derive(Debug, Clone)]
pub struct CalendarFeed {
    pub therapist_name: String,
    pub clinic_name: String,
    pub time_zone: String,
    pub appointments: Vec<Appointment>,
}

impl Store {
    /// The appointments behind a calendar feed secret, from `from` on.
    pub async fn calendar_feed(&self, token: &str, from: Timestamp) -> Result<CalendarFeed, StoreError> {
        let row = sqlx::query(
            "SELECT k.therapist_id, k.clinic_id, COALESCE(u.display_name, u.email), c.name, c.time_zone \
             FROM calendars k JOIN users u ON u.id = k.therapist_id JOIN clinics c ON c.id = k.clinic_id \
             WHERE k.feed_token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("calendar"))?;
        let therapist: String = row.try_get(0)?;
        let clinic: String = row.try_get(1)?;
        let rows = sqlx::query(&format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM {APPOINTMENT_FROM} WHERE a.clinic_id = $1 AND a.therapist_id = $2 \
             AND a.ends_at > $3 ORDER BY a.starts_at, a.id"
        ))
        .bind(&clinic)
        .bind(&therapist)
        .bind(from.as_millisecond())
        .fetch_all(&self.pool)
        .await?;
        Ok(CalendarFeed {
            therapist_name: row.try_get(2)?,
            clinic_name: row.try_get(3)?,
            time_zone: row.try_get(4)?,
            appointments: rows.iter().map(appointment_from_row).collect::<Result<_, _>>()?,
        })
    }
}

/// What a client's booking link offers: the therapist's hours and busy
/// times, the client's last visit and active plan (for the plan's cadence),
/// and what they already have booked.
#[derive(Debug, Clone)]
pub struct BookingContext {
    pub grant: LinkGrant,
    pub client_id: ClientId,
    pub client_email: Option<String>,
    pub therapist: StaffMember,
    pub time_zone: String,
    pub hours: Vec<HoursRow>,
    /// Appointments of the therapist from now on that hold their time.
    pub busy: Vec<(Timestamp, Timestamp)>,
    /// The latest day the client was seen or is booked (YYYY-MM-DD in the
    /// clinic's zone).
    pub last_visit: Option<String>,
    /// The content of the client's newest active treatment plan.
    pub active_plan: Option<Value>,
    pub upcoming: Vec<Appointment>,
}

fn split_booking_target(target: &str) -> Result<(String, String), StoreError> {
    target
        .split_once(':')
        .map(|(c, t)| (c.to_owned(), t.to_owned()))
        .ok_or_else(|| StoreError::Internal("corrupt booking link target".into()))
}

impl ClinicScope<'_> {
    /// A single-use link through which the client books one appointment
    /// with the therapist, choosing among free slots.
    pub async fn booking_link(
        &self,
        client: ClientId,
        therapist_id: &str,
        ttl: Duration,
    ) -> Result<IssuedLink, StoreError> {
        let mut tx = self.store.write_tx().await?;
        self.require_client(&mut tx, client).await?;
        therapist_in(&mut tx.tx, &self.clinic_id, therapist_id).await?;
        let link = self
            .issue_link(
                &mut tx,
                client,
                LinkPurpose::Booking,
                &format!("{client}:{therapist_id}"),
                ttl,
            )
            .await?;
        tx.commit().await?;
        Ok(link)
    }
}

impl Store {
    pub async fn booking_by_link(&self, token: &str, until: Timestamp) -> Result<BookingContext, StoreError> {
        let grant = self.open_link(token).await?;
        if grant.purpose != LinkPurpose::Booking {
            return Err(StoreError::NotFound("link"));
        }
        let (client, therapist_id) = split_booking_target(&grant.target_id)?;
        // Reads only: one snapshot, without taking the writers' turn.
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query("SELECT c.clinic_id, c.email, k.time_zone FROM clients c JOIN clinics k ON k.id = c.clinic_id WHERE c.id = $1")
            .bind(&client)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("link"))?;
        let clinic_id: String = row.try_get(0)?;
        let time_zone: String = row.try_get(2)?;
        let zone = TimeZone::get(&time_zone).unwrap_or(TimeZone::UTC);
        let therapist = therapist_in(&mut tx, &clinic_id, &therapist_id).await?;
        let hours = hours_of(&mut tx, &clinic_id, &therapist_id).await?;
        let now = now_ms();
        // Appointments that hold their time, and time off.
        let busy = sqlx::query(
            "SELECT starts_at, ends_at FROM appointments WHERE clinic_id = $1 AND therapist_id = $2 \
             AND status <> 'cancelled' AND ends_at > $3 AND starts_at < $4 \
             UNION ALL SELECT starts_at, ends_at FROM time_off WHERE clinic_id = $1 AND therapist_id = $2 \
             AND ends_at > $3 AND starts_at < $4",
        )
        .bind(&clinic_id)
        .bind(&therapist_id)
        .bind(now)
        .bind(until.as_millisecond())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| Ok((from_ms(r.try_get(0)?), from_ms(r.try_get(1)?))))
        .collect::<Result<Vec<_>, StoreError>>()?;
        let last_note: Option<String> = sqlx::query_scalar(
            "SELECT MAX(session_date) FROM session_notes WHERE clinic_id = $1 AND client_id = $2 AND status = 'signed'",
        )
        .bind(&clinic_id)
        .bind(&client)
        .fetch_one(&mut *tx)
        .await?;
        let last_booked: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(starts_at) FROM appointments WHERE clinic_id = $1 AND client_id = $2 AND status IN ('booked', 'attended')",
        )
        .bind(&clinic_id)
        .bind(&client)
        .fetch_one(&mut *tx)
        .await?;
        let last_booked = last_booked.map(|ms| from_ms(ms).to_zoned(zone.clone()).date().to_string());
        let last_visit = match (last_note, last_booked) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let active_plan: Option<String> = sqlx::query_scalar(
            "SELECT plan FROM treatment_plans WHERE clinic_id = $1 AND client_id = $2 AND status = 'active' \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(&clinic_id)
        .bind(&client)
        .fetch_optional(&mut *tx)
        .await?;
        let upcoming = sqlx::query(&format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM {APPOINTMENT_FROM} WHERE a.clinic_id = $1 AND a.client_id = $2 \
             AND a.status = 'booked' AND a.ends_at > $3 ORDER BY a.starts_at"
        ))
        .bind(&clinic_id)
        .bind(&client)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(appointment_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        tx.commit().await?;
        Ok(BookingContext {
            grant,
            client_id: client
                .parse()
                .map_err(|_| StoreError::Internal("corrupt booking link client".into()))?,
            client_email: row.try_get(1)?,
            therapist,
            time_zone,
            hours,
            busy,
            last_visit,
            active_plan: active_plan
                .map(|p| serde_json::from_str(&p))
                .transpose()
                .map_err(|e| StoreError::Internal(format!("stored plan does not parse: {e}")))?,
            upcoming,
        })
    }

    /// Books through a client's link, using the link up in the same
    /// transaction; the double-booking rule is the staff's.
    pub async fn book_via_link(
        &self,
        token: &str,
        starts_at: Timestamp,
        ends_at: Timestamp,
        minutes: u16,
        reminder: Option<OutboxDraft>,
    ) -> Result<Appointment, StoreError> {
        let mut tx = self.write_tx().await?;
        let link = Store::consume_link(&mut tx, token, LinkPurpose::Booking).await?;
        let (_, therapist_id) = split_booking_target(&link.target_id)?;
        let zone: String = sqlx::query_scalar("SELECT time_zone FROM clinics WHERE id = $1")
            .bind(&link.clinic_id)
            .fetch_one(&mut *tx.tx)
            .await?;
        let zone = TimeZone::get(&zone).unwrap_or(TimeZone::UTC);
        let id = uuid::Uuid::now_v7().to_string();
        let time = NewTime {
            therapist_id: therapist_id.clone(),
            room_id: None,
            starts_at,
            ends_at,
            minutes,
        };
        claim_time(&mut tx, &link.clinic_id, &zone, &time, &link.client_id, &id).await?;
        let room = free_room(&mut tx, &link.clinic_id, starts_at, ends_at).await?;
        let now = now_ms();
        let actor = format!("client:{}", link.client_id);
        sqlx::query(
            "INSERT INTO appointments (id, clinic_id, client_id, therapist_id, room_id, starts_at, ends_at, minutes, status, note, booked_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $10, $5, $6, $7, 'booked', 'Booked online by the client', $8, $9, $9)",
        )
        .bind(&id)
        .bind(&link.clinic_id)
        .bind(&link.client_id)
        .bind(&therapist_id)
        .bind(starts_at.as_millisecond())
        .bind(ends_at.as_millisecond())
        .bind(i64::from(minutes))
        .bind(&actor)
        .bind(now)
        .bind(room.as_deref())
        .execute(&mut *tx.tx)
        .await?;
        let client: ClientId = link
            .client_id
            .parse()
            .map_err(|_| StoreError::Internal("corrupt booking link client".into()))?;
        if let Some(reminder) = reminder {
            enqueue_about_appointment(&mut tx, &link.clinic_id, client, &id, starts_at, &actor, &reminder).await?;
        }
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &link.clinic_id,
                actor: &actor,
                action: "appointment.book_online",
                record_type: "appointment",
                record_id: &id,
            },
        )
        .await?;
        let booked = fetch_appointment(&mut tx.tx, &link.clinic_id, &id).await?;
        tx.commit().await?;
        Ok(booked)
    }
}

impl Store {
    /// The appointment behind a client's appointment link, with the
    /// clinic's time zone (the link stays open until it starts).
    pub async fn appointment_by_link(&self, token: &str) -> Result<(LinkGrant, Appointment, String), StoreError> {
        let grant = self.open_link(token).await?;
        if grant.purpose != LinkPurpose::Appointment {
            return Err(StoreError::NotFound("link"));
        }
        let clinic: (String, String) = {
            let row = sqlx::query(
                "SELECT a.clinic_id, c.time_zone FROM appointments a JOIN clinics c ON c.id = a.clinic_id WHERE a.id = $1",
            )
            .bind(&grant.target_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("link"))?;
            (row.try_get(0)?, row.try_get(1)?)
        };
        let appointment = fetch_appointment(&mut *self.pool.acquire().await?, &clinic.0, &grant.target_id).await?;
        Ok((grant, appointment, clinic.1))
    }

    /// The client cancels through their link, at least `notice` before the
    /// start; the link is used up and the unsent reminder withdrawn. Returns
    /// the appointment and the clinic's time zone.
    pub async fn cancel_via_link(
        &self,
        token: &str,
        notice: jiff::SignedDuration,
    ) -> Result<(Appointment, String), StoreError> {
        let mut tx = self.write_tx().await?;
        let link = Store::consume_link(&mut tx, token, LinkPurpose::Appointment).await?;
        let current = fetch_appointment(&mut tx.tx, &link.clinic_id, &link.target_id).await?;
        if current.status != AppointmentStatus::Booked {
            return Err(StoreError::Gone(format!(
                "This appointment is {} already.",
                current.status.label().to_lowercase()
            )));
        }
        if current.starts_at.duration_since(Timestamp::now()) < notice {
            return Err(StoreError::Conflict(format!(
                "Online cancellation closes {} hours before the appointment; please call the clinic.",
                notice.as_hours()
            )));
        }
        if let Err(refusal) = versioned_appointment(&link.clinic_id, &link.target_id, None, &["booked"])
            .claim(&mut tx.tx)
            .await?
        {
            return Err(match refusal {
                Refusal::Status(status) => {
                    StoreError::Gone(format!("This appointment is {} already.", status_label(&status)))
                }
                _ => StoreError::NotFound("appointment"),
            });
        }
        sqlx::query("UPDATE appointments SET status = 'cancelled' WHERE id = $1 AND clinic_id = $2")
            .bind(&link.target_id)
            .bind(&link.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        outbox::cancel_pending_for(&mut tx, &link.clinic_id, &link.target_id).await?;
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &link.clinic_id,
                actor: &format!("client:{}", link.client_id),
                action: "appointment.cancel_online",
                record_type: "appointment",
                record_id: &link.target_id,
            },
        )
        .await?;
        let cancelled = fetch_appointment(&mut tx.tx, &link.clinic_id, &link.target_id).await?;
        let zone: String = sqlx::query_scalar("SELECT time_zone FROM clinics WHERE id = $1")
            .bind(&link.clinic_id)
            .fetch_one(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        Ok((cancelled, zone))
    }
}
