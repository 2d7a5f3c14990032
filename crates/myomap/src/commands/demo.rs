use std::process::ExitCode;

use anyhow::Context;
use myomap_domain::{Role, ValidClient};
use myomap_store::{ClientQuery, Store, StoreError};

use crate::cli::{DbArgs, WebArgs};
use crate::{demo_data, demo_records};

pub const DEMO_CLINIC: &str = "Demo Clinic";
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 3] = [
    ("owner@demo.test", "demo-clinic-owner", Role::Owner),
    ("therapist@demo.test", "demo-therapist", Role::Therapist),
    ("frontdesk@demo.test", "demo-frontdesk", Role::FrontDesk),
];
const BATCH: usize = 500;

pub async fn run(db: &DbArgs, web: &WebArgs, clients: u32, no_serve: bool) -> anyhow::Result<ExitCode> {
    super::init_logging();
    let store = super::open(db).await?;
    let (added, records) = seed(&store, clients as usize).await?;
    let mut banner = vec![format!(
        "Demo clinic \"{DEMO_CLINIC}\": {added} sample client(s) added, {clients} in all. Sign in as:"
    )];
    for (email, password, role) in DEMO_ACCOUNTS {
        banner.push(format!("  {:<22} password {:<18} ({})", email, password, role.label()));
    }
    banner.extend(records.describe());
    if no_serve {
        for line in &banner {
            println!("{line}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    super::serve::serve(store, db, web, &banner, None).await
}

/// Creates the demo accounts (reusing existing ones), tops the clinic up
/// to `clients` sample clients and gives the written cases created in this
/// run their clinical records. Safe to run again: clients that already exist
/// get no new records.
pub async fn seed(store: &Store, clients: usize) -> anyhow::Result<(usize, demo_records::Seeded)> {
    for (email, password, role) in DEMO_ACCOUNTS {
        match store.add_account(DEMO_CLINIC, email, password, role, "demo").await {
            Ok(_) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e).context("creating demo accounts"),
        }
    }
    let owner = store.actor_for_email(DEMO_ACCOUNTS[0].0).await?;
    let scope = store.clinic(&owner);
    let existing = scope
        .list_clients(&ClientQuery {
            include_archived: true,
            ..Default::default()
        })
        .await?
        .total;
    let start = usize::try_from(existing).unwrap_or(0);
    let today = jiff::Zoned::now().date();
    let mut added = 0;
    let mut new_clients = Vec::new();
    let wanted: Vec<usize> = (start..clients).collect();
    for chunk in wanted.chunks(BATCH) {
        let batch: Vec<ValidClient> = chunk
            .iter()
            .map(|&n| {
                demo_data::client(n)
                    .validate(today)
                    .map_err(|e| anyhow::anyhow!("demo client {n}: {e}"))
            })
            .collect::<anyhow::Result<_>>()?;
        let ids = scope.create_clients(&batch).await?;
        new_clients.extend(chunk.iter().copied().zip(ids));
        added += batch.len();
    }
    let records = demo_records::seed(store, DEMO_ACCOUNTS[1].0, &new_clients)
        .await
        .context("seeding the demo clinical records")?;
    let ids: Vec<_> = new_clients.iter().map(|(_, id)| *id).collect();
    crate::demo_calendar::seed(store, &ids)
        .await
        .context("seeding the demo calendar")?;
    store.refresh_statistics().await?;
    Ok((added, records))
}
