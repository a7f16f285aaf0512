//! The errors Keyward reports, the codes the CLI and UI act on, and the remedy that fixes each.
//!
//! Every module has its own `thiserror` enum; they all convert into [`Error`], whose [`Error::code`] is
//! what the edges switch on (the CLI's exit code, the window's notice) and whose [`Error::remedy`] is the
//! next step as data. Messages state what happened in plain words and never name a CLI command: the edges
//! word the remedy.

use serde::Serialize;
use ts_rs::TS;

use crate::config::ConfigError;
use crate::flow::FlowError;
use crate::http::HttpError;
use crate::keychain::KeychainError;
pub use crate::remedy::Remedy;

/// What kind of failure this is, for the UI to switch on (never match on message text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ErrorCode {
    /// The input was wrong: a bad profile field, an unknown profile, a malformed URL.
    BadInput,
    /// No profile by that name.
    NotFound,
    /// A server said no (401, 403, `invalid_client`…); the message carries its error code.
    Refused,
    /// The grant is gone (`invalid_grant`): the user must log in again.
    LoginAgain,
    /// The user declined consent at the provider.
    ConsentDeclined,
    /// The token lacks a scope the API wants; the message names it.
    InsufficientScope,
    /// A server could not be reached, or took too long.
    Network,
    /// The OS keychain is unavailable, locked, or its unlock prompt was dismissed.
    Keychain,
    /// Waiting on the user: not logged in yet, login cancelled or timed out.
    Waiting,
    /// A bug or an unexpected local failure (disk full, permissions).
    Internal,
}

impl ErrorCode {
    /// The CLI's exit code (README, "CLI contract").
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorCode::BadInput | ErrorCode::NotFound => 2,
            ErrorCode::Refused | ErrorCode::LoginAgain | ErrorCode::ConsentDeclined | ErrorCode::InsufficientScope => 3,
            ErrorCode::Network => 4,
            ErrorCode::Keychain => 5,
            ErrorCode::Waiting => 6,
            ErrorCode::Internal => 1,
        }
    }
}

/// Any failure of the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Flow(#[from] FlowError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Inspect(#[from] crate::inspect::InspectError),
    #[error(transparent)]
    Rotation(#[from] crate::rotation::RotationError),
    #[error(transparent)]
    Team(#[from] crate::team::TeamError),
    /// An error whose fix only the flow that met it knows (a token endpoint's `invalid_client` for a
    /// profile with a client secret: store the right secret).
    #[error("{source}")]
    Remedied { source: Box<Error>, remedy: Remedy },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Config(e) => e.code(),
            Error::Keychain(crate::keychain::KeychainError::Team(e)) => e.code(),
            Error::Keychain(_) => ErrorCode::Keychain,
            Error::Flow(e) => e.code(),
            Error::Http(e) => e.code(),
            Error::Key(e) => e.code(),
            Error::Export(e) => e.code(),
            Error::Inspect(e) => e.code(),
            Error::Rotation(e) => e.code(),
            Error::Team(e) => e.code(),
            Error::Remedied { source, .. } => source.code(),
        }
    }

    /// The next step that fixes it, when there is one.
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            Error::Config(e) => e.remedy(),
            Error::Keychain(e) => e.remedy(),
            Error::Flow(e) => e.remedy(),
            Error::Http(e) => e.remedy(),
            Error::Key(_) => None,
            Error::Export(e) => e.remedy(),
            Error::Inspect(_) => None,
            Error::Rotation(e) => e.remedy(),
            Error::Team(e) => e.remedy(),
            Error::Remedied { remedy, .. } => Some(remedy.clone()),
        }
    }

    /// The same error with `remedy` as its next step.
    pub fn with_remedy(self, remedy: Remedy) -> Self {
        match self {
            Error::Remedied { source, .. } => Error::Remedied { source, remedy },
            other => Error::Remedied { source: Box::new(other), remedy },
        }
    }

    /// The error under any remedy attached to it.
    pub fn inner(&self) -> &Error {
        match self {
            Error::Remedied { source, .. } => source.inner(),
            other => other,
        }
    }

    /// What the audit log keeps of it: Keyward's own words and a server's error code, never the text a
    /// server sent (it may echo what it was sent, or carry an attacker's words).
    pub fn audit_text(&self) -> String {
        match self.inner() {
            Error::Flow(e) => e.audit_text(),
            Error::Http(e) => e.audit_text(),
            other => other.to_string(),
        }
    }
}

/// The shape an error takes when it crosses to the UI: what happened, its code, and the next step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    pub remedy: Option<Remedy>,
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError { code: e.code(), message: e.to_string(), remedy: e.remedy() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
