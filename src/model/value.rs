//! What a configuration value is, judged one way for every rule that reads values:
//! a reference to a value kept elsewhere, a marker waiting to be filled in, a weak
//! default that works but protects nothing, or a literal.
//!
//! Whether a weak default matters is decided by where it is: in a file the deployment
//! model ([`super::role`]) calls production and that is deployed as written (a compose
//! service's `environment:`, a Kubernetes `env:`, a config file copied into an image) it is
//! the credential that runs; anywhere else it is a sample.

use std::net::Ipv4Addr;

use crate::parse::lex::{Kind, Tokens};
use crate::parse::text::identifier_words;

/// What a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Nothing, or only whitespace.
    Empty,
    /// Taken from elsewhere at deploy or run time: `${VAR}`, `$VAR`, `$(cat …)`,
    /// `{{ .Values.x }}`, `${{ secrets.X }}`, `%VAR%`, `vault:…`, `ssm:…`, `op://…`,
    /// `SECRET[backend.key]`, `arn:…`, or the upper-case name of another variable or of a
    /// token replaced at deploy time (`SECRET_KEY_BASE`, `GOOGLE_API_KEY_VAL`).
    Reference,
    /// A marker asking to be replaced, which cannot be the real value: `<password>`,
    /// `REPLACE_ME`, `YOUR_KEY_HERE`, `your-token`, `xxxx`, `****`, a masked value
    /// (`sk-****…`), `{}`, `TODO`, `(truncated)`, `example`, `do-not-use-insecure`.
    Placeholder,
    /// A value that works but protects nothing: a dictionary or well-known default
    /// credential (`password`, `postgres`, `changeme`, `admin`), a sequential or dummy
    /// value (`123456`, `abcd1234`, `aaaa`), or one that describes itself
    /// (`my-secret-token`, `secret0`).
    Weak,
    /// Anything else.
    Literal,
}

/// The kind of `value` (surrounding whitespace ignored).
pub fn kind(value: &str) -> ValueKind {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if v.is_empty() {
        ValueKind::Empty
    } else if is_reference(v, &lower) {
        ValueKind::Reference
    } else if is_marker(v, &lower) {
        ValueKind::Placeholder
    } else if is_variable_name(v) {
        ValueKind::Reference
    } else if is_weak(&lower) {
        ValueKind::Weak
    } else {
        ValueKind::Literal
    }
}

/// What a compose value is when no variable is set: each `${VAR:-default}` or
/// `${VAR-default}` in it replaced by its default (`${IMAGE:-ghcr.io/x/app}:${TAG:-main}`
/// is `ghcr.io/x/app:main`). `None` when a variable without a default (`${TAG}`, `$TAG`)
/// leaves it unknown.
pub fn with_interpolation_defaults(value: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(escaped) = after.strip_prefix("$$") {
            out.push('$');
            rest = escaped;
            continue;
        }
        let end = after.find('}')? + 1;
        out.push_str(interpolation_default(&after[..end])?);
        rest = &after[end..];
    }
    out.push_str(rest);
    Some(out)
}

/// The default of a value that is one shell-style interpolation with a fallback:
/// `${VAR:-default}` and `${VAR-default}` give `default`, which is what runs when `VAR`
/// is unset. `None` for anything else.
pub fn interpolation_default(value: &str) -> Option<&str> {
    let inner = value.trim().strip_prefix("${")?.strip_suffix('}')?;
    let name_end = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let rest = &inner[name_end..];
    let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'))?;
    // A nested interpolation is one value, not a default followed by more text.
    if default.contains(['$', '}']) {
        return None;
    }
    // `${KEY-""}`: compose and shells take the quotes away.
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| default.strip_prefix(*q)?.strip_suffix(*q));
    Some(unquoted.unwrap_or(default))
}

/// True when a key names a credential that is public by design: publishable and
/// search-only keys, browser and client tokens meant for front ends, public keys.
pub fn is_public_key_name(key: &str) -> bool {
    let words = identifier_words(key);
    let has = |w: &str| words.iter().any(|x| x == w);
    has("public")
        || has("publishable")
        || has("browser")
        || has("anon")
        || (has("search") && has("only"))
        || words
            .windows(2)
            .any(|p| p[0] == "client" && p[1] == "token")
}

/// True when a value has a published public-key format: Stripe publishable keys
/// (`pk_live_…`, `pk_test_…`), PostHog project keys (`phc_…`, write-only ingestion keys
/// its docs tell apps to embed) and Datadog browser client tokens (`pub` and 32 hex
/// digits).
pub fn is_public_key_value(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("pk_live_")
        || v.starts_with("pk_test_")
        || v.starts_with("phc_")
        || v.strip_prefix("pub")
            .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Prefixes of secret-store references.
const REFERENCE_PREFIXES: &[&str] = &[
    "vault:",
    "ssm:",
    "op://",
    "secret:",
    "secrets:",
    "arn:",
    "projects/",
    "sm://",
    "ref+",
    "awssm:",
    "gcpsm:",
    "azurekv:",
    "keyvault:",
];

fn is_reference(v: &str, lower: &str) -> bool {
    v.starts_with('$')
        || v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.contains("%(")
        || v.starts_with("SECRET[")
        || (v.starts_with('%') && v.ends_with('%') && v.len() > 2 && v.len() <= 40)
        || REFERENCE_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// `SECRET_KEY_BASE`, `API_TOKEN_VAL`: upper-case words joined by `_`.
fn is_variable_name(v: &str) -> bool {
    v.contains('_')
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whole values that only mark a missing one.
const MARKER_WORDS: &[&str] = &[
    "placeholder",
    "redacted",
    "todo",
    "tbd",
    "fixme",
    "none",
    "null",
    "nil",
    "undefined",
    "notset",
    "not-set",
    "not_set",
    "unset",
    "empty",
    "-",
    "~",
];

/// Fragments that make any value a marker.
const MARKER_FRAGMENTS: &[&str] = &[
    "replace",
    "placeholder",
    "example",
    "insecure",
    "donotuse",
    "do-not-use",
    "do_not_use",
    "notasecret",
    "not-a-secret",
    "not_a_secret",
];

fn is_marker(v: &str, lower: &str) -> bool {
    let parenthesised_words = v.len() > 2
        && v.starts_with('(')
        && v.ends_with(')')
        && v[1..v.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '-' | '_'));
    parenthesised_words
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('{') && v.ends_with('}'))
        || (v.starts_with('[') && v.ends_with(']'))
        || v.chars()
            .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '#' | '-' | '_' | '0' | '?'))
        || lower.starts_with("xxx")
        || v.contains("****")
        || MARKER_WORDS.contains(&lower.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        || ["your", "insert", "please", "put", "enter", "add"]
            .iter()
            .any(|p| starts_with_word(lower, p))
        || ["here", "goes_here", "goeshere"]
            .iter()
            .any(|s| lower.len() > s.len() && ends_with_word(lower, s))
        || MARKER_FRAGMENTS.iter().any(|f| lower.contains(f))
}

/// `your-token`, `your_key`, `yourpassword`: `prefix` then a separator or the rest glued on.
fn starts_with_word(lower: &str, prefix: &str) -> bool {
    lower.strip_prefix(prefix).is_some_and(|rest| {
        rest.starts_with(['-', '_', ' ', '.'])
            || (prefix == "your" && rest.len() >= 3 && rest.bytes().all(|b| b.is_ascii_lowercase()))
    })
}

/// `MY_KEY_HERE`, `key-goes-here`: `suffix` after a separator.
fn ends_with_word(lower: &str, suffix: &str) -> bool {
    lower
        .strip_suffix(suffix)
        .is_some_and(|rest| rest.ends_with(['-', '_', ' ', '.']))
}

/// Dictionary, default and sample credentials, compared after trailing digits are removed
/// (`password123`, `secret0`, `admin1`).
const WEAK_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "change_it",
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "supersecret",
    "super-secret",
    "super_secret",
    "topsecret",
    "mysecret",
    "my-secret",
    "my_secret",
    "mypassword",
    "my-password",
    "my_password",
    "default",
    "test",
    "testing",
    "sample",
    "fake",
    "dummy",
    "foo",
    "bar",
    "baz",
    "foobar",
    "admin",
    "administrator",
    "root",
    "toor",
    "guest",
    "user",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "rabbitmq",
    "minio",
    "minioadmin",
    "letmein",
    "welcome",
    "qwerty",
    "abc",
    "abcd",
    "abcdef",
    "token",
    "key",
    "apikey",
    "api-key",
    "api_key",
];

/// Words that make a separated value describe itself (`my-secret-token`, `dev_key`).
const SELF_DESCRIBING: &[&str] = &[
    "secret", "password", "token", "key", "changeme", "dummy", "fake", "test", "dev", "local",
    "sample", "demo",
];

fn is_weak(lower: &str) -> bool {
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    WEAK_WORDS.contains(&stem)
        || lower.contains("changeme")
        || (stem.is_empty() && is_run(lower.as_bytes()))
        || is_sequential(lower.as_bytes())
        || lower
            .split(['-', '_', '.'])
            .filter(|w| !w.is_empty())
            .count()
            > 1
            && lower
                .split(['-', '_', '.'])
                .any(|w| SELF_DESCRIBING.contains(&w))
}

/// The longest value [`is_sequential`] considers.
const MAX_DUMMY_LEN: usize = 40;

/// One character repeated (`0000`, `aaaa`) or counting up (`123456`, `abcdef`).
fn is_run(b: &[u8]) -> bool {
    b.len() >= 3
        && (b.windows(2).all(|w| w[0] == w[1])
            || b.windows(2).all(|w| w[1] == w[0].wrapping_add(1)))
}

/// At most two runs end to end: `abcd1234`, `123456789`, `aaaa1111`. Only short values
/// are split in two, which keeps this linear.
fn is_sequential(b: &[u8]) -> bool {
    if b.len() < 4 || is_run(b) {
        return b.len() >= 4;
    }
    b.len() <= MAX_DUMMY_LEN && (1..b.len()).any(|i| is_run(&b[..i]) && is_run(&b[i..]))
}

/// `1.2.3.4` (every part one digit) reads as a version and `2.5.4.3` as an X.509
/// object identifier (OIDs start with 0, 1 or 2), not as a deploy's address.
pub fn looks_like_version_or_oid(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    o.iter().all(|o| *o < 10) || o[0] <= 2
}

/// True when the string literal at token `i` is the example of a pattern written beside
/// it: another literal of the same entry (a group around it, up to three out) is a
/// regular expression that matches it, as in a secret scanner's table
/// `("GitHub PAT", "ghp_[a-zA-Z0-9]{36}", Example("ghp_…"))`. Such a value is test data
/// for the pattern, whatever it looks like.
pub fn is_pattern_example(tokens: &Tokens<'_>, i: usize) -> bool {
    /// How far back an enclosing group is looked for, and how many sibling literals are
    /// tried as patterns: bounds for hostile files.
    const MAX_STEPS: usize = 4096;
    const MAX_PATTERNS: usize = 16;
    let Some(value) = tokens.str_value(i) else {
        return false;
    };
    let enclosing = |from: usize| -> Option<usize> {
        let mut k = from;
        for _ in 0..MAX_STEPS {
            k = k.checked_sub(1)?;
            match tokens.kind(k)? {
                Kind::Open(_) => return Some(k),
                Kind::Close(_) => k = tokens.pair(k),
                _ => {}
            }
        }
        None
    };
    // The entry is a group around the literal, up to three out (a sample may sit in a
    // list of samples inside the entry).
    let mut group = i;
    for _ in 0..3 {
        let Some(open) = enclosing(group) else {
            return false;
        };
        group = open;
        let matched = (open + 1..tokens.pair(open).min(open + 1 + MAX_STEPS))
            .filter(|&k| k != i && matches!(tokens.kind(k), Some(Kind::Str | Kind::RawStr)))
            .filter_map(|k| tokens.str_value(k))
            .take(MAX_PATTERNS)
            .any(|pattern| {
                regex::RegexBuilder::new(&pattern)
                    .size_limit(1 << 16)
                    .build()
                    .is_ok_and(|re| re.is_match(&value))
            });
        if matched {
            return true;
        }
    }
    false
}

/// Comment phrases that tell the reader to replace the value they annotate.
const REPLACE_PHRASES: &[&str] = &[
    "changeme",
    "change me",
    "change this",
    "change it",
    "replace this",
    "replace it",
    "replace me",
    "must be changed",
    "should be changed",
];

/// True when the value at byte `at` of a line-based config `text` (YAML, `.env`, TOML) is
/// annotated as one to replace: its line ends in a comment saying so
/// (`KEY=rustfsadmin # CHANGEME`), or the comment line just above does (`# Authentication
/// key, change this and keep it secret`). Such a value is a placeholder the reader is told
/// to fill in.
pub fn marked_to_replace(text: &str, at: usize) -> bool {
    let Some(after) = text.get(at..) else {
        return false;
    };
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let rest = &after[..after.find('\n').unwrap_or(after.len())];
    let trailing = rest.find(" #").map(|i| &rest[i..]);
    let above = text[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .map(str::trim_start)
        .filter(|l| line_start > 0 && l.starts_with('#'));
    trailing.into_iter().chain(above).any(|comment| {
        let lower = comment.to_ascii_lowercase();
        REPLACE_PHRASES.iter().any(|p| lower.contains(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_marked_to_replace() {
        let env = "# Authentication key, change this and keep it secret\nJWT_SECRET=hello456\nOTHER=x9Kq2mZ7 # the staging key\n";
        assert!(marked_to_replace(env, env.find("hello456").unwrap()));
        assert!(!marked_to_replace(env, env.find("x9Kq2mZ7").unwrap()));
        let yaml = "env:\n  - KEY=rustfsadmin # CHANGEME\n  - PASS=S3cr3tV4lue\n";
        assert!(marked_to_replace(yaml, yaml.find("rustfsadmin").unwrap()));
        assert!(!marked_to_replace(yaml, yaml.find("S3cr3tV4lue").unwrap()));
        let first = "SECRET=abc123def # replace me";
        assert!(marked_to_replace(first, 7));
        assert!(!marked_to_replace("SECRET=changeme_key_3f9", 7));
    }

    #[test]
    fn references() {
        for v in [
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "$(cat /run/secrets/db)",
            "{{ .Values.password }}",
            "${{ secrets.TOKEN }}",
            "%DB_PASS%",
            "vault:secret/data/app#password",
            "ssm:/prod/db/password",
            "op://vault/item/password",
            "SECRET[backend.token]",
            "arn:aws:secretsmanager:eu-west-1:1:secret:db",
            "SECRET_KEY_BASE",
            "GOOGLE_API_KEY_VAL",
        ] {
            assert_eq!(kind(v), ValueKind::Reference, "{v}");
        }
    }

    #[test]
    fn markers() {
        for v in [
            "<password>",
            "<image_url>",
            "REPLACE_LICENSE_KEY_HERE",
            "YOUR_API_KEY_HERE",
            "your-token",
            "yourpassword",
            "xxxxxxxx",
            "xxx-token",
            "****",
            "sk-************************************",
            "jina_************",
            "x",
            "{}",
            "{password}",
            "TODO",
            "pleasereplacethiswithrandomstring",
            "seriously-insecure",
            "AKIAIOSFODNN7EXAMPLE",
            "-",
            "***redacted***",
            "[REDACTED]",
            "(truncated)",
            "(not set)",
        ] {
            assert_eq!(kind(v), ValueKind::Placeholder, "{v}");
        }
    }

    #[test]
    fn weak_defaults() {
        for v in [
            "password",
            "postgres",
            "changeme",
            "changeit",
            "changeme_secret_key",
            "supersecret",
            "secret0",
            "password123",
            "minio123",
            "admin",
            "123456",
            "abcd1234",
            "aaaa",
            "my-secret-token",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "super-long-and-secret-random-key-needed-to-verify-message-integrity",
        ] {
            assert_eq!(kind(v), ValueKind::Weak, "{v}");
        }
    }

    #[test]
    fn literals() {
        for v in [
            "Zq8vR2mT4wLk",
            "hunter22-Prod",
            "correcthorsebattery",
            "RanD0m STR1ng",
            "P3FWhhEsJiEDCuEHpmcN9DHcK4hVfBvb",
            "heretic",
            "yours",
            "adder",
        ] {
            assert_eq!(kind(v), ValueKind::Literal, "{v}");
        }
    }

    #[test]
    fn interpolation_defaults() {
        assert_eq!(
            interpolation_default("${SYNC_MASTER_SECRET:-changeme_secret_key}"),
            Some("changeme_secret_key")
        );
        assert_eq!(interpolation_default("${PW-hunter2}"), Some("hunter2"));
        assert_eq!(interpolation_default("${RS_API_KEY-\"\"}"), Some(""));
        assert_eq!(interpolation_default("${PW:-'s3cr3t'}"), Some("s3cr3t"));
        assert_eq!(interpolation_default("${PW}"), None);
        assert_eq!(interpolation_default("${PW:?required}"), None);
        assert_eq!(interpolation_default("${A:-${B}}"), None);
        assert_eq!(interpolation_default("x${A:-b}"), None);
        assert_eq!(
            with_interpolation_defaults("${IMAGE:-ghcr.io/x/app}:${TAG:-main}").as_deref(),
            Some("ghcr.io/x/app:main")
        );
        assert_eq!(
            with_interpolation_defaults("${TARGET:-debug}").as_deref(),
            Some("debug")
        );
        assert_eq!(
            with_interpolation_defaults("app:1.2").as_deref(),
            Some("app:1.2")
        );
        assert_eq!(with_interpolation_defaults("app:${TAG}"), None);
        assert_eq!(with_interpolation_defaults("app:$TAG"), None);
    }

    #[test]
    fn public_keys() {
        for k in [
            "typesense_public_dev_apikey",
            "STRIPE_PUBLISHABLE_KEY",
            "search_only_api_key",
            "client_token",
            "clientToken",
            "BROWSER_API_KEY",
            "SUPABASE_ANON_KEY",
        ] {
            assert!(is_public_key_name(k), "{k}");
        }
        for k in [
            "client_secret",
            "API_KEY",
            "search_api_key",
            "publication_token",
        ] {
            assert!(!is_public_key_name(k), "{k}");
        }
        assert!(is_public_key_value("pubcee1dc56e7f5bd03397cc3624eb7961c"));
        assert!(is_public_key_value("pk_live_abc"));
        assert!(is_public_key_value(
            "phc_uXXl56plyvIBHj81WwXBLtdPElIRbm7keRTdUCmk8ll"
        ));
        assert!(!is_public_key_value("sk_live_abc"));
    }
}
