//! The loopback redirect listener of RFC 8252 §7.3: where the browser brings the authorization response.
//!
//! It listens on 127.0.0.1 (or `[::1]`) on a free port, serves connections concurrently with timeouts
//! (browsers open idle preconnections, and a stray tab may ask for `/favicon.ico`), answers stray paths
//! with 404 and wrong states with 400 while it keeps waiting, and hands the one valid callback to the
//! login flow, which answers the browser after the code exchange. It closes when dropped.
//!
//! It is also a door anyone on the machine can knock on, so it holds at most [`MAX_CONNECTIONS`] at once:
//! when full, the oldest connection that has not sent a request yet (an idle preconnection, or a client
//! that never speaks) makes room for the new one, so idle sockets can neither exhaust Keyward's file
//! descriptors nor keep the real redirect out. When `accept` fails for want of descriptors, idle
//! connections are closed to make room, and the loop pauses instead of spinning when there are none. It
//! also tells the login when the first connection arrives (a sign of the browser).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::AbortHandle;

use super::FlowError;
use crate::profile::RedirectHost;

const READ_TIMEOUT: Duration = Duration::from_secs(10);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);
const MAX_REQUEST: usize = 16 * 1024;
/// The most connections served at once: a browser opens a handful.
pub const MAX_CONNECTIONS: usize = 64;
/// How long the accept loop pauses after a failed `accept` (a full descriptor table fails at once,
/// again and again).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// How long a new connection waits for an evicted one to close.
const EVICT_WAIT: Duration = Duration::from_secs(1);
/// The pause after closing an idle connection to free a descriptor: time for its task to be dropped.
const EVICT_PAUSE: Duration = Duration::from_millis(5);

pub struct Loopback {
    listener: TcpListener,
    redirect_uri: String,
    /// True once any connection was accepted.
    connected: watch::Sender<bool>,
    /// Served connections open now, and the most there were at once.
    open: Arc<Gauge>,
}

#[derive(Debug, Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// A served connection's place in the count: it leaves when the connection's task ends or is aborted.
struct Counted(Arc<Gauge>);

impl Counted {
    fn new(gauge: &Arc<Gauge>) -> Self {
        let now = gauge.now.fetch_add(1, Ordering::AcqRel) + 1;
        gauge.peak.fetch_max(now, Ordering::AcqRel);
        Counted(Arc::clone(gauge))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A served connection as the accept loop sees it: how to close it, and whether it has sent a request
/// (then it is being answered, and is not closed to make room).
struct Conn {
    task: AbortHandle,
    busy: Arc<AtomicBool>,
}

/// True when an I/O error says the process (or the system) has no file descriptor left.
pub(crate) fn out_of_descriptors(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    const CODES: &[i32] = &[23, 24]; // ENFILE, EMFILE (the same numbers on Linux, the BSDs and macOS)
    #[cfg(windows)]
    const CODES: &[i32] = &[10024]; // WSAEMFILE
    #[cfg(not(any(unix, windows)))]
    const CODES: &[i32] = &[];
    e.raw_os_error().is_some_and(|code| CODES.contains(&code))
}

/// The authorization response that carried the expected `state`.
#[derive(Debug)]
pub struct Callback {
    pub params: HashMap<String, String>,
    responder: Responder,
}

impl Callback {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// Answer the browser tab, and wait (briefly) until the answer is written.
    pub async fn respond(self, page: Page) {
        self.responder.respond(page).await
    }
}

#[derive(Debug)]
struct Responder(oneshot::Sender<(Page, oneshot::Sender<()>)>);

impl Responder {
    async fn respond(self, page: Page) {
        let (ack_tx, ack_rx) = oneshot::channel();
        if self.0.send((page, ack_tx)).is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(5), ack_rx).await;
        }
    }
}

/// What the browser tab shows at the end.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub title: String,
    pub message: String,
}

impl Page {
    pub fn success(profile: &str) -> Self {
        Page {
            status: 200,
            title: "Signed in".into(),
            message: format!("Keyward signed you in for profile \u{201c}{profile}\u{201d}. You can close this tab and return to Keyward."),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Page { status: 400, title: "Sign-in failed".into(), message: message.into() }
    }

    fn render(&self) -> Vec<u8> {
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Keyward: {title}</title>\
             <style>body{{font:16px system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#1f2937}}\
             h1{{font-size:1.4rem}}</style></head><body><h1>{title}</h1><p>{message}</p></body></html>",
            title = escape(&self.title),
            message = escape(&self.message)
        );
        let reason = match self.status {
            200 => "OK",
            404 => "Not Found",
            _ => "Bad Request",
        };
        format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
             Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n{body}",
            self.status,
            body.len()
        )
        .into_bytes()
    }
}

/// Text for an HTML page: server-sent error descriptions end up here.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

impl Loopback {
    /// Listen on the loopback interface; port 0 lets the OS choose a free one.
    pub async fn bind(host: RedirectHost, port: u16) -> Result<Self, FlowError> {
        let ip = match host {
            RedirectHost::Ipv4 | RedirectHost::Localhost => "127.0.0.1",
            RedirectHost::Ipv6 => "::1",
        };
        let listener = TcpListener::bind((ip, port)).await.map_err(|e| FlowError::Bind {
            addr: format!("{}:{port}", host.as_str()),
            reason: if e.kind() == std::io::ErrorKind::AddrInUse {
                "the port is in use; close what uses it, or change the profile's redirectPort".into()
            } else {
                e.to_string()
            },
        })?;
        let port =
            listener.local_addr().map_err(|e| FlowError::Bind { addr: ip.into(), reason: e.to_string() })?.port();
        Ok(Loopback {
            listener,
            redirect_uri: format!("http://{}:{port}/callback", host.as_str()),
            connected: watch::channel(false).0,
            open: Arc::default(),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Completes when the first connection of any kind reaches the listener (a browser connects ahead of
    /// its request, or brings the redirect); never, if none does before the listener closes.
    pub fn first_connection(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut connected = self.connected.subscribe();
        async move {
            if connected.wait_for(|c| *c).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// Serve until a request to `/callback` carries `state`; other requests are answered and ignored.
    /// The listener closes when this returns, and so do the connections that sent nothing (the valid
    /// callback's connection stays open for its answer).
    pub async fn next_callback(self, state: &str) -> Callback {
        let (tx, mut rx) = mpsc::channel::<Callback>(1);
        let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let mut conns = VecDeque::<Conn>::new();
        // Said once per login, not once per failed accept.
        let (mut said_exhausted, mut said_failing) = (false, false);
        let callback = loop {
            tokio::select! {
                Some(cb) = rx.recv() => break cb,
                accepted = self.listener.accept() => match accepted {
                    Ok((sock, _)) => {
                        self.connected.send_replace(true);
                        conns.retain(|c| !c.task.is_finished());
                        let Some(permit) = slot(&slots, &mut conns).await else {
                            tracing::debug!("login listener: {MAX_CONNECTIONS} connections are being answered; closed a new one");
                            continue; // dropping the socket closes it
                        };
                        let busy = Arc::new(AtomicBool::new(false));
                        let place = (Counted::new(&self.open), permit); // dropped in this order: uncounted, then freed
                        let task = tokio::spawn(serve(sock, state.to_string(), tx.clone(), Arc::clone(&busy), place));
                        conns.push_back(Conn { task: task.abort_handle(), busy });
                    }
                    Err(e) => {
                        // A full descriptor table fails every accept at once: never retry in a tight loop.
                        // Closing the oldest idle connection frees a descriptor for the one waiting.
                        let pause = if out_of_descriptors(&e) {
                            if !said_exhausted {
                                said_exhausted = true;
                                tracing::warn!("the login listener cannot accept a connection: Keyward has run out of file descriptors (too many open files); it closes idle connections to make room, and pauses when there are none");
                            }
                            if evict_idle(&mut conns).is_some() { EVICT_PAUSE } else { ACCEPT_BACKOFF }
                        } else {
                            if !said_failing {
                                said_failing = true;
                                tracing::warn!("the login listener could not accept a connection ({e}); it pauses before each new try");
                            }
                            ACCEPT_BACKOFF
                        };
                        tokio::time::sleep(pause).await;
                    }
                }
            }
        };
        // The idle connections go too, and their descriptors are free before the code exchange needs some.
        let mut closing = Vec::new();
        while let Some(task) = evict_idle(&mut conns) {
            closing.push(task);
        }
        let _ = tokio::time::timeout(EVICT_WAIT, async {
            while closing.iter().any(|t| !t.is_finished()) {
                tokio::time::sleep(EVICT_PAUSE).await;
            }
        })
        .await;
        callback
    }
}

/// A place for a new connection: a free one, or the one the oldest idle connection leaves when it is
/// closed. None when every place is taken by a connection being answered.
async fn slot(slots: &Arc<Semaphore>, conns: &mut VecDeque<Conn>) -> Option<OwnedSemaphorePermit> {
    if let Ok(permit) = Arc::clone(slots).try_acquire_owned() {
        return Some(permit);
    }
    evict_idle(conns)?;
    // The evicted task gives its place back when the runtime drops it, which is at once.
    tokio::time::timeout(EVICT_WAIT, Arc::clone(slots).acquire_owned()).await.ok()?.ok()
}

/// Close the oldest connection that has not sent a request, and hand back its task; None when there is
/// none.
fn evict_idle(conns: &mut VecDeque<Conn>) -> Option<AbortHandle> {
    conns.retain(|c| !c.task.is_finished());
    let i = conns.iter().position(|c| !c.busy.load(Ordering::Acquire))?;
    let conn = conns.remove(i)?;
    conn.task.abort();
    Some(conn.task)
}

/// Answer one connection. `_place` (its slot and its count) is held until the connection is done.
async fn serve(
    mut sock: TcpStream,
    state: String,
    tx: mpsc::Sender<Callback>,
    busy: Arc<AtomicBool>,
    _place: (Counted, OwnedSemaphorePermit),
) {
    let Ok(Some(target)) = tokio::time::timeout(READ_TIMEOUT, read_request_target(&mut sock)).await else {
        return; // idle preconnection, garbage, or too slow: drop it
    };
    busy.store(true, Ordering::Release);
    let Ok(url) = url::Url::parse(&format!("http://loopback{target}")) else {
        return write(&mut sock, &Page { status: 400, title: "Bad request".into(), message: "Not a URL.".into() })
            .await;
    };
    if url.path() != "/callback" {
        let page = Page {
            status: 404,
            title: "Not found".into(),
            message: "Keyward is waiting for a sign-in here; nothing else is served.".into(),
        };
        return write(&mut sock, &page).await;
    }
    let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
    if params.get("state").map(String::as_str) != Some(state.as_str()) {
        tracing::warn!("ignored a callback whose state is not the one this login sent");
        let page = Page::failure(
            "This is not the sign-in Keyward is waiting for (the state parameter does not match). Close this tab and start the login again from Keyward.",
        );
        return write(&mut sock, &page).await;
    }
    let (page_tx, page_rx) = oneshot::channel();
    if tx.send(Callback { params, responder: Responder(page_tx) }).await.is_err() {
        return; // the login already has its callback
    }
    if let Ok(Ok((page, ack))) = tokio::time::timeout(ANSWER_TIMEOUT, page_rx).await {
        write(&mut sock, &page).await;
        let _ = ack.send(());
    }
}

/// The request target of a `GET` request, or None for anything else.
async fn read_request_target(sock: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = std::str::from_utf8(&buf).ok()?;
    let mut parts = head.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Some(target.to_string()),
        _ => None,
    }
}

async fn write(sock: &mut TcpStream, page: &Page) {
    let _ = sock.write_all(&page.render()).await;
    let _ = sock.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn ignores_idle_sockets_stray_paths_and_wrong_states() {
        let lb = Loopback::bind(RedirectHost::Ipv4, 0).await.unwrap();
        let port: u16 = lb.redirect_uri().rsplit(':').next().unwrap().trim_end_matches("/callback").parse().unwrap();
        let waiter = tokio::spawn(async move { lb.next_callback("s1").await });
        // A browser's idle preconnection: it must not block the others.
        let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        let wrong = get(port, "/callback?code=c&state=evil").await;
        assert!(wrong.starts_with("HTTP/1.1 400") && wrong.contains("does not match"), "{wrong}");
        let good = tokio::spawn(get(port, "/callback?code=abc&state=s1&iss=x"));
        let cb = waiter.await.unwrap();
        assert_eq!(cb.get("code"), Some("abc"));
        cb.respond(Page::success("demo <b>")).await;
        let page = good.await.unwrap();
        assert!(page.starts_with("HTTP/1.1 200") && page.contains("You can close this tab"), "{page}");
        assert!(page.contains("demo &lt;b&gt;"), "names are escaped, never HTML: {page}");
        // After the valid callback the port is closed: free to bind again (a connect could self-connect).
        assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
    }

    fn port_of(lb: &Loopback) -> u16 {
        lb.redirect_uri().rsplit(':').next().unwrap().trim_end_matches("/callback").parse().unwrap()
    }

    /// Whether the server closed this client socket (a read sees the end), within `wait`.
    async fn closed(sock: &mut TcpStream, wait: Duration) -> bool {
        let mut byte = [0u8; 1];
        matches!(tokio::time::timeout(wait, sock.read(&mut byte)).await, Ok(Ok(0)) | Ok(Err(_)))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_idle_connections_is_capped_and_the_callback_still_gets_through() {
        let lb = Loopback::bind(RedirectHost::Ipv4, 0).await.unwrap();
        let port = port_of(&lb);
        let mut first = Box::pin(lb.first_connection());
        assert!(futures_poll_once(&mut first).await.is_none(), "no connection yet");
        let open = Arc::clone(&lb.open);
        let waiter = tokio::spawn(async move { lb.next_callback("s1").await });

        let mut idle = Vec::new();
        for _ in 0..200 {
            idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
        tokio::time::timeout(Duration::from_secs(2), first).await.expect("the first connection is noticed");
        // The listener keeps at most MAX_CONNECTIONS of them; the rest were closed to make room.
        let mut closed_count = 0;
        for sock in &mut idle {
            if closed(sock, Duration::from_millis(20)).await {
                closed_count += 1;
            }
        }
        assert!(closed_count >= 200 - MAX_CONNECTIONS, "only {closed_count} of 200 idle sockets were closed");

        let started = std::time::Instant::now();
        let good = tokio::spawn(get(port, "/callback?code=abc&state=s1"));
        let cb = tokio::time::timeout(Duration::from_secs(3), waiter)
            .await
            .expect("the callback gets through a full listener at once, not after the idle ones time out")
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(cb.get("code"), Some("abc"));
        cb.respond(Page::success("demo")).await;
        assert!(good.await.unwrap().starts_with("HTTP/1.1 200"));
        let peak = open.peak.load(Ordering::Acquire);
        assert!(peak <= MAX_CONNECTIONS, "{peak} connections were served at once, over the cap of {MAX_CONNECTIONS}");
        // Once the callback is in, the idle connections are closed too: their descriptors are free for the
        // code exchange.
        for sock in &mut idle {
            assert!(closed(sock, Duration::from_secs(2)).await, "an idle connection outlived the login's listener");
        }
        tokio::time::timeout(Duration::from_secs(2), async {
            while open.now.load(Ordering::Acquire) > 1 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("only the answered callback's connection may still be counted");
    }

    #[cfg(unix)]
    #[test]
    fn descriptor_exhaustion_is_recognised() {
        assert!(out_of_descriptors(&std::io::Error::from_raw_os_error(24)));
        assert!(out_of_descriptors(&std::io::Error::from_raw_os_error(23)));
        assert!(!out_of_descriptors(&std::io::Error::from_raw_os_error(111)));
        assert!(!out_of_descriptors(&std::io::Error::other("Too many open files")));
    }

    /// Poll a future once: Some(output) when it is ready already.
    async fn futures_poll_once<F: std::future::Future + Unpin>(f: &mut F) -> Option<F::Output> {
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut *f).poll(cx) {
                std::task::Poll::Ready(v) => Some(v),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
