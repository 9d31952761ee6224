//! SIGINT, SIGTERM and SIGHUP during `code`: the handler only records the signal; the run
//! checks it between chunks and while reading, then stops as a failed run does (the temporary
//! output is removed, an existing output is left as it was) and exits with 128 + the signal.
//! The handler is installed once (`SA_RESETHAND`), so a second Ctrl-C ends the process at once.

use std::sync::atomic::{AtomicI32, Ordering};

static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The signal received, if any.
pub fn received() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// The signal's name, for messages.
pub fn name(signal: i32) -> &'static str {
    #[cfg(unix)]
    match signal {
        libc::SIGINT => return "SIGINT (Ctrl-C)",
        libc::SIGTERM => return "SIGTERM",
        libc::SIGHUP => return "SIGHUP",
        _ => {}
    }
    let _ = signal;
    "a signal"
}

#[cfg(unix)]
extern "C" fn on_signal(signal: libc::c_int) {
    SIGNAL.store(signal, Ordering::SeqCst);
}

/// Installs the handler for the signals not ignored already (a shell's `nohup` or `&` may
/// have set SIGHUP or SIGINT to be ignored, and that is kept). Without `SA_RESTART`, a read
/// blocked on a terminal or pipe returns at once, so the run notices.
///
/// The worker threads are started here with these signals blocked, so the signal always
/// reaches this (the reading and writing) thread, interrupting a read it is blocked in.
#[cfg(unix)]
pub fn install() {
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];
    // SAFETY: plain signal-mask calls on an initialised set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        SIGNALS.iter().for_each(|&s| {
            libc::sigaddset(&mut set, s);
        });
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        // Threads inherit the mask; an error means the pool was started already.
        let _ = rayon::ThreadPoolBuilder::new().build_global();
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
    for signal in SIGNALS {
        // SAFETY: sigaction with a zeroed struct, an empty mask and a handler that only
        // stores into an atomic (async-signal-safe).
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut old) != 0 || old.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESETHAND;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
pub fn install() {}
