//! `keyward exec NAME... [--serve] -- COMMAND [ARGS]` (being built).

use keyward_core::Keyward;

use super::Result;

pub async fn run(_kw: &Keyward, _names: &[String], _serve: bool, _command: &[String]) -> Result {
    Err(keyward_core::config::ConfigError::bad_field("exec", "not built yet").into())
}
