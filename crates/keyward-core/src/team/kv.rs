//! A small OpenBao KV v2 client on Keyward's HTTP client: token auth (`X-Vault-Token`), reads with their
//! version, check-and-set writes, metadata, listing, and the token's own lookup. Bodies are read with a
//! cap; redirects (a standby node pointing at its leader) are reported, never followed with the token.

use reqwest::Method;
use serde_json::{json, Value};

use super::{TeamConfig, TeamError};
use crate::http::{read_capped, Cap, HttpError};
use crate::scrub::Scrubber;
use crate::secret::Secret;

/// The most an OpenBao answer may hold (one profile's entry, a listing, metadata).
const MAX_ANSWER: usize = 1 << 20;

/// One team's OpenBao, with the token to talk to it.
pub struct Kv<'a> {
    pub http: &'a reqwest::Client,
    pub team: &'a str,
    pub cfg: &'a TeamConfig,
    pub token: &'a Secret,
}

/// A KV v2 entry as read: its data and which version it is. Its data holds shared secrets: Debug shows
/// only the names of its fields.
#[derive(Clone)]
pub struct Versioned {
    pub data: serde_json::Map<String, Value>,
    pub version: u64,
    pub created_time: String,
}

impl std::fmt::Debug for Versioned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Versioned")
            .field("fields", &self.data.keys().collect::<Vec<_>>())
            .field("version", &self.version)
            .field("created_time", &self.created_time)
            .finish()
    }
}

/// A KV v2 entry's history: every version kept, with when it was written.
#[derive(Debug, Clone)]
pub struct Metadata {
    pub current_version: u64,
    pub updated_time: String,
    /// (version, created_time, destroyed or deleted)
    pub versions: Vec<(u64, String, bool)>,
}

/// What OpenBao says of the token itself.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub display_name: String,
    pub policies: Vec<String>,
    /// RFC 3339, or None for a token that never expires (root, or a periodic token's next renewal).
    pub expire_time: Option<String>,
    pub ttl: u64,
}

impl Kv<'_> {
    fn what(&self) -> String {
        format!("team {}'s OpenBao at {}", self.team, self.cfg.addr)
    }

    fn data_path(&self, name: &str) -> String {
        format!("{}/data/{}/{name}", self.cfg.mount, self.cfg.path)
    }

    fn metadata_path(&self, name: Option<&str>) -> String {
        match name {
            Some(n) => format!("{}/metadata/{}/{n}", self.cfg.mount, self.cfg.path),
            None => format!("{}/metadata/{}", self.cfg.mount, self.cfg.path),
        }
    }

    /// One request; `Ok((status, body))` for any answer, the errors every operation shares mapped.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        op: &'static str,
    ) -> Result<(u16, Value), TeamError> {
        let what = self.what();
        let url = format!("{}/v1/{path}", self.cfg.addr);
        // Marked sensitive: never shown by a Debug of the request, nor by HTTP tracing.
        let mut token = reqwest::header::HeaderValue::from_str(self.token.expose()).map_err(|_| {
            TeamError::BadSetting { what: "OpenBao token", problem: "it holds characters a token cannot have".into() }
        })?;
        token.set_sensitive(true);
        let mut req = self.http.request(method, &url).header("X-Vault-Token", token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| HttpError::from_reqwest(what.clone(), e))?;
        let status = resp.status();
        if status == reqwest::StatusCode::TEMPORARY_REDIRECT {
            // What a standby answers when it does not forward to the active node (OpenBao's HA).
            return Err(TeamError::Standby {
                team: self.team.into(),
                addr: self.cfg.addr.clone(),
                location: crate::http::location(resp.headers()),
            });
        }
        if status.is_redirection() {
            return Err(HttpError::Redirected {
                what,
                status: status.as_u16(),
                location: crate::http::location(resp.headers()),
            }
            .into());
        }
        let (bytes, _) = read_capped(resp, Cap::Refuse(MAX_ANSWER), &what).await?;
        let value: Value =
            if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        let status = status.as_u16();
        if status == 503 && self.errors(&value).contains("sealed") {
            return Err(TeamError::Sealed { team: self.team.into(), addr: self.cfg.addr.clone() });
        }
        if status == 403 && path != "auth/token/lookup-self" {
            // OpenBao says "permission denied" both for a dead token and for a policy that does not allow
            // this: the token's own lookup tells them apart.
            self.lookup_self().await?;
            return Err(TeamError::PermissionDenied { team: self.team.into(), op, path: path.to_string() });
        }
        if status == 403 {
            return Err(TeamError::TokenInvalid { team: self.team.into(), addr: self.cfg.addr.clone() });
        }
        Ok((status, value))
    }

    /// OpenBao's `errors`, joined, scrubbed of the token and cut.
    fn errors(&self, v: &Value) -> String {
        let text = v["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e.as_str()).map(str::trim).collect::<Vec<_>>().join("; "))
            .unwrap_or_default();
        Scrubber::of([self.token]).server_text(&text)
    }

    fn unexpected(&self, op: &'static str, path: &str, status: u16, v: &Value) -> TeamError {
        TeamError::Server { team: self.team.into(), op, path: path.to_string(), status, errors: self.errors(v) }
    }

    fn bad(&self, reason: &str) -> TeamError {
        HttpError::BadResponse { what: self.what(), reason: reason.to_string() }.into()
    }

    /// The entry `name`'s current version, or None when there is none (never written, or deleted).
    pub async fn read(&self, name: &str) -> Result<Option<Versioned>, TeamError> {
        self.read_at(self.data_path(name)).await
    }

    /// Version `version` of the entry `name`, or None when it is gone (deleted or destroyed).
    pub async fn read_version(&self, name: &str, version: u64) -> Result<Option<Versioned>, TeamError> {
        self.read_at(format!("{}?version={version}", self.data_path(name))).await
    }

    async fn read_at(&self, path: String) -> Result<Option<Versioned>, TeamError> {
        let (status, v) = self.send(Method::GET, &path, None, "read").await?;
        match status {
            200 => {
                let data = v["data"]["data"].as_object().cloned().ok_or_else(|| self.bad("no data in a KV v2 read"))?;
                let version = v["data"]["metadata"]["version"].as_u64().ok_or_else(|| self.bad("no version"))?;
                let created_time = v["data"]["metadata"]["created_time"].as_str().unwrap_or_default().to_string();
                Ok(Some(Versioned { data, version, created_time }))
            }
            404 => Ok(None),
            _ => Err(self.unexpected("read", &path, status, &v)),
        }
    }

    /// Write `data` as the next version of `name`, only if the current version is still `cas` (0: only
    /// if there is none). Returns the new version; a lost race is [`TeamError::Conflict`], nothing written.
    pub async fn write(&self, name: &str, data: &Value, cas: u64) -> Result<u64, TeamError> {
        let path = self.data_path(name);
        let body = json!({ "options": { "cas": cas }, "data": data });
        let (status, v) = self.send(Method::POST, &path, Some(&body), "write").await?;
        match status {
            200 | 204 => v["data"]["version"].as_u64().ok_or_else(|| self.bad("no version in a KV v2 write")),
            400 if self.errors(&v).contains("check-and-set") => {
                let (current, changed_by, changed_at) = match self.read(name).await? {
                    Some(now) => (
                        now.version,
                        now.data.get("changedBy").and_then(|b| b.as_str()).map(String::from),
                        Some(now.created_time),
                    ),
                    // Its latest version is deleted: the history still says which version it is at.
                    None => {
                        let current = self.metadata(name).await.ok().flatten().map(|m| m.current_version);
                        (current.unwrap_or(0), None, None)
                    }
                };
                Err(TeamError::Conflict {
                    team: self.team.into(),
                    profile: name.into(),
                    read: cas,
                    current,
                    changed_by,
                    changed_at,
                })
            }
            _ => Err(self.unexpected("write", &path, status, &v)),
        }
    }

    /// What the token's policy lets it do to the entry `name` (`read`, `update`, `root`…), from OpenBao's
    /// `sys/capabilities-self`; None when the token may not ask (a policy without the default one).
    pub async fn capabilities(&self, name: &str) -> Result<Option<Vec<String>>, TeamError> {
        let data = self.data_path(name);
        let body = json!({ "paths": [data.clone()] });
        match self.send(Method::POST, "sys/capabilities-self", Some(&body), "ask the capabilities of").await {
            Ok((200, v)) => Ok(v["data"][&data]
                .as_array()
                .or_else(|| v[&data].as_array())
                .map(|a| a.iter().filter_map(|c| c.as_str()).map(String::from).collect())),
            Ok(_) | Err(TeamError::PermissionDenied { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Refuse early, with what to ask for, when the token's policy does not let it write the entry
    /// `name` (a new version of an existing entry is an `update`). When OpenBao cannot say, the write
    /// itself will.
    pub async fn check_write(&self, name: &str) -> Result<(), TeamError> {
        if let Some(caps) = self.capabilities(name).await? {
            if !caps.iter().any(|c| c == "update" || c == "root") {
                return Err(TeamError::PermissionDenied {
                    team: self.team.into(),
                    op: "write",
                    path: self.data_path(name),
                });
            }
        }
        Ok(())
    }

    /// The names of the entries under the team's path.
    pub async fn list(&self) -> Result<Vec<String>, TeamError> {
        let path = self.metadata_path(None);
        let (status, v) = self.send(Method::from_bytes(b"LIST").expect("a method"), &path, None, "list").await?;
        match status {
            200 => Ok(v["data"]["keys"]
                .as_array()
                .map(|a| a.iter().filter_map(|k| k.as_str()).filter(|k| !k.ends_with('/')).map(String::from).collect())
                .unwrap_or_default()),
            404 => Ok(Vec::new()),
            _ => Err(self.unexpected("list", &path, status, &v)),
        }
    }

    /// The entry's versions and when each was written.
    pub async fn metadata(&self, name: &str) -> Result<Option<Metadata>, TeamError> {
        let path = self.metadata_path(Some(name));
        let (status, v) = self.send(Method::GET, &path, None, "read the history of").await?;
        match status {
            200 => {
                let d = &v["data"];
                let mut versions: Vec<(u64, String, bool)> = d["versions"]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, e)| {
                                let gone = e["destroyed"].as_bool().unwrap_or(false)
                                    || e["deletion_time"].as_str().is_some_and(|t| !t.is_empty());
                                Some((
                                    k.parse().ok()?,
                                    e["created_time"].as_str().unwrap_or_default().to_string(),
                                    gone,
                                ))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                versions.sort_by_key(|v| v.0);
                Ok(Some(Metadata {
                    current_version: d["current_version"].as_u64().unwrap_or(0),
                    updated_time: d["updated_time"].as_str().unwrap_or_default().to_string(),
                    versions,
                }))
            }
            404 => Ok(None),
            _ => Err(self.unexpected("read the history of", &path, status, &v)),
        }
    }

    /// Destroy these versions of the entry `name` for good: their data is gone, the history keeps that
    /// they were (a rotation's retired secret).
    pub async fn destroy_versions(&self, name: &str, versions: &[u64]) -> Result<(), TeamError> {
        let path = format!("{}/destroy/{}/{name}", self.cfg.mount, self.cfg.path);
        let body = json!({ "versions": versions });
        let (status, v) = self.send(Method::POST, &path, Some(&body), "destroy old versions of").await?;
        match status {
            200 | 204 => Ok(()),
            _ => Err(self.unexpected("destroy old versions of", &path, status, &v)),
        }
    }

    /// Remove the entry and all its versions (the metadata delete).
    pub async fn destroy(&self, name: &str) -> Result<(), TeamError> {
        let path = self.metadata_path(Some(name));
        let (status, v) = self.send(Method::DELETE, &path, None, "delete").await?;
        match status {
            200 | 204 | 404 => Ok(()),
            _ => Err(self.unexpected("delete", &path, status, &v)),
        }
    }

    /// What OpenBao knows of the token: its name, policies and expiry. A dead token is
    /// [`TeamError::TokenInvalid`].
    pub async fn lookup_self(&self) -> Result<TokenInfo, TeamError> {
        let path = "auth/token/lookup-self";
        let (status, v) = Box::pin(self.send(Method::GET, path, None, "look up")).await?;
        if status != 200 {
            return Err(self.unexpected("look up", path, status, &v));
        }
        let d = &v["data"];
        Ok(TokenInfo {
            display_name: d["display_name"].as_str().unwrap_or("token").to_string(),
            policies: d["policies"]
                .as_array()
                .map(|a| a.iter().filter_map(|p| p.as_str()).map(String::from).collect())
                .unwrap_or_default(),
            expire_time: d["expire_time"].as_str().map(String::from),
            ttl: d["ttl"].as_u64().unwrap_or(0),
        })
    }
}
