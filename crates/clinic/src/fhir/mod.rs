//! FHIR R4 export: one client's record as a `collection` Bundle (the JSON
//! API and `myomap export fhir --client`), and the whole clinic as bulk
//! NDJSON, one file per resource type (`myomap export fhir --all`).
//!
//! Every export is an audited read: each client's record is read with the
//! store's whole-record read (`client_overview`), which appends one
//! `record.read` entry per client before the record is handed out. The
//! mapping itself is [`map`], pure.

pub mod map;

use std::collections::{BTreeMap, HashSet};
use std::io::{BufWriter, Write};
use std::path::Path;

use myomap_domain::ClientId;
use myomap_store::{Actor, ClientQuery, StaffMember, Store};
use serde_json::Value;

use crate::{ClinicError, Clock};

fn require_clinical(actor: &Actor) -> Result<(), ClinicError> {
    if actor.role.reads_clinical_record() {
        Ok(())
    } else {
        Err(ClinicError::Forbidden(
            "only therapists and owners may export a clinical record".into(),
        ))
    }
}

/// One client's resources, read in one audited snapshot.
async fn resources_of(
    store: &Store,
    actor: &Actor,
    staff: &[StaffMember],
    client: ClientId,
) -> Result<Vec<Value>, ClinicError> {
    let overview = store.clinic(actor).client_overview(client).await?;
    let record = overview
        .record
        .ok_or_else(|| ClinicError::Forbidden("the clinical record is not readable for this role".into()))?;
    Ok(map::client_resources(&map::Source {
        clinic_id: &actor.clinic_id.to_string(),
        clinic_name: &actor.clinic_name,
        record: &record,
        appointments: &overview.appointments,
        staff,
    }))
}

/// A client's record as a FHIR R4 `collection` Bundle, stamped with the
/// clock's time. Front desk: forbidden; another clinic's client: not found.
pub async fn client_bundle(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
) -> Result<Value, ClinicError> {
    require_clinical(actor)?;
    let staff = store.clinic(actor).staff().await?;
    let resources = resources_of(store, actor, &staff, client).await?;
    Ok(map::bundle(&client.to_string(), clock.now(), resources))
}

/// What a bulk export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSummary {
    pub clients: usize,
    /// Resource type and the number of resources in its file, by type.
    pub files: Vec<(String, usize)>,
}

impl BulkSummary {
    pub fn resources(&self) -> usize {
        self.files.iter().map(|(_, n)| n).sum()
    }
}

/// Writes the whole clinic (archived clients included) as FHIR Bulk Data
/// NDJSON into `dir`: `Patient.ndjson`, `Encounter.ndjson`, ..., one
/// resource per line; the clinic and its staff once each. `dir` is created
/// if missing and must be empty. `progress(done, total)` is called after
/// each client.
pub async fn export_clinic(
    store: &Store,
    actor: &Actor,
    dir: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BulkSummary, ClinicError> {
    require_clinical(actor)?;
    let io = |what: &str, e: std::io::Error| ClinicError::Internal(format!("{what}: {e}"));
    std::fs::create_dir_all(dir).map_err(|e| io(&format!("creating {}", dir.display()), e))?;
    let not_empty = std::fs::read_dir(dir)
        .map_err(|e| io(&format!("reading {}", dir.display()), e))?
        .next()
        .is_some();
    if not_empty {
        return Err(ClinicError::field(
            "out",
            format!("{} is not empty: give a new or empty directory", dir.display()),
        ));
    }
    let scope = store.clinic(actor);
    let staff = scope.staff().await?;

    // Every client's id first (name order, archived too), then one audited
    // read per client.
    let mut ids = Vec::new();
    let mut query = ClientQuery {
        include_archived: true,
        page: 1,
        ..ClientQuery::default()
    };
    loop {
        let page = scope.list_clients(&query).await?;
        ids.extend(page.clients.iter().map(|c| c.id));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }

    let mut files: BTreeMap<String, (BufWriter<std::fs::File>, usize)> = BTreeMap::new();
    let mut shared = HashSet::new();
    let total = ids.len();
    for (done, client) in ids.into_iter().enumerate() {
        for resource in resources_of(store, actor, &staff, client).await? {
            let kind = resource["resourceType"].as_str().unwrap_or("Unknown").to_owned();
            // The clinic and its staff appear in every client's record; once
            // in the bulk files.
            if matches!(kind.as_str(), "Organization" | "Practitioner") {
                let key = format!("{kind}/{}", resource["id"].as_str().unwrap_or_default());
                if !shared.insert(key) {
                    continue;
                }
            }
            if !files.contains_key(&kind) {
                let path = dir.join(format!("{kind}.ndjson"));
                let file = std::fs::File::create(&path).map_err(|e| io(&format!("creating {}", path.display()), e))?;
                files.insert(kind.clone(), (BufWriter::new(file), 0));
            }
            if let Some((writer, count)) = files.get_mut(&kind) {
                let line = serde_json::to_string(&resource).map_err(|e| ClinicError::Internal(e.to_string()))?;
                writer
                    .write_all(line.as_bytes())
                    .and_then(|()| writer.write_all(b"\n"))
                    .map_err(|e| io(&format!("writing {kind}.ndjson"), e))?;
                *count += 1;
            }
        }
        progress(done + 1, total);
    }
    let mut summary = BulkSummary {
        clients: total,
        files: Vec::new(),
    };
    for (kind, (mut writer, count)) in files {
        writer
            .flush()
            .and_then(|()| writer.get_ref().sync_all())
            .map_err(|e| io(&format!("writing {kind}.ndjson"), e))?;
        summary.files.push((kind, count));
    }
    Ok(summary)
}
