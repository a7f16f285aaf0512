//! What the user can do about an error, as data. The core never words a fix as a command: the CLI words a
//! remedy as the command to run, the window as a button that does it (README, "Errors and remedies").

use serde::Serialize;
use ts_rs::TS;

/// The one next step that fixes an error. Each edge words it for its people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum Remedy {
    /// Sign in to the profile again in the browser.
    LogIn { profile: String },
    /// Sign in again, letting the sign-in as `subject` replace the profile's tokens of another account.
    ReplaceUser { profile: String, subject: String },
    /// Get a new credential now instead of the cached one.
    GetNewToken { profile: String },
    /// Add a scope to the profile's scopes, then sign in again (the scope, when the API named it).
    AddScope { profile: String, scope: Option<String> },
    /// Change one field of the profile; for a secret field (`clientSecret`, `apiKey`, `password`), store
    /// the right value.
    EditField { profile: String, field: String },
    /// Exchange a fresh SAML assertion from the IdP.
    ExchangeAssertion { profile: String },
    /// Let the profile's credential go to this host too (its `apiHosts`), then send again.
    AllowHost { profile: String, host: String },
    /// Create or import a key pair and name it in the profile's `keyName`.
    ChooseKey { profile: String },
    /// Pick one of the profiles that exist.
    ListProfiles,
    /// Pick one of the key pairs that exist.
    ListKeys,
    /// Unlock the OS keychain, then try again.
    UnlockKeychain,
    /// Start an OS keychain (a Secret Service on Linux), or, headless, opt in to secrets from the
    /// environment.
    StartKeychain,
    /// Check the URL and the network, then try again.
    CheckNetwork,
    /// Abort the profile's rotation: the new credential removed, the old one in use again.
    AbortRotation { profile: String },
    /// Go on with the profile's rotation under way (its next step), or abort it.
    ResumeRotation { profile: String },
    /// Finish the profile's rotation (its next step); it can no longer be aborted.
    FinishRotation { profile: String },
    /// Store a new OpenBao token for the team (the one here is missing, expired or revoked).
    ConnectTeam { team: String },
    /// Accept the hosts a team profile now sends its credentials to (after checking them with the team;
    /// the error names them).
    AcceptDestinations { team: String, profile: String },
}

impl Remedy {
    /// The profile the remedy acts on, if any.
    pub fn profile(&self) -> Option<&str> {
        match self {
            Remedy::LogIn { profile }
            | Remedy::GetNewToken { profile }
            | Remedy::ReplaceUser { profile, .. }
            | Remedy::AddScope { profile, .. }
            | Remedy::EditField { profile, .. }
            | Remedy::AllowHost { profile, .. }
            | Remedy::ExchangeAssertion { profile }
            | Remedy::ChooseKey { profile }
            | Remedy::AbortRotation { profile }
            | Remedy::ResumeRotation { profile }
            | Remedy::FinishRotation { profile }
            | Remedy::AcceptDestinations { profile, .. } => Some(profile),
            Remedy::ListProfiles
            | Remedy::ListKeys
            | Remedy::UnlockKeychain
            | Remedy::StartKeychain
            | Remedy::CheckNetwork
            | Remedy::ConnectTeam { .. } => None,
        }
    }
}
