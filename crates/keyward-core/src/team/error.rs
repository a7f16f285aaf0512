//! What can go wrong with a team's OpenBao, each with the fix as data.

use crate::error::ErrorCode;
use crate::http::HttpError;
use crate::Remedy;

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    /// The OpenBao could not be reached or did not answer in time (the address is in the message).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The OpenBao is sealed: it answers, but reads and writes nothing until an operator unseals it.
    #[error("team {team}'s OpenBao at {addr} is sealed: it keeps its secrets locked until an operator unseals it; ask whoever runs it, then try again")]
    Sealed { team: String, addr: String },
    /// The OpenBao token is not (or no longer) valid: expired, revoked, or never valid there.
    #[error("team {team}'s OpenBao at {addr} does not accept your OpenBao token (expired, revoked or not from there): store a new one for the team")]
    TokenInvalid { team: String, addr: String },
    /// No OpenBao token for the team on this machine.
    #[error("there is no OpenBao token for team {team} in the keychain (nor {var} in the environment)", var = super::TOKEN_VAR)]
    NoToken { team: String },
    /// A standby node of a cluster sent the request to the active node instead of forwarding it: it
    /// cannot reach one (a new leader is being elected) or does not forward. The token is never sent on.
    #[error("team {team}'s OpenBao at {addr} is a standby node and pointed the request to the active node ({location}) instead of forwarding it, so nothing was sent or written: the cluster may be electing a new leader; try again in a few seconds, and if it keeps happening, connect the team at the cluster's own address (its load balancer)")]
    Standby { team: String, addr: String, location: String },
    /// The token is valid, but its policy does not allow this operation on this path.
    #[error("team {team}'s OpenBao policy does not let your token {op} {path}; ask whoever runs it for that capability (members read, rotators write), or leave the change to someone who has it")]
    PermissionDenied { team: String, op: &'static str, path: String },
    /// Check-and-set failed: someone else wrote the secret since it was read. Nothing was written.
    #[error("someone else changed {profile} in team {team} since you read it (you had version {read}; it is at version {current} now{by}{when}); nothing was written; run the command again to make your change on top of theirs", by = .changed_by.as_deref().map(|b| format!(", written by {b}")).unwrap_or_default(), when = .changed_at.as_deref().map(|t| format!(" at {t}")).unwrap_or_default())]
    Conflict {
        team: String,
        profile: String,
        read: u64,
        current: u64,
        changed_by: Option<String>,
        changed_at: Option<String>,
    },
    /// A rotation's switch lost the check-and-set: someone else changed the shared secret since the
    /// rotation started (another rotator, an edit). Nothing was written; the way on is abort.
    #[error("someone else changed {profile} in team {team} since this rotation started (it started from version {read}; it is at version {current} now{by}{when}); the check-and-set refused the switch and nothing was written to the team: abort this rotation, and rotate again from their version if it is still needed", by = .changed_by.as_deref().map(|b| format!(", written by {b}")).unwrap_or_default(), when = .changed_at.as_deref().map(|t| format!(" at {t}")).unwrap_or_default())]
    RotatedMeanwhile {
        team: String,
        profile: String,
        read: u64,
        current: u64,
        changed_by: Option<String>,
        changed_at: Option<String>,
    },
    /// The team has a profile of that name already (sharing never overwrites one).
    #[error("team {team} already shares a profile named {profile} (version {version}); pick another name")]
    Exists { team: String, profile: String, version: u64 },
    /// A KV entry that is not a Keyward profile, or one this Keyward cannot read.
    #[error("team {team}'s entry {profile} is not a profile this Keyward can read ({reason})")]
    BadEntry { team: String, profile: String, reason: String },
    /// OpenBao answered with an error Keyward has no better words for (its own words, cut).
    #[error("team {team}'s OpenBao answered {status} to {op} {path}: {errors}")]
    Server { team: String, op: &'static str, path: String, status: u16, errors: String },
    #[error("no team named {0:?} is connected")]
    NoSuchTeam(String),
    #[error("team {0:?} is connected already, at another address ({1}); disconnect it first to move it")]
    TeamExists(String, String),
    #[error("team {what}: {problem}")]
    BadSetting { what: &'static str, problem: String },
    /// A team's profile changes in the team's store, not on one person's machine.
    #[error("profile {profile} is shared by team {team}: {what} is for the team's store, not for this machine")]
    Shared { team: String, profile: String, what: &'static str },
    #[error("profile {0:?} is not shared by any connected team")]
    NotShared(String),
    /// A new version of a team profile sends its credentials to hosts this person has not accepted (a
    /// teammate changed its URLs, or someone who may write to the team's store did): it is not used until
    /// they accept them.
    #[error("team {} changed where {} sends its credentials (version {}{}): now also to {}, which you have not accepted, so Keyward does not use this version; check the new addresses with your team, and accept them if they are right", .0.team, .0.profile, .0.version, .0.changed_by.as_deref().map(|b| format!(", written by {b}")).unwrap_or_default(), .0.hosts.join(", "))]
    NewDestinations(Box<NewDestinations>),
}

/// A team profile's version that sends credentials to hosts not accepted ([`TeamError::NewDestinations`]).
#[derive(Debug)]
pub struct NewDestinations {
    pub team: String,
    pub profile: String,
    pub version: u64,
    /// The new hosts, as `apiHosts` patterns.
    pub hosts: Vec<String>,
    pub changed_by: Option<String>,
}

impl TeamError {
    pub fn code(&self) -> ErrorCode {
        match self {
            TeamError::Http(e) => e.code(),
            TeamError::Sealed { .. } | TeamError::Standby { .. } => ErrorCode::Network,
            TeamError::TokenInvalid { .. } => ErrorCode::LoginAgain,
            TeamError::NoToken { .. } => ErrorCode::Waiting,
            TeamError::PermissionDenied { .. }
            | TeamError::Conflict { .. }
            | TeamError::RotatedMeanwhile { .. }
            | TeamError::Exists { .. }
            | TeamError::BadEntry { .. }
            | TeamError::NewDestinations(_)
            | TeamError::Server { .. } => ErrorCode::Refused,
            TeamError::NoSuchTeam(_) | TeamError::NotShared(_) => ErrorCode::NotFound,
            TeamError::TeamExists(..) | TeamError::BadSetting { .. } | TeamError::Shared { .. } => ErrorCode::BadInput,
        }
    }

    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            TeamError::Http(e) => e.remedy(),
            TeamError::TokenInvalid { team, .. } | TeamError::NoToken { team } => {
                Some(Remedy::ConnectTeam { team: team.clone() })
            }
            TeamError::RotatedMeanwhile { profile, .. } => Some(Remedy::AbortRotation { profile: profile.clone() }),
            TeamError::NewDestinations(d) => {
                Some(Remedy::AcceptDestinations { team: d.team.clone(), profile: d.profile.clone() })
            }
            _ => None,
        }
    }
}
