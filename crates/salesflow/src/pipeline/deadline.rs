//! The first-byte and idle timeouts, kept by one watchdog thread for the whole process
//! instead of a runtime timer per request.
//!
//! A pending tokio timer makes the runtime arm a kernel timer each time it parks, which on
//! a small call costs more than everything else the SDK does. Here a request registers its
//! [`Deadline`] with the watchdog once (a lock and a heap push); moving the deadline later,
//! before each chunk of a body, is one atomic store; the watchdog looks at a deadline only
//! when it falls due, and then either wakes the request or files the deadline again for its
//! new time. Deadlines of requests that are done are dropped when they fall due, or swept
//! when they pile up, so memory stays proportional to the requests in flight.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::task::Poll;
use std::time::{Duration, Instant};

use futures_util::task::AtomicWaker;

/// When a request must next make progress, and how to wake it when it has not.
#[derive(Debug)]
pub(crate) struct Deadline {
    /// When it falls due: nanoseconds since the watchdog's epoch.
    due: AtomicU64,
    /// The earliest time it is filed for (never after `due`).
    filed: AtomicU64,
    fired: AtomicBool,
    waker: AtomicWaker,
}

/// One filed deadline: when the watchdog is to look at it.
struct Filed {
    at: u64,
    deadline: Weak<Deadline>,
}

impl PartialEq for Filed {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Filed {}
impl PartialOrd for Filed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Filed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

struct Watchdog {
    epoch: Instant,
    filed: Mutex<BinaryHeap<Reverse<Filed>>>,
    changed: Condvar,
    /// Deadlines alive (not dropped), to know when the heap is mostly dead ones.
    alive: AtomicUsize,
}

fn watchdog() -> &'static Watchdog {
    static WATCHDOG: OnceLock<&'static Watchdog> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        let watchdog: &'static Watchdog = Box::leak(Box::new(Watchdog {
            epoch: Instant::now(),
            filed: Mutex::new(BinaryHeap::new()),
            changed: Condvar::new(),
            alive: AtomicUsize::new(0),
        }));
        std::thread::Builder::new()
            .name("salesflow-timeouts".to_owned())
            .spawn(move || watchdog.run())
            .expect("the timeout thread starts");
        watchdog
    })
}

impl Watchdog {
    fn now(&self) -> u64 {
        nanos(self.epoch.elapsed())
    }

    fn file(&self, at: u64, deadline: &Arc<Deadline>) {
        let mut filed = self.filed.lock().expect("not poisoned");
        // Sweep the deadlines of finished requests when they outnumber the live ones, and
        // early: their memory then goes back to the allocator while it is still warm.
        if filed.len() > 64 && filed.len() > 2 * self.alive.load(Ordering::Relaxed) {
            filed.retain(|Reverse(entry)| entry.deadline.strong_count() > 0);
        }
        let earliest = filed.peek().map(|Reverse(entry)| entry.at);
        filed.push(Reverse(Filed {
            at,
            deadline: Arc::downgrade(deadline),
        }));
        drop(filed);
        if earliest.is_none_or(|earliest| at < earliest) {
            self.changed.notify_one();
        }
    }

    fn run(&self) {
        let mut filed = self.filed.lock().expect("not poisoned");
        loop {
            let now = self.now();
            while let Some(Reverse(entry)) = filed.peek() {
                if entry.at > now {
                    break;
                }
                let Some(Reverse(entry)) = filed.pop() else {
                    break;
                };
                let Some(deadline) = entry.deadline.upgrade() else {
                    continue;
                };
                let due = deadline.due.load(Ordering::Acquire);
                if due > now {
                    // Moved later since it was filed: look again then.
                    deadline.filed.store(due, Ordering::Release);
                    filed.push(Reverse(Filed {
                        at: due,
                        deadline: entry.deadline,
                    }));
                } else {
                    deadline.fired.store(true, Ordering::Release);
                    deadline.waker.wake();
                }
            }
            filed = match filed.peek() {
                Some(Reverse(entry)) => {
                    let wait = Duration::from_nanos(entry.at.saturating_sub(now));
                    self.changed
                        .wait_timeout(filed, wait)
                        .expect("not poisoned")
                        .0
                }
                None => self.changed.wait(filed).expect("not poisoned"),
            };
        }
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

impl Deadline {
    /// A deadline `after` from now, filed with the watchdog for `look` from now (at most
    /// `after`: the time it will be moved to soonest, so that moving it there is a store).
    pub(crate) fn after(after: Duration, look: Duration) -> Arc<Self> {
        let watchdog = watchdog();
        let now = watchdog.now();
        let due = now.saturating_add(nanos(after));
        let look = now.saturating_add(nanos(look.min(after)));
        let deadline = Arc::new(Self {
            due: AtomicU64::new(due),
            filed: AtomicU64::new(look),
            fired: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        });
        watchdog.alive.fetch_add(1, Ordering::Relaxed);
        watchdog.file(look, &deadline);
        deadline
    }

    /// Moves the deadline to `after` from now: a store, unless that is before the time it
    /// is filed for (then it is filed again).
    pub(crate) fn move_to(self: &Arc<Self>, after: Duration) {
        let watchdog = watchdog();
        let due = watchdog.now().saturating_add(nanos(after));
        self.due.store(due, Ordering::Release);
        if due < self.filed.load(Ordering::Acquire) {
            self.filed.store(due, Ordering::Release);
            watchdog.file(due, self);
        }
    }

    /// `work`, or `Err(())` if the deadline passes first.
    pub(crate) async fn bound<T>(&self, work: impl Future<Output = T>) -> Result<T, ()> {
        let mut work = pin!(work);
        poll_fn(|cx| {
            if let Poll::Ready(done) = work.as_mut().poll(cx) {
                return Poll::Ready(Ok(done));
            }
            if self.fired.load(Ordering::Acquire) {
                return Poll::Ready(Err(()));
            }
            self.waker.register(cx.waker());
            // Fired between the check and the registration: the wake may be lost.
            if self.fired.load(Ordering::Acquire) {
                return Poll::Ready(Err(()));
            }
            Poll::Pending
        })
        .await
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        watchdog().alive.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_that_is_late_is_cut_off_and_work_in_time_is_not() {
        let deadline = Deadline::after(Duration::from_millis(50), Duration::MAX);
        let started = Instant::now();
        let late = deadline.bound(std::future::pending::<()>()).await;
        assert_eq!(late, Err(()));
        assert!(started.elapsed() >= Duration::from_millis(50));
        assert!(started.elapsed() < Duration::from_secs(2));
        let deadline = Deadline::after(Duration::from_secs(5), Duration::MAX);
        assert_eq!(deadline.bound(async { 7 }).await, Ok(7));
    }

    #[tokio::test]
    async fn a_deadline_moved_later_holds_and_moved_earlier_fires_sooner() {
        let deadline = Deadline::after(Duration::from_millis(30), Duration::from_millis(30));
        deadline.move_to(Duration::from_millis(300));
        let started = Instant::now();
        let sleep = tokio::time::sleep(Duration::from_millis(100));
        assert_eq!(
            deadline.bound(sleep).await,
            Ok(()),
            "moved later: not cut off"
        );
        // Filed for 60 s, moved to 40 ms: filed again.
        let deadline = Deadline::after(Duration::from_secs(60), Duration::from_secs(60));
        deadline.move_to(Duration::from_millis(40));
        assert_eq!(deadline.bound(std::future::pending::<()>()).await, Err(()));
        // Filed for when it is to be moved to (20 ms), due in 60 s, moved there: a store.
        let deadline = Deadline::after(Duration::from_secs(60), Duration::from_millis(20));
        deadline.move_to(Duration::from_millis(20));
        assert_eq!(deadline.bound(std::future::pending::<()>()).await, Err(()));
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn finished_deadlines_do_not_pile_up() {
        for _ in 0..20_000 {
            drop(Deadline::after(Duration::from_secs(3600), Duration::MAX));
        }
        let filed = watchdog().filed.lock().unwrap().len();
        assert!(filed <= 2 * 64 + 64, "{filed} deadlines filed");
    }
}
