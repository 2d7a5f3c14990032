//! Single-purpose, expiring, single-use links through which a client answers
//! without an account (the intake form, a soreness check-in). Only a hash of
//! the token is stored; a link opens exactly one target of one client.

use std::time::Duration;

use jiff::Timestamp;
use myomap_domain::ClientId;
use sqlx::Row;

use crate::accounts::{random_token, token_hash};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Intake,
    Checkin,
    /// An outcome questionnaire; the target is `CLIENT_ID:INSTRUMENT`.
    Questionnaire,
    /// A home-care handout: viewed and ticked off many times until it expires.
    HomeCare,
    /// Booking one appointment online; the target is `CLIENT_ID:THERAPIST_ID`.
    Booking,
    /// One booked appointment, to see or cancel it; open until it starts.
    Appointment,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Intake => "intake",
            LinkPurpose::Checkin => "checkin",
            LinkPurpose::Questionnaire => "questionnaire",
            LinkPurpose::HomeCare => "home_care",
            LinkPurpose::Booking => "booking",
            LinkPurpose::Appointment => "appointment",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "intake" => Ok(LinkPurpose::Intake),
            "checkin" => Ok(LinkPurpose::Checkin),
            "questionnaire" => Ok(LinkPurpose::Questionnaire),
            "home_care" => Ok(LinkPurpose::HomeCare),
            "booking" => Ok(LinkPurpose::Booking),
            "appointment" => Ok(LinkPurpose::Appointment),
            other => Err(StoreError::Internal(format!("unknown link purpose {other}"))),
        }
    }
}

/// A link just made; its token is shown once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub token: String,
    pub expires_at: Timestamp,
}

/// What an open link gives access to.
#[derive(Debug, Clone)]
pub struct LinkGrant {
    pub clinic_name: String,
    pub client_given_name: String,
    /// For the screening's age rules on an intake answered through a link.
    pub client_date_of_birth: Option<jiff::civil::Date>,
    /// The clinic's IANA time zone: the client's "today" is the clinic's.
    pub clinic_time_zone: String,
    pub purpose: LinkPurpose,
    pub target_id: String,
    pub expires_at: Timestamp,
}

pub(crate) struct ConsumedLink {
    pub clinic_id: String,
    pub client_id: String,
    pub target_id: String,
}

/// Issues a link inside a transaction for any actor (a staff member or, for
/// online booking, the client's own link): the token is returned once.
pub(crate) async fn issue_link_in(
    tx: &mut Tx<'_>,
    clinic_id: &str,
    client_id: &str,
    created_by: &str,
    purpose: LinkPurpose,
    target_id: &str,
    expires_at: i64,
) -> Result<IssuedLink, StoreError> {
    let token = random_token();
    // A new link for the same target replaces the old one.
    sqlx::query("DELETE FROM client_links WHERE clinic_id = $1 AND target_id = $2 AND used_at IS NULL")
        .bind(clinic_id)
        .bind(target_id)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query(
        "INSERT INTO client_links (token_hash, clinic_id, client_id, purpose, target_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token_hash(&token))
    .bind(clinic_id)
    .bind(client_id)
    .bind(purpose.as_str())
    .bind(target_id)
    .bind(created_by)
    .bind(now_ms())
    .bind(expires_at)
    .execute(&mut *tx.tx)
    .await?;
    Ok(IssuedLink {
        token,
        expires_at: from_ms(expires_at),
    })
}

impl ClinicScope<'_> {
    pub(crate) async fn issue_link(
        &self,
        tx: &mut Tx<'_>,
        client: ClientId,
        purpose: LinkPurpose,
        target_id: &str,
        ttl: Duration,
    ) -> Result<IssuedLink, StoreError> {
        let expires_at = now_ms().saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2));
        let link = issue_link_in(
            tx,
            &self.clinic_id,
            &client.to_string(),
            &self.actor_id,
            purpose,
            target_id,
            expires_at,
        )
        .await?;
        self.audit(
            tx,
            &format!("link.issue.{}", purpose.as_str()),
            purpose.as_str(),
            target_id,
        )
        .await?;
        Ok(link)
    }
}

fn unusable(used_at: Option<i64>, expires_at: i64, now: i64) -> Option<StoreError> {
    if used_at.is_some() {
        Some(StoreError::Gone(
            "This link has already been used. Ask your clinic for a new one if needed.".into(),
        ))
    } else if expires_at <= now {
        Some(StoreError::Gone(
            "This link has expired. Ask your clinic for a new one.".into(),
        ))
    } else {
        None
    }
}

impl Store {
    /// What a client link opens, if it is still usable. Opening does not use
    /// it up; answering does.
    pub async fn open_link(&self, token: &str) -> Result<LinkGrant, StoreError> {
        let row = sqlx::query(
            "SELECT c.name, cl.given_name, l.purpose, l.target_id, l.expires_at, l.used_at, cl.date_of_birth, c.time_zone \
             FROM client_links l JOIN clinics c ON c.id = l.clinic_id \
             JOIN clients cl ON cl.id = l.client_id AND cl.clinic_id = l.clinic_id WHERE l.token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("link"))?;
        let expires_at: i64 = row.try_get(4)?;
        if let Some(e) = unusable(row.try_get(5)?, expires_at, now_ms()) {
            return Err(e);
        }
        Ok(LinkGrant {
            clinic_name: row.try_get(0)?,
            client_given_name: row.try_get(1)?,
            client_date_of_birth: row.try_get::<String, _>(6)?.parse().ok(),
            clinic_time_zone: row.try_get(7)?,
            purpose: LinkPurpose::parse(&row.try_get::<String, _>(2)?)?,
            target_id: row.try_get(3)?,
            expires_at: from_ms(expires_at),
        })
    }

    /// Uses up a link inside the transaction that stores the answer, so an
    /// answer is stored at most once and never without its link.
    pub(crate) async fn consume_link(
        tx: &mut Tx<'_>,
        token: &str,
        purpose: LinkPurpose,
    ) -> Result<ConsumedLink, StoreError> {
        let hash = token_hash(token);
        let row = sqlx::query("SELECT clinic_id, client_id, target_id, purpose, expires_at, used_at FROM client_links WHERE token_hash = $1")
            .bind(&hash)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound("link"))?;
        if row.try_get::<String, _>(3)? != purpose.as_str() {
            return Err(StoreError::NotFound("link"));
        }
        let now = now_ms();
        if let Some(e) = unusable(row.try_get(5)?, row.try_get(4)?, now) {
            return Err(e);
        }
        let updated = sqlx::query("UPDATE client_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
            .bind(now)
            .bind(&hash)
            .execute(&mut *tx.tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Gone("This link has already been used.".into()));
        }
        Ok(ConsumedLink {
            clinic_id: row.try_get(0)?,
            client_id: row.try_get(1)?,
            target_id: row.try_get(2)?,
        })
    }
}
