//! A plain TCP server on 127.0.0.1: it records the raw bytes of every request (head and
//! body, as they came off the wire) and answers each with raw bytes, or breaks off.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does with the `n`th request (from 0).
#[derive(Debug, Clone)]
pub enum Reply {
    /// Writes these bytes (a whole HTTP answer, or part of one) and closes the connection.
    Bytes(Vec<u8>),
    /// Closes the connection without a word (the client sees a reset or an early EOF).
    Close,
    /// Writes an answer in parts, each after the wait or the signal before it, then closes.
    Parts(Vec<Part>),
}

/// A piece of a [`Reply::Parts`] answer.
#[derive(Debug, Clone)]
pub enum Part {
    /// Bytes to write (and flush) at once.
    Bytes(Vec<u8>),
    /// A pause of this long.
    Wait(Duration),
    /// A pause until the test, too, waits on this two-party barrier.
    Until(std::sync::Arc<std::sync::Barrier>),
}

impl Reply {
    /// A whole HTTP/1.1 answer with a JSON body and its length.
    pub fn json(status: u16, body: &str) -> Self {
        Self::whole(status, "application/json", body)
    }

    /// A whole HTTP/1.1 answer with a body of `content_type` and its length. It says
    /// `connection: close`, as the server closes after each answer: a client that pooled
    /// the connection would race that close (an `IncompleteMessage` on its next request).
    pub fn whole(status: u16, content_type: &str, body: &str) -> Self {
        Self::Bytes(
            format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }

    /// The head of a 200 answer with a JSON body of `length` bytes.
    pub fn head(length: usize) -> Vec<u8> {
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\
             connection: close\r\n\r\n"
        )
        .into_bytes()
    }

    /// An answer that promises `promised` bytes of body and sends only `body`, then closes.
    pub fn truncated(body: &str, promised: usize) -> Self {
        Self::Bytes(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {promised}\r\n\r\n{body}"
            )
            .into_bytes(),
        )
    }
}

/// The running server.
pub struct RawServer {
    port: u16,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl RawServer {
    /// Starts a server on a free port of 127.0.0.1; `reply(n, request)` says how to answer
    /// the `n`th request. It serves one request a connection, on a thread of its own.
    pub fn start(reply: impl Fn(usize, &[u8]) -> Reply + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for (index, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { break };
                let request = read_request(&mut stream);
                seen.lock().expect("not poisoned").push(request.clone());
                match reply(index, &request) {
                    Reply::Bytes(bytes) => {
                        let _ = stream.write_all(&bytes);
                        let _ = stream.flush();
                        let _ = stream.shutdown(Shutdown::Both);
                    }
                    Reply::Parts(parts) => {
                        for part in parts {
                            match part {
                                Part::Bytes(bytes) => {
                                    let _ = stream.write_all(&bytes);
                                    let _ = stream.flush();
                                }
                                Part::Wait(pause) => std::thread::sleep(pause),
                                Part::Until(gate) => {
                                    gate.wait();
                                }
                            }
                        }
                        let _ = stream.shutdown(Shutdown::Both);
                    }
                    Reply::Close => {
                        // Linger 0: the close is a reset, not a polite FIN.
                        let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                        drop(stream);
                    }
                }
            }
        });
        Self { port, requests }
    }

    /// The base URL of the server (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The raw requests received so far.
    pub fn requests(&self) -> Vec<Vec<u8>> {
        self.requests.lock().expect("not poisoned").clone()
    }
}

/// Reads one request: the head up to the blank line, then as many body bytes as its
/// `Content-Length` says.
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(&bytes, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return bytes;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return bytes,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The head of a raw request, split into the request line and `(name, value)` headers with
/// lower-case names, and its body.
pub fn parse_request(raw: &[u8]) -> (String, Vec<(String, String)>, Vec<u8>) {
    let end = find(raw, b"\r\n\r\n").unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let body = raw.get(end + 4..).unwrap_or_default().to_vec();
    (request_line, headers, body)
}
