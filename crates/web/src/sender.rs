//! Sends the outbox through the mail relay. Every instance runs a sender;
//! claims with a lease keep two instances from sending one message, and a
//! lease that runs out (an instance died mid-send) hands the message on.
//! A send that fails is recorded with its error and retried later by the
//! store's schedule; the message is never dropped.

use std::time::Duration;

use myomap_store::Store;

use crate::mail::Mailer;

const POLL: Duration = Duration::from_secs(2);
const BATCH: i64 = 20;
/// Longer than one SMTP exchange with a slow relay.
const LEASE_MS: i64 = 120_000;

/// One pass over the due messages; returns how many went out.
pub async fn send_due(store: &Store, mailer: &Mailer) -> usize {
    let claimed = match store.claim_due_messages(BATCH, LEASE_MS).await {
        Ok(claimed) => claimed,
        Err(e) => {
            tracing::warn!(error = %e, "outbox: cannot claim messages");
            return 0;
        }
    };
    let mut sent = 0;
    for message in claimed {
        let outcome = mailer
            .send(&message.recipient, &message.title, message.body.clone())
            .await;
        let recorded = match outcome {
            Ok(()) => {
                sent += 1;
                store.message_sent(&message).await
            }
            Err(e) => {
                tracing::warn!(error = %e, message = %message.id, "outbox: send failed; will retry");
                store.message_failed(&message, &e.to_string()).await
            }
        };
        if let Err(e) = recorded {
            // The lease runs out and the message is tried again: a client
            // may get it twice, which beats never.
            tracing::error!(error = %e, message = %message.id, "outbox: cannot record the outcome");
        }
    }
    sent
}

/// Polls until `stop` resolves.
pub async fn run(store: Store, mailer: Mailer, stop: tokio::sync::watch::Receiver<bool>) {
    let mut stop = stop;
    loop {
        send_due(&store, &mailer).await;
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => return,
        }
    }
}
