//! Single-purpose, expiring, single-use links through which a client answers
//! without an account (the intake form, a soreness check-in). A link is
//! looked up by the hash of its token and opens exactly one target of one
//! client. The token itself is kept only while the link is open, so staff
//! can copy or e-mail it again from the client page; using the link up or
//! its expiry erases it (the same rule as a sent message's copy, whose links
//! are removed once it has left).

use std::time::Duration;

use jiff::Timestamp;
use myomap_domain::ClientId;
use sqlx::Row;

use crate::accounts::{random_token, token_hash};
use crate::row::{Query, ReadRow};
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

    /// Purposes the front desk hands out: forms and bookings, never the
    /// clinical ones (check-ins, questionnaires, home care).
    pub fn front_desk_may_send(self) -> bool {
        matches!(
            self,
            LinkPurpose::Intake | LinkPurpose::Booking | LinkPurpose::Appointment
        )
    }

    /// The purpose a form or address names, if it names one.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::parse(s).ok()
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
    pub purpose: LinkPurpose,
    /// What the link opens (an intake, a check-in, `CLIENT:INSTRUMENT`, ...).
    pub target_id: String,
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
        "INSERT INTO client_links (token_hash, clinic_id, client_id, purpose, target_id, created_by, created_at, expires_at, token) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(token_hash(&token))
    .bind(clinic_id)
    .bind(client_id)
    .bind(purpose.as_str())
    .bind(target_id)
    .bind(created_by)
    .bind(now_ms())
    .bind(expires_at)
    .bind(&token)
    .execute(&mut *tx.tx)
    .await?;
    Ok(IssuedLink {
        token,
        expires_at: from_ms(expires_at),
        purpose,
        target_id: target_id.to_owned(),
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
        let updated =
            sqlx::query("UPDATE client_links SET used_at = $1, token = NULL WHERE token_hash = $2 AND used_at IS NULL")
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

/// A link that can still be used, as staff see it on the client page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLink {
    pub purpose: LinkPurpose,
    pub target_id: String,
    pub token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// What a message carrying a link is written from.
#[derive(Debug, Clone)]
pub struct LinkMessageFacts {
    pub link: OpenLink,
    pub client_given_name: String,
    pub clinic_name: String,
}

const OPEN_LINK_COLUMNS: &str = "purpose, target_id, token, created_at, expires_at";

fn open_link_from_row(row: &impl ReadRow) -> Result<OpenLink, StoreError> {
    Ok(OpenLink {
        purpose: LinkPurpose::parse(&row.column::<String, _>(0)?)?,
        target_id: row.column(1)?,
        token: row.column(2)?,
        created_at: from_ms(row.column(3)?),
        expires_at: from_ms(row.column(4)?),
    })
}

impl ClinicScope<'_> {
    /// The client's links that are still open and that this role may hand
    /// out, newest first. Part of the client page's unit, whose record read
    /// is audited.
    pub(crate) async fn open_links_in(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<Vec<OpenLink>, StoreError> {
        let rows = tx
            .fetch_all(
                Query::new(&format!(
                    "SELECT {OPEN_LINK_COLUMNS} FROM client_links WHERE clinic_id = $1 AND client_id = $2 \
             AND used_at IS NULL AND token IS NOT NULL AND expires_at > $3 ORDER BY created_at DESC"
                ))
                .bind(&self.clinic_id)
                .bind(client.to_string())
                .bind(now_ms()),
            )
            .await?;
        let clinical = self.actor.role.reads_clinical_record();
        let mut links = Vec::with_capacity(rows.len());
        for row in &rows {
            let link = open_link_from_row(row)?;
            if clinical || link.purpose.front_desk_may_send() {
                links.push(link);
            }
        }
        Ok(links)
    }

    /// The client's open links this role may hand out, newest first (an
    /// audited read: the tokens in them are capabilities).
    pub async fn open_links(&self, client: ClientId) -> Result<Vec<OpenLink>, StoreError> {
        let mut tx = self.store.read_tx().await?;
        self.require_client(&mut tx, client).await?;
        let links = self.open_links_in(&mut tx, client).await?;
        self.audit(&mut tx, "link.list", "client", &client.to_string()).await?;
        tx.commit().await?;
        Ok(links)
    }

    /// Queues an e-mail to the client carrying one of their open links, in
    /// one transaction: the link must still be open when the message is
    /// queued. `compose` writes the subject and body from the link; the
    /// recipient is the client's address on file. Returns the message and
    /// the client it goes to.
    pub async fn email_link<F>(
        &self,
        purpose: LinkPurpose,
        target_id: &str,
        delivery: crate::Delivery,
        compose: F,
    ) -> Result<(String, ClientId), StoreError>
    where
        F: FnOnce(&LinkMessageFacts) -> (String, String) + Send,
    {
        if !(self.actor.role.reads_clinical_record() || purpose.front_desk_may_send()) {
            return Err(StoreError::Forbidden(format!(
                "the {} role cannot send {} links",
                self.actor.role.label().to_lowercase(),
                purpose.as_str().replace('_', "-")
            )));
        }
        let mut tx = self.store.write_tx().await?;
        let row = sqlx::query(&format!(
            "SELECT {OPEN_LINK_COLUMNS}, client_id FROM client_links WHERE clinic_id = $1 \
             AND purpose = $2 AND target_id = $3 AND used_at IS NULL AND token IS NOT NULL AND expires_at > $4"
        ))
        .bind(&self.clinic_id)
        .bind(purpose.as_str())
        .bind(target_id)
        .bind(now_ms())
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound("open link"))?;
        let client: ClientId = row
            .try_get::<String, _>(5)?
            .parse()
            .map_err(|_| StoreError::Internal("a link names a malformed client id".into()))?;
        let link = open_link_from_row(&row)?;
        let (given_name, email, clinic_name): (String, Option<String>, String) = sqlx::query_as(
            "SELECT cl.given_name, cl.email, c.name FROM clients cl JOIN clinics c ON c.id = cl.clinic_id \
             WHERE cl.id = $1 AND cl.clinic_id = $2",
        )
        .bind(client.to_string())
        .bind(&self.clinic_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
        let Some(recipient) = email.filter(|e| !e.trim().is_empty()) else {
            let mut errors = myomap_domain::ValidationErrors::default();
            errors.add(
                "email",
                "the client has no e-mail address on file: add one to the client's details, or copy the link and send it yourself",
            );
            return Err(StoreError::Invalid(errors));
        };
        let facts = LinkMessageFacts {
            link,
            client_given_name: given_name,
            clinic_name,
        };
        let (title, body) = compose(&facts);
        let draft = crate::OutboxDraft {
            kind: format!("link.{}", purpose.as_str()),
            recipient: Some(recipient),
            title,
            body,
            send_after: Timestamp::now(),
            delivery,
        };
        let id = crate::outbox::enqueue(&mut tx, &self.clinic_id, client, target_id, &draft).await?;
        self.audit(
            &mut tx,
            &format!("link.email.{}", purpose.as_str()),
            purpose.as_str(),
            target_id,
        )
        .await?;
        tx.commit().await?;
        Ok((id, client))
    }
}

impl Store {
    /// Erases the kept tokens of links that expired unused: an expired link
    /// opens nothing, and its token need not outlive it. Any instance may
    /// run it; it is idempotent.
    pub async fn forget_expired_link_tokens(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("UPDATE client_links SET token = NULL WHERE token IS NOT NULL AND expires_at <= $1")
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
