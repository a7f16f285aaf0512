//! Fail points: places in the token flows where the crash-safety tests make the process die, to prove
//! that a crash there loses nothing. Compiled in only with the `fail-points` feature (the CLI's
//! integration tests turn it on; a `cfg(test)` would never reach the binary they spawn), and then armed
//! only by `KEYWARD_FAIL_AT=NAME`. Without the feature, [`hit`] is an empty inline function.

/// Die here (as a crash would: abort, no destructors, no flush) when armed at `name`.
#[cfg(feature = "fail-points")]
pub fn hit(name: &str) {
    if std::env::var("KEYWARD_FAIL_AT").is_ok_and(|at| at == name) {
        eprintln!("keyward: fail point {name} reached: aborting");
        std::process::abort();
    }
}

#[cfg(not(feature = "fail-points"))]
#[inline(always)]
pub fn hit(_name: &str) {}

/// The fail points, in the order a refresh meets them.
pub const ALL: &[&str] =
    &["refresh:before-request", "refresh:after-response", "store:between-refresh-and-access", "store:after-access"];
