//! Keyward's core: profiles, flows, tokens, the keychain-backed secret store and the audit log.
//!
//! Nothing in here knows about windows or Tauri (CI checks it): the CLI and the desktop shell are thin
//! faces over [`Keyward`].

pub mod api;
pub mod app;
pub mod audit;
pub mod clock;
pub mod config;
pub mod context;
pub mod error;
pub mod exec;
pub mod export;
pub mod failpoint;
pub mod flow;
pub mod form;
pub mod handout;
pub mod http;
pub mod inspect;
pub mod keychain;
pub mod keys;
pub mod logout;
pub mod machine;
pub mod oauth;
pub mod profile;
pub mod remedy;
pub mod rotation;
pub mod schedule;
pub mod scrub;
pub mod secret;
pub mod strategies;
pub mod team;
pub mod token;
pub mod trial;

pub use app::{Keyward, ProfileView};
pub use context::Context;
pub use error::{AppError, Error, ErrorCode, Result};
pub use remedy::Remedy;
pub use secret::Secret;
