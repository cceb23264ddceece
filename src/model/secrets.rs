//! Recognising credentials: URLs with passwords, published token formats,
//! secret-named keys with real-looking values, and placeholders that are not
//! secrets. Shared by the config and backing-service rules.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::listen::is_loopback;
use crate::model::role;
use crate::model::value::{self, ValueKind};
use crate::parse::text::identifier_words;

/// A `scheme://user:password@host` URL with a real-looking password.
#[derive(Debug, PartialEq, Eq)]
pub struct CredentialUrl<'a> {
    pub scheme: &'a str,
    pub user: &'a str,
    /// Byte range of the password within the value.
    pub password: Range<usize>,
}

static CREDENTIAL_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b([a-z][a-z0-9+.\-]{1,30})://([^\s:/?#@"'<>]*):([^\s/?#@"'<>]+)@([^\s/?#"'<>]+)"#,
    )
    .expect("valid regex")
});

/// Find a credential URL whose password is not a placeholder, in code or a file at rest.
pub fn credential_url(value: &str) -> Option<CredentialUrl<'_>> {
    credential_url_in(value, Context::AtRest)
}

/// Find a credential URL whose password counts in `context` ([`secret_value`]): a
/// service's well-known default login (`guest:guest@`, `postgres:postgres@`) and
/// `example.com` hosts never do.
pub fn credential_url_in(value: &str, context: Context) -> Option<CredentialUrl<'_>> {
    // The pattern needs `://`: most values are turned away without a regex search.
    if !value.contains("://") {
        return None;
    }
    for caps in CREDENTIAL_URL.captures_iter(value) {
        let (scheme, user, password) = (caps.get(1)?, caps.get(2)?, caps.get(3)?);
        let default_credentials = password.as_str() == user.as_str();
        let counts = match value::kind(password.as_str()) {
            ValueKind::Literal => true,
            ValueKind::Weak => context != Context::AtRest,
            _ => false,
        };
        let host = caps[4].split(':').next().unwrap_or_default();
        let local = context == Context::Fallback && is_loopback(host);
        if !counts || default_credentials || local || is_example_host(&caps[4]) {
            continue;
        }
        return Some(CredentialUrl {
            scheme: scheme.as_str(),
            user: user.as_str(),
            password: password.range(),
        });
    }
    None
}

/// Published token formats: (description, pattern).
const TOKEN_FORMATS: &[(&str, &str)] = &[
    ("AWS access key ID", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    (
        "GitHub token",
        r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b",
    ),
    (
        "GitHub fine-grained token",
        r"\bgithub_pat_[A-Za-z0-9_]{50,}",
    ),
    ("Slack token", r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    (
        "Slack webhook URL",
        r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}",
    ),
    ("Stripe live key", r"\b(?:sk|rk)_live_[A-Za-z0-9]{20,}"),
    ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    (
        "private key",
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
    ),
    (
        "JSON Web Token",
        r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
    ),
];

/// The compiled [`TOKEN_FORMATS`].
static TOKENS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    TOKEN_FORMATS
        .iter()
        .map(|&(name, re)| (name, Regex::new(re).expect("valid regex")))
        .collect()
});

/// Every token format in one pattern: one search tells whether a value may hold any
/// (most string literals hold none), before each format is searched for on its own.
static ANY_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    let any: Vec<String> = TOKEN_FORMATS
        .iter()
        .map(|(_, re)| format!("(?:{re})"))
        .collect();
    Regex::new(&any.join("|")).expect("valid regex")
});

/// A known token format inside `value`: its description and byte range.
pub fn token(value: &str) -> Option<(&'static str, Range<usize>)> {
    if !ANY_TOKEN.is_match(value) {
        return None;
    }
    TOKENS.iter().find_map(|(name, re)| {
        re.find_iter(value)
            .find(|m| !m.as_str().to_ascii_lowercase().contains("example"))
            .map(|m| (*name, m.range()))
    })
}

/// Words in a key that name a credential.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "privatekey",
    "accesskey",
    "secretkey",
    "clientsecret",
    "signingkey",
    "encryptionkey",
    "masterkey",
    "authkey",
    "dsn",
    "salt",
    "keyseed",
];
/// Key endings that make a secret-named key hold something else (a path, a duration, a name).
const NOT_SECRET_ENDINGS: &[&str] = &[
    "file",
    "filename",
    "delimiter",
    "separator",
    "path",
    "dir",
    "directory",
    "ttl",
    "seconds",
    "secs",
    "timeout",
    "expiry",
    "expires",
    "expiration",
    "length",
    "len",
    "size",
    "name",
    "id",
    "enabled",
    "enable",
    "header",
    "url",
    "uri",
    "endpoint",
    "type",
    "prefix",
    "env",
    "var",
    "field",
    "count",
    "max",
    "min",
    "rotation",
    "policy",
    "required",
    "mode",
    "hash",
    "ref",
    "arn",
    "version",
    "location",
    "store",
    "provider",
    "format",
    "algorithm",
    "alg",
    "kind",
    "source",
    "lifetime",
    "addr",
    "address",
    "host",
    "port",
];

/// Key beginnings that make a secret-named key a switch or a reference (`existingSecret`, `enable_token`).
const NOT_SECRET_STARTS: &[&str] = &[
    "existing", "use", "enable", "enabled", "disable", "create", "mount", "auto", "generate",
    "rotate", "require", "allow", "show", "has", "is", "with", "skip", "no", "max", "min",
];

/// True when a key (`DB_PASSWORD`, `apiKey`, `client-secret`) names a credential that is
/// not public by design ([`value::is_public_key_name`]).
pub fn is_secret_name(key: &str) -> bool {
    if value::is_public_key_name(key) {
        return false;
    }
    let mut words = identifier_words(key);
    // `TOKEN_PREFIX_V1`, `API_KEY_2`: a trailing version or index is not the key's meaning.
    while words.len() > 1 && words.last().is_some_and(|w| is_version_word(w)) {
        words.pop();
    }
    if words.is_empty() {
        return false;
    }
    if words
        .last()
        .is_some_and(|w| NOT_SECRET_ENDINGS.contains(&w.as_str()))
        || words
            .first()
            .is_some_and(|w| NOT_SECRET_STARTS.contains(&w.as_str()))
    {
        return false;
    }
    let joined = words.concat();
    let pair_is_secret = words
        .windows(2)
        .any(|p| SECRET_WORDS.contains(&format!("{}{}", p[0], p[1]).as_str()));
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || pair_is_secret
        || SECRET_WORDS
            .iter()
            .any(|s| s.len() > 6 && joined.contains(s))
}

/// Words of a key that make it half of a login (a password, an access key pair, a user,
/// an object store's key pair): it only works together with an address, which a
/// deployment gives along with it.
const LOGIN_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "access",
    "accesskey",
    "user",
    "username",
    "login",
    "s3",
    "aws",
    "minio",
];

/// True when a secret-named key holds half of a login to a service (`SMTP_PASSWORD`,
/// `S3_ACCESS_KEY`), as against a secret that works on its own (`JWT_SECRET`, `SALT`).
pub fn is_login_credential(key: &str) -> bool {
    identifier_words(key)
        .iter()
        .any(|w| LOGIN_WORDS.contains(&w.as_str()))
}

/// True when `value` only restates two or more words of `key` (`"api_key"` under
/// `CHHOTO_API_KEY`): a name, such as the key of the same setting in a config file, not
/// its value. A single word (`"secret"` under `HASH_SECRET`) is a weak value.
pub fn restates_key(key: &str, value: &str) -> bool {
    let key_words = identifier_words(key);
    let value_words = identifier_words(value);
    value_words.len() > 1 && value_words.iter().all(|w| key_words.contains(w))
}

/// `2`, `v1`, `v12`.
fn is_version_word(w: &str) -> bool {
    let digits = w.strip_prefix('v').unwrap_or(w);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// Where a value sits, which decides whether a weak default counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Code, or a file whose values are samples unless they look generated.
    AtRest,
    /// A setting of a production deployment (a compose service's `environment:`, a
    /// Kubernetes `env:` or Secret, a Dockerfile `ENV`): what it holds is the credential
    /// that runs, weak defaults included.
    Deployed,
    /// The default of a secret that works on its own, which code uses where the setting is
    /// left out (`env::var("SALT").unwrap_or("…")`, a clap argument's `default_value`, a
    /// field of `impl Default`): whatever it is, a weak default or a placeholder, it is the
    /// secret of every deployment that leaves the setting out. An address on the loopback
    /// interface is the exception: only a developer's machine reaches it.
    Fallback,
}

/// True when `value`, stored under a secret-named key, looks like a real credential.
pub fn looks_secret(value: &str) -> bool {
    secret_value(value, Context::AtRest).is_some()
}

/// The kind of `value`, stored under a secret-named key in `context`, when it is a
/// committed credential: a [`ValueKind::Literal`] that looks generated, or, in a deployed
/// setting, any literal or [`ValueKind::Weak`] default. `${VAR:-default}` is judged by its
/// default, which is what runs when `VAR` is unset.
pub fn secret_value(value: &str, context: Context) -> Option<ValueKind> {
    let v = value.trim();
    if let Some(default) = value::interpolation_default(v) {
        return secret_value(default, context);
    }
    let kind = value::kind(v);
    let counts = match (kind, context) {
        (ValueKind::Literal, Context::AtRest) => {
            v.len() >= 6 && !v.contains(char::is_whitespace) && !is_word(v) && !is_other_thing(v)
        }
        // A marker that runs as the secret (`"0".repeat(64)`, `xxxx`), not an empty
        // structure (`{}`, `[]`).
        (ValueKind::Placeholder, Context::Fallback) => v.chars().all(|c| c.is_ascii_alphanumeric()),
        // A default that says it is for development (`dev-token`).
        (ValueKind::Literal | ValueKind::Weak, Context::Fallback)
            if identifier_words(v)
                .iter()
                .any(|w| role::names_development_or_test(w)) =>
        {
            false
        }
        (ValueKind::Literal, Context::Deployed | Context::Fallback) => !is_other_thing(v),
        (ValueKind::Weak, Context::Deployed | Context::Fallback) => true,
        _ => false,
    };
    counts.then_some(kind)
}

/// Short all-letter values (`masterKey`, `hunter`) and identifiers made of words
/// (`primary_credential`, `SYNC-CREDENTIAL-PORTAL`, `auth.token.header`,
/// `GetTableCredentialsAction`) are names, not generated secrets: a generator does not
/// spell words in one case between separators, or capitalise each word of a run.
fn is_word(v: &str) -> bool {
    let short_letters = v.len() < 16
        && v.chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_');
    let identifier = v.contains(['_', '-', '.'])
        && v.split(['_', '-', '.']).all(|part| {
            // A word in one case, perhaps numbered (`oauth2`, `sha256`).
            let word = part.trim_end_matches(|c: char| c.is_ascii_digit());
            !word.is_empty()
                && (word.bytes().all(|b| b.is_ascii_lowercase())
                    || word.bytes().all(|b| b.is_ascii_uppercase()))
        });
    short_letters || identifier || is_pascal_case_words(v)
}

/// Three or more capitalised words run together, letters only (`GetTableCredentialsAction`,
/// `ReadOnlyApiToken`): each word is a capital and at least two lower-case letters.
fn is_pascal_case_words(v: &str) -> bool {
    if !v.starts_with(|c: char| c.is_ascii_uppercase())
        || !v.chars().all(|c| c.is_ascii_alphabetic())
    {
        return false;
    }
    let mut words: Vec<usize> = Vec::new();
    for c in v.chars() {
        if c.is_ascii_uppercase() {
            words.push(0);
        } else if let Some(lower) = words.last_mut() {
            *lower += 1;
        }
    }
    words.len() >= 3 && words.iter().all(|&lower| lower >= 2)
}

/// A value under a secret-named key that holds something else: a boolean or number, a
/// path, a URL without a password, a socket address (`127.0.0.1:8182`), the prefix the
/// code puts before a generated token (`apiv3_`), an HTTP header name (`x-api-key`), a
/// media type with a structured-syntax suffix (the JWT `typ` values `at+jwt`,
/// `secevent+jwt`), or a public key format.
fn is_other_thing(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let is_bool_or_number = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off"
    ) || v.chars().all(|c| c.is_ascii_digit() || c == '.');
    let is_path =
        v.starts_with('/') || v.starts_with("./") || v.starts_with("~/") || v.starts_with("file:");
    let is_plain_url = v.contains("://") && credential_url(v).is_none();
    let is_socket_address = v.parse::<std::net::SocketAddr>().is_ok();
    // A generator's output does not end in a separator; a short value that does is the
    // fixed start of one.
    let is_prefix = v.len() < MAX_PREFIX_LEN && v.ends_with(['_', '-', '.', ':']);
    let is_header_name = lower.starts_with("x-")
        && lower.len() > 2
        && lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let is_media_type = lower.rsplit_once('+').is_some_and(|(kind, suffix)| {
        matches!(suffix, "jwt" | "json" | "xml" | "cbor" | "jwe" | "jws")
            && !kind.is_empty()
            && kind.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'/')
            })
    });
    is_bool_or_number
        || is_duration(&lower)
        || is_path
        || is_plain_url
        || is_socket_address
        || is_prefix
        || is_header_name
        || is_media_type
        || value::is_public_key_value(v)
}

/// The length under which a value ending in a separator is a prefix (`apiv3_`, `sk-live-`).
const MAX_PREFIX_LEN: usize = 16;

/// Units of a duration (`5m`, `1h30m`, `30 secs`), as humantime and Go write them.
const DURATION_UNITS: &[&str] = &[
    "ns", "us", "ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute",
    "minutes", "h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "week", "weeks",
];

/// The longest number of a duration [`is_duration`] accepts: longer runs of digits before a
/// letter (`12345…12345h`) are a generated value, not a time.
const MAX_DURATION_DIGITS: usize = 6;

/// True for a duration written as numbers each followed by a unit (`5m`, `1h30m`, `30 secs`).
fn is_duration(lower: &str) -> bool {
    let mut rest = lower.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let after = rest[digits..].trim_start();
        let letters = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        if digits == 0
            || digits > MAX_DURATION_DIGITS
            || !DURATION_UNITS.contains(&&after[..letters])
        {
            return false;
        }
        rest = after[letters..].trim_start();
    }
    true
}

/// The text a base64 value (a Kubernetes Secret's `data`) encodes, when it is UTF-8.
pub fn base64_text(value: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(value.len() * 3 / 4);
    for c in value
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).ok()
}

/// True when `value` is not a credential whatever its key: empty, a reference, a marker or a
/// weak default ([`value::kind`]).
pub fn is_placeholder(value: &str) -> bool {
    value::kind(value) != ValueKind::Literal
}

fn is_example_host(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    let host = lower.split([':', '/']).next().unwrap_or_default();
    [
        "example.com",
        "example.org",
        "example.net",
        ".example",
        ".invalid",
        ".test",
    ]
    .iter()
    .any(|s| host.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_of_secrets_that_work_on_their_own() {
        assert!(is_login_credential("SMTP_PASSWORD"));
        assert!(is_login_credential("APPFLOWY_S3_SECRET_KEY"));
        assert!(!is_login_credential("JWT_SECRET"));
        assert!(!is_login_credential("STRIPE_WEBHOOK_SECRET"));
        assert!(restates_key("CHHOTO_API_KEY", "api_key"));
        assert!(!restates_key("SALT", "supersecuresalt"));
        assert!(!restates_key("FXA_METRICS_HASH_SECRET", "secret"));
        for weak in ["0", "changeme", "123456", "xxxx"] {
            assert!(secret_value(weak, Context::Fallback).is_some(), "{weak}");
        }
        for not_one in ["[]", "{}", "<your-key>", "dev-token", "test_secret"] {
            assert!(
                secret_value(not_one, Context::Fallback).is_none(),
                "{not_one}"
            );
        }
        for duration in ["5m", "1h30m", "30 secs", "1.5h"] {
            assert!(
                secret_value(duration, Context::Fallback).is_none(),
                "{duration}"
            );
        }
        assert!(secret_value("5mystery", Context::Fallback).is_some());
        assert!(secret_value(&format!("{}h", "12345".repeat(8)), Context::Fallback).is_some());
        let local = "postgres://app:password@localhost:5432/app";
        assert!(credential_url_in(local, Context::Fallback).is_none());
        assert!(credential_url_in(local, Context::Deployed).is_some());
        let remote = "postgres://app:password@db.internal:5432/app";
        assert!(credential_url_in(remote, Context::Fallback).is_some());
    }

    #[test]
    fn finds_credential_urls() {
        let v = "postgres://app:s3cr3t-Pw@db.internal:5432/app";
        let found = credential_url(v).unwrap();
        assert_eq!((found.scheme, found.user), ("postgres", "app"));
        assert_eq!(&v[found.password], "s3cr3t-Pw");
        assert!(credential_url("redis://:Zq8vR2mT4wLk@cache:6379").is_some());
    }

    #[test]
    fn base64_values_decode() {
        assert_eq!(base64_text("cGFzc3dvcmQ=").as_deref(), Some("password"));
        assert_eq!(
            base64_text("c2VyaW91c2x5LWluc2VjdXJl").as_deref(),
            Some("seriously-insecure")
        );
        assert_eq!(base64_text("not base64!"), None);
    }

    #[test]
    fn placeholders_are_not_credentials() {
        for v in [
            "postgres://app:${DB_PASSWORD}@db/app",
            "postgres://app:$DB_PASSWORD@db/app",
            "postgres://{}:{}@{}/{}",
            "postgres://{user}:{password}@{host}/db",
            "redis://:changeme@cache:6379",
            "amqp://user:<password>@mq",
            "pleasereplacethiswithrandomstring",
            "REPLACE_LICENSE_KEY_HERE",
            "seriously-insecure",
            "https://user:xxxx@host",
            "https://user:****@host",
            "https://alice:hunter22@example.com/",
            "postgres://app:{{ .Values.password }}@db",
            "postgres://localhost/app",
            "amqp://guest:guest@localhost:5672",
            "http://host:8080/path@v1",
        ] {
            assert_eq!(credential_url(v), None, "{v}");
        }
    }

    #[test]
    fn tokens_by_published_shape() {
        assert_eq!(
            token("key AKIAZ7QW3E4R5T6Y7U8I here").unwrap().0,
            "AWS access key ID"
        );
        assert!(token("AKIAIOSFODNN7EXAMPLE").is_none());
        assert!(token("ghp_0123456789abcdefghijABCDEFGHIJ012345").is_some());
        assert!(token("-----BEGIN OPENSSH PRIVATE KEY-----\nabc").is_some());
        assert!(token("-----BEGIN PUBLIC KEY-----").is_none());
        assert!(token("sk_test_0123456789abcdefghijkl").is_none());
    }

    #[test]
    fn secret_names_and_values() {
        for k in [
            "DB_PASSWORD",
            "apiKey",
            "client-secret",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "password",
            "SENTRY_DSN",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
        for k in [
            "existingSecret",
            "enable_token_auth",
            "SECRETS_DIR",
            "TOKEN_TTL_SECONDS",
            "PASSWORD_FILE",
            "secret_name",
            "password_min_length",
            "api_key_header",
            "TOKEN_URL",
            "DEFAULT_ADMIN_TOKEN_RECOVERY_BIND_ADDR",
            "bypass",
            "compass",
            "passenger",
        ] {
            assert!(!is_secret_name(k), "{k}");
        }
        assert!(is_secret_name("API_KEY_V2"));
        assert!(!is_secret_name("AUTOCONFIG_TOKEN_PREFIX_V1"));
        for v in [
            "hunter22-Prod",
            "Zq8vR2mT4wLk",
            "correcthorsebattery",
            "SuperSecureSecret1337",
            "QmFzZTY0U2VjcmV0VmFsdWU",
        ] {
            assert!(looks_secret(v), "{v}");
        }
        for v in [
            "",
            "changeme",
            "${DB_PASSWORD}",
            "$(cat /run/secrets/db)",
            "/run/secrets/db",
            "3600",
            "true",
            "SECRET_KEY_BASE",
            "{{ .Values.pw }}",
            "<your-token>",
            "xxxxxxxx",
            "dev",
            "masterKey",
            "postgres",
            "my-secret-token",
            "super-long-and-secret-random-key",
            "primary_credential",
            "SYNC_CREDENTIAL_PORTAL",
            "oauth2_account_credential_uuid",
            "GetTableCredentialsAction",
            "ReadOnlyApiToken",
            "apiv3_",
            "127.0.0.1:8182",
            "[::1]:8182",
        ] {
            assert!(!looks_secret(v), "{v}");
        }
    }
}
