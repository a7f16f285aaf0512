//! `keyward exec NAME... [--serve] -- COMMAND [ARGS]`: COMMAND runs with the profiles' credentials in
//! its environment (fetched or refreshed just before it starts), and with `--serve` a loopback endpoint
//! that hands it fresh tokens. SIGINT, SIGTERM and SIGHUP sent to Keyward are passed on to it, and
//! Keyward exits with its exit code (128 + N when signal N ended it).

use std::io::Write;
use std::process::ExitStatus;

use keyward_core::exec::{self, ExecError, TokenServer};
use keyward_core::Keyward;
use tokio::process::Child;

use super::Result;

pub async fn run(kw: &Keyward, names: &[String], serve: bool, command: &[String]) -> Result {
    let names = exec::check_names(names).unwrap_or_else(|e| fail(e));
    let mut handouts = Vec::with_capacity(names.len());
    for name in &names {
        handouts.push(kw.handout(name).await?);
    }
    let program = exec::program_name(command.first().map(String::as_str).unwrap_or_default());
    let server = match serve {
        true => Some(TokenServer::bind(&handouts).await.unwrap_or_else(|e| fail(e))),
        false => None,
    };
    // Watching for the signals before the command starts: one that comes in between is passed on too.
    let signals = Signals::new().unwrap_or_else(|e| fail(e));
    let child = exec::spawn(kw, command, &handouts, server.as_ref()).unwrap_or_else(|e| fail(e));
    drop(handouts);
    // Its own task, so that signals are passed on even while the endpoint waits on the keychain.
    let mut waiting = tokio::spawn(supervise(child, signals));
    let status = match &server {
        Some(server) => tokio::select! {
            status = &mut waiting => status,
            never = server.serve(kw, &program) => match never {},
        },
        None => waiting.await,
    };
    drop(server); // the endpoint closes with the command
    let status = match status {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => fail(ExecError::Lost { program, reason: e.to_string() }),
        Err(e) => fail(ExecError::Lost { program, reason: e.to_string() }),
    };
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(exec::exit_code(&status))
}

/// Say what went wrong as `main` does for the core's other errors, and exit with its code.
fn fail(e: ExecError) -> ! {
    eprintln!("keyward: {e}");
    if let Some(r) = e.remedy() {
        eprintln!("hint: {}", crate::remedy::words(&r));
    }
    let _ = std::io::stdout().flush();
    std::process::exit(e.code().exit_code())
}

#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::result::Result<Self, ExecError> {
        use tokio::signal::unix::{signal, SignalKind};
        let watch = |kind| signal(kind).map_err(ExecError::Signals);
        Ok(Signals {
            interrupt: watch(SignalKind::interrupt())?,
            terminate: watch(SignalKind::terminate())?,
            hangup: watch(SignalKind::hangup())?,
        })
    }
}

/// Wait for the command, passing on each signal Keyward gets.
#[cfg(unix)]
async fn supervise(mut child: Child, mut signals: Signals) -> std::io::Result<ExitStatus> {
    // Taken while it runs: the id stays the command's until `wait` has reaped it, and we stop then.
    let pid = child.id().and_then(|id| i32::try_from(id).ok());
    let pass = |signal: i32| {
        if let Some(pid) = pid {
            // SAFETY: kill(2) takes plain integers and touches no memory of ours.
            unsafe { libc::kill(pid, signal) };
        }
    };
    loop {
        tokio::select! {
            status = child.wait() => return status,
            Some(()) = signals.interrupt.recv() => pass(libc::SIGINT),
            Some(()) = signals.terminate.recv() => pass(libc::SIGTERM),
            Some(()) = signals.hangup.recv() => pass(libc::SIGHUP),
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::result::Result<Self, ExecError> {
        Ok(Signals)
    }
}

/// Wait for the command. Ctrl-C reaches every process of the console, the command too: Keyward leaves it
/// to the command and goes on waiting.
#[cfg(not(unix))]
async fn supervise(mut child: Child, _signals: Signals) -> std::io::Result<ExitStatus> {
    loop {
        tokio::select! {
            status = child.wait() => return status,
            _ = tokio::signal::ctrl_c() => {}
        }
    }
}
