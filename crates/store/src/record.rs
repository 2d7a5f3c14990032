//! A client's whole clinical record in one read: the client page and the
//! progress report need every part at once, read in one snapshot, with the
//! read entries handed to the audit log's group commit together.

use myomap_domain::{Client, ClientId};

use crate::tx::Tx;
use crate::{
    Appointment, Assessment, ClinicScope, HomeCare, Intake, NoteRecord, OpenLink, Questionnaire, StaffMember,
    StoreError, StoredPlan,
};

/// The client page's data; see [`ClinicScope::client_overview`].
#[derive(Debug, Clone)]
pub struct ClientOverview {
    pub client: Client,
    /// `None` for a role that does not read the clinical record.
    pub record: Option<ClientRecord>,
    /// Newest first.
    pub appointments: Vec<Appointment>,
    /// The whole staff, by name (therapists: [`StaffMember::treats_clients`]).
    pub staff: Vec<StaffMember>,
    /// The client's links still open that this role may hand out.
    pub links: Vec<OpenLink>,
}

#[derive(Debug, Clone)]
pub struct ClientRecord {
    pub client: Client,
    pub intake: Option<Intake>,
    pub assessments: Vec<Assessment>,
    pub notes: Vec<NoteRecord>,
    pub questionnaires: Vec<Questionnaire>,
    pub plans: Vec<StoredPlan>,
    pub home_care: Vec<HomeCare>,
}

impl ClinicScope<'_> {
    /// Every part of a client's record, each read audited, in one transaction.
    pub async fn client_record(&self, client: ClientId) -> Result<ClientRecord, StoreError> {
        self.require_clinical()?;
        self.store
            .read_unit(self.actor, move |scope, tx| {
                Box::pin(async move { scope.client_record_in(tx, client).await })
            })
            .await
    }

    /// Several clients' records (a day's agenda) in one transaction: one
    /// commit instead of one per client, every read still audited.
    pub async fn client_records(&self, clients: &[ClientId]) -> Result<Vec<ClientRecord>, StoreError> {
        self.require_clinical()?;
        let clients = clients.to_vec();
        self.store
            .read_unit(self.actor, move |scope, tx| {
                Box::pin(async move {
                    let mut records = Vec::with_capacity(clients.len());
                    for client in clients {
                        records.push(scope.client_record_in(tx, client).await?);
                    }
                    Ok(records)
                })
            })
            .await
    }

    /// What the client page shows, in one snapshot and one unit: the client
    /// (with the whole record for clinical roles), their appointments and
    /// the clinic's staff. One connection serves it all (on a SQLite file,
    /// on the direct read path in one blocking call), so a busy clinic pays
    /// one hand-over per page, not one per part or statement.
    pub async fn client_overview(&self, client: ClientId) -> Result<ClientOverview, StoreError> {
        self.store
            .read_unit(self.actor, move |scope, tx| {
                Box::pin(async move { scope.client_overview_in(tx, client).await })
            })
            .await
    }

    async fn client_overview_in(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<ClientOverview, StoreError> {
        let clinical = self.actor.role.reads_clinical_record();
        let (client_fields, record) = if clinical {
            let record = self.client_record_in(tx, client).await?;
            (record.client.clone(), Some(record))
        } else {
            (self.get_client_in(tx, client).await?, None)
        };
        let appointments = self.client_appointments_in(tx, client).await?;
        let staff = self.staff_in(tx).await?;
        let links = self.open_links_in(tx, client).await?;
        Ok(ClientOverview {
            client: client_fields,
            record,
            appointments,
            staff,
            links,
        })
    }

    /// Reads every part, then folds the parts' audit entries into one
    /// `record.read` entry: the whole record read at once is one access.
    async fn client_record_in(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<ClientRecord, StoreError> {
        let mark = tx.audit_mark();
        let record = self.client_record_parts_in(tx, client).await?;
        tx.fold_audit_since(mark, self.audit_event("record.read", "client", &client.to_string()));
        Ok(record)
    }

    async fn client_record_parts_in(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<ClientRecord, StoreError> {
        Ok(ClientRecord {
            client: self.get_client_in(tx, client).await?,
            intake: self.latest_intake_in(tx, client).await?,
            assessments: self.assessments_for_in(tx, client).await?,
            notes: self.notes_for_in(tx, client).await?,
            questionnaires: self.questionnaires_for_in(tx, client).await?,
            plans: self.plans_for_in(tx, client).await?,
            home_care: self.home_care_for_in(tx, client).await?,
        })
    }
}
