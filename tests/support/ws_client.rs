//! A WebSocket client for the tests that run the local stand-in (`tests/handshake.rs`,
//! `tests/local_gateway.rs`).

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::{self, Message};

/// Connects with `request`; returns the response's status, its `Sec-WebSocket-Protocol` and,
/// once upgraded, what the server answers to `send` (a binary message), or the refusal's body.
pub(crate) async fn exchange(
    request: Request, send: &[u8],
) -> (StatusCode, Option<String>, Vec<u8>) {
    let connecting = tokio_tungstenite::connect_async(request);
    match tokio::time::timeout(Duration::from_secs(5), connecting).await.unwrap() {
        Ok((mut socket, response)) => {
            let protocol = response
                .headers()
                .get("Sec-WebSocket-Protocol")
                .map(|value| value.to_str().unwrap().to_owned());
            socket.send(Message::binary(send.to_vec())).await.unwrap();
            let answer = tokio::time::timeout(Duration::from_secs(5), socket.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            socket.close(None).await.ok();
            (response.status(), protocol, answer.into_data().to_vec())
        }
        Err(tungstenite::Error::Http(response)) => {
            (response.status(), None, response.body().clone().unwrap_or_default())
        }
        Err(other) => panic!("unexpected client error {other}"),
    }
}
