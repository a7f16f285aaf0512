//! `keyward`: Keyward's core for scripts, CI and terminals. Output for people by default, `--json` for
//! machines; exit codes per the README's CLI contract.

mod commands;
mod remedy;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "keyward",
    version,
    about = "Credentials for API integrators: log in, keep tokens fresh, secrets in the OS keychain"
)]
#[command(
    after_help = "Exit codes: 0 ok, 2 bad input, 3 refused by a server, 4 network, 5 keychain, 6 waiting on you (not logged in, timed out, cancelled).\nKEYWARD_HOME sets where the config lives; KEYWARD_LOG=debug shows what Keyward does (never a secret)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Add, change, list, show and remove profiles
    #[command(subcommand)]
    Profile(Box<ProfileCmd>),
    /// The supported strategies and their fields
    Strategies {
        #[arg(long)]
        json: bool,
    },
    /// Log in through your browser (PKCE) and store the tokens in the keychain
    Login {
        name: String,
        /// Seconds to wait for you to finish in the browser
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Let a sign-in as another account than the profile's last one replace its tokens
        #[arg(long)]
        replace_user: bool,
    },
    /// Print a valid access token (cached, or refreshed when close to expiry)
    Token {
        name: String,
        /// Get a new token now, ignoring the cached one
        #[arg(long)]
        fresh: bool,
        #[arg(long)]
        json: bool,
        /// Print the token request that would be sent (secrets masked) and send nothing
        #[arg(long, conflicts_with_all = ["fresh", "assertion"])]
        dry_run: bool,
        /// saml-bearer: exchange this IdP assertion (XML or base64; a file, or - for standard input)
        #[arg(long, value_name = "FILE|-")]
        assertion: Option<String>,
    },
    /// Send a request with the profile's credential and print the response body
    Call {
        name: String,
        url: String,
        #[arg(short = 'X', long = "request", default_value = "GET")]
        method: String,
        /// Request body
        #[arg(short = 'd', long = "data")]
        data: Option<String>,
        /// Extra header, "Name: value" (repeatable)
        #[arg(short = 'H', long = "header")]
        headers: Vec<String>,
        /// Print the status line and headers before the body
        #[arg(short = 'i', long)]
        include: bool,
    },
    /// Revoke the refresh token where the provider can, and forget the tokens
    Logout { name: String },
    /// Revoke the profile's refresh token (ending the grant) or, with --access, its access token (RFC 7009)
    Revoke {
        name: String,
        /// The access token instead of the refresh token
        #[arg(long)]
        access: bool,
    },
    /// Ask the provider whether the profile's refresh token (or, with --access, access token) is active (RFC 7662)
    #[command(after_help = "Exit codes: 0 active, 3 not active.")]
    Introspect {
        name: String,
        #[arg(long)]
        access: bool,
        #[arg(long)]
        json: bool,
    },
    /// Decode a JWT or a SAML assertion and check it: signature (JWKS, issuer or profile; IdP certificate or
    /// metadata), alg, times, issuer, audience, scopes, signature wrapping
    #[command(
        after_help = "Exit codes: 0 verified and valid, 3 a check failed or the signature was not checked, 2 not a token (nor SAML).\nPass the token as - (standard input) rather than as an argument, which other users can see in ps."
    )]
    Inspect {
        /// The token, or - to read it from standard input (the default when no --profile is given)
        #[arg(value_name = "TOKEN|-")]
        token: Option<String>,
        /// Verify with this JWKS: a URL, or a file
        #[arg(long, value_name = "URL|FILE")]
        jwks: Option<String>,
        /// The issuer: the token's iss must be it, and its keys come from its discovery document (SAML: the
        /// IdP entity ID the Issuer must be)
        #[arg(long, value_name = "URL")]
        issuer: Option<String>,
        /// Inspect this profile's current access token (or the given one) against its issuer and audience; an
        /// opaque token is asked about at its provider (RFC 7662 introspection, as the profile's client)
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// An audience the token's aud must hold (SAML: the SP entity ID its AudienceRestriction must name)
        #[arg(long, value_name = "AUD")]
        audience: Option<String>,
        /// Seconds of clock skew allowed for exp, nbf and iat (SAML: NotBefore and NotOnOrAfter)
        #[arg(long, value_name = "S", default_value_t = 60)]
        leeway: u64,
        /// A scope the token should carry (a warning when it does not; repeatable)
        #[arg(long = "require-scope", value_name = "S")]
        require_scope: Vec<String>,
        /// Inspect the input as a SAML assertion or SAMLResponse (without it: XML, or base64 of XML, is SAML)
        #[arg(long, conflicts_with_all = ["jwks", "profile"])]
        saml: bool,
        /// SAML: verify with this IdP certificate (a PEM file); repeat it for a trust set (current and next)
        #[arg(long = "idp-cert", value_name = "FILE", conflicts_with_all = ["jwks", "profile"])]
        idp_cert: Vec<String>,
        /// SAML: verify with the signing certificates in this IdP metadata (a file or a URL); its entityID is
        /// the expected Issuer unless --issuer names one
        #[arg(long = "idp-metadata", value_name = "FILE|URL", conflicts_with_all = ["jwks", "profile"])]
        idp_metadata: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write profiles' credentials for another tool: a Postman environment or collection, .env, curl, Bruno
    #[command(
        after_help = "What goes in: the request-level credential (access token, API key) and the settings a request needs.\nThe long-lived secrets that mint new credentials (client secret, refresh token, password) stay out unless --include-secrets."
    )]
    Export {
        /// postman (environment), collection (Postman collection), dotenv, curl, bruno
        #[arg(value_parser = ["postman", "collection", "dotenv", "curl", "bruno"])]
        format: String,
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
        /// Write to this file (created 0600) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
        /// Also write the long-lived secrets (client secret, refresh token, password), marked as secrets
        #[arg(long)]
        include_secrets: bool,
        /// dotenv: node, compose, python or shell (default: quoting that all of them read the same way)
        #[arg(long, value_parser = ["node", "compose", "python", "shell"])]
        dialect: Option<String>,
        /// curl: read the credential from the environment `keyward exec` sets, instead of writing it
        #[arg(long)]
        from_env: bool,
        /// curl: the URL to call (default: the profile's API base URL)
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
    /// Bring credentials in from another tool's file
    #[command(subcommand)]
    Import(ImportCmd),
    /// Run a command with profiles' credentials in its environment (KEYWARD_<PROFILE>_ACCESS_TOKEN, ...)
    Exec {
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
        /// Also serve fresh tokens to the command on a loopback endpoint (KEYWARD_TOKEN_URL)
        #[arg(long)]
        serve: bool,
        /// The command and its arguments, after `--`
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Rotate a credential with zero downtime: start, then next (deploy, verify, retire), or abort
    #[command(subcommand)]
    Rotate(RotateCmd),
    /// What happened to which profile and when (never a secret)
    Audit {
        #[arg(long)]
        json: bool,
    },
    /// Key pairs for private_key_jwt: generate, import, list, JWKS, export
    #[command(subcommand)]
    Key(KeyCmd),
    /// API keys issued by a provider
    #[command(subcommand)]
    Apikey(ApikeyCmd),
    /// Show a stored secret (explicit, recorded in the audit log)
    #[command(subcommand)]
    Secret(SecretCmd),
    /// Share profiles with a team through its OpenBao (KV v2): connect, share, list, status, disconnect
    #[command(subcommand)]
    Team(TeamCmd),
}

#[derive(Subcommand)]
pub enum TeamCmd {
    /// Connect a team: its OpenBao address, and your OpenBao token (kept in the keychain)
    #[command(
        after_help = "CI without a keychain: set KEYWARD_TEAM_TOKEN (and KEYWARD_TEAM_ADDR, KEYWARD_TEAM, KEYWARD_TEAM_MOUNT,\nKEYWARD_TEAM_PATH for a team without a config file); nothing is written to disk."
    )]
    Add {
        team: String,
        /// The OpenBao address, e.g. https://bao.example.net:8200
        #[arg(long, value_name = "URL")]
        addr: String,
        /// The KV v2 mount
        #[arg(long, default_value = "secret")]
        mount: String,
        /// The path under the mount that holds the team's profiles (default keyward/TEAM)
        #[arg(long)]
        path: Option<String>,
        /// Read your OpenBao token from standard input (never from the command line)
        #[arg(long, required = true)]
        token_stdin: bool,
    },
    /// Move a profile's settings and shared secrets (client secret, API key, password) into the team;
    /// your own tokens stay in your keychain
    Share {
        profile: String,
        #[arg(long)]
        team: String,
    },
    /// The teams connected here
    List {
        #[arg(long)]
        json: bool,
    },
    /// Each team's token and shared profiles: version, who changed it and when
    Status {
        team: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Disconnect a team: your token leaves the keychain; the team's profiles stay in its OpenBao
    Remove { team: String },
    /// Accept where a team profile now sends its credentials (after checking the new addresses with the
    /// team): a version that sends them to hosts you had not accepted is not used until you do
    Accept {
        profile: String,
        #[arg(long)]
        team: String,
    },
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Generate a key pair; prints the public JWK
    New {
        name: String,
        /// JWS algorithm; fixes the key type (RS*/PS* RSA, ES256 P-256, ES384 P-384, EdDSA Ed25519)
        #[arg(long, default_value = "RS384")]
        alg: String,
        /// RSA key size: 2048, 3072 or 4096
        #[arg(long, default_value_t = 3072)]
        bits: usize,
        /// Key ID (default: the RFC 7638 thumbprint)
        #[arg(long)]
        kid: Option<String>,
    },
    /// Bring your own private key (PEM: PKCS#8 RSA/P-256/P-384/Ed25519, PKCS#1 or SEC1)
    Import {
        name: String,
        #[arg(long, value_name = "FILE")]
        pem: String,
        /// JWS algorithm (default: RS384 for RSA, ES256 / ES384 for P-256 / P-384, EdDSA for Ed25519)
        #[arg(long)]
        alg: Option<String>,
        #[arg(long)]
        kid: Option<String>,
    },
    /// List the key pairs
    List {
        #[arg(long)]
        json: bool,
    },
    /// Print the public JWKS of these keys (to upload or host)
    Jwks {
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// Print a key as PEM or JWK (public unless --private)
    Export {
        name: String,
        #[arg(long, default_value = "pem", value_parser = ["pem", "jwk"])]
        format: String,
        /// The private key itself (PEM), recorded in the audit log
        #[arg(long)]
        private: bool,
    },
    /// A self-signed X.509 certificate (PEM) for key pair NAME, for IdPs and mTLS
    Cert {
        name: String,
        /// Subject (and issuer) DN, e.g. "CN=keyward-client,O=Example" (CN, O, OU, C, ST, L)
        #[arg(long, value_name = "DN")]
        subject: String,
        /// Days of validity from now
        #[arg(long, default_value_t = 365, value_name = "N")]
        days: u32,
        /// Write the certificate to FILE instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ApikeyCmd {
    /// Generate a key for api-key profile NAME (created when missing); printed once, then only its fingerprint
    #[command(
        after_help = "The key is printed on standard output once and kept in the keychain; afterwards only its fingerprint\n(first 8 hex of SHA-256), scopes, created and expiry are shown (apikey list, profile show)."
    )]
    New {
        name: String,
        /// Put before the random part, e.g. rk_live_ or sk_test_ (letters, digits, _ and -, at most 32)
        #[arg(long, value_name = "P")]
        prefix: Option<String>,
        /// A scope the key is for (repeatable; recorded, the API enforces it)
        #[arg(long = "scope", value_name = "S")]
        scopes: Vec<String>,
        /// bearer | header:NAME | query:NAME
        #[arg(long, value_name = "P")]
        placement: Option<String>,
        /// Expiry from now, e.g. 90d, 12h, 30m (recorded with the key)
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
        /// The API's base URL: the key is sent only to its site (and to the profile's apiHosts)
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Replace the key the profile holds (the old one is lost unless it is kept elsewhere)
        #[arg(long)]
        replace: bool,
    },
    /// The API keys of the api-key profiles: fingerprint, scopes, created, expiry (never a key)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Store a provider-issued key for profile NAME (an api-key profile, created when missing)
    Set {
        name: String,
        /// Read the key from standard input
        #[arg(long, required = true)]
        stdin: bool,
        /// bearer | header:NAME | query:NAME
        #[arg(long)]
        placement: Option<String>,
        /// The API's base URL: the key is sent only to its site (and to the profile's apiHosts)
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum RotateCmd {
    /// Create the new credential (nothing is deployed yet) and say what `next` will do
    #[command(
        after_help = "Targets: file:PATH with a --line template ({key}, {name}, {scopes}), e.g. 'API_KEY={key}' or '{key} {name} {scopes}'; jwks:PATH (key pairs); cmd:COMMAND (gets the new credential on standard input)."
    )]
    Start {
        name: String,
        /// Where the credential is deployed: file:PATH, jwks:PATH or cmd:COMMAND (repeatable)
        #[arg(long = "target", value_name = "TARGET")]
        targets: Vec<String>,
        /// The line template of each file: target, in order
        #[arg(long = "line", value_name = "TEMPLATE")]
        lines: Vec<String>,
        /// A URL that must answer 2xx with the new credential (and 401/403 with the old once retired)
        #[arg(long, value_name = "URL")]
        verify_url: Option<String>,
        /// A URL or command that reports use of the old credential by its fingerprint: "unused" to retire
        #[arg(long, value_name = "URL|COMMAND")]
        check_old: Option<String>,
        /// How long old and new must both be valid before the old may be retired (30m, 12h, 7d)
        #[arg(long, value_name = "DURATION")]
        overlap: Option<String>,
        /// API keys: a prefix for the generated key (rk_live_, sk_test_)
        #[arg(long)]
        prefix: Option<String>,
        /// Read the new credential from standard input: the client secret from the provider's dashboard,
        /// or an API key the provider issued
        #[arg(long)]
        new_secret_stdin: bool,
        /// Do not ask before acting
        #[arg(long)]
        yes: bool,
    },
    /// Where the rotation stands and what its next step will do
    Status {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Run the next step: deploy, verify, or retire
    Next {
        name: String,
        #[arg(long)]
        yes: bool,
        /// Retire although the traffic check says the old credential is still used
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Credentials older than their rotation period (each profile's rotationPeriodDays; seed 000: every 90 days)
    Due {
        #[arg(long)]
        json: bool,
        /// Measure every credential against this period in days, instead of each profile's own
        #[arg(long)]
        days: Option<u64>,
    },
    /// Undo the rotation: the new credential removed everywhere, the old one in use
    Abort {
        name: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
pub enum ImportCmd {
    /// A Postman environment: API-key and bearer-token variables become profiles, secrets go to the keychain
    Postman {
        #[arg(value_name = "FILE")]
        file: String,
        /// The profile's name when the environment holds one credential (default: from the environment's name)
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum SecretCmd {
    /// Print one secret of a profile (clientSecret, apiKey, password, refreshToken, accessToken)
    Reveal { name: String, field: String },
}

#[derive(Subcommand)]
pub enum ProfileCmd {
    /// Add a profile
    Add {
        name: String,
        #[command(flatten)]
        fields: FieldArgs,
    },
    /// Change some fields of a profile, keeping the rest and its secrets
    Edit {
        name: String,
        #[command(flatten)]
        fields: FieldArgs,
    },
    /// List the profiles
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a profile: its settings and has<Property> flags, never a secret
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile and its keychain entries
    Remove { name: String },
}

#[derive(Args, Default)]
pub struct FieldArgs {
    /// Strategy (see `keyward strategies`)
    #[arg(long)]
    pub strategy: Option<String>,
    /// Issuer URL (endpoints from its discovery document)
    #[arg(long)]
    pub issuer: Option<String>,
    /// Token endpoint URL
    #[arg(long)]
    pub url: Option<String>,
    /// Authorization endpoint URL
    #[arg(long)]
    pub authorize_url: Option<String>,
    #[arg(long)]
    pub client_id: Option<String>,
    /// Read the client secret from standard input (never from the command line)
    #[arg(long, conflicts_with = "password_stdin")]
    pub client_secret_stdin: bool,
    /// Read the password from standard input (jwt-login, session)
    #[arg(long)]
    pub password_stdin: bool,
    /// The profile as JSON, seed 004 field names (string values such as "true" accepted)
    #[arg(long, value_name = "FILE")]
    pub from: Option<String>,
    /// client-credentials: client-secret-basic (default) or client-secret-post
    #[arg(long)]
    pub auth: Option<String>,
    /// private-key-jwt: the key pair that signs (see `keyward key`)
    #[arg(long)]
    pub key: Option<String>,
    /// jwt-login, session: the account's email
    #[arg(long)]
    pub email: Option<String>,
    /// Space-separated scopes
    #[arg(long)]
    pub scope: Option<String>,
    #[arg(long)]
    pub resource: Option<String>,
    #[arg(long)]
    pub audience: Option<String>,
    /// The API's base URL: Try a request starts there, and its site may receive the credential
    #[arg(long, value_name = "URL")]
    pub api_base_url: Option<String>,
    /// Any profile field: FIELD=VALUE (repeatable)
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

fn main() -> ExitCode {
    // `keyward … | head` closes the pipe early: end quietly with the shell's 141, as other command-line
    // tools do, instead of a panic on the next print. (SIGPIPE itself stays ignored, as Rust sets it: a
    // deploy hook or a D-Bus peer that closes its end must give Keyward an error to handle, not kill it.)
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info.payload().downcast_ref::<String>().map(String::as_str).unwrap_or_default();
        if text.starts_with("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info)
    }));
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEYWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime starts");
    match runtime.block_on(commands::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("keyward: {e}");
            if let Some(r) = e.remedy() {
                eprintln!("hint: {}", remedy::words(&r));
            }
            ExitCode::from(e.code().exit_code() as u8)
        }
    }
}
