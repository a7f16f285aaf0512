//! Email and password posted to a login endpoint for a session cookie, ended at a logout endpoint (seed
//! 002). The cookie rides as the `Cookie` header.

use super::{Def, Obtains, Rides};
use crate::app::CredentialStatus;
use crate::keychain::SecretField;
use crate::profile::fields::f;
use crate::profile::FieldType::*;
use crate::profile::{FieldInfo, Strategy};

const FIELDS: &[FieldInfo] = &[
    f(
        "url",
        Url,
        true,
        "The login endpoint that sets the session cookie, e.g. https://api.example.com/v1/session/login.",
    ),
    f("email", Text, true, "The account's email."),
    f("password", Secret, true, "The account's password; stored in the OS keychain."),
    f("logoutUrl", Url, false, "The logout endpoint that ends the session."),
];

pub static DEF: Def = Def {
    id: Strategy::Session,
    title: "Email + password (session cookie)",
    short: "Session",
    help: "Logs in with email and password for a session cookie.",
    sign_in: false,
    fields: FIELDS,
    secrets: &[SecretField::Password],
    obtains: Obtains::Request,
    rides: Rides::Cookie,
    check: super::no_check,
    can_obtain: |_, v| v.has_password,
    needs: CredentialStatus::Incomplete,
    request: Some(super::jwt_login::password_login),
    refresh: None,
    retry_on_401: true,
};
