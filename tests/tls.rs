//! The default build speaks HTTPS: an `https://` base URL starts a TLS handshake.

use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;

use salesflow::{ClientBuilder, Error, RetryPolicy, TransportKind};

/// A TLS record that opens a handshake: content type 22, version 3.x, then a ClientHello.
fn is_client_hello(bytes: &[u8]) -> bool {
    bytes.len() > 5 && bytes[0] == 0x16 && bytes[1] == 0x03 && bytes[5] == 0x01
}

#[tokio::test]
async fn an_https_request_starts_a_tls_handshake() {
    // A plain TCP server that reads what the client sends first, then hangs up.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut first = [0u8; 64];
        let read = stream.read(&mut first).unwrap();
        first[..read].to_vec()
    });

    let client = ClientBuilder::new()
        .token("MARKERtok3nSecret9f2")
        .base_url(format!("https://127.0.0.1:{port}/api"))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("the default features include a TLS backend");
    let error = client.list_accounts().send().await.unwrap_err();

    let first_bytes = received.join().unwrap();
    assert!(
        is_client_hello(&first_bytes),
        "expected a TLS ClientHello, got {first_bytes:02x?}"
    );
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportKind::Connect | TransportKind::Other,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains("MARKERtok3nSecret9f2"));
}
