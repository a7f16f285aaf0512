//! The loopback redirect listener of RFC 8252 §7.3: where the browser brings the authorization response.
//!
//! It listens on 127.0.0.1 (or `[::1]`) on a free port, serves connections concurrently with timeouts
//! (browsers open idle preconnections, and a stray tab may ask for `/favicon.ico`), answers stray paths
//! with 404 and wrong states with 400 while it keeps waiting, and hands the one valid callback to the
//! login flow, which answers the browser after the code exchange. It closes when dropped.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use super::FlowError;
use crate::profile::RedirectHost;

const READ_TIMEOUT: Duration = Duration::from_secs(10);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);
const MAX_REQUEST: usize = 16 * 1024;

pub struct Loopback {
    listener: TcpListener,
    redirect_uri: String,
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
        Ok(Loopback { listener, redirect_uri: format!("http://{}:{port}/callback", host.as_str()) })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Serve until a request to `/callback` carries `state`; other requests are answered and ignored.
    /// The listener closes when this returns (the valid callback's connection stays open for its answer).
    pub async fn next_callback(self, state: &str) -> Callback {
        let (tx, mut rx) = mpsc::channel::<Callback>(1);
        loop {
            tokio::select! {
                Some(cb) = rx.recv() => return cb,
                accepted = self.listener.accept() => {
                    let Ok((sock, _)) = accepted else { continue };
                    tokio::spawn(serve(sock, state.to_string(), tx.clone()));
                }
            }
        }
    }
}

async fn serve(mut sock: TcpStream, state: String, tx: mpsc::Sender<Callback>) {
    let Ok(Some(target)) = tokio::time::timeout(READ_TIMEOUT, read_request_target(&mut sock)).await else {
        return; // idle preconnection, garbage, or too slow: drop it
    };
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
}
