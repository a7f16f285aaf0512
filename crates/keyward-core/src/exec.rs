//! A command run with profiles' credentials in its environment (`keyward exec NAME... -- COMMAND`), and,
//! for long-running commands, a loopback endpoint that hands it a fresh token whenever it asks.
//!
//! Each profile gives the command `KEYWARD_<PROFILE>_ACCESS_TOKEN` (a token from a login or a grant),
//! `KEYWARD_<PROFILE>_API_KEY` (an API key) or `KEYWARD_<PROFILE>_COOKIE` (a session), and
//! `KEYWARD_<PROFILE>_AUTHORIZATION` (the ready `Authorization` header value) when the credential rides
//! in that header. `<PROFILE>` is the name upper-cased with every other character as `_`, as for the
//! headless secrets' variables. The command inherits Keyward's environment minus Keyward's own secret
//! variables; nothing is written to disk.
//!
//! The token endpoint ([`TokenServer`]) listens on 127.0.0.1 on a free port. The command finds it in
//! `KEYWARD_TOKEN_URL` (`http://127.0.0.1:PORT/token`: the profile's token when there is one profile;
//! `…/token/<profile>` for each, also in `KEYWARD_<PROFILE>_TOKEN_URL`) and proves itself with the bearer
//! secret in `KEYWARD_TOKEN_SECRET` (256 random bits, made for this one run). Every answer comes from
//! [`Keyward::handout`]: the cached token while fresh, else refreshed under the cross-process lock.
//! Anything without the secret gets 401 and nothing else. It is served like the login's loopback listener
//! (`oauth::loopback`): connections concurrently, at most [`MAX_CONNECTIONS`] at once (the oldest idle
//! one makes room), each with a read timeout and a size cap; and it closes when the command exits.
//!
//! Every run is in the audit log, one line per profile with the credential's fingerprint and the
//! program's name (never its arguments, which may hold secrets); a served token that is not the one
//! recorded last (a refresh) gets a line of its own.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};
use tokio::task::{AbortHandle, JoinSet};

use crate::app::Keyward;
use crate::audit::{AuditAction, Outcome};
use crate::error::{Error, ErrorCode};
use crate::handout::{Handout, Placement};
use crate::oauth::browser::without_secrets;
use crate::oauth::loopback::out_of_descriptors;
pub use crate::oauth::loopback::MAX_CONNECTIONS;
use crate::remedy::Remedy;
use crate::secret::Secret;

/// Where the command finds the token endpoint.
pub const TOKEN_URL: &str = "KEYWARD_TOKEN_URL";
/// The bearer secret the token endpoint asks of the command.
pub const TOKEN_SECRET: &str = "KEYWARD_TOKEN_SECRET";

const READ_TIMEOUT: Duration = Duration::from_secs(10);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request waits for its token (a refresh at a slow provider, or the grant lock).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);
const MAX_REQUEST: usize = 16 * 1024;
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
const EVICT_WAIT: Duration = Duration::from_secs(1);
const EVICT_PAUSE: Duration = Duration::from_millis(5);
/// The longest program name the audit log keeps.
const MAX_PROGRAM: usize = 100;

/// What can go wrong running a command with credentials (beyond getting the credentials themselves).
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error(
        "profiles {first:?} and {second:?} would both set the variables KEYWARD_{part}_*; give the command one of them"
    )]
    SameVariables { first: String, second: String, part: String },
    #[error("no command to run")]
    NoCommand,
    #[error("could not start {program:?}: {reason}")]
    CannotStart { program: String, reason: String, not_found: bool },
    #[error("could not listen on 127.0.0.1 for the command's token requests: {0}")]
    Listen(std::io::Error),
    #[error("could not watch for signals to pass on to the command: {0}")]
    Signals(std::io::Error),
    #[error("lost track of the command {program:?}: {reason}")]
    Lost { program: String, reason: String },
}

impl ExecError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ExecError::CannotStart { not_found: true, .. } => ErrorCode::NotFound,
            ExecError::SameVariables { .. } | ExecError::NoCommand | ExecError::CannotStart { .. } => {
                ErrorCode::BadInput
            }
            ExecError::Listen(_) | ExecError::Signals(_) | ExecError::Lost { .. } => ErrorCode::Internal,
        }
    }

    pub fn remedy(&self) -> Option<Remedy> {
        None
    }
}

/// The `<PROFILE>` part of a profile's variables: upper-cased, every character but ASCII letters and
/// digits as `_` (as the headless secrets' `KEYWARD_SECRET_<PROFILE>_…`).
pub fn variable_part(profile: &str) -> String {
    profile.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// The profiles to hand out, each once and in the order given; refused when two of them would set the
/// same variables (`a-b` and `a.b` both give `KEYWARD_A_B_…`).
pub fn check_names(names: &[String]) -> Result<Vec<String>, ExecError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    let mut out = Vec::new();
    for name in names {
        if out.contains(name) {
            continue;
        }
        let part = variable_part(name);
        if let Some(first) = seen.get(&part) {
            return Err(ExecError::SameVariables { first: first.to_string(), second: name.clone(), part });
        }
        seen.insert(part, name);
        out.push(name.clone());
    }
    Ok(out)
}

/// The variables a hand-out gives the command: the credential under its kind's name, and the ready
/// `Authorization` value when it rides in that header.
pub fn variables(h: &Handout) -> Vec<(String, Secret)> {
    let prefix = format!("KEYWARD_{}_", variable_part(&h.profile));
    let kind = match h.placement {
        Placement::Cookie => "COOKIE",
        _ if h.is_api_key() => "API_KEY",
        _ => "ACCESS_TOKEN",
    };
    let mut vars = vec![(format!("{prefix}{kind}"), h.value.clone())];
    if let Some(authorization) = h.authorization() {
        vars.push((format!("{prefix}AUTHORIZATION"), authorization));
    }
    vars
}

/// The program's name as the audit log keeps it: the last part of its path, never its arguments.
pub fn program_name(program: &str) -> String {
    let name = std::path::Path::new(program).file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.filter(|n| !n.is_empty()).unwrap_or_else(|| program.to_string());
    name.chars().filter(|c| !c.is_control()).take(MAX_PROGRAM).collect()
}

/// Start `command` (the program and its arguments) with the hand-outs' variables (and the token
/// endpoint's, when there is one) in Keyward's environment minus Keyward's secret variables, its
/// standard streams Keyward's own. Once it runs, each profile's hand-out is recorded in the audit log.
pub fn spawn(
    kw: &Keyward,
    command: &[String],
    handouts: &[Handout],
    server: Option<&TokenServer>,
) -> Result<tokio::process::Child, ExecError> {
    let (program, args) = command.split_first().ok_or(ExecError::NoCommand)?;
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    without_secrets(&mut cmd);
    for h in handouts {
        for (name, value) in variables(h) {
            cmd.env(name, value.expose());
        }
    }
    if let Some(server) = server {
        for (name, value) in server.variables() {
            cmd.env(name, value.expose());
        }
    }
    let child = tokio::process::Command::from(cmd).spawn().map_err(|e| cannot_start(program, &e))?;
    let name = program_name(program);
    for h in handouts {
        let vars: Vec<String> = variables(h).into_iter().map(|(n, _)| n).collect();
        let served = if server.is_some() { ", and on its token endpoint" } else { "" };
        let detail =
            format!("credential {} handed to {name} in its environment ({}){served}", h.fingerprint, vars.join(", "));
        kw.record(AuditAction::Exec, &h.profile, Outcome::Ok, Some(detail));
    }
    Ok(child)
}

fn cannot_start(program: &str, e: &std::io::Error) -> ExecError {
    let not_found = e.kind() == std::io::ErrorKind::NotFound;
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound if program.contains(std::path::MAIN_SEPARATOR) => "there is no such file".into(),
        std::io::ErrorKind::NotFound => "no program by that name is on the PATH".into(),
        std::io::ErrorKind::PermissionDenied => "it is not executable (permission denied)".into(),
        _ => e.to_string(),
    };
    ExecError::CannotStart { program: program.to_string(), reason, not_found }
}

/// Keyward's exit code for a command that ended so: its own exit code, or 128 + N when signal N ended
/// it (as shells report it).
pub fn exit_code(status: &ExitStatus) -> i32 {
    if let Some(code) = status.code() {
        return code;
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(status) {
        return 128 + signal;
    }
    1
}

/// The loopback endpoint that hands the command fresh tokens. It serves while [`TokenServer::serve`]
/// is polled, and closes (the listener and every connection) when that future and the server are
/// dropped.
pub struct TokenServer {
    listener: TcpListener,
    base: String,
    secret: Secret,
    gate: Arc<Gate>,
    /// The fingerprint last recorded in the audit log for each profile.
    recorded: Mutex<HashMap<String, String>>,
}

/// What a connection checks on its own: the secret (as its SHA-256) and the paths served.
struct Gate {
    digest: [u8; 32],
    /// Request path → profile.
    routes: HashMap<String, String>,
}

impl TokenServer {
    /// Listen on 127.0.0.1 on a free port for the hand-outs' profiles, with a new secret.
    pub async fn bind(handouts: &[Handout]) -> Result<Self, ExecError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(ExecError::Listen)?;
        let port = listener.local_addr().map_err(ExecError::Listen)?.port();
        let base = format!("http://127.0.0.1:{port}/token");
        let secret = Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()));
        let mut routes = HashMap::new();
        for h in handouts {
            routes.insert(format!("/token/{}", h.profile), h.profile.clone());
        }
        if let [only] = handouts {
            routes.insert("/token".into(), only.profile.clone());
        }
        let recorded = handouts.iter().map(|h| (h.profile.clone(), h.fingerprint.clone())).collect();
        Ok(TokenServer {
            gate: Arc::new(Gate { digest: digest(secret.expose()), routes }),
            listener,
            base,
            secret,
            recorded: Mutex::new(recorded),
        })
    }

    /// `http://127.0.0.1:PORT/token`.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// The bearer secret a request must carry.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// `KEYWARD_TOKEN_URL`, `KEYWARD_TOKEN_SECRET`, and each profile's `KEYWARD_<PROFILE>_TOKEN_URL`.
    pub fn variables(&self) -> Vec<(String, Secret)> {
        let mut vars =
            vec![(TOKEN_URL.to_string(), Secret::new(self.base.clone())), (TOKEN_SECRET.into(), self.secret.clone())];
        let mut profiles: Vec<&String> =
            self.gate.routes.iter().filter(|(path, _)| path.as_str() != "/token").map(|(_, p)| p).collect();
        profiles.sort();
        for p in profiles {
            vars.push((format!("KEYWARD_{}_TOKEN_URL", variable_part(p)), Secret::new(format!("{}/{p}", self.base))));
        }
        vars
    }

    /// Serve token requests until dropped; `program` names the command in the audit log.
    pub async fn serve(&self, kw: &Keyward, program: &str) -> Infallible {
        let (tx, mut rx) = mpsc::channel::<Ask>(MAX_CONNECTIONS);
        let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        // Owns the connections' tasks: dropping it (with this future) closes every one of them.
        let mut tasks = JoinSet::new();
        let mut conns = VecDeque::<Conn>::new();
        // One hand-out at a time: the same grant is refreshed once anyway, and accepting goes on meanwhile.
        let mut answering: Option<Pin<Box<dyn Future<Output = ()> + '_>>> = None;
        let (mut said_exhausted, mut said_failing) = (false, false);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((sock, _)) => {
                        while tasks.try_join_next().is_some() {}
                        conns.retain(|c| !c.task.is_finished());
                        let Some(permit) = slot(&slots, &mut conns).await else {
                            tracing::debug!("token endpoint: {MAX_CONNECTIONS} requests are being answered; closed a new connection");
                            continue;
                        };
                        let busy = Arc::new(AtomicBool::new(false));
                        let task = tasks.spawn(connection(sock, Arc::clone(&self.gate), tx.clone(), Arc::clone(&busy), permit));
                        conns.push_back(Conn { task, busy });
                    }
                    Err(e) => {
                        let pause = if out_of_descriptors(&e) {
                            if !said_exhausted {
                                said_exhausted = true;
                                tracing::warn!("the token endpoint cannot accept a connection: Keyward has run out of file descriptors; it closes idle connections to make room, and pauses when there are none");
                            }
                            if evict_idle(&mut conns).is_some() { EVICT_PAUSE } else { ACCEPT_BACKOFF }
                        } else {
                            if !said_failing {
                                said_failing = true;
                                tracing::warn!("the token endpoint could not accept a connection ({e}); it pauses before each new try");
                            }
                            ACCEPT_BACKOFF
                        };
                        tokio::time::sleep(pause).await;
                    }
                },
                Some(ask) = rx.recv(), if answering.is_none() => {
                    answering = Some(Box::pin(self.answer(kw, program, ask)));
                }
                () = async { answering.as_mut().expect("guarded by the condition").await }, if answering.is_some() => {
                    answering = None;
                }
            }
        }
    }

    async fn answer(&self, kw: &Keyward, program: &str, ask: Ask) {
        let reply = match kw.handout(&ask.profile).await {
            Ok(h) => {
                self.note(kw, &h, program);
                Reply::token(&h)
            }
            Err(e) => {
                tracing::warn!("could not hand the command a token of {}: {e}", ask.profile);
                Reply::failure(&e)
            }
        };
        let _ = ask.reply.send(reply);
    }

    /// Record a served credential that is not the one recorded last for its profile.
    fn note(&self, kw: &Keyward, h: &Handout, program: &str) {
        let mut recorded = self.recorded.lock().expect("not poisoned");
        if recorded.get(&h.profile) != Some(&h.fingerprint) {
            recorded.insert(h.profile.clone(), h.fingerprint.clone());
            let detail = format!("credential {} served to {program} on its token endpoint", h.fingerprint);
            kw.record(AuditAction::Exec, &h.profile, Outcome::Ok, Some(detail));
        }
    }
}

fn digest(value: &str) -> [u8; 32] {
    sha2::Sha256::digest(value.as_bytes()).into()
}

/// Compare the SHA-256 of what was presented with the secret's, every byte whatever the first difference:
/// neither the time taken nor the lengths say anything about the secret.
fn same_secret(presented: &str, expected: &[u8; 32]) -> bool {
    let presented = digest(presented);
    let diff = presented.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    std::hint::black_box(diff) == 0
}

/// A token request that passed the gate, for the serving loop to answer.
struct Ask {
    profile: String,
    reply: oneshot::Sender<Reply>,
}

/// An HTTP answer; its body may hold a token.
struct Reply {
    status: u16,
    body: Secret,
}

impl Reply {
    fn error(status: u16, error: &str, message: &str) -> Self {
        Reply { status, body: Secret::new(serde_json::json!({ "error": error, "message": message }).to_string()) }
    }

    fn token(h: &Handout) -> Self {
        let text = |s: &str| serde_json::to_string(s).expect("a string serialises");
        let value = Secret::new(text(h.value.expose()));
        let expires = h.expires_at.map_or_else(|| "null".to_string(), |t| t.to_string());
        let body = format!(
            "{{\"profile\":{},\"accessToken\":{},\"tokenType\":{},\"expiresAt\":{expires}}}",
            text(&h.profile),
            value.expose(),
            text(&h.token_type),
        );
        Reply { status: 200, body: Secret::new(body) }
    }

    /// Keyward's own words for why there is no token (server text in them is scrubbed already).
    fn failure(e: &Error) -> Self {
        let status = match e.code() {
            ErrorCode::Refused
            | ErrorCode::LoginAgain
            | ErrorCode::ConsentDeclined
            | ErrorCode::InsufficientScope
            | ErrorCode::Network => 502,
            ErrorCode::Internal => 500,
            _ => 503,
        };
        let code = serde_json::to_value(e.code()).expect("serialises");
        let body = serde_json::json!({ "error": code, "message": e.to_string() });
        Reply { status, body: Secret::new(body.to_string()) }
    }

    fn render(&self) -> Secret {
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            405 => "Method Not Allowed",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            _ => "Service Unavailable",
        };
        let extra = match self.status {
            401 => "WWW-Authenticate: Bearer realm=\"keyward\"\r\n",
            405 => "Allow: GET\r\n",
            _ => "",
        };
        Secret::new(format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             {extra}Connection: close\r\n\r\n{}",
            self.status,
            self.body.expose().len(),
            self.body.expose()
        ))
    }
}

/// A served connection as the accept loop sees it (as in the login's listener).
struct Conn {
    task: AbortHandle,
    busy: Arc<AtomicBool>,
}

/// A free place for a new connection, or the one the oldest idle connection leaves; None when every
/// place is taken by a request being answered.
async fn slot(slots: &Arc<Semaphore>, conns: &mut VecDeque<Conn>) -> Option<OwnedSemaphorePermit> {
    if let Ok(permit) = Arc::clone(slots).try_acquire_owned() {
        return Some(permit);
    }
    evict_idle(conns)?;
    tokio::time::timeout(EVICT_WAIT, Arc::clone(slots).acquire_owned()).await.ok()?.ok()
}

fn evict_idle(conns: &mut VecDeque<Conn>) -> Option<AbortHandle> {
    conns.retain(|c| !c.task.is_finished());
    let i = conns.iter().position(|c| !c.busy.load(Ordering::Acquire))?;
    let conn = conns.remove(i)?;
    conn.task.abort();
    Some(conn.task)
}

/// A request's head as far as the gate reads it.
struct Request {
    method: String,
    path: String,
    /// Every `Authorization` header's value.
    authorization: Vec<String>,
}

/// Answer one connection. `_permit` is its place, held until it is done.
async fn connection(
    mut sock: TcpStream,
    gate: Arc<Gate>,
    asks: mpsc::Sender<Ask>,
    busy: Arc<AtomicBool>,
    _permit: OwnedSemaphorePermit,
) {
    let Ok(head) = tokio::time::timeout(READ_TIMEOUT, read_head(&mut sock)).await else {
        return; // idle or too slow: closed
    };
    busy.store(true, Ordering::Release);
    let reply = match head.as_deref().and_then(parse) {
        None => Reply::error(400, "bad_request", "not an HTTP request Keyward reads"),
        Some(req) => match gate.route(&req) {
            Err(reply) => reply,
            Ok(profile) => {
                let (tx, rx) = oneshot::channel();
                if asks.send(Ask { profile, reply: tx }).await.is_err() {
                    return;
                }
                match tokio::time::timeout(ANSWER_TIMEOUT, rx).await {
                    Ok(Ok(reply)) => reply,
                    _ => Reply::error(503, "timeout", "no token within two minutes"),
                }
            }
        },
    };
    let _ = tokio::time::timeout(WRITE_TIMEOUT, async {
        let _ = sock.write_all(reply.render().expose().as_bytes()).await;
        let _ = sock.shutdown().await;
    })
    .await;
}

impl Gate {
    /// The profile a request may have, or the answer it gets instead. The secret is checked first: a
    /// request without it learns nothing, not even which paths exist.
    fn route(&self, req: &Request) -> Result<String, Reply> {
        let presented = match req.authorization.as_slice() {
            [one] => one.trim().split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")),
            _ => None,
        };
        if !presented.is_some_and(|(_, secret)| same_secret(secret.trim(), &self.digest)) {
            return Err(Reply::error(401, "unauthorized", "send Authorization: Bearer $KEYWARD_TOKEN_SECRET"));
        }
        if req.method != "GET" {
            return Err(Reply::error(405, "method_not_allowed", "only GET is served"));
        }
        match self.routes.get(&req.path) {
            Some(profile) => Ok(profile.clone()),
            None if req.path == "/token" => {
                Err(Reply::error(404, "not_found", "several profiles are served: ask for /token/<profile>"))
            }
            None => Err(Reply::error(404, "not_found", "no such path: ask for /token/<profile>")),
        }
    }
}

/// The bytes up to the end of the head, or None for a connection that closes first or sends too much.
async fn read_head(sock: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8(buf).ok()
}

fn parse(head: &str) -> Option<Request> {
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?, first.next()?);
    if !target.starts_with('/') {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or_default().to_string();
    let authorization = lines
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.trim().to_string())
        .collect();
    Some(Request { method: method.to_string(), path, authorization })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_part_matches_the_headless_convention() {
        assert_eq!(variable_part("billing.api-v2"), "BILLING_API_V2");
        assert_eq!(variable_part("Demo_1"), "DEMO_1");
        // The same rule the headless secrets' variables follow.
        let headless = crate::keychain::env::variable("store/billing.api-v2/clientSecret").unwrap();
        assert_eq!(headless, format!("KEYWARD_SECRET_{}_CLIENT_SECRET", variable_part("billing.api-v2")));
    }

    #[test]
    fn names_that_share_variables_are_refused_and_repeats_dropped() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(check_names(&names(&["a", "b", "a"])).unwrap(), names(&["a", "b"]));
        let err = check_names(&names(&["a-b", "x", "a.b"])).unwrap_err();
        assert!(
            matches!(&err, ExecError::SameVariables { first, second, part } if first == "a-b" && second == "a.b" && part == "A_B")
        );
        assert_eq!(err.code().exit_code(), 2);
        assert!(err.to_string().contains("KEYWARD_A_B_*"), "{err}");
    }

    #[test]
    fn program_names_lose_their_path() {
        assert_eq!(program_name("/usr/bin/newman"), "newman");
        assert_eq!(program_name("sh"), "sh");
        assert_eq!(program_name("./run\u{1b}[2J"), "run[2J");
    }

    #[cfg(unix)]
    #[test]
    fn exit_codes_and_signals_as_shells_report_them() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(exit_code(&ExitStatus::from_raw(7 << 8)), 7);
        assert_eq!(exit_code(&ExitStatus::from_raw(15)), 143);
        assert_eq!(exit_code(&ExitStatus::from_raw(9)), 137);
    }

    #[test]
    fn a_missing_program_is_not_found() {
        let e = cannot_start("no-such-kw", &std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(e.code(), ErrorCode::NotFound);
        assert!(e.to_string().contains("no program by that name is on the PATH"), "{e}");
    }

    #[test]
    fn the_gate_wants_exactly_the_secret_then_a_served_path() {
        let secret = "s3cr3t-value";
        let gate = Gate {
            digest: digest(secret),
            routes: [("/token".to_string(), "a".to_string()), ("/token/a".into(), "a".into())].into(),
        };
        let req = |method: &str, path: &str, auth: &[&str]| Request {
            method: method.into(),
            path: path.into(),
            authorization: auth.iter().map(|s| s.to_string()).collect(),
        };
        let status = |r: Result<String, Reply>| r.map_err(|e| e.status);
        assert_eq!(status(gate.route(&req("GET", "/token", &[]))), Err(401));
        assert_eq!(status(gate.route(&req("GET", "/token", &["Bearer wrong"]))), Err(401));
        assert_eq!(status(gate.route(&req("GET", "/token", &["Basic s3cr3t-value"]))), Err(401));
        assert_eq!(status(gate.route(&req("GET", "/token", &["Bearer s3cr3t-value", "Bearer x"]))), Err(401));
        assert_eq!(status(gate.route(&req("GET", "/nope", &["Bearer wrong"]))), Err(401), "no path is told apart");
        assert_eq!(status(gate.route(&req("GET", "/nope", &["bearer s3cr3t-value"]))), Err(404));
        assert_eq!(status(gate.route(&req("POST", "/token", &["Bearer s3cr3t-value"]))), Err(405));
        assert_eq!(status(gate.route(&req("GET", "/token", &["Bearer s3cr3t-value"]))), Ok("a".into()));
        assert_eq!(status(gate.route(&req("GET", "/token/a", &["Bearer  s3cr3t-value "]))), Ok("a".into()));
    }

    #[test]
    fn heads_are_read_for_method_path_and_authorization() {
        let r = parse("GET /token/a?x=1 HTTP/1.1\r\nHost: h\r\nauthorization: Bearer k\r\n\r\n").unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/token/a"));
        assert_eq!(r.authorization, vec!["Bearer k".to_string()]);
        assert!(parse("GET http://evil/token HTTP/1.1\r\n\r\n").is_none());
    }

    async fn get(port: u16, path: &str, auth: Option<&str>) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let auth = auth.map(|a| format!("Authorization: Bearer {a}\r\n")).unwrap_or_default();
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\n").as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    /// A server for a profile `ghost` that the config does not hold: every authorised request reaches
    /// the hand-out and gets its error.
    fn ghost_server(listener: TcpListener, port: u16) -> TokenServer {
        let secret = Secret::new("the-secret");
        let routes = [("/token".to_string(), "ghost".to_string()), ("/token/ghost".into(), "ghost".into())].into();
        TokenServer {
            listener,
            base: format!("http://127.0.0.1:{port}/token"),
            gate: Arc::new(Gate { digest: digest(secret.expose()), routes }),
            secret,
            recorded: Mutex::default(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serves_through_a_flood_of_idle_connections_and_closes_when_dropped() {
        let home = tempfile::tempdir().unwrap();
        let kw = Keyward::new(crate::config::Home::new(home.path()), Arc::new(crate::keychain::env::EnvSecrets::new()));
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = ghost_server(listener, port);
        assert_eq!(server.url(), format!("http://127.0.0.1:{port}/token"));
        let vars: HashMap<String, String> =
            server.variables().into_iter().map(|(k, v)| (k, v.expose().to_string())).collect();
        assert_eq!(vars[TOKEN_SECRET], "the-secret");
        assert_eq!(vars["KEYWARD_GHOST_TOKEN_URL"], format!("http://127.0.0.1:{port}/token/ghost"));

        let client = async {
            let mut idle = Vec::new();
            for _ in 0..200 {
                idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
            }
            let none = get(port, "/token", None).await;
            assert!(none.starts_with("HTTP/1.1 401") && none.contains("WWW-Authenticate: Bearer"), "{none}");
            let wrong = get(port, "/token", Some("nope")).await;
            assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
            assert!(get(port, "/other", Some("the-secret")).await.starts_with("HTTP/1.1 404"));
            let failed = get(port, "/token/ghost", Some("the-secret")).await;
            assert!(failed.starts_with("HTTP/1.1 503") && failed.contains("\"error\":\"notFound\""), "{failed}");
            assert!(failed.contains("no profile named"), "Keyward's words for why: {failed}");
        };
        tokio::select! {
            () = client => {}
            never = server.serve(&kw, "test") => match never {},
        }
        drop(server);
        // Closed: the port is free to bind again (a connect could connect to itself).
        assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(), "the endpoint closed with the server");
    }
}
