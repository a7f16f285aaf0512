//! The errors Keyward reports, each saying what the user must do, and the codes the CLI and UI act on.
//!
//! Every module has its own `thiserror` enum; they all convert into [`Error`], whose [`Error::code`] is
//! what the edges switch on: the CLI turns it into an exit code, the desktop app into `{code, message}`.

use serde::Serialize;
use ts_rs::TS;

use crate::config::ConfigError;
use crate::http::HttpError;
use crate::keychain::KeychainError;
use crate::oauth::FlowError;

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
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Config(e) => e.code(),
            Error::Keychain(_) => ErrorCode::Keychain,
            Error::Flow(e) => e.code(),
            Error::Http(e) => e.code(),
            Error::Key(e) => e.code(),
        }
    }
}

/// The shape an error takes when it crosses to the UI.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError { code: e.code(), message: e.to_string() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
