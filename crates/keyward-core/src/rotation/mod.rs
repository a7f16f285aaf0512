//! Rotating a credential with zero downtime: a persisted state machine per profile,
//!
//! ```text
//! created ──next──▶ deployed ──next──▶ verified ──next──▶ retired
//!    │                  │                  │
//!    └──────abort───────┴──────abort───────┴──▶ aborted
//! ```
//!
//! `created`: the new credential exists, nothing deployed. `deployed`: old and new are both valid at every
//! target (the overlap window). `verified`: a real request with the new credential succeeded and the
//! profile uses it. `retired`: the old credential is gone from every target and forgotten. `aborted`: the
//! new one is gone everywhere and the old one is in use again.
//!
//! Each step is journaled (in the config, written atomically under its lock) before it acts, and every
//! action is safe to run twice, so a crash at any point leaves a rotation that `status` describes
//! truthfully and that `next` finishes or `abort` undoes. A step a target refused is never replayed: the
//! refusal is kept, and the way on is abort. Retiring before verifying is impossible: `retire` is only
//! reachable from `verified`.

pub mod targets;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use targets::Target;

use crate::api::ApiRequest;
use crate::audit::{AuditAction, Outcome};
use crate::clock::rfc3339;
use crate::config::ConfigError;
use crate::error::{ErrorCode, Result};
use crate::handout::fingerprint;
use crate::keychain::SecretField;
use crate::profile::Profile;
use crate::remedy::Remedy;
use crate::secret::Secret;
use targets::{Change, Material};

/// Where a rotation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum RotationState {
    Created,
    Deployed,
    Verified,
    Retired,
    Aborted,
}

impl RotationState {
    pub fn id(self) -> &'static str {
        match self {
            RotationState::Created => "created",
            RotationState::Deployed => "deployed",
            RotationState::Verified => "verified",
            RotationState::Retired => "retired",
            RotationState::Aborted => "aborted",
        }
    }

    /// Still under way: a new rotation cannot start, and abort can undo it.
    pub fn in_progress(self) -> bool {
        matches!(self, RotationState::Created | RotationState::Deployed | RotationState::Verified)
    }
}

/// What is rotated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum RotationKind {
    /// An API key: Keyward generates the new one (or you paste one the provider issued).
    ApiKey,
    /// A client secret: you create the new one in the provider's dashboard and paste it.
    ClientSecret,
    /// The key pair that signs private_key_jwt assertions: Keyward generates the new one.
    KeyPair,
}

/// A step of the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum RotationStep {
    Create,
    Deploy,
    Verify,
    Retire,
    Abort,
}

impl RotationStep {
    fn words(self) -> &'static str {
        match self {
            RotationStep::Create => "create the new credential",
            RotationStep::Deploy => "deploy the new credential beside the old",
            RotationStep::Verify => "verify the new credential and switch the profile to it",
            RotationStep::Retire => "retire the old credential",
            RotationStep::Abort => "abort: remove the new credential and go back to the old",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Phase {
    /// Journaled before acting: a crash leaves this as the last entry, and the step is run again.
    Started,
    Done,
    /// A target or the probe refused; the reason is in the detail.
    Failed,
}

/// One line of a rotation's journal: Keyward's words, fingerprints, never a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JournalEntry {
    pub at: String,
    pub step: RotationStep,
    pub phase: Phase,
    pub detail: String,
}

/// What a probe or a traffic check asked and what it saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Evidence {
    pub at: String,
    /// "the new credential at URL", "the old credential at URL", "traffic check".
    pub what: String,
    /// The request or command, without a credential.
    pub asked: String,
    /// What came back (a status, the first words of the answer).
    pub saw: String,
    /// It showed what it had to show (2xx with the new credential, 401/403 with the old, "unused").
    pub ok: bool,
}

/// A rotation as the config keeps it (no value in it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rotation {
    pub profile: String,
    pub kind: RotationKind,
    pub state: RotationState,
    pub targets: Vec<Target>,
    /// A URL that must answer 2xx with the new credential (and 401/403 with the old once retired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub verify_url: Option<String>,
    /// A URL or command reporting use of the old credential by its fingerprint: "unused" to retire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub check_old: Option<String>,
    /// Seconds the old and new must both be valid before the old may be retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub overlap_secs: Option<u64>,
    pub old_fingerprint: String,
    #[serde(default)]
    pub new_fingerprint: String,
    /// Key pairs: the key the profile signed with, and its successor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub old_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub new_key: Option<String>,
    /// A team's profile: the version of its entry in the team's OpenBao the rotation started from. The
    /// switch at verify is a new version, check-and-set against it, so that of two rotators only one
    /// switches, and never over a change made since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub team_version: Option<u64>,
    #[ts(type = "number")]
    pub started_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub deployed_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub verified_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub finished_at: Option<i64>,
    #[serde(default)]
    pub journal: Vec<JournalEntry>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

impl Rotation {
    /// The step that runs on `next`, if any.
    pub fn next_step(&self) -> Option<RotationStep> {
        // A step journaled as started but never done is the one to finish.
        if let Some(last) = self.journal.last() {
            if last.phase == Phase::Started && last.step != RotationStep::Abort {
                return Some(last.step);
            }
        }
        match self.state {
            RotationState::Created => Some(RotationStep::Deploy),
            RotationState::Deployed => Some(RotationStep::Verify),
            RotationState::Verified => Some(RotationStep::Retire),
            RotationState::Retired | RotationState::Aborted => None,
        }
    }

    /// The refusal that blocks `next`: the last entry failed at the step `next` would run.
    fn refused(&self) -> Option<&JournalEntry> {
        // A target that refused the new credential is not asked again (the way on is abort). A failed
        // probe may be retried (a provider may take a moment to accept a new key), and so may a retire:
        // it only removes the old credential, and abort can no longer bring that back where it is gone.
        self.journal.last().filter(|e| {
            e.phase == Phase::Failed
                && e.step == RotationStep::Deploy
                && Some(e.step) == self.next_step_ignoring_started()
        })
    }

    /// Abort can still undo it: it is under way and retiring has not begun (once it has, the old credential
    /// may be gone from a target, and only finishing the retire leaves every target a working one).
    pub fn abortable(&self) -> bool {
        self.state.in_progress() && !self.journal.iter().any(|e| e.step == RotationStep::Retire)
    }

    fn next_step_ignoring_started(&self) -> Option<RotationStep> {
        match self.state {
            RotationState::Created => Some(RotationStep::Deploy),
            RotationState::Deployed => Some(RotationStep::Verify),
            RotationState::Verified => Some(RotationStep::Retire),
            _ => None,
        }
    }
}

/// A rotation and what its next step will do: `rotate status`, and each step's confirmation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RotationStatus {
    pub state: RotationState,
    pub rotation: Rotation,
    /// What `next` would do, in lines of plain words; empty when the rotation is over.
    pub plan: Vec<String>,
    #[ts(optional)]
    pub next: Option<RotationStep>,
    /// Why `next` cannot go on now, if it cannot (the overlap, a refusal).
    #[ts(optional)]
    pub blocked: Option<String>,
    /// When `next` may retire (the end of the overlap), Unix seconds.
    #[ts(optional, type = "number")]
    pub retire_after: Option<i64>,
    /// The target's refusal that blocks `next` (its way on is abort).
    #[ts(optional)]
    pub refused: Option<JournalEntry>,
    /// Abort can still undo the rotation (false once retiring has begun: then it can only be finished).
    pub abortable: bool,
}

/// What to rotate, and how.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RotationPlan {
    pub targets: Vec<Target>,
    #[ts(optional)]
    pub verify_url: Option<String>,
    #[ts(optional)]
    pub check_old: Option<String>,
    #[ts(optional, type = "number")]
    pub overlap_secs: Option<u64>,
    /// API keys: a prefix for the generated key (`rk_live_`).
    #[ts(optional)]
    pub prefix: Option<String>,
}

/// Why a rotation step cannot run.
#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error("a rotation of {profile} is under way ({state}): finish it or abort it first")]
    InProgress { profile: String, state: &'static str },
    #[error("{profile} has no rotation under way")]
    NoRotation { profile: String },
    #[error("the rotation of {profile} is over ({state}); start a new one to rotate again")]
    Over { profile: String, state: &'static str },
    #[error("{strategy} profiles have no credential Keyward can rotate (API keys, client secrets and private_key_jwt key pairs can be)")]
    NotRotatable { strategy: &'static str },
    #[error("{0}")]
    BadPlan(String),
    #[error("a client secret is created in the provider's dashboard: paste the new one")]
    NeedsNewSecret,
    #[error("the old credential may be retired at {at} (the overlap window, {left} from now)")]
    Overlap { at: String, left: String },
    #[error("the old secret may be retired at {at} ({left} from now): {team}'s members may still use it until then (a running Keyward reads the team's profiles again every {every}, and a shared rotation retires no sooner than two of those after the switch)")]
    MembersMayHoldOld { team: String, at: String, left: String, every: String },
    #[error("{target} refused to {step}: {reason}. Nothing was replayed; abort to go back to the old credential")]
    TargetRefused { profile: String, target: String, step: &'static str, reason: String },
    #[error("{target} refused to retire the old credential: {reason}. The new credential is in use everywhere; once the target is fixed, retiring again finishes the rotation")]
    RetireRefused { profile: String, target: String, reason: String },
    #[error("retiring the old credential of {profile} has begun, so it may be gone from some targets: the rotation can only be finished (retire again), not aborted")]
    RetireBegun { profile: String },
    #[error("the new credential is the one {profile} uses now: give a new one")]
    SameCredential { profile: String },
    #[error("the new credential did not work: {saw}. The profile still uses the old one")]
    VerifyFailed { profile: String, saw: String },
    #[error(
        "the traffic check says the old credential is still in use ({saw}); retire anyway only if you are sure (force)"
    )]
    StillUsed { profile: String, saw: String },
}

impl RotationError {
    pub fn code(&self) -> ErrorCode {
        match self {
            RotationError::Overlap { .. } | RotationError::MembersMayHoldOld { .. } => ErrorCode::Waiting,
            RotationError::TargetRefused { .. }
            | RotationError::RetireRefused { .. }
            | RotationError::VerifyFailed { .. }
            | RotationError::StillUsed { .. } => ErrorCode::Refused,
            RotationError::NoRotation { .. } => ErrorCode::NotFound,
            _ => ErrorCode::BadInput,
        }
    }

    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            RotationError::TargetRefused { profile, .. } | RotationError::VerifyFailed { profile, .. } => {
                Some(Remedy::AbortRotation { profile: profile.clone() })
            }
            RotationError::InProgress { profile, .. } => Some(Remedy::ResumeRotation { profile: profile.clone() }),
            RotationError::RetireRefused { profile, .. } | RotationError::RetireBegun { profile } => {
                Some(Remedy::FinishRotation { profile: profile.clone() })
            }
            RotationError::StillUsed { profile, .. } => Some(Remedy::AbortRotation { profile: profile.clone() }),
            _ => None,
        }
    }
}

/// A credential's age against its rotation period: `keyward rotate due`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DueCredential {
    pub profile: String,
    pub kind: RotationKind,
    /// Since when the credential is in use (its creation, or the end of its last rotation), RFC 3339.
    #[ts(optional)]
    pub since: Option<String>,
    #[ts(optional, type = "number")]
    pub age_days: Option<i64>,
    /// The period it is measured against: the one asked for, the profile's `rotationPeriodDays`, or the
    /// default.
    #[ts(type = "number")]
    pub period_days: u64,
    /// Older than the period: rotate it.
    pub due: bool,
    pub reason: String,
}

/// The kind of rotation a profile's strategy allows.
fn kind_of(p: &Profile) -> Result<RotationKind> {
    crate::strategies::def(p.strategy())
        .rotates
        .ok_or_else(|| RotationError::NotRotatable { strategy: p.strategy().id() }.into())
}

/// How old a credential may get before it is due for rotation, unless its profile says otherwise (seed 000:
/// every 90 days).
pub const DEFAULT_PERIOD_DAYS: u64 = 90;

/// The keychain field a secret rotation replaces.
fn field_of(kind: RotationKind) -> Option<SecretField> {
    match kind {
        RotationKind::ApiKey => Some(SecretField::ApiKey),
        RotationKind::ClientSecret => Some(SecretField::ClientSecret),
        RotationKind::KeyPair => None,
    }
}

/// A new API key: 256 bits from the OS CSPRNG, base64url, after an optional prefix (`keyward apikey
/// new`'s generator).
pub fn generate_api_key(prefix: Option<&str>) -> Result<Secret> {
    crate::keys::api_key::generate(prefix)
}

/// "90d", "12h", "30m", "45s" → seconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = n.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// A length of time in words, to the second below a minute and a half ("1 s", "12 min", "3 h").
fn span(secs: i64) -> String {
    match secs.max(0) {
        d @ 0..=89 => format!("{d} s"),
        d @ 90..=5399 => format!("{} min", (d + 30) / 60),
        d @ 5400..=172_799 => format!("{} h", (d + 1800) / 3600),
        d => format!("{} days", (d + 43_200) / 86_400),
    }
}

fn words_of_secs(secs: i64) -> String {
    crate::inspect::relative(secs, 0).trim_start_matches("in ").to_string()
}

impl crate::Keyward {
    fn load_rotation(&self, name: &str) -> Result<Rotation> {
        let config = self.config.load()?;
        config.profile(name)?;
        config.rotations.get(name).cloned().ok_or_else(|| RotationError::NoRotation { profile: name.into() }.into())
    }

    /// Journal and save in one config write.
    fn journal(
        &self,
        name: &str,
        step: RotationStep,
        phase: Phase,
        detail: String,
        edit: impl FnOnce(&mut Rotation),
    ) -> Result<Rotation> {
        let at = rfc3339(self.clock.now());
        let r = self.config.update(|c| {
            let r = c.rotations.get_mut(name).ok_or_else(|| ConfigError::NoSuchProfile(name.into()))?;
            edit(r);
            r.journal.push(JournalEntry { at, step, phase, detail: detail.clone() });
            Ok(r.clone())
        })?;
        let outcome = if phase == Phase::Failed { Outcome::Failed } else { Outcome::Ok };
        if phase != Phase::Started {
            self.record(AuditAction::Rotation, name, outcome, Some(format!("{}: {detail}", step_id(step))));
        }
        Ok(r)
    }

    /// A team profile's rotation: when every member's running Keyward has read the switch (the new version
    /// written at verify), as (that time, the team, the refresh period); none for a personal profile or
    /// before the switch. A shared rotation has this minimum overlap whatever overlap window it was given.
    fn members_hold_end(&self, r: &Rotation) -> Option<(i64, String, std::time::Duration)> {
        r.team_version?;
        let verified = r.verified_at?;
        let store = crate::team::store::of(&self.secrets)?;
        let team = store.team_of(&r.profile)?;
        let hold = crate::team::members_hold(store.refresh());
        Some((verified + hold.as_secs() as i64, team, store.refresh()))
    }

    /// Where the rotation of `name` stands and what `next` would do.
    pub fn rotation_status(&self, name: &str) -> Result<RotationStatus> {
        let r = self.load_rotation(name)?;
        Ok(self.rotation_view(r))
    }

    fn rotation_view(&self, r: Rotation) -> RotationStatus {
        let next = r.next_step();
        let mut blocked = r.refused().map(|e| format!("refused at {}: {}", step_id(e.step), e.detail));
        let overlap_end = r.overlap_secs.and_then(|o| r.deployed_at.map(|d| d + o as i64));
        let hold_end = self.members_hold_end(&r).map(|(at, _, _)| at);
        let retire_after = overlap_end.max(hold_end);
        if next == Some(RotationStep::Retire) && blocked.is_none() {
            let now = self.clock.now();
            if let Some(at) = overlap_end.filter(|at| *at > now && Some(*at) >= hold_end) {
                blocked = Some(format!("the overlap window ends at {}", rfc3339(at)));
            } else if let Some((at, team, _)) = self.members_hold_end(&r).filter(|(at, _, _)| *at > now) {
                blocked = Some(format!("{team}'s members may use the old secret until {}", rfc3339(at)));
            }
        }
        let plan = next.map(|s| self.plan_lines(&r, s)).unwrap_or_default();
        let refused = r.refused().cloned();
        let abortable = r.abortable();
        RotationStatus { state: r.state, plan, next, blocked, retire_after, refused, abortable, rotation: r }
    }

    fn plan_lines(&self, r: &Rotation, step: RotationStep) -> Vec<String> {
        let mut out = vec![format!("Next: {}.", step.words())];
        let what = match r.kind {
            RotationKind::KeyPair => format!("kid of {}", r.new_key.as_deref().unwrap_or("the new key")),
            _ => format!("the credential {}", r.new_fingerprint),
        };
        match step {
            RotationStep::Deploy => {
                for t in &r.targets {
                    out.push(format!("- add {what} to {} (the old {} stays valid)", t.describe(), r.old_fingerprint));
                }
                if r.targets.is_empty() {
                    out.push("- no targets: the new credential goes only to the profile, at verify".into());
                }
            }
            RotationStep::Verify => {
                match &r.verify_url {
                    Some(u) => out.push(format!("- GET {u} with the new credential: it must answer 2xx")),
                    None => out.push("- get a token with the new credential".into()),
                }
                out.push(format!("- then {} uses the new credential", r.profile));
            }
            RotationStep::Retire => {
                if let Some(c) = &r.check_old {
                    out.push(format!(
                        "- ask {c} whether the old credential {} is still used: it must say \"unused\"",
                        r.old_fingerprint
                    ));
                }
                for t in &r.targets {
                    out.push(format!("- remove the old credential {} from {}", r.old_fingerprint, t.describe()));
                }
                out.push(format!("- forget the old credential {}", r.old_fingerprint));
                match &r.verify_url {
                    Some(u) => out.push(format!("- GET {u} with the old credential: it should be refused (401/403)")),
                    None => out.push("- ask for a token with the old credential: it should be refused".into()),
                }
            }
            RotationStep::Abort | RotationStep::Create => {}
        }
        out
    }

    /// What `abort` would do, for its confirmation.
    pub fn rotation_abort_plan(&self, name: &str) -> Result<Vec<String>> {
        let r = self.load_rotation(name)?;
        if r.state.in_progress() && !r.abortable() {
            return Err(RotationError::RetireBegun { profile: name.into() }.into());
        }
        let mut out = vec![format!("Abort: {}.", RotationStep::Abort.words())];
        for t in &r.targets {
            out.push(format!("- remove the new credential {} from {}", r.new_fingerprint, t.describe()));
        }
        if r.state == RotationState::Verified {
            out.push(format!("- switch {} back to the old credential {}", r.profile, r.old_fingerprint));
        }
        out.push(format!("- forget the new credential {}", r.new_fingerprint));
        Ok(out)
    }

    /// Start rotating the profile's credential: the new one is created (and kept in the keychain), nothing
    /// deployed yet. `new_secret`: a client secret from the provider's dashboard, or a provider-issued API
    /// key (else Keyward generates the API key).
    pub async fn rotation_start(
        &self,
        name: &str,
        plan: RotationPlan,
        new_secret: Option<Secret>,
    ) -> Result<RotationStatus> {
        let config = self.config.load()?;
        let profile = config.profile(name)?.clone();
        if let Some(r) = config.rotations.get(name).filter(|r| r.state.in_progress()) {
            return Err(RotationError::InProgress { profile: name.into(), state: r.state.id() }.into());
        }
        let kind = kind_of(&profile)?;
        for t in &plan.targets {
            if let Target::File { line, .. } = t {
                if !line.contains("{key}") {
                    return Err(RotationError::BadPlan(
                        "a file target's line template must hold {key}, where the credential goes".into(),
                    )
                    .into());
                }
            }
            match (t, kind) {
                (Target::Jwks { .. }, RotationKind::KeyPair) | (Target::Cmd { .. }, _) => {}
                (Target::File { .. }, RotationKind::ApiKey | RotationKind::ClientSecret) => {}
                (Target::Jwks { .. }, _) => {
                    return Err(RotationError::BadPlan("a JWKS target is for key pairs (private_key_jwt)".into()).into())
                }
                (Target::File { .. }, RotationKind::KeyPair) => {
                    return Err(RotationError::BadPlan(
                        "a key pair is published in a JWKS target (jwks:PATH), not a line".into(),
                    )
                    .into())
                }
            }
        }
        if kind == RotationKind::ApiKey && plan.verify_url.is_none() {
            return Err(RotationError::BadPlan(
                "an API key is verified by a request: give the URL that must accept the new key".into(),
            )
            .into());
        }
        if let Some(u) = &plan.verify_url {
            crate::api::check_host(name, &profile, u)?;
        }
        if kind == RotationKind::ClientSecret && new_secret.is_none() {
            return Err(RotationError::NeedsNewSecret.into());
        }
        let store_id = config.store_id.clone();
        let (old_fingerprint, old_key) = match field_of(kind) {
            Some(f) => {
                let old = crate::strategies::Cx { cx: self.context(), store_id: &store_id, name }.required_secret(f)?;
                (fingerprint(&old), None)
            }
            None => {
                let key = profile
                    .settings
                    .key_name()
                    .map(String::from)
                    .ok_or_else(|| ConfigError::bad_field("keyName", "the profile names no key pair"))?;
                let info = self.key(&key)?;
                (info.info.kid.clone(), Some(key))
            }
        };
        if new_secret.as_ref().is_some_and(|v| fingerprint(v) == old_fingerprint) {
            return Err(RotationError::SameCredential { profile: name.into() }.into());
        }
        // A team's profile: the switch writes the team's entry, so a token that may only read it is
        // refused now, before anything changes anywhere (a target, this machine).
        let team_version = match crate::team::store::of(&self.secrets) {
            Some(t)
                if t.team_of(name).is_some() && field_of(kind).is_some_and(|f| crate::team::SHARED.contains(&f)) =>
            {
                if t.in_memory() {
                    return Err(RotationError::BadPlan(format!(
                        "{name} is a team's profile, and its rotation keeps the new secret in this machine's keychain until it is verified; with {} (CI) nothing is kept between commands: rotate it from a machine with a keychain",
                        crate::team::TOKEN_VAR
                    ))
                    .into());
                }
                t.check_write(name)?;
                t.version(name)
            }
            _ => None,
        };
        let now = self.clock.now();
        let rotation = Rotation {
            profile: name.into(),
            kind,
            state: RotationState::Created,
            targets: plan.targets.clone(),
            verify_url: plan.verify_url.clone(),
            check_old: plan.check_old.clone(),
            overlap_secs: plan.overlap_secs,
            old_fingerprint,
            new_fingerprint: String::new(),
            old_key,
            new_key: None,
            team_version,
            started_at: now,
            deployed_at: None,
            verified_at: None,
            finished_at: None,
            journal: vec![JournalEntry {
                at: rfc3339(now),
                step: RotationStep::Create,
                phase: Phase::Started,
                detail: format!("rotating the {} of {name}", kind_words(kind)),
            }],
            evidence: Vec::new(),
        };
        self.config.update(|c| {
            c.rotations.insert(name.into(), rotation.clone());
            Ok(())
        })?;
        // Create: the new credential, kept where only the rotation reads it.
        let (new_fingerprint, new_key) = match kind {
            RotationKind::ApiKey | RotationKind::ClientSecret => {
                let value = match new_secret {
                    Some(v) => v,
                    None => generate_api_key(plan.prefix.as_deref())?,
                };
                self.set_secret(&store_id, name, SecretField::RotationNext, &value)?;
                (fingerprint(&value), None)
            }
            RotationKind::KeyPair => {
                let old = self.key(rotation.old_key.as_deref().expect("key pair"))?;
                let new_name = format!("{name}-{now}");
                let bits = rsa_bits_of(&old.info.public_jwk);
                let view = self.key_new(&new_name, old.info.alg, bits, None)?;
                (view.info.kid.clone(), Some(new_name))
            }
        };
        let r = self.journal(
            name,
            RotationStep::Create,
            Phase::Done,
            format!("new credential {new_fingerprint} created; the old {} stays in use", rotation.old_fingerprint),
            |r| {
                r.new_fingerprint = new_fingerprint.clone();
                r.new_key = new_key.clone();
            },
        )?;
        Ok(self.rotation_view(r))
    }

    /// Run the next step: deploy, verify, or retire (`force` retires although the traffic check says the
    /// old credential is still used).
    pub async fn rotation_next(&self, name: &str, force: bool) -> Result<RotationStatus> {
        let r = self.load_rotation(name)?;
        if let Some(refused) = r.refused() {
            let target = refused.detail.split(" refused").next().unwrap_or("a target").to_string();
            return Err(RotationError::TargetRefused {
                profile: name.into(),
                target,
                step: step_id(refused.step),
                reason: refused.detail.clone(),
            }
            .into());
        }
        let Some(step) = r.next_step() else {
            return Err(RotationError::Over { profile: name.into(), state: r.state.id() }.into());
        };
        let r = match step {
            RotationStep::Create => {
                return Err(RotationError::BadPlan(
                    "the rotation was interrupted while creating the new credential: abort it and start again".into(),
                )
                .into())
            }
            RotationStep::Deploy => self.deploy(r).await?,
            RotationStep::Verify => self.verify(r).await?,
            RotationStep::Retire => self.retire(r, force).await?,
            RotationStep::Abort => unreachable!("next never aborts"),
        };
        Ok(self.rotation_view(r))
    }

    async fn material(&self, r: &Rotation, store_id: &str) -> Result<(Secret, Option<Secret>)> {
        match r.kind {
            RotationKind::KeyPair => {
                let new = r.new_key.as_deref().map(|k| self.key(k)).transpose()?;
                let old = r.old_key.as_deref().map(|k| self.key(k)).transpose()?;
                let jwk = |v: &crate::keys::KeyView| Secret::new(v.info.public_jwk.to_string());
                Ok((new.as_ref().map(jwk).unwrap_or_else(|| Secret::new("")), old.as_ref().map(jwk)))
            }
            kind => {
                let field = field_of(kind).expect("secret kind");
                // Where each value is depends on how far the switch got (verify moves the new one from
                // RotationNext into the profile's field and the old one into RotationPrevious, one write at
                // a time, and a kill can land between any two): each is found by its fingerprint, wherever
                // it is, so an abort or a resumed step never takes the one for the other.
                let mut held = Vec::new();
                for f in [SecretField::RotationNext, field, SecretField::RotationPrevious] {
                    if let Some(v) = self.secret(store_id, &r.profile, f)? {
                        held.push(v);
                    }
                }
                let find = |fp: &str| held.iter().find(|v| fingerprint(v) == fp).cloned();
                let new = find(&r.new_fingerprint).ok_or_else(|| {
                    ConfigError::bad_field("rotation", "the new credential is missing from the keychain")
                })?;
                Ok((new, find(&r.old_fingerprint)))
            }
        }
    }

    fn apply_all(
        &self,
        r: &Rotation,
        change: Change,
        new: &Secret,
        old: Option<&Secret>,
        scopes: &str,
    ) -> std::result::Result<Vec<String>, (String, String)> {
        let new_kid = r.new_key.as_ref().map(|_| r.new_fingerprint.as_str());
        let old_kid = r.old_key.as_ref().map(|_| r.old_fingerprint.as_str());
        let m = Material {
            profile: &r.profile,
            scopes,
            new,
            old,
            new_kid,
            old_kid,
            new_fingerprint: &r.new_fingerprint,
            old_fingerprint: &r.old_fingerprint,
        };
        let mut said = Vec::new();
        // An abort undoes the deploy in reverse order: the readers listed after a server (an app's .env
        // after the API's keys file) go back to the old credential before the server stops taking the new.
        let order: Vec<&Target> = match change {
            Change::Abort => r.targets.iter().rev().collect(),
            _ => r.targets.iter().collect(),
        };
        for t in order {
            match targets::apply(t, change, &m) {
                Ok(s) => said.push(s),
                Err(reason) => return Err((t.describe(), reason)),
            }
        }
        Ok(said)
    }

    async fn deploy(&self, r: Rotation) -> Result<Rotation> {
        let name = r.profile.clone();
        let profile = self.profile(&name)?;
        let store_id = self.config.load()?.store_id;
        let scopes = scopes_of(&profile);
        self.journal(
            &name,
            RotationStep::Deploy,
            Phase::Started,
            format!("deploying {} to {} target(s)", r.new_fingerprint, r.targets.len()),
            |_| {},
        )?;
        crate::failpoint::hit("rotate:deploy");
        let (new, old) = self.material(&r, &store_id).await?;
        match self.apply_all(&r, Change::Deploy, &new, old.as_ref(), &scopes) {
            Ok(said) => {
                let now = self.clock.now();
                self.journal(
                    &name,
                    RotationStep::Deploy,
                    Phase::Done,
                    done_words(&said, "deployed (no targets)"),
                    |r| {
                        r.state = RotationState::Deployed;
                        r.deployed_at = Some(now);
                    },
                )
            }
            Err((target, reason)) => {
                self.journal(
                    &name,
                    RotationStep::Deploy,
                    Phase::Failed,
                    format!("{target} refused: {reason}"),
                    |_| {},
                )?;
                Err(RotationError::TargetRefused { profile: name, target, step: "deploy", reason }.into())
            }
        }
    }

    /// A request with one credential, from a scratch profile (nothing it gets is stored): the
    /// `verify_url` when there is one, else a token request.
    async fn probe(&self, r: &Rotation, use_new: bool, value: Option<&Secret>) -> Result<(String, String, u16)> {
        let mut profile = self.profile(&r.profile)?;
        let mut secrets = Vec::new();
        match (r.kind, value) {
            (RotationKind::KeyPair, _) => {
                if let Some(k) = profile.settings.key_name_mut() {
                    *k = if use_new { r.new_key.clone() } else { r.old_key.clone() };
                }
            }
            (kind, Some(v)) => secrets.push((field_of(kind).expect("secret kind"), v.clone())),
            (_, None) => return Err(ConfigError::bad_field("rotation", "the credential to probe is missing").into()),
        }
        let scratch = self.scratch(&r.profile, profile, &secrets)?;
        match &r.verify_url {
            Some(url) => {
                let req = ApiRequest { method: "GET".into(), url: url.clone(), headers: Vec::new(), body: None };
                match scratch.kw.call(&r.profile, &req).await {
                    Ok(resp) => Ok((
                        format!("GET {url}"),
                        format!("HTTP {} {}", resp.status, crate::flow::truncate(resp.body.trim(), 120)),
                        resp.status,
                    )),
                    Err(e) => {
                        Ok((format!("GET {url}"), e.audit_text(), if e.code() == ErrorCode::Network { 0 } else { 401 }))
                    }
                }
            }
            None => match scratch.kw.token(&r.profile, true).await {
                Ok(_) => Ok(("a token request".into(), "a token was issued".into(), 200)),
                Err(e) => {
                    Ok(("a token request".into(), e.audit_text(), if e.code() == ErrorCode::Network { 0 } else { 401 }))
                }
            },
        }
    }

    async fn verify(&self, r: Rotation) -> Result<Rotation> {
        let name = r.profile.clone();
        let config = self.config.load()?;
        let store_id = config.store_id.clone();
        self.journal(&name, RotationStep::Verify, Phase::Started, format!("verifying {}", r.new_fingerprint), |_| {})?;
        // A resumed verify may find the switch half made: the new value already the profile's own.
        let field = field_of(r.kind);
        let new_value = match field {
            Some(f) => Some(match self.secret(&store_id, &name, SecretField::RotationNext)? {
                Some(v) => v,
                None => self.secret(&store_id, &name, f)?.ok_or_else(|| {
                    ConfigError::bad_field("rotation", "the new credential is missing from the keychain")
                })?,
            }),
            None => None,
        };
        let (asked, saw, status) = self.probe(&r, true, new_value.as_ref()).await?;
        let ok = (200..300).contains(&status);
        let evidence =
            Evidence { at: rfc3339(self.clock.now()), what: "the new credential".into(), asked, saw: saw.clone(), ok };
        if !ok {
            let ev = evidence.clone();
            self.journal(
                &name,
                RotationStep::Verify,
                Phase::Failed,
                format!("the new credential did not work: {saw}"),
                |r| r.evidence.push(ev),
            )?;
            return Err(RotationError::VerifyFailed { profile: name, saw }.into());
        }
        crate::failpoint::hit("rotate:verify-before-switch");
        let mut team_note = None;
        // Switch: keep the old as previous (once), make the new the profile's, forget the waiting copy.
        match (field, &new_value) {
            (Some(f), Some(new)) => {
                if self.secret(&store_id, &name, SecretField::RotationPrevious)?.is_none() {
                    if let Some(old) = self
                        .secret(&store_id, &name, f)?
                        .filter(|old| old != new && fingerprint(old) == r.old_fingerprint)
                    {
                        self.set_secret(&store_id, &name, SecretField::RotationPrevious, &old)?;
                    }
                }
                team_note = self.switch(&r, &store_id, f, new)?;
                self.delete_secret(&store_id, &name, SecretField::RotationNext)?;
                if r.kind == RotationKind::ApiKey {
                    // The profile's key metadata follows the key: its fingerprint, and when it was made.
                    let now = self.clock.now();
                    let scopes: Vec<String> = self
                        .profile(&name)?
                        .get("apiKeyScopes")
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(String::from)
                        .collect();
                    let fields = crate::keys::api_key::fields_for(new, now, &scopes, None);
                    self.config.update(|c| {
                        if let Some(p) = c.profiles.get_mut(&name) {
                            for (field, value) in &fields {
                                p.set(field, value)?;
                            }
                        }
                        Ok(())
                    })?;
                }
                // Tokens obtained with the old secret are still good, but the next one must prove the new.
                if r.kind == RotationKind::ClientSecret {
                    self.delete_secret(&store_id, &name, SecretField::AccessToken)?;
                }
            }
            _ => {
                let new_key = r.new_key.clone();
                self.config.update(|c| {
                    if let Some(k) = c.profiles.get_mut(&name).and_then(|p| p.settings.key_name_mut()) {
                        *k = new_key;
                    }
                    Ok(())
                })?;
                self.delete_secret(&store_id, &name, SecretField::AccessToken)?;
            }
        }
        let now = self.clock.now();
        self.journal(
            &name,
            RotationStep::Verify,
            Phase::Done,
            format!("{}; {name} now uses {}{}", evidence.saw, r.new_fingerprint, team_note.unwrap_or_default()),
            |r| {
                r.state = RotationState::Verified;
                r.verified_at = Some(now);
                r.evidence.push(evidence);
            },
        )
    }

    /// Make `new` the profile's `field`. A team's profile: a new version of the team's entry,
    /// check-and-set against the version the rotation started from (a resumed verify that finds the new
    /// one there already writes nothing); a lost race is refused, journaled, and nothing is written.
    /// Returns a note for the journal.
    fn switch(&self, r: &Rotation, store_id: &str, field: SecretField, new: &Secret) -> Result<Option<String>> {
        let name = &r.profile;
        let team = crate::team::store::of(&self.secrets).filter(|t| t.team_of(name).is_some());
        let (Some(team), Some(since)) = (team, r.team_version) else {
            self.set_secret(store_id, name, field, new)?;
            return Ok(None);
        };
        let team_name = team.team_of(name).unwrap_or_default();
        if self.secret(store_id, name, field)?.is_some_and(|held| fingerprint(&held) == r.new_fingerprint) {
            return Ok(Some(format!(
                " (team {team_name} has it already, version {})",
                team.version(name).unwrap_or(0)
            )));
        }
        let written = match team.write_secret_since(name, field, new, since) {
            // Someone changed the entry since the rotation started. Only a change of its settings (the
            // shared secret still the old one) lets the switch go on top of it, check-and-set again.
            Err(crate::team::TeamError::Conflict { .. })
                if team.reread(name).is_ok()
                    && self.secret(store_id, name, field)?.is_some_and(|s| fingerprint(&s) == r.old_fingerprint) =>
            {
                let current = team.version(name).unwrap_or(since);
                let by = team.changed(name).map(|b| format!(" by {b}")).unwrap_or_default();
                team.write_secret_since(name, field, new, current).map(|v| {
                    format!(
                        " (written to team {team_name} as version {v}, on top of version {current}: a change of its settings{by} since the rotation started, kept)"
                    )
                })
            }
            Err(crate::team::TeamError::Conflict { team, profile, current, changed_by, changed_at, .. }) => {
                Err(crate::team::TeamError::Conflict { team, profile, read: since, current, changed_by, changed_at })
            }
            other => other.map(|v| format!(" (written to team {team_name} as version {v}, from version {since})")),
        };
        match written {
            Ok(note) => Ok(Some(note)),
            Err(e) => {
                let e = match e {
                    crate::team::TeamError::Conflict { team, profile, read, current, changed_by, changed_at } => {
                        crate::team::TeamError::RotatedMeanwhile {
                            team,
                            profile,
                            read,
                            current,
                            changed_by,
                            changed_at,
                        }
                    }
                    e => e,
                };
                self.journal(name, RotationStep::Verify, Phase::Failed, e.to_string(), |_| {})?;
                Err(e.into())
            }
        }
    }

    async fn retire(&self, r: Rotation, force: bool) -> Result<Rotation> {
        let name = r.profile.clone();
        let now = self.clock.now();
        if let Some(at) = r.overlap_secs.and_then(|o| r.deployed_at.map(|d| d + o as i64)).filter(|at| *at > now) {
            return Err(RotationError::Overlap { at: rfc3339(at), left: words_of_secs(at - now) }.into());
        }
        if let Some((at, team, every)) = self.members_hold_end(&r).filter(|(at, _, _)| *at > now) {
            return Err(RotationError::MembersMayHoldOld {
                team,
                at: rfc3339(at),
                left: span(at - now),
                every: span(every.as_secs() as i64),
            }
            .into());
        }
        if let Some(check) = &r.check_old {
            let (saw, unused) = self.check_old(check, &r.old_fingerprint).await;
            let ev = Evidence {
                at: rfc3339(now),
                what: "traffic check of the old credential".into(),
                asked: check.clone(),
                saw: saw.clone(),
                ok: unused,
            };
            self.config.update(|c| {
                if let Some(r) = c.rotations.get_mut(&name) {
                    r.evidence.push(ev);
                }
                Ok(())
            })?;
            if !unused && !force {
                return Err(RotationError::StillUsed { profile: name, saw }.into());
            }
        }
        let profile = self.profile(&name)?;
        let store_id = self.config.load()?.store_id;
        let scopes = scopes_of(&profile);
        self.journal(&name, RotationStep::Retire, Phase::Started, format!("retiring {}", r.old_fingerprint), |_| {})?;
        let (new, old) = self.material(&r, &store_id).await?;
        crate::failpoint::hit("rotate:retire");
        if let Err((target, reason)) = self.apply_all(&r, Change::Retire, &new, old.as_ref(), &scopes) {
            self.journal(&name, RotationStep::Retire, Phase::Failed, format!("{target} refused: {reason}"), |_| {})?;
            return Err(RotationError::RetireRefused { profile: name, target, reason }.into());
        }
        // Evidence: the old credential should now be refused where the new one works.
        let mut evidence = None;
        if (r.verify_url.is_some() || r.kind != RotationKind::ApiKey)
            && (old.is_some() || r.kind == RotationKind::KeyPair)
        {
            let value = if r.kind == RotationKind::KeyPair { None } else { old.as_ref() };
            let (asked, saw, status) = self.probe(&r, false, value).await?;
            evidence = Some(Evidence {
                at: rfc3339(self.clock.now()),
                what: "the old credential, after retiring".into(),
                asked,
                saw,
                ok: status == 401 || status == 403,
            });
        }
        // Forget the old one; a team's profile: its entry's old versions that hold it are destroyed too
        // (until now they let the team roll back to it). A token that may not destroy them is no reason to
        // fail the retire: the journal says where the old secret still is, and what would remove it.
        let history = self.destroy_old_versions(&r);
        match field_of(r.kind) {
            Some(_) => self.delete_secret(&store_id, &name, SecretField::RotationPrevious)?,
            None => {
                if let Some(k) = &r.old_key {
                    self.forget_key(k)?;
                }
            }
        }
        let finished = self.clock.now();
        let note = match &evidence {
            Some(e) if e.ok => format!("old credential {} removed and forgotten; {} with it: {}", r.old_fingerprint, e.asked, e.saw),
            Some(e) => format!("old credential {} removed and forgotten, but {} still accepts it ({}): the provider has not dropped it yet", r.old_fingerprint, e.asked, e.saw),
            None => format!("old credential {} removed and forgotten", r.old_fingerprint),
        } + &history;
        self.journal(&name, RotationStep::Retire, Phase::Done, note, |r| {
            r.state = RotationState::Retired;
            r.finished_at = Some(finished);
            r.evidence.extend(evidence);
        })
    }

    /// A team profile's retired secret out of its entry's history: the old versions holding it destroyed.
    /// Returns what to add to the journal's note (nothing for a profile that is not a team's).
    fn destroy_old_versions(&self, r: &Rotation) -> String {
        let Some(field) = field_of(r.kind).filter(|f| crate::team::SHARED.contains(f)) else { return String::new() };
        let Some(team) = crate::team::store::of(&self.secrets) else { return String::new() };
        let Some(team_name) = team.team_of(&r.profile) else { return String::new() };
        match team.destroy_versions_holding(&r.profile, field, &r.old_fingerprint) {
            Ok(v) if v.is_empty() => String::new(),
            Ok(v) => {
                let list = v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
                format!("; destroyed version(s) {list} of team {team_name}'s entry, which held it")
            }
            Err(e) => {
                tracing::warn!(profile = %r.profile, "the retired secret's versions were not destroyed: {e}");
                format!(
                    "; team {team_name}'s history still holds it in an older version of the entry, not destroyed: {e}"
                )
            }
        }
    }

    /// Ask the traffic check whether the old credential (by fingerprint) is still used. A URL gets the
    /// fingerprint in its `{fingerprint}` placeholder (or as `?fingerprint=`); a command in
    /// `KEYWARD_OLD_FINGERPRINT`. It must answer "unused".
    async fn check_old(&self, check: &str, fp: &str) -> (String, bool) {
        let answer = if check.starts_with("http://") || check.starts_with("https://") {
            let url = if check.contains("{fingerprint}") {
                check.replace("{fingerprint}", fp)
            } else {
                format!("{check}{}fingerprint={fp}", if check.contains('?') { '&' } else { '?' })
            };
            match self.http.get(&url).send().await {
                Ok(resp) => {
                    match crate::http::read_capped(resp, crate::http::Cap::Cut(4096), "the traffic check").await {
                        Ok((b, _)) => String::from_utf8_lossy(&b).trim().to_string(),
                        Err(e) => e.to_string(),
                    }
                }
                Err(e) => crate::http::HttpError::from_reqwest("the traffic check", e).to_string(),
            }
        } else {
            let mut c = std::process::Command::new("sh");
            c.args(["-c", check]).env("KEYWARD_OLD_FINGERPRINT", fp).stdin(std::process::Stdio::null());
            crate::oauth::browser::without_secrets(&mut c);
            match crate::context::off_runtime(|| c.output()) {
                Ok(o) => String::from_utf8_lossy(&o.stdout).trim().to_string(),
                Err(e) => format!("could not run it: {e}"),
            }
        };
        let saw = crate::flow::truncate(&answer, 200);
        let unused = answer
            .split_whitespace()
            .next()
            .is_some_and(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).eq_ignore_ascii_case("unused"));
        (saw, unused)
    }

    /// Undo the rotation: the new credential removed from every target and forgotten, the old one in use.
    pub async fn rotation_abort(&self, name: &str) -> Result<RotationStatus> {
        let r = self.load_rotation(name)?;
        if !r.state.in_progress() {
            return Err(RotationError::Over { profile: name.into(), state: r.state.id() }.into());
        }
        // Once retiring has begun the old credential may be gone from some targets: removing the new one
        // too would leave a target with neither.
        if !r.abortable() {
            return Err(RotationError::RetireBegun { profile: name.into() }.into());
        }
        let profile = self.profile(name)?;
        let store_id = self.config.load()?.store_id;
        let scopes = scopes_of(&profile);
        self.journal(
            name,
            RotationStep::Abort,
            Phase::Started,
            format!("aborting: removing {}", r.new_fingerprint),
            |_| {},
        )?;
        match self.material(&r, &store_id).await {
            Ok((new, old)) => {
                if let Err((target, reason)) = self.apply_all(&r, Change::Abort, &new, old.as_ref(), &scopes) {
                    self.journal(
                        name,
                        RotationStep::Abort,
                        Phase::Failed,
                        format!("{target} refused: {reason}"),
                        |_| {},
                    )?;
                    return Err(
                        RotationError::TargetRefused { profile: name.into(), target, step: "abort", reason }.into()
                    );
                }
            }
            // Interrupted while creating it: nothing was deployed, there is nothing to remove.
            Err(_) if !r.journal.iter().any(|e| e.step == RotationStep::Deploy) => {}
            Err(e) => {
                self.journal(name, RotationStep::Abort, Phase::Failed, e.audit_text(), |_| {})?;
                return Err(e);
            }
        }
        // Back to the old credential.
        match field_of(r.kind) {
            Some(f) => {
                // Only where the switch landed: the profile (a team's entry) holding anything else (the old
                // one still, or someone else's change) is left as it is.
                let switched =
                    self.secret(&store_id, name, f)?.is_some_and(|held| fingerprint(&held) == r.new_fingerprint);
                if let Some(old) = self.secret(&store_id, name, SecretField::RotationPrevious)?.filter(|_| switched) {
                    self.set_secret(&store_id, name, f, &old)?;
                    self.delete_secret(&store_id, name, SecretField::AccessToken)?;
                }
                self.delete_secret(&store_id, name, SecretField::RotationPrevious)?;
                self.delete_secret(&store_id, name, SecretField::RotationNext)?;
            }
            None => {
                let old_key = r.old_key.clone();
                self.config.update(|c| {
                    if let Some(k) = c.profiles.get_mut(name).and_then(|p| p.settings.key_name_mut()) {
                        *k = old_key;
                    }
                    Ok(())
                })?;
                self.delete_secret(&store_id, name, SecretField::AccessToken)?;
                if let Some(k) = &r.new_key {
                    self.forget_key(k)?;
                }
            }
        }
        let finished = self.clock.now();
        let r = self.journal(
            name,
            RotationStep::Abort,
            Phase::Done,
            format!("new credential {} removed; {name} uses {} again", r.new_fingerprint, r.old_fingerprint),
            |r| {
                r.state = RotationState::Aborted;
                r.finished_at = Some(finished);
            },
        )?;
        Ok(self.rotation_view(r))
    }

    /// Every rotatable credential's age against its rotation period (`period` for all when given, else
    /// each profile's `rotationPeriodDays`, else [`DEFAULT_PERIOD_DAYS`]), due ones first.
    pub fn rotations_due(&self, period: Option<u64>) -> Result<Vec<DueCredential>> {
        let config = self.config.load()?;
        let now = self.clock.now();
        let parse = |t: &str| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                .ok()
                .map(|t| t.unix_timestamp())
        };
        let mut out = Vec::new();
        for (name, p) in &config.profiles {
            let Ok(kind) = kind_of(p) else { continue };
            let period_days = period.or(p.api.rotation_period_days).unwrap_or(DEFAULT_PERIOD_DAYS);
            let rotated =
                config.rotations.get(name).filter(|r| r.state == RotationState::Retired).and_then(|r| r.finished_at);
            let made = match kind {
                RotationKind::ApiKey => crate::keys::api_key::created_at(p),
                RotationKind::KeyPair => {
                    p.settings.key_name().and_then(|k| config.keys.get(k)).and_then(|k| parse(&k.created_at))
                }
                RotationKind::ClientSecret => None,
            };
            let since = rotated.into_iter().chain(made).max();
            let in_progress = config.rotations.get(name).is_some_and(|r| r.state.in_progress());
            let (due, age, reason) = match since {
                Some(at) => {
                    let days = (now - at) / 86_400;
                    let due = days >= period_days as i64 && !in_progress;
                    let reason = match (due, in_progress) {
                        (_, true) => "a rotation is under way".to_string(),
                        (true, _) => format!("{days} days old, past the {period_days}-day rotation period"),
                        (false, _) => format!("{days} days old; due in {} days", period_days as i64 - days),
                    };
                    (due, Some(days), reason)
                }
                None => (false, None, "age unknown: Keyward counts from its first rotation here".to_string()),
            };
            out.push(DueCredential {
                profile: name.clone(),
                kind,
                period_days,
                since: since.map(rfc3339),
                age_days: age,
                due,
                reason,
            });
        }
        out.sort_by_key(|d| (!d.due, std::cmp::Reverse(d.age_days)));
        Ok(out)
    }

    /// Remove a key pair: its public part from the config, its private key from the keychain.
    fn forget_key(&self, key: &str) -> Result<()> {
        let store_id = self.config.load()?.store_id;
        crate::context::off_runtime(|| self.secrets.delete(&crate::keychain::key_account(&store_id, key)))?;
        self.config.update(|c| {
            c.keys.remove(key);
            Ok(())
        })?;
        Ok(())
    }
}

fn step_id(s: RotationStep) -> &'static str {
    match s {
        RotationStep::Create => "create",
        RotationStep::Deploy => "deploy",
        RotationStep::Verify => "verify",
        RotationStep::Retire => "retire",
        RotationStep::Abort => "abort",
    }
}

fn kind_words(k: RotationKind) -> &'static str {
    match k {
        RotationKind::ApiKey => "API key",
        RotationKind::ClientSecret => "client secret",
        RotationKind::KeyPair => "key pair",
    }
}

fn done_words(said: &[String], none: &str) -> String {
    if said.is_empty() {
        none.to_string()
    } else {
        said.join("; ")
    }
}

/// The `{scopes}` of a line template: the profile's scopes, comma-separated.
fn scopes_of(p: &Profile) -> String {
    p.settings.scopes().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(",")
}

/// An RSA key's size from its public JWK's modulus (other key types: 0, ignored by generation).
fn rsa_bits_of(jwk: &serde_json::Value) -> usize {
    use base64::Engine;
    let n = jwk.get("n").and_then(|n| n.as_str()).unwrap_or("");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(n).unwrap_or_default();
    match bytes.iter().skip_while(|b| **b == 0).count() * 8 {
        0 => 3072,
        b => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90d"), Some(90 * 86_400));
        assert_eq!(parse_duration("30m"), Some(1800));
        assert_eq!(parse_duration("12h"), Some(43_200));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("x3d"), None);
    }

    #[test]
    fn api_keys_are_256_bits_and_prefixed() {
        let k = generate_api_key(Some("rk_live_")).unwrap();
        assert!(k.expose().starts_with("rk_live_"));
        assert_eq!(k.expose().len(), "rk_live_".len() + 43);
        assert_ne!(k, generate_api_key(Some("rk_live_")).unwrap());
        assert!(generate_api_key(Some("bad prefix")).is_err());
    }
}
