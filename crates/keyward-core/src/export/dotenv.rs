//! `.env` files that parse to the same values where they are read. node (`--env-file`), docker compose,
//! python-dotenv and shells (`set -a; . file`) disagree on quotes, backslashes and `$`; each dialect writes
//! what its reader reads back exactly, and the default writes what all of them read the same way, or says
//! which value has no such form.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who reads the `.env` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Dialect {
    /// Read the same by node, compose, python-dotenv and shells: single quotes, and values that none of
    /// them would change.
    #[default]
    Portable,
    /// `node --env-file` (and the `dotenv` npm package): single, backtick or double quotes, no escapes.
    Node,
    /// docker compose's `env_file` / `.env`: single quotes, taken literally.
    Compose,
    /// python-dotenv: single quotes with `\\` and `\'` escapes; it expands `${…}` in every quoting.
    Python,
    /// `set -a; . file` in bash or sh: single quotes, `'` written as `'\''`.
    Shell,
}

impl Dialect {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "portable" => Dialect::Portable,
            "node" => Dialect::Node,
            "compose" => Dialect::Compose,
            "python" => Dialect::Python,
            "shell" => Dialect::Shell,
            _ => return None,
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            Dialect::Portable => "portable",
            Dialect::Node => "node",
            Dialect::Compose => "compose",
            Dialect::Python => "python",
            Dialect::Shell => "shell",
        }
    }
}

/// Why a value has no form in a dialect (never the value itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unquotable {
    pub reason: &'static str,
    /// Dialects that can write it.
    pub try_instead: &'static str,
}

/// `value` quoted for `dialect`, or why it cannot be.
pub fn quote(dialect: Dialect, value: &str) -> Result<String, Unquotable> {
    let single = |v: &str| format!("'{v}'");
    match dialect {
        Dialect::Shell => Ok(format!("'{}'", value.replace('\'', r"'\''"))),
        Dialect::Compose => {
            if value.contains('\'') {
                return Err(Unquotable {
                    reason: "it holds a single quote (') ",
                    try_instead: "node, python or shell",
                });
            }
            Ok(single(value))
        }
        Dialect::Python => {
            if value.contains("${") {
                return Err(Unquotable {
                    reason: "it holds \"${\", which python-dotenv expands in every quoting",
                    try_instead: "node, compose or shell (or load it with interpolate=False)",
                });
            }
            Ok(single(&value.replace('\\', r"\\").replace('\'', r"\'")))
        }
        Dialect::Node => {
            // No escapes at all: pick a quote the value does not hold. Double quotes turn "\n" into a line
            // break, so they are the last choice and only for values without a backslash-n.
            if !value.contains('\'') {
                Ok(single(value))
            } else if !value.contains('`') {
                Ok(format!("`{value}`"))
            } else if !value.contains('"') && !value.contains("\\n") {
                Ok(format!("\"{value}\""))
            } else {
                Err(Unquotable { reason: "it holds all three of ', ` and \"", try_instead: "python or shell" })
            }
        }
        Dialect::Portable => {
            if value.contains('\'') {
                Err(Unquotable { reason: "it holds a single quote (')", try_instead: "node, python or shell" })
            } else if value.contains("${") {
                Err(Unquotable {
                    reason: "it holds \"${\", which python-dotenv expands",
                    try_instead: "node, compose or shell",
                })
            } else if value.contains(r"\\") || value.ends_with('\\') {
                Err(Unquotable {
                    reason: "python-dotenv reads its backslashes differently",
                    try_instead: "python, node or shell",
                })
            } else {
                Ok(single(value))
            }
        }
    }
}

/// A variable name for `.env`: `accessToken` → `ACCESS_TOKEN`, `billing-api_apiKey` → `BILLING_API_API_KEY`.
pub fn env_name(key: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_upper_snake() {
        assert_eq!(env_name("accessToken"), "ACCESS_TOKEN");
        assert_eq!(env_name("billing-api_apiKey"), "BILLING_API_API_KEY");
        assert_eq!(env_name("demo.v2_baseUrl"), "DEMO_V2_BASE_URL");
    }

    #[test]
    fn each_dialect_quotes_or_says_why_not() {
        assert_eq!(quote(Dialect::Portable, "a $b # c").unwrap(), "'a $b # c'");
        assert!(quote(Dialect::Portable, "it's").is_err());
        assert!(quote(Dialect::Portable, "${HOME}").is_err());
        assert_eq!(quote(Dialect::Shell, "it's").unwrap(), r"'it'\''s'");
        assert_eq!(quote(Dialect::Python, r"a\b'c").unwrap(), r"'a\\b\'c'");
        assert!(quote(Dialect::Python, "${X}").is_err());
        assert_eq!(quote(Dialect::Node, "it's").unwrap(), "`it's`");
        assert!(quote(Dialect::Node, "'`\"").is_err());
        assert!(quote(Dialect::Compose, "it's").is_err());
    }
}
