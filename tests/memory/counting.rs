//! A global allocator that counts the bytes this thread holds and the most it has held:
//! the memory test and the benchmark measure peaks with it. Counting per thread keeps the
//! local test server's allocations (on its own thread) out of the figures; the client runs
//! on a current-thread runtime, so its allocations are all on the measuring thread.
//! Growing a block in place (`realloc`) counts the growth only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The allocator: `System`, counted.
pub struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn change(bytes: isize) {
    // `try_with`: the allocator also runs while a thread's locals are torn down.
    let _ = HELD.try_with(|held| {
        let now = held.get() + bytes;
        held.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn size(layout: Layout) -> isize {
    isize::try_from(layout.size()).unwrap_or(isize::MAX)
}

// SAFETY: every call is passed on to `System` unchanged; the counting touches no memory
// of the allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's promises about `layout` are passed on.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            change(size(layout));
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            change(size(layout));
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` was allocated by `System` with `layout`, as the caller promises.
        unsafe { System.dealloc(pointer, layout) };
        change(-size(layout));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and `new_size` is the caller's.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            change(isize::try_from(new_size).unwrap_or(isize::MAX) - size(layout));
        }
        moved
    }
}

/// Starts a measurement: the peak is set to what this thread holds now, which is returned.
pub fn start() -> usize {
    let held = HELD.with(Cell::get);
    PEAK.with(|peak| peak.set(held));
    usize::try_from(held).unwrap_or(0)
}

/// The most this thread has held since `start`, above what it held then (`base`).
pub fn peak_above(base: usize) -> usize {
    usize::try_from(PEAK.with(Cell::get))
        .unwrap_or(0)
        .saturating_sub(base)
}
