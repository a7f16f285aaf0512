//! One scrubber for everything a server says back: every secret a request carried is masked, in each form
//! a server may echo it (raw, inside HTTP Basic's base64, percent-encoded, JSON-escaped), before the text
//! is bounded, so that no cut can leave a secret's first characters behind.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

use crate::secret::Secret;

/// What a masked secret reads as.
pub const MASK: &str = "***";

/// Shorter values are not masked: they would mask ordinary words ("a", "id") and carry nothing worth it.
const MIN_SECRET: usize = 4;

/// How much server text an error message keeps.
pub const SERVER_TEXT_MAX: usize = 300;

/// The secrets of one request, in every form a server may echo them.
#[derive(Default, Clone)]
pub struct Scrubber {
    /// Longest first, so that a form containing another is masked whole.
    needles: Vec<Secret>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scrubber({} forms)", self.needles.len())
    }
}

fn percent(s: &str) -> [String; 2] {
    let form: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
    // RFC 3986 style: spaces as %20, as in a query string or a path.
    [form.replace('+', "%20"), form]
}

fn json_escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).expect("a string serialises");
    quoted[1..quoted.len() - 1].to_string()
}

impl Scrubber {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scrubber for these secrets.
    pub fn of<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Self {
        let mut s = Self::new();
        for secret in secrets {
            s.add(secret);
        }
        s
    }

    fn push(&mut self, form: String) {
        if form.len() >= MIN_SECRET && !self.needles.iter().any(|n| n.expose() == form) {
            self.needles.push(Secret::new(form));
            self.needles.sort_by_key(|n| std::cmp::Reverse(n.expose().len()));
        }
    }

    /// Mask `secret`: raw, percent-encoded (form and RFC 3986 style), JSON-escaped (once and twice), and
    /// base64 of itself.
    pub fn add(&mut self, secret: &Secret) {
        let raw = secret.expose();
        if raw.len() < MIN_SECRET {
            return;
        }
        self.push(raw.to_string());
        for p in percent(raw) {
            self.push(p);
        }
        // JSON-escaped, and escaped twice: a JSON body quoting a message that quoted the secret.
        self.push(json_escaped(raw));
        self.push(json_escaped(&json_escaped(raw)));
        self.push(STANDARD.encode(raw));
        self.push(URL_SAFE_NO_PAD.encode(raw));
    }

    /// Mask an HTTP Basic credential: the password as [`Scrubber::add`] does, and the header's base64 of
    /// `user:password`, both raw and form-encoded first (RFC 6749 §2.3.1).
    pub fn add_basic(&mut self, user: &str, password: &Secret) {
        self.add(password);
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        for pair in [format!("{user}:{}", password.expose()), format!("{}:{}", enc(user), enc(password.expose()))] {
            let b64 = STANDARD.encode(&pair);
            // A server may quote the header without its padding.
            self.push(b64.trim_end_matches('=').to_string());
            self.push(b64);
        }
    }

    /// `text` with every form of every secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for n in &self.needles {
            if out.contains(n.expose()) {
                out = out.replace(n.expose(), MASK);
            }
        }
        out
    }

    /// Server text as an error message may carry it: scrubbed first, then bounded.
    pub fn server_text(&self, text: &str) -> String {
        crate::flow::truncate(&self.scrub(text), SERVER_TEXT_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "canary+/\"\\ s:ec&ret=1";

    fn forms() -> Vec<String> {
        let mut v = vec![CANARY.to_string(), json_escaped(CANARY), STANDARD.encode(format!("app:{CANARY}"))];
        v.extend(percent(CANARY));
        v
    }

    #[test]
    fn masks_every_form_of_a_secret() {
        let mut s = Scrubber::new();
        s.add_basic("app", &Secret::new(CANARY));
        for form in forms() {
            let said = format!("bad credential {form} sent");
            let out = s.scrub(&said);
            assert_eq!(out, "bad credential *** sent", "the form {form:?} must be masked");
        }
    }

    #[test]
    fn scrubs_before_it_cuts() {
        let s = Scrubber::of([&Secret::new(CANARY)]);
        // The secret straddles the cut at 300 characters: cutting first would leave its start behind.
        let text = format!("{}{CANARY} and more", "x".repeat(SERVER_TEXT_MAX - 5));
        let out = s.server_text(&text);
        assert!(!out.contains("canar"), "{out}");
    }

    #[test]
    fn short_values_are_left_alone() {
        let s = Scrubber::of([&Secret::new("ab")]);
        assert_eq!(s.scrub("about"), "about");
    }
}
