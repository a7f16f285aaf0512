//! The core's remedies worded for a terminal: the command that fixes the error.

use keyward_core::Remedy;

/// The next step as the command to run, in one sentence.
pub fn words(remedy: &Remedy) -> String {
    match remedy {
        Remedy::LogIn { profile } => format!("sign in again: `keyward login {profile}` (--timeout sets a longer wait)"),
        Remedy::ReplaceUser { profile, subject } => format!(
            "if {subject} is the account you mean, sign in again and let it replace the tokens: `keyward login {profile} --replace-user`"
        ),
        Remedy::GetNewToken { profile } => {
            format!("get a new credential: `keyward token {profile} --fresh` (or `keyward login {profile}`)")
        }
        Remedy::AddScope { profile, scope: Some(scope) } => format!(
            "add the scope: `keyward profile edit {profile} --set scopes=\"… {scope}\"`, then `keyward login {profile}`"
        ),
        Remedy::AddScope { profile, scope: None } => format!(
            "add the scope the API names to the profile (`keyward profile edit {profile} --set scopes=…`), then `keyward login {profile}`"
        ),
        Remedy::EditField { profile, field } => match field.as_str() {
            "clientSecret" => format!("store the right client secret: `keyward profile edit {profile} --client-secret-stdin`"),
            "password" => format!("store the right password: `keyward profile edit {profile} --password-stdin`"),
            "apiKey" => format!("store the API key: `keyward apikey set {profile} --stdin`"),
            "keyName" => format!(
                "check the key pair the provider has on file (`keyward key jwks KEY`), or name another: `keyward profile edit {profile} --set keyName=KEY`"
            ),
            other => format!("change it: `keyward profile edit {profile} --set {other}=VALUE`"),
        },
        Remedy::AllowHost { profile, host } => format!(
            "if {host} is this profile's API, allow it: `keyward profile edit {profile} --set apiHosts=\"… {host}\"` (or set apiBaseUrl)"
        ),
        Remedy::ExchangeAssertion { profile } => {
            format!("exchange a fresh assertion from your IdP: `keyward token {profile} --assertion FILE` (or - for standard input)")
        }
        Remedy::ChooseKey { profile } => format!(
            "create a key pair (`keyward key new KEY --alg RS384`) and name it: `keyward profile edit {profile} --set keyName=KEY`"
        ),
        Remedy::ListProfiles => "`keyward profile list` shows the profiles you have".into(),
        Remedy::ListKeys => "`keyward key list` shows the key pairs you have".into(),
        Remedy::UnlockKeychain => "unlock your keychain (log in to your desktop session, or open your keyring app), then try again".into(),
        Remedy::StartKeychain => format!(
            "start your keychain (on Linux a Secret Service such as gnome-keyring or KeePassXC, in a D-Bus session) and unlock it; headless (CI, containers)? opt in to read-only secrets from the environment: {}=1 and KEYWARD_SECRET_<PROFILE>_<FIELD>",
            keyward_core::keychain::env::OPT_IN
        ),
        Remedy::CheckNetwork => "check the URL, your connection or VPN, and that the server is up; then try again".into(),
        Remedy::AbortRotation { profile } => {
            format!("go back to the old credential: `keyward rotate abort {profile}` (`keyward rotate status {profile}` shows what happened)")
        }
        Remedy::ResumeRotation { profile } => {
            format!("`keyward rotate next {profile}` goes on with it, `keyward rotate abort {profile}` undoes it")
        }
        Remedy::FinishRotation { profile } => {
            format!("`keyward rotate next {profile}` finishes it (`keyward rotate status {profile}` shows where it stands)")
        }
        Remedy::AcceptDestinations { team, profile, .. } => format!(
            "`keyward team status {team}` shows who changed it; if the new addresses are right, accept them: `keyward team accept {profile} --team {team}`"
        ),
        Remedy::ConnectTeam { team } => format!(
            "store a new OpenBao token for the team: `bao token create … | keyward team add {team} --addr URL --token-stdin` (CI: set {})",
            keyward_core::team::TOKEN_VAR
        ),
    }
}
