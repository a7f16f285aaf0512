//! Teams in the window: the teams connected here (from the config, without asking their OpenBao) and where
//! one stands (its OpenBao asked: the token's name, policies and expiry; each shared profile's version, who
//! wrote it and when, the versions kept and which shared secrets it holds, never their values).

use std::sync::Arc;

use keyward_core::team::{ops, TeamEnv, TeamStatus, TeamView};
use keyward_core::{AppError, Keyward};
use tauri::State;

type Core<'a> = State<'a, Arc<Keyward>>;
type Env<'a> = State<'a, Arc<TeamEnv>>;

/// The teams connected here.
#[tauri::command]
pub async fn team_list(keyward: Core<'_>, env: Env<'_>) -> Result<Vec<TeamView>, AppError> {
    let (kw, env) = (Arc::clone(&keyward), Arc::clone(&env));
    super::blocking(move || ops::list(kw.context(), &env)).await
}

/// Where team `team` stands, asked of its OpenBao.
#[tauri::command]
pub async fn team_status(team: String, keyward: Core<'_>, env: Env<'_>) -> Result<TeamStatus, AppError> {
    let mut all = ops::status(keyward.context(), &env, Some(&team)).await?;
    Ok(all.remove(0))
}

/// Connect team `team`: its OpenBao at `addr` (KV v2 `mount`, its profiles under `path`), your OpenBao
/// `token` checked there and kept in the keychain. Its profiles join the list at once (read into the
/// window's team store); a profile of yours by the same name keeps hiding the team's.
#[tauri::command]
pub async fn team_add(
    team: String,
    addr: String,
    mount: Option<String>,
    path: Option<String>,
    token: String,
    keyward: Core<'_>,
    env: Env<'_>,
) -> Result<TeamStatus, AppError> {
    let token = keyward_core::Secret::new(token.trim());
    let cfg = keyward_core::team::TeamConfig::new(&team, &addr, mount.as_deref(), path.as_deref())
        .map_err(keyward_core::Error::from)?;
    let (status, problems) = ops::connect(keyward.context(), &env, &team, cfg, token).await?;
    for problem in problems {
        tracing::warn!("a team's profiles are not shown: {problem}");
    }
    Ok(status)
}

/// Accept where team `team`'s profile `profile` now sends its credentials (its current version), after the
/// person checked the new addresses: Keyward uses that version again, here at once.
#[tauri::command]
pub async fn team_accept(
    team: String,
    profile: String,
    keyward: Core<'_>,
    env: Env<'_>,
) -> Result<TeamStatus, AppError> {
    ops::accept(keyward.context(), &env, &team, &profile).await?;
    for problem in ops::refresh_held(keyward.context(), &env).await?.problems {
        tracing::warn!("a team's profiles are not shown: {problem}");
    }
    let mut all = ops::status(keyward.context(), &env, Some(&team)).await?;
    Ok(all.remove(0))
}
