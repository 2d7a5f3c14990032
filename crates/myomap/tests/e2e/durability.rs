//! Nothing acknowledged is lost: the server is killed with SIGKILL in the
//! middle of a stream of writes, restarted, and every write it answered 201
//! for must be there.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use myomap_testkit::{TestDb, on_both_backends};
use reqwest::StatusCode;

use crate::harness::{Api, PASSWORD, Server, add_user};

on_both_backends!(acknowledged_writes_survive_sigkill);

async fn acknowledged_writes_survive_sigkill(db: &TestDb) {
    add_user(db, "North Clinic", "owner@north.test", "owner");
    let mut server = Server::start(db);
    let api = Arc::new(Api::login(&server, "owner@north.test", PASSWORD).await);
    let acknowledged = Arc::new(Mutex::new(Vec::new()));

    let mut writers = Vec::new();
    for writer in 0..4 {
        let api = api.clone();
        let acknowledged = acknowledged.clone();
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let body = serde_json::json!({"given_name": format!("W{writer}N{n}"), "family_name": "Durable", "date_of_birth": "1980-01-01"});
                let sent = api.http.post(format!("{}/api/v1/clients", api.base)).bearer_auth(&api.token).json(&body).send().await;
                let Ok(response) = sent else { break };
                if response.status() != StatusCode::CREATED {
                    break;
                }
                let Ok(created) = response.json::<serde_json::Value>().await else { break };
                acknowledged.lock().unwrap().push(created["id"].as_str().unwrap().to_owned());
            }
        }));
    }
    // Let the writers get going, then pull the plug mid-stream.
    while acknowledged.lock().unwrap().len() < 40 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 40);

    let server = Server::start(db);
    let api = Api::login(&server, "owner@north.test", PASSWORD).await;
    for id in &acknowledged {
        assert_eq!(
            api.get(&format!("/api/v1/clients/{id}")).await.0,
            StatusCode::OK,
            "acknowledged client {id} was lost"
        );
    }
    let (_, list) = api.get("/api/v1/clients?q=durable").await;
    assert!(list["total"].as_i64().unwrap() >= i64::try_from(acknowledged.len()).unwrap());
}
