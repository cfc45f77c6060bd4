//! Events a receiver handled lately, so that one Salesflow delivers again is handled once.
//!
//! Salesflow's events carry no id, and a delivery that failed (or that the sender thinks
//! failed) comes again. An event is known by everything it says: a redelivery repeats
//! every field, while a new reply or follow-up changes the conversation
//! (`MemberActionsFormatted`) and a new connection its time. Two events alike in every
//! field within the window are one.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use salesflow::types::WebhookEvent;
use tokio::sync::watch;

/// What identifies an event: a digest of all its fields.
type EventKey = u64;

/// The events handled within the last `window`, and those being handled now.
#[derive(Debug)]
pub(crate) struct Dedupe {
    window: Duration,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    events: HashMap<EventKey, State>,
    /// Past this many entries, the expired ones are dropped (then it doubles).
    prune_at: usize,
}

#[derive(Debug)]
enum State {
    /// Handled at this instant.
    Handled(Instant),
    /// Being handled: the sender says `Some(handled)` once it ends.
    Running(watch::Receiver<Option<bool>>),
}

/// What a request may do with its event.
pub(crate) enum Claim {
    /// The same event was handled within the window: answer as if handled again.
    Duplicate,
    /// Handle it, and say how it went with [`Handling::finish`].
    Mine(Handling),
}

/// An event being handled; dropped without [`finish`](Self::finish), it counts as not
/// handled (a later delivery is handled).
pub(crate) struct Handling {
    dedupe: Arc<Dedupe>,
    key: EventKey,
    done: watch::Sender<Option<bool>>,
    finished: bool,
}

impl Dedupe {
    pub(crate) fn new(window: Duration) -> Self {
        Self {
            window,
            seen: Mutex::new(Seen {
                events: HashMap::new(),
                prune_at: 1_024,
            }),
        }
    }

    /// Whether `event` is to be handled: a duplicate of one handled within the window is
    /// not; one like an event being handled now waits for that one's outcome.
    pub(crate) async fn claim(self: &Arc<Self>, event: &WebhookEvent) -> Claim {
        let key = key_of(event);
        loop {
            let mut running = {
                let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
                seen.prune(self.window);
                match seen.events.get(&key) {
                    Some(State::Handled(at)) if at.elapsed() < self.window => {
                        return Claim::Duplicate;
                    }
                    Some(State::Running(running)) => running.clone(),
                    _ => {
                        let (done, running) = watch::channel(None);
                        seen.events.insert(key, State::Running(running));
                        return Claim::Mine(Handling {
                            dedupe: Arc::clone(self),
                            key,
                            done,
                            finished: false,
                        });
                    }
                }
            };
            // The same event is being handled: its outcome decides (a failure leaves it to
            // this delivery).
            let _ = running.wait_for(Option::is_some).await;
        }
    }
}

impl Seen {
    /// Drops the entries older than `window` once there are many.
    fn prune(&mut self, window: Duration) {
        if self.events.len() < self.prune_at {
            return;
        }
        self.events
            .retain(|_, state| !matches!(state, State::Handled(at) if at.elapsed() >= window));
        self.prune_at = (self.events.len() * 2).max(1_024);
    }
}

impl Handling {
    /// Records how handling the event went: a handled event is a duplicate for the window.
    pub(crate) fn finish(mut self, handled: bool) {
        self.end(handled);
    }

    fn end(&mut self, handled: bool) {
        if self.finished {
            return;
        }
        self.finished = true;
        {
            let mut seen = self.dedupe.seen.lock().unwrap_or_else(|e| e.into_inner());
            if handled {
                seen.events.insert(self.key, State::Handled(Instant::now()));
            } else {
                seen.events.remove(&self.key);
            }
        }
        let _ = self.done.send(Some(handled));
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.end(false);
    }
}

/// A digest of every field of `event`, as the SDK reads it.
fn key_of(event: &WebhookEvent) -> EventKey {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(event)
        .expect("an event serialises")
        .hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WebhookEventKind;

    #[tokio::test]
    async fn an_event_handled_is_a_duplicate_within_the_window_and_a_failed_one_is_not() {
        let dedupe = Arc::new(Dedupe::new(Duration::from_millis(200)));
        let event = WebhookEventKind::ReplyDetected.sample();
        let Claim::Mine(first) = dedupe.claim(&event).await else {
            panic!("new")
        };
        first.finish(true);
        assert!(matches!(dedupe.claim(&event).await, Claim::Duplicate));
        let mut other = event.clone();
        other.member_actions_formatted = Some("<p>Another reply</p>".to_owned());
        let Claim::Mine(other_one) = dedupe.claim(&other).await else {
            panic!("a new reply is another event")
        };
        drop(other_one); // not finished: not handled
        assert!(matches!(dedupe.claim(&other).await, Claim::Mine(_)));
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(
            matches!(dedupe.claim(&event).await, Claim::Mine(_)),
            "past the window"
        );
    }

    #[tokio::test]
    async fn a_copy_arriving_while_the_first_is_handled_waits_for_its_outcome() {
        let dedupe = Arc::new(Dedupe::new(Duration::from_secs(60)));
        let event = WebhookEventKind::MemberConnected.sample();
        let Claim::Mine(first) = dedupe.claim(&event).await else {
            panic!("new")
        };
        let waiting = {
            let dedupe = Arc::clone(&dedupe);
            let event = event.clone();
            tokio::spawn(async move { matches!(dedupe.claim(&event).await, Claim::Duplicate) })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "it waits");
        first.finish(true);
        assert!(waiting.await.unwrap(), "then it is a duplicate");
    }
}
