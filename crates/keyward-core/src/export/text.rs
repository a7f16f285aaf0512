//! The text formats: `.env`, a curl command, a Bruno environment.

use super::dotenv::{env_name, quote, Dialect};
use super::{ExportError, Item};
use crate::clock::rfc3339;
use crate::error::Result;
use crate::handout::Placement;

/// A `.env` file: a comment saying what it is and when its credential expires, then one `NAME='value'`
/// line per variable, quoted for `dialect`.
pub(super) fn dotenv(items: &[Item], dialect: Dialect, now: i64) -> Result<String> {
    let mut out = format!(
        "# Exported by Keyward at {} for {} ({} dialect). Holds credentials: keep it out of version control.\n",
        rfc3339(now),
        items.iter().map(|i| i.name()).collect::<Vec<_>>().join(", "),
        dialect.id(),
    );
    for i in items {
        for v in &i.vars {
            let value = quote(dialect, v.value.expose()).map_err(|u| ExportError::Unquotable {
                profile: v.profile.clone(),
                field: v.key.to_string(),
                dialect: dialect.id(),
                reason: u.reason,
                try_instead: u.try_instead,
            })?;
            out.push_str(&format!("{}={value}\n", env_name(&i.var_name(v.key))));
        }
    }
    Ok(out)
}

/// A shell word in single quotes: literal in every POSIX shell.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The environment variable `keyward exec` gives a child for this profile's credential.
pub(crate) fn exec_variable(profile: &str, what: &str) -> String {
    format!("KEYWARD_{}_{what}", crate::exec::variable_part(profile))
}

/// One curl command per profile. The credential is written into the command, or, with `from_env`, read
/// at run time from the variable `keyward exec` sets and fed to curl on standard input, so that it is
/// neither in the file nor on curl's command line (where `ps` would show it).
pub(super) fn curl(items: &[Item], url: Option<&str>, from_env: bool) -> Result<String> {
    let mut out = String::from("#!/bin/sh\n");
    for i in items {
        let h = &i.handout;
        let target = match url.or(h.settings.api.api_base_url.as_deref()) {
            Some(u) => u.to_string(),
            None => return Err(ExportError::NoUrl { profile: h.profile.clone() }.into()),
        };
        crate::api::check_host(&h.profile, &h.settings, &target)?;
        if let Some(exp) = h.expires_at {
            out.push_str(&format!("# {}: the credential expires at {}\n", h.profile, rfc3339(exp)));
        } else {
            out.push_str(&format!("# {}\n", h.profile));
        }
        let credential_var = match (&h.placement, h.is_api_key()) {
            (Placement::Authorization { .. }, false) => exec_variable(&h.profile, "AUTHORIZATION"),
            (Placement::Cookie, _) => exec_variable(&h.profile, "COOKIE"),
            (Placement::Authorization { .. }, true) => exec_variable(&h.profile, "AUTHORIZATION"),
            (_, _) => exec_variable(&h.profile, "API_KEY"),
        };
        let line = match (&h.placement, from_env) {
            (Placement::Query(param), false) => {
                let mut u = url::Url::parse(&target)
                    .map_err(|_| crate::config::ConfigError::bad_field("url", "an absolute http(s) URL"))?;
                u.query_pairs_mut().append_pair(param, h.value.expose());
                format!("curl -sS {}\n", sh(u.as_str()))
            }
            (Placement::Query(param), true) => format!(
                "printf '%s' \"${credential_var}\" | curl -sS -G --data-urlencode {} {}\n",
                sh(&format!("{param}@-")),
                sh(&target)
            ),
            (placement, false) => {
                let header = match placement {
                    Placement::Authorization { .. } => {
                        format!("Authorization: {}", h.authorization().expect("rides in Authorization").expose())
                    }
                    Placement::Header(name) => format!("{name}: {}", h.value.expose()),
                    Placement::Cookie => format!("Cookie: {}", h.value.expose()),
                    Placement::Query(_) => unreachable!("handled above"),
                };
                format!("curl -sS -H {} {}\n", sh(&header), sh(&target))
            }
            (placement, true) => {
                let name = match placement {
                    Placement::Authorization { .. } => "Authorization",
                    Placement::Header(name) => name.as_str(),
                    Placement::Cookie => "Cookie",
                    Placement::Query(_) => unreachable!("handled above"),
                };
                format!("printf '{name}: %s\\n' \"${credential_var}\" | curl -sS -H @- {}\n", sh(&target))
            }
        };
        out.push_str(&line);
    }
    Ok(out)
}

/// A Bruno environment. Bruno keeps the values of `vars:secret` out of its files (it stores them
/// locally), so the long-lived secrets are named there for the user to fill in, never written.
pub(super) fn bruno(items: &[Item], notes: &mut Vec<String>) -> Result<String> {
    let mut vars = String::new();
    let mut secret_names = Vec::new();
    for i in items {
        for v in &i.vars {
            let name = i.var_name(v.key);
            let long_lived = matches!(v.key, "clientSecret" | "refreshToken" | "password" | "privateKey");
            if long_lived {
                secret_names.push(name);
                continue;
            }
            if v.value.expose().contains(['\n', '\r']) {
                return Err(ExportError::Multiline {
                    profile: v.profile.clone(),
                    field: v.key.to_string(),
                    format: "Bruno environment",
                }
                .into());
            }
            vars.push_str(&format!("  {name}: {}\n", v.value.expose()));
        }
    }
    let mut out = format!("vars {{\n{vars}}}\n");
    if !secret_names.is_empty() {
        notes.push(format!(
            "Bruno keeps secret values out of its files: enter {} in Bruno's environment settings",
            secret_names.join(", ")
        ));
        out.push_str(&format!("vars:secret [\n  {}\n]\n", secret_names.join(",\n  ")));
    }
    Ok(out)
}
