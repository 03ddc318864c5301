//! Progress of long computations (Monte Carlo over many issues, back-tests), reported to an
//! observer the caller passes in; the library itself never prints or draws.
//!
//! Rules: an observer hears once per finished unit of work, with the number finished so far
//! and the total; calls may come from several threads, so the counts are the only order it
//! can rely on; progress never changes a result.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Hears how far a computation has got.
pub trait Observer: Sync {
    /// `done` of `total` units of work are finished.
    fn progress(&self, done: usize, total: usize);
}

impl<F: Fn(usize, usize) + Sync> Observer for F {
    fn progress(&self, done: usize, total: usize) {
        self(done, total)
    }
}

/// An observer that ignores progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn progress(&self, _done: usize, _total: usize) {}
}

/// Counts finished units for an observer.
pub(crate) struct Counter<'a> {
    done: AtomicUsize,
    total: usize,
    observer: &'a dyn Observer,
}

impl<'a> Counter<'a> {
    pub(crate) fn new(total: usize, observer: &'a dyn Observer) -> Self {
        Self {
            done: AtomicUsize::new(0),
            total,
            observer,
        }
    }

    /// One more unit is finished.
    pub(crate) fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.observer.progress(done, self.total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn every_unit_is_heard_once_with_the_total() {
        let heard = Mutex::new(Vec::new());
        let obs = |d: usize, t: usize| heard.lock().unwrap().push((d, t));
        let c = Counter::new(3, &obs);
        for _ in 0..3 {
            c.tick();
        }
        assert_eq!(*heard.lock().unwrap(), [(1, 3), (2, 3), (3, 3)]);
    }
}
