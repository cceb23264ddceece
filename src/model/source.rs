//! File kinds, classification by path, and a parsed file as rules see it.

pub mod launch;

use std::cell::{Cell, OnceCell};
use std::ops::Range;
use std::path::Path;

use serde::Serialize;
use toml::Spanned;
use toml::de::DeTable;

use crate::diagnostic::Location;
use crate::parse::guard::{MAX_SYNTAX_TREE_BYTES, too_deep, too_deep_message};
use crate::parse::text::LineIndex;
use crate::parse::{cargo, dockerfile, envfile, lex, rust, yaml};
use launch::Launch;

/// The kinds of file twelve-lint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// `Cargo.toml`.
    Cargo,
    /// `*.rs`.
    Rust,
    /// `Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*`.
    Dockerfile,
    /// `*.yaml`, `*.yml`: compose files, Kubernetes manifests and other YAML.
    Yaml,
    /// `.env`, `.env.*`, `*.env`.
    Env,
    /// Other `*.toml` files (application config).
    Toml,
    /// Shell scripts (`*.sh`, `*.bash`), read as text.
    Shell,
}

impl FileKind {
    /// Every kind, for listings.
    pub const ALL: [FileKind; 7] = [
        FileKind::Cargo,
        FileKind::Rust,
        FileKind::Dockerfile,
        FileKind::Yaml,
        FileKind::Env,
        FileKind::Toml,
        FileKind::Shell,
    ];

    /// Lowercase name, as in docs and JSON.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Cargo => "cargo",
            FileKind::Rust => "rust",
            FileKind::Dockerfile => "dockerfile",
            FileKind::Yaml => "yaml",
            FileKind::Env => "env",
            FileKind::Toml => "toml",
            FileKind::Shell => "shell",
        }
    }
}

/// Classify a file by its name; `None` for files no rule reads.
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if name == "Cargo.toml" {
        return Some(FileKind::Cargo);
    }
    if is_dockerfile_name(&lower) {
        return Some(FileKind::Dockerfile);
    }
    if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
        return Some(FileKind::Env);
    }
    if is_service_run_script(&path.to_string_lossy()) {
        return Some(FileKind::Shell);
    }
    match lower.rsplit_once('.').map(|(_, ext)| ext) {
        Some("rs") => Some(FileKind::Rust),
        // JSON is YAML: a Kubernetes manifest written as JSON is read as one.
        Some("yaml" | "yml" | "json") => Some(FileKind::Yaml),
        Some("toml") => Some(FileKind::Toml),
        Some("sh" | "bash") => Some(FileKind::Shell),
        _ => None,
    }
}

/// The first `max_bytes` of the regular file at `path` (a file the walk did not read: a
/// Tiltfile, a Procfile, a README), when it is UTF-8 there. A symbolic link is not
/// followed: it could point outside the repository.
pub fn read_regular_prefix(path: &Path, max_bytes: u64) -> Option<String> {
    use std::io::Read;
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file()) {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max_bytes).read_to_string(&mut text))
        .ok()?;
    Some(text)
}

/// The `run` script of a supervised service: `s6-rc.d/<service>/run` and
/// `services.d/<service>/run` (s6-overlay), `sv/<service>/run` and
/// `service/<service>/run` (runit). The supervisor starts it and signals the process it
/// becomes.
pub fn is_service_run_script(path: &str) -> bool {
    let mut parts = path.rsplit(['/', '\\']);
    let (Some("run"), Some(_), Some(dir)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    matches!(dir, "s6-rc.d" | "services.d" | "sv" | "service")
}

fn is_dockerfile_name(lower: &str) -> bool {
    /// `Dockerfile.<ext>` files that are something else: sources, docs, templates, backups.
    const NOT_DOCKERFILES: &[&str] = &[
        "dockerignore",
        "md",
        "txt",
        "sh",
        "yml",
        "yaml",
        "json",
        "toml",
        "rs",
        "go",
        "py",
        "js",
        "ts",
        "rb",
        "java",
        "lock",
        "j2",
        "jinja",
        "tpl",
        "tmpl",
        "template",
        "erb",
        "bak",
        "orig",
        "swp",
    ];
    if let Some((_, ext)) = lower.rsplit_once('.')
        && NOT_DOCKERFILES.contains(&ext)
    {
        return false;
    }
    ["dockerfile", "containerfile"].iter().any(|base| {
        lower == *base
            || [".", "-", "_"]
                .iter()
                .any(|sep| lower.starts_with(&format!("{base}{sep}")))
            || lower.ends_with(&format!(".{base}"))
    })
}

/// A YAML document and what it describes.
pub struct YamlDoc {
    pub node: yaml::Node<'static>,
    pub kind: yaml::DocKind,
}

/// One container of a Kubernetes object.
pub struct WorkloadContainer<'d> {
    /// The list it sits in: `containers`, `initContainers` or `ephemeralContainers`.
    pub list: &'d str,
    /// The container's mapping.
    pub node: &'d yaml::Node<'static>,
}

impl YamlDoc {
    /// The services of a compose document, as (name, service) nodes; none for other documents.
    pub fn compose_services(&self) -> Vec<(&yaml::Node<'static>, &yaml::Node<'static>)> {
        match self.kind {
            yaml::DocKind::Compose => yaml::compose_services(&self.node),
            _ => Vec::new(),
        }
    }

    /// Every container of a Kubernetes object, whatever its kind (a pod template's, a
    /// CronJob's, a bare Pod's), in document order; none for other documents.
    pub fn workload_containers(&self) -> Vec<WorkloadContainer<'_>> {
        if !matches!(self.kind, yaml::DocKind::Kubernetes(_)) {
            return Vec::new();
        }
        let lists = ["containers", "initContainers", "ephemeralContainers"];
        yaml::values_under(&self.node, &lists)
            .into_iter()
            .flat_map(|(list, items)| {
                yaml::sequence(items)
                    .unwrap_or_default()
                    .iter()
                    .map(move |node| WorkloadContainer { list, node })
            })
            .collect()
    }
}

/// A file's parse tree.
pub enum Parsed<'a> {
    /// Rust files are lexed; the syntax tree is built on first use ([`SourceFile::rust`]).
    Rust(lex::Tokens<'a>),
    Dockerfile(dockerfile::Dockerfile),
    /// The documents, and where a mapping repeats a key if one does (the documents hold
    /// the later value).
    Yaml(Vec<YamlDoc>, Option<ParseFailure>),
    /// `Cargo.toml`: the table and the manifest view of it.
    Cargo(Spanned<DeTable<'a>>, Box<cargo::Manifest>),
    /// Other TOML files.
    Toml(Spanned<DeTable<'a>>),
    Env(Vec<envfile::Entry>),
    /// Shell scripts are read as text.
    Shell,
}

/// Why a file could not be parsed: where and what the parser said.
#[derive(Debug, Clone)]
pub struct ParseFailure {
    pub span: Range<usize>,
    pub message: String,
}

/// Parse `text` as `kind` (Rust: lex it).
pub fn parse<'a>(
    kind: FileKind,
    rel_path: &str,
    text: &'a str,
    lines: &LineIndex,
) -> Result<Parsed<'a>, ParseFailure> {
    if matches!(kind, FileKind::Yaml | FileKind::Cargo | FileKind::Toml)
        && let Some(offset) = too_deep(text, kind == FileKind::Yaml)
    {
        return Err(at(offset, too_deep_message()));
    }
    match kind {
        FileKind::Rust => lex::lex(text)
            .map(Parsed::Rust)
            .map_err(|e| at(e.offset, e.message)),
        FileKind::Dockerfile => dockerfile::parse(text)
            .map(Parsed::Dockerfile)
            .map_err(|e| at(e.offset, e.message)),
        FileKind::Yaml => parse_yaml(rel_path, text, lines),
        FileKind::Cargo | FileKind::Toml => DeTable::parse(text)
            .map(|table| {
                if kind == FileKind::Cargo {
                    let manifest = cargo::Manifest::from_table(table.get_ref());
                    Parsed::Cargo(table, Box::new(manifest))
                } else {
                    Parsed::Toml(table)
                }
            })
            .map_err(|e| {
                let span = e.span().unwrap_or(0..0);
                ParseFailure {
                    span,
                    message: e.message().to_string(),
                }
            }),
        FileKind::Env => Ok(Parsed::Env(envfile::parse(text))),
        FileKind::Shell => Ok(Parsed::Shell),
    }
}

/// A parse failure at `offset`.
fn at(offset: usize, message: String) -> ParseFailure {
    ParseFailure {
        span: offset..offset,
        message,
    }
}

/// Parse the YAML file at `rel_path`.
fn parse_yaml(
    rel_path: &str,
    text: &str,
    lines: &LineIndex,
) -> Result<Parsed<'static>, ParseFailure> {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let failure = |e: yaml::ParseError| at(lines.offset_of(text, e.line, e.col), e.message);
    // Of a JSON file, only Kubernetes objects are read.
    let json = yaml::is_json_name(rel_path);
    if json && !yaml::is_json_manifest_candidate(text) {
        return Ok(Parsed::Yaml(Vec::new(), None));
    }
    yaml::parse(text)
        .map(|loaded| {
            Parsed::Yaml(
                loaded
                    .docs
                    .into_iter()
                    .map(|node| YamlDoc {
                        kind: yaml::classify(&node, name),
                        node,
                    })
                    .filter(|d| !json || matches!(d.kind, yaml::DocKind::Kubernetes(_)))
                    .collect(),
                loaded.duplicate_key.map(failure),
            )
        })
        .map_err(failure)
}

/// Parse a Helm template at `rel_path` as its chart's values render it (`rendered`,
/// lines and columns of the template kept). Where the rendering repeats a key is not
/// noted: the rendering is the linter's, not the file's.
pub fn parse_rendered_template(
    rel_path: &str,
    rendered: &str,
) -> Result<Parsed<'static>, ParseFailure> {
    parse_yaml(rel_path, rendered, &LineIndex::new(rendered)).map(|parsed| match parsed {
        Parsed::Yaml(docs, _) => Parsed::Yaml(docs, None),
        other => other,
    })
}

/// A parsed file as the per-file rules see it.
pub struct SourceFile<'a> {
    /// Path relative to the project root, `/`-separated.
    pub path: &'a str,
    pub kind: FileKind,
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub parsed: &'a Parsed<'a>,
    /// Start commands ([`launch::launches`]), read once on first use by the rules that
    /// need them, so each script is split into commands once.
    launches: OnceCell<Vec<Launch<'a>>>,
    /// The Rust syntax tree, built on first use.
    ast: OnceCell<Result<syn::File, ParseFailure>>,
    /// Rust string literals, read from the tokens on first use.
    literals: OnceCell<Vec<rust::StrLit>>,
    /// False while the rule being run is not admitted to the syntax tree by its prefilter.
    tree_gate: Cell<bool>,
    /// The byte ranges the tree is built from (the items prefilters admit); `None`: all.
    tree_kept: Cell<Option<Vec<Range<usize>>>>,
}

impl<'a> SourceFile<'a> {
    /// A parsed file.
    pub fn new(
        path: &'a str,
        kind: FileKind,
        text: &'a str,
        lines: &'a LineIndex,
        parsed: &'a Parsed<'a>,
    ) -> Self {
        SourceFile {
            path,
            kind,
            text,
            lines,
            parsed,
            launches: OnceCell::new(),
            ast: OnceCell::new(),
            literals: OnceCell::new(),
            tree_gate: Cell::new(true),
            tree_kept: Cell::new(None),
        }
    }

    /// What a container started from this file runs ([`launch::launches`]).
    pub fn launches(&self) -> &[Launch<'a>] {
        self.launches.get_or_init(|| launch::launches(self))
    }

    /// A location for byte range `bytes` of this file.
    pub fn loc(&self, bytes: Range<usize>) -> Location {
        Location::new(self.path, self.text, self.lines, bytes)
    }

    /// The byte range of a YAML node.
    pub fn yaml_span(&self, node: &yaml::Node<'_>) -> Range<usize> {
        let start = self.marker_offset(node.span.start);
        let end = self.marker_offset(node.span.end).max(start);
        start..end
    }

    fn marker_offset(&self, m: saphyr::Marker) -> usize {
        self.lines.offset_of(self.text, m.line(), m.col())
    }

    /// The tokens, for Rust files.
    pub fn tokens(&self) -> Option<&lex::Tokens<'a>> {
        match self.parsed {
            Parsed::Rust(t) => Some(t),
            _ => None,
        }
    }

    /// The string literals of a Rust file (see [`rust::string_literals`]), read
    /// once however many rules ask; empty for other kinds.
    pub fn string_literals(&self) -> &[rust::StrLit] {
        self.literals
            .get_or_init(|| self.tokens().map(rust::string_literals).unwrap_or_default())
    }

    /// Admit (or not) the rule about to run to the syntax tree: the engine sets this from
    /// the rule's [`crate::model::prefilter::Prefilter`].
    pub fn gate_tree(&self, admitted: bool) {
        self.tree_gate.set(admitted);
    }

    /// Build the syntax tree from these byte ranges only (the items the prefilters admit,
    /// see [`crate::model::prefilter::Table::select`]); the rest of the file is blanked.
    pub fn keep_for_tree(&self, kept: Option<Vec<Range<usize>>>) {
        self.tree_kept.set(kept);
    }

    /// The Rust syntax tree, without what a production build leaves out (test code,
    /// `#[cfg(windows)]`), for Rust files syn accepts.
    /// Built on the first call of an admitted rule (see [`SourceFile::gate_tree`]), so a
    /// rule that needs only tokens, or whose prefilter rules the file out, costs no parse.
    /// Spans are valid on this thread until [`rust::release_spans`].
    pub fn rust(&self) -> Option<&syn::File> {
        self.tokens()?;
        if !self.tree_gate.get() {
            return None;
        }
        self.ast
            .get_or_init(|| {
                if self.text.len() > MAX_SYNTAX_TREE_BYTES {
                    return Err(ParseFailure {
                        span: 0..0,
                        message: format!(
                            "over {} MiB, too large to build a syntax tree for (generated code?); token-level checks still read it",
                            MAX_SYNTAX_TREE_BYTES >> 20
                        ),
                    });
                }
                let parsed = match self.tree_kept.take() {
                    Some(kept) => rust::parse(&rust::blank_outside(self.text, &kept)),
                    None => rust::parse(self.text),
                };
                parsed.map_err(|e| ParseFailure {
                    span: e.offset..e.offset,
                    message: e.message,
                })
            })
            .as_ref()
            .ok()
    }

    /// Why syn rejected this Rust file, when a rule asked for its tree.
    pub fn rust_failure(&self) -> Option<&ParseFailure> {
        self.ast.get()?.as_ref().err()
    }

    /// The Dockerfile, for Dockerfiles.
    pub fn dockerfile(&self) -> Option<&'a dockerfile::Dockerfile> {
        match self.parsed {
            Parsed::Dockerfile(d) => Some(d),
            _ => None,
        }
    }

    /// The YAML documents, for YAML files.
    pub fn yaml(&self) -> &[YamlDoc] {
        match self.parsed {
            Parsed::Yaml(docs, _) => docs,
            _ => &[],
        }
    }

    /// The TOML table, for `Cargo.toml` and other TOML files.
    pub fn toml(&self) -> Option<&DeTable<'_>> {
        match self.parsed {
            Parsed::Toml(t) | Parsed::Cargo(t, _) => Some(t.get_ref()),
            _ => None,
        }
    }

    /// The manifest, for `Cargo.toml`.
    pub fn manifest(&self) -> Option<&cargo::Manifest> {
        match self.parsed {
            Parsed::Cargo(_, m) => Some(m),
            _ => None,
        }
    }

    /// The assignments, for `.env` files.
    pub fn env(&self) -> &[envfile::Entry] {
        match self.parsed {
            Parsed::Env(e) => e,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        let k = |p: &str| classify(Path::new(p));
        assert_eq!(k("a/Cargo.toml"), Some(FileKind::Cargo));
        assert_eq!(k("Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("api.Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(k("Dockerfile-release"), Some(FileKind::Dockerfile));
        assert_eq!(k("Containerfile_worker"), Some(FileKind::Dockerfile));
        assert_eq!(k("dockerfile-generator.md"), None);
        assert_eq!(k("Containerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("Dockerfile.dockerignore"), None);
        assert_eq!(k("src/parse/dockerfile.rs"), Some(FileKind::Rust));
        assert_eq!(k("Dockerfile.j2"), None);
        assert_eq!(k("README.md"), None);
        assert_eq!(k(".env"), Some(FileKind::Env));
        assert_eq!(k(".env.production"), Some(FileKind::Env));
        assert_eq!(k("k8s/deploy.yml"), Some(FileKind::Yaml));
        assert_eq!(k("src/main.rs"), Some(FileKind::Rust));
        assert_eq!(k("config/app.toml"), Some(FileKind::Toml));
    }
}
