//! A response's body, read whole or chunk by chunk within the idle timeout, and why an
//! attempt got none.

use std::time::Duration;

use bytes::{Bytes, BytesMut};

use super::rate_limit::Turn;
use super::timeouts::{TimedOut, within};
use crate::{Error, TransportKind};

/// A response's body.
pub(crate) enum Body {
    /// Read whole already (taken by the first [`Body::chunk`]).
    Whole(Option<Bytes>),
    /// To be read: the response, its idle timeout, and the client's turn, held until the body is
    /// read or dropped so that a concurrency cap counts transfers in progress.
    Streamed {
        response: reqwest::Response,
        idle: Option<Duration>,
        _turn: Turn,
    },
}

impl Body {
    /// The rest of the body: its one chunk as it is, or its chunks joined in one buffer
    /// sized by `expected` (the response's length) where it is known.
    pub(crate) async fn whole(&mut self, expected: Option<usize>) -> Result<Bytes, Failure> {
        let Some(first) = self.chunk().await? else {
            return Ok(Bytes::new());
        };
        // All of it in one chunk, as its length said: the end is there already, and is read
        // without a timer.
        let second = if expected == Some(first.len()) {
            self.end().await?
        } else {
            self.chunk().await?
        };
        let Some(second) = second else {
            return Ok(first);
        };
        let size = expected.unwrap_or(0).max(first.len() + second.len());
        let mut joined = BytesMut::with_capacity(size);
        joined.extend_from_slice(&first);
        joined.extend_from_slice(&second);
        drop((first, second));
        while let Some(chunk) = self.chunk().await? {
            joined.extend_from_slice(&chunk);
        }
        Ok(joined.freeze())
    }

    /// What follows a body read to its announced length: `None`, unless the server sent
    /// more (then that chunk, and the rest is read as usual).
    async fn end(&mut self) -> Result<Option<Bytes>, Failure> {
        match self {
            Self::Whole(bytes) => Ok(bytes.take()),
            Self::Streamed { response, .. } => response.chunk().await.map_err(Failure::Http),
        }
    }

    /// The next chunk of the body, or `None` at its end.
    pub(crate) async fn chunk(&mut self) -> Result<Option<Bytes>, Failure> {
        match self {
            Self::Whole(bytes) => Ok(bytes.take()),
            Self::Streamed { response, idle, .. } => next_chunk(response, *idle).await,
        }
    }
}

/// Why an attempt got no (whole) response.
#[derive(Debug)]
pub(crate) enum Failure {
    /// reqwest's error: connect, reset, truncated body, connect timeout.
    Http(reqwest::Error),
    /// One of the SDK's timeouts ran out.
    TimedOut(TimedOut),
}

impl Failure {
    pub(crate) fn kind(&self) -> TransportKind {
        match self {
            Self::Http(error) if error.is_timeout() => TransportKind::Timeout,
            Self::Http(error) if error.is_connect() => TransportKind::Connect,
            Self::Http(_) => TransportKind::Other,
            Self::TimedOut(_) => TransportKind::Timeout,
        }
    }

    pub(crate) fn into_error(self, operation: &'static str) -> Error {
        let kind = self.kind();
        let source: Box<dyn std::error::Error + Send + Sync> = match self {
            Self::Http(error) => Box::new(error.without_url()),
            Self::TimedOut(timed_out) => Box::new(timed_out),
        };
        Error::Transport {
            operation,
            kind,
            source,
        }
    }
}

/// The next chunk of `response`'s body, within the idle timeout.
async fn next_chunk(
    response: &mut reqwest::Response,
    idle: Option<Duration>,
) -> Result<Option<Bytes>, Failure> {
    within(idle, response.chunk())
        .await
        .map_err(|after| Failure::TimedOut(TimedOut { idle: true, after }))?
        .map_err(Failure::Http)
}
