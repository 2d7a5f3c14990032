//! A client's whole clinical record in one read: the client page and the
//! progress report need every part at once, read in one snapshot, with the
//! read entries handed to the audit log's group commit together.

use myomap_domain::{Client, ClientId};

use crate::tx::Tx;
use crate::{Assessment, ClinicScope, HomeCare, Intake, NoteRecord, Questionnaire, StoreError, StoredPlan};

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
        let mut tx = self.store.read_tx().await?;
        let record = self.client_record_in(&mut tx, client).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Several clients' records (a day's agenda) in one transaction: one
    /// commit instead of one per client, every read still audited.
    pub async fn client_records(&self, clients: &[ClientId]) -> Result<Vec<ClientRecord>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let mut records = Vec::with_capacity(clients.len());
        for client in clients {
            records.push(self.client_record_in(&mut tx, *client).await?);
        }
        tx.commit().await?;
        Ok(records)
    }

    async fn client_record_in(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<ClientRecord, StoreError> {
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
