//! Ctrl-C as a request to stop: after [`install`], `SIGINT` no longer kills the process but
//! sets a flag that long runs ([`requested`]) poll between programs, so they can stop cleanly
//! and report what they did so far. A second Ctrl-C is not special: the flag stays set.
//!
//! The flag is a process-wide atomic because a signal handler can reach nothing else; it is
//! only ever set (by the handler) and read.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the `SIGINT` handler.
static REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    // Async-signal-safe: a single atomic store.
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Installs the `SIGINT` handler. Returns `false` when `sigaction` failed (Ctrl-C then kills
/// the process as usual).
pub fn install() -> bool {
    // SAFETY: `action` is a zeroed `sigaction` with a valid handler and an empty mask; the
    // handler only performs an atomic store.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        action.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut()) == 0
    }
}

/// Has Ctrl-C been pressed since [`install`]?
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}
