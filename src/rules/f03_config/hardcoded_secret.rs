//! TF0301 hardcoded-secret: credentials committed in code or deploy files.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::Severity;
use crate::parse::{rust, yaml};
use crate::rules::{Ctx, Meta, Rule};
use crate::source::{FileKind, SourceFile};

pub struct HardcodedSecret;

static META: Meta = Meta {
    code: "TF0301",
    name: "hardcoded-secret",
    factor: 3,
    severity: Severity::Error,
    kinds: &[
        FileKind::Rust,
        FileKind::Yaml,
        FileKind::Dockerfile,
        FileKind::Env,
        FileKind::Toml,
    ],
    summary: "a credential committed in code or deploy files",
    doc: include_str!("../../../rules/TF0301.md"),
    security: true,
    options: &[],
};

impl Rule for HardcodedSecret {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for (value, map) in values(file) {
            if let Some(found) = credential_url(&value) {
                let at = map(found.password.clone());
                let whose = if found.user.is_empty() {
                    String::new()
                } else {
                    format!(" for user `{}`", found.user)
                };
                cx.report(
                    file.loc(at),
                    format!("`{}` URL embeds a password{whose}", found.scheme),
                    "read the URL (or its password) from an environment variable or a secret store instead of committing it",
                );
            }
        }
    }
}

/// A span mapper from a range within a value to a file range.
type SpanMap<'f> = Box<dyn Fn(Range<usize>) -> Range<usize> + 'f>;

/// Every string value this rule inspects in `file`, with its span and a sub-span mapper.
fn values<'f>(file: &'f SourceFile<'_>) -> Vec<(String, SpanMap<'f>)> {
    let mut out: Vec<(String, SpanMap<'f>)> = Vec::new();
    match file.kind {
        FileKind::Rust => {
            if let Some(ast) = file.rust() {
                for lit in rust::string_literals(ast) {
                    out.push((lit.value.clone(), Box::new(move |r| lit.sub_span(r))));
                }
            }
        }
        FileKind::Yaml => {
            for doc in file.yaml() {
                yaml::walk_values(&doc.node, None, &mut |_, node| {
                    if let Some(value) = yaml::scalar_str(node) {
                        let span = file.yaml_span(node);
                        let raw = file.text.get(span.clone()).unwrap_or_default();
                        out.push((value.to_string(), verbatim(raw, value, span)));
                    }
                });
            }
        }
        FileKind::Env => {
            for entry in file.env() {
                let span = entry.value_span.clone();
                let raw = &file.text[span.clone()];
                out.push((entry.value.clone(), verbatim(raw, &entry.value, span)));
            }
        }
        FileKind::Dockerfile => {
            if let Some(df) = file.dockerfile() {
                for inst in df
                    .instructions
                    .iter()
                    .filter(|i| matches!(i.keyword.as_str(), "ENV" | "ARG" | "LABEL"))
                {
                    for word in inst.args.words() {
                        // `KEY=value`: inspect the value part on its own.
                        let raw = file.text.get(word.span.clone()).unwrap_or_default();
                        let (value, raw, span) =
                            match (word.value.split_once('='), raw.split_once('=')) {
                                (Some((_, v)), Some((k, r))) => {
                                    let start = word.span.start + k.len() + 1;
                                    (v.to_string(), r, start..word.span.end)
                                }
                                _ => (word.value.clone(), raw, word.span.clone()),
                            };
                        out.push((value.clone(), verbatim(raw, &value, span)));
                    }
                }
            }
        }
        FileKind::Toml | FileKind::Cargo => {
            if let Some(table) = file.toml() {
                toml_strings(table, &mut |value, span| {
                    let raw = file.text.get(span.clone()).unwrap_or_default();
                    out.push((value.to_string(), verbatim(raw, value, span)));
                });
            }
        }
    }
    out
}

/// A mapper for a value whose text appears verbatim inside its raw source at `span`.
fn verbatim<'f>(raw: &str, value: &str, span: Range<usize>) -> SpanMap<'f> {
    let base = raw.find(value).filter(|_| !value.is_empty());
    Box::new(move |r: Range<usize>| match base {
        Some(b) => span.start + b + r.start..span.start + b + r.end,
        None => span.clone(),
    })
}

fn toml_strings(table: &toml::de::DeTable<'_>, visit: &mut dyn FnMut(&str, Range<usize>)) {
    for value in table.values() {
        toml_value(value, visit, 0);
    }
}

fn toml_value(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    visit: &mut dyn FnMut(&str, Range<usize>),
    depth: usize,
) {
    use toml::de::DeValue;
    if depth > 128 {
        return;
    }
    match value.get_ref() {
        DeValue::String(s) => visit(s, value.span()),
        DeValue::Array(items) => items.iter().for_each(|v| toml_value(v, visit, depth + 1)),
        DeValue::Table(t) => t.values().for_each(|v| toml_value(v, visit, depth + 1)),
        _ => {}
    }
}

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

/// Find a credential URL whose password is not a placeholder.
pub fn credential_url(value: &str) -> Option<CredentialUrl<'_>> {
    for caps in CREDENTIAL_URL.captures_iter(value) {
        let (scheme, user, password) = (caps.get(1)?, caps.get(2)?, caps.get(3)?);
        if is_placeholder(password.as_str()) || is_example_host(&caps[4]) {
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

/// Placeholders are not secrets: `${VAR}`, `$VAR`, `{{ x }}`, `<password>`, `{}`, `changeme`, `xxx`.
pub fn is_placeholder(value: &str) -> bool {
    const WORDS: &[&str] = &[
        "changeme",
        "change_me",
        "change-me",
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "example",
        "placeholder",
        "redacted",
        "dummy",
        "your_password",
        "yourpassword",
        "your-password",
    ];
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || v.starts_with('$')
        || v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('{') && v.ends_with('}'))
        || (v.starts_with('%') && v.len() <= 24)
        || v.chars()
            .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '#' | '-' | '_'))
        || WORDS.contains(&lower.as_str())
        || lower.starts_with("example")
}

fn is_example_host(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    let host = lower.split([':', '/']).next().unwrap_or_default();
    host.ends_with("example.com")
        || host.ends_with("example.org")
        || host.ends_with("example.net")
        || host.ends_with(".example")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_credential_urls() {
        let v = "postgres://app:s3cr3t-Pw@db.internal:5432/app";
        let found = credential_url(v).unwrap();
        assert_eq!(found.scheme, "postgres");
        assert_eq!(found.user, "app");
        assert_eq!(&v[found.password], "s3cr3t-Pw");
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
            "https://user:xxxx@host",
            "https://user:****@host",
            "https://alice:hunter22@example.com/",
            "postgres://app:{{ .Values.password }}@db",
            "postgres://localhost/app",
            "http://host:8080/path@v1",
        ] {
            assert_eq!(credential_url(v), None, "{v}");
        }
    }
}
