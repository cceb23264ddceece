//! A view of `Cargo.toml` on top of the spanned TOML table: package, targets,
//! workspace and every dependency entry with its spans.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Which table a dependency is declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    Normal,
    Dev,
    Build,
    /// `[workspace.dependencies]`.
    Workspace,
}

impl DepKind {
    /// `dependency`, `dev-dependency`, ... for messages.
    pub fn describe(self) -> &'static str {
        match self {
            DepKind::Normal => "dependency",
            DepKind::Dev => "dev-dependency",
            DepKind::Build => "build-dependency",
            DepKind::Workspace => "workspace dependency",
        }
    }
}

/// One dependency entry.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub name: String,
    pub name_span: Range<usize>,
    pub kind: DepKind,
    /// `Some(cfg)` for `[target.'cfg'.dependencies]`.
    pub target: Option<String>,
    /// The version requirement (`"1.2"` or `version = "1.2"`) with its span.
    pub version: Option<(String, Range<usize>)>,
    /// `git = "..."` with its span.
    pub git: Option<(String, Range<usize>)>,
    pub rev: Option<String>,
    pub tag: Option<String>,
    pub branch: Option<(String, Range<usize>)>,
    /// `path = "..."` with its span.
    pub path: Option<(String, Range<usize>)>,
    /// `workspace = true`.
    pub inherited: bool,
    /// `features = [...]`.
    pub features: Vec<String>,
    /// `optional = true`: built only when a feature turns it on.
    pub optional: bool,
}

/// What twelve-lint needs from a manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// `[package] name`, with the span of the `name` value.
    pub package: Option<(String, Range<usize>)>,
    /// Explicit `[[bin]]` names.
    pub bins: Vec<String>,
    /// Explicit `[[bin]]` source paths, relative to the manifest, with the entry's
    /// name when it gives one.
    pub bin_paths: Vec<(Option<String>, String)>,
    /// True when the manifest has a `[workspace]` table.
    pub is_workspace: bool,
    /// `[workspace] members` and `exclude` globs.
    pub members: Vec<String>,
    pub exclude: Vec<String>,
    /// True for cargo-fuzz crates (`[package.metadata] cargo-fuzz = true`).
    pub is_fuzz: bool,
    pub dependencies: Vec<Dependency>,
    /// Crates this manifest's `[patch.<source>]` tables replace (by their key).
    pub patched: Vec<String>,
    /// `[features]`: each feature with what it turns on.
    pub features: Vec<(String, Vec<String>)>,
    /// Source paths, relative to the manifest, of the targets no release build of the
    /// package runs: `[package] build = "…"`, `[[test]]`, `[[bench]]` and `[[example]]`
    /// entries that give a `path`.
    pub non_release_targets: Vec<(TargetKind, String)>,
    /// The files a system package of this crate installs: each source path or glob of
    /// `[package.metadata.deb] assets` (cargo-deb) and `[package.metadata.generate-rpm]
    /// assets` (cargo-generate-rpm) as written, relative to the manifest, with its span.
    pub package_assets: Vec<(String, Range<usize>)>,
}

/// A kind of Cargo target that is not part of the package's release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// The build script (`[package] build`).
    BuildScript,
    Test,
    Bench,
    Example,
}

impl TargetKind {
    /// What it is, with how the manifest declares it.
    pub fn describe(self) -> &'static str {
        match self {
            TargetKind::BuildScript => "the build script (`build =`)",
            TargetKind::Test => "a `[[test]]` target",
            TargetKind::Bench => "a `[[bench]]` target",
            TargetKind::Example => "an `[[example]]` target",
        }
    }
}

impl Manifest {
    /// The features of this package that build its optional dependency `dep`: those
    /// that name `dep:<dep>` or `<dep>/<feature>` (not the weak `<dep>?/<feature>`), the
    /// implicit feature `<dep>` when no feature says `dep:<dep>`, and every feature that
    /// turns one of these on.
    pub fn features_enabling(&self, dep: &str) -> Vec<String> {
        let explicit = format!("dep:{dep}");
        let implicit = !self.features.iter().any(|(_, v)| v.contains(&explicit));
        let mut out: Vec<String> = Vec::new();
        if implicit {
            out.push(dep.to_string());
        }
        let builds = |value: &str, out: &[String]| {
            value == explicit
                || value.split_once('/').is_some_and(|(d, _)| d == dep)
                || out.iter().any(|f| f == value)
        };
        // Each pass adds the features that turn on one found so far: a fixed point.
        loop {
            let before = out.len();
            for (name, values) in &self.features {
                if !out.contains(name) && values.iter().any(|v| builds(v, &out)) {
                    out.push(name.clone());
                }
            }
            if out.len() == before {
                return out;
            }
        }
    }

    /// Read a parsed `Cargo.toml`.
    pub fn from_table(table: &DeTable<'_>) -> Self {
        let mut m = Manifest::default();
        if let Some(pkg) = table.get("package").and_then(|p| p.get_ref().as_table()) {
            if let Some(name) = pkg.get("name")
                && let Some(s) = name.get_ref().as_str()
            {
                m.package = Some((s.to_string(), name.span()));
            }
            let metadata = pkg.get("metadata").and_then(|md| md.get_ref().as_table());
            m.is_fuzz = metadata
                .and_then(|md| md.get("cargo-fuzz"))
                .and_then(|v| v.get_ref().as_bool())
                .unwrap_or(false);
            m.package_assets = metadata.map(package_assets).unwrap_or_default();
            if let Some(build) = pkg.get("build").and_then(|b| b.get_ref().as_str()) {
                m.non_release_targets
                    .push((TargetKind::BuildScript, build.to_string()));
            }
        }
        for (key, kind) in [
            ("test", TargetKind::Test),
            ("bench", TargetKind::Bench),
            ("example", TargetKind::Example),
        ] {
            let entries = table.get(key).and_then(|t| t.get_ref().as_array());
            for entry in entries.into_iter().flatten() {
                let path = entry.get_ref().as_table().and_then(|t| t.get("path"));
                if let Some(path) = path.and_then(|p| p.get_ref().as_str()) {
                    m.non_release_targets.push((kind, path.to_string()));
                }
            }
        }
        if let Some(bins) = table.get("bin").and_then(|b| b.get_ref().as_array()) {
            m.bins = bins
                .iter()
                .filter_map(|b| {
                    b.get_ref()
                        .as_table()?
                        .get("name")?
                        .get_ref()
                        .as_str()
                        .map(str::to_string)
                })
                .collect();
            m.bin_paths = bins
                .iter()
                .filter_map(|b| {
                    let t = b.get_ref().as_table()?;
                    let text = |k: &str| Some(t.get(k)?.get_ref().as_str()?.to_string());
                    Some((text("name"), text("path")?))
                })
                .collect();
        }
        if let Some(ws) = table.get("workspace").and_then(|w| w.get_ref().as_table()) {
            m.is_workspace = true;
            m.members = strings(ws.get("members"));
            m.exclude = strings(ws.get("exclude"));
            if let Some(deps) = ws.get("dependencies").and_then(|d| d.get_ref().as_table()) {
                push_deps(&mut m.dependencies, deps, DepKind::Workspace, None);
            }
        }
        for (key, kind) in [
            ("dependencies", DepKind::Normal),
            ("dev-dependencies", DepKind::Dev),
            ("dev_dependencies", DepKind::Dev),
            ("build-dependencies", DepKind::Build),
            ("build_dependencies", DepKind::Build),
        ] {
            if let Some(deps) = table.get(key).and_then(|d| d.get_ref().as_table()) {
                push_deps(&mut m.dependencies, deps, kind, None);
            }
        }
        if let Some(features) = table.get("features").and_then(|f| f.get_ref().as_table()) {
            m.features = features
                .iter()
                .map(|(name, values)| (name.get_ref().to_string(), strings(Some(values))))
                .collect();
        }
        if let Some(patch) = table.get("patch").and_then(|p| p.get_ref().as_table()) {
            m.patched = patch
                .values()
                .filter_map(|source| source.get_ref().as_table())
                .flat_map(|crates| crates.keys().map(|k| k.get_ref().to_string()))
                .collect();
        }
        if let Some(targets) = table.get("target").and_then(|t| t.get_ref().as_table()) {
            for (cfg, body) in targets {
                let Some(body) = body.get_ref().as_table() else {
                    continue;
                };
                for (key, kind) in [
                    ("dependencies", DepKind::Normal),
                    ("dev-dependencies", DepKind::Dev),
                    ("build-dependencies", DepKind::Build),
                ] {
                    if let Some(deps) = body.get(key).and_then(|d| d.get_ref().as_table()) {
                        push_deps(
                            &mut m.dependencies,
                            deps,
                            kind,
                            Some(cfg.get_ref().to_string()),
                        );
                    }
                }
            }
        }
        m
    }
}

/// The asset sources of the cargo-deb and cargo-generate-rpm tables of `metadata`: an
/// asset is an array whose first item is the source (`["conf/*", "/etc/app/", "644"]`)
/// or a table with a `source`.
fn package_assets(metadata: &DeTable<'_>) -> Vec<(String, Range<usize>)> {
    ["deb", "generate-rpm"]
        .into_iter()
        .filter_map(|tool| metadata.get(tool)?.get_ref().as_table()?.get("assets"))
        .filter_map(|assets| assets.get_ref().as_array())
        .flatten()
        .filter_map(|asset| {
            let source = match asset.get_ref() {
                DeValue::Array(parts) => parts.first()?,
                DeValue::Table(t) => t.get("source")?,
                _ => return None,
            };
            Some((source.get_ref().as_str()?.to_string(), source.span()))
        })
        .collect()
}

fn strings(v: Option<&Spanned<DeValue<'_>>>) -> Vec<String> {
    v.and_then(|v| v.get_ref().as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.get_ref().as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn push_deps(out: &mut Vec<Dependency>, deps: &DeTable<'_>, kind: DepKind, target: Option<String>) {
    for (name, spec) in deps {
        let mut dep = Dependency {
            name: name.get_ref().to_string(),
            name_span: name.span(),
            kind,
            target: target.clone(),
            version: None,
            git: None,
            rev: None,
            tag: None,
            branch: None,
            path: None,
            inherited: false,
            features: Vec::new(),
            optional: false,
        };
        match spec.get_ref() {
            DeValue::String(s) => dep.version = Some((s.to_string(), spec.span())),
            DeValue::Table(t) => {
                let field = |k: &str| {
                    t.get(k)
                        .and_then(|v| v.get_ref().as_str().map(|s| (s.to_string(), v.span())))
                };
                dep.version = field("version");
                dep.git = field("git");
                dep.rev = field("rev").map(|v| v.0);
                dep.tag = field("tag").map(|v| v.0);
                dep.branch = field("branch");
                dep.path = field("path");
                dep.inherited =
                    t.get("workspace").and_then(|v| v.get_ref().as_bool()) == Some(true);
                dep.features = strings(t.get("features"));
                dep.optional = t.get("optional").and_then(|v| v.get_ref().as_bool()) == Some(true);
            }
            _ => {}
        }
        out.push(dep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_that_build_an_optional_dependency() {
        let text = r#"
[package]
name = "cache"
[dependencies]
lru = { version = "*", optional = true }
ahash = { version = "*", optional = true }
serde = { version = "1", optional = true }
[features]
default = ["fast"]
fast = ["dep:ahash"]
lru-cache = ["lru"]
all = ["lru-cache", "serde?/derive"]
"#;
        let table = DeTable::parse(text).unwrap();
        let m = Manifest::from_table(table.get_ref());
        assert!(m.dependencies.iter().all(|d| d.optional));
        assert_eq!(m.features_enabling("lru"), ["lru", "lru-cache", "all"]);
        assert_eq!(m.features_enabling("ahash"), ["fast", "default"]);
        assert_eq!(m.features_enabling("serde"), ["serde"]);
    }

    #[test]
    fn reads_the_files_system_packages_install() {
        let text = r#"
[package]
name = "relay"
[package.metadata.deb]
assets = [
  ["target/release/relay", "/usr/bin/", "755"],
  ["packaging/etc/relay/*", "/etc/relay/", "644"],
]
[package.metadata.generate-rpm]
assets = [{ source = "packaging/relay.yaml", dest = "/etc/relay/relay.yaml", mode = "644" }]
"#;
        let table = DeTable::parse(text).unwrap();
        let m = Manifest::from_table(table.get_ref());
        let sources: Vec<&str> = m.package_assets.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            sources,
            [
                "target/release/relay",
                "packaging/etc/relay/*",
                "packaging/relay.yaml"
            ]
        );
        let (_, span) = &m.package_assets[1];
        assert_eq!(&text[span.clone()], "\"packaging/etc/relay/*\"");
    }

    #[test]
    fn reads_targets_no_release_runs() {
        let text = r#"
[package]
name = "router"
build = "build/main.rs"
[[bin]]
name = "router"
path = "src/main.rs"
[[test]]
name = "api"
path = "api-test/api.rs"
[[bench]]
name = "load"
harness = false
[[example]]
name = "demo"
path = "demos/demo.rs"
"#;
        let table = DeTable::parse(text).unwrap();
        let m = Manifest::from_table(table.get_ref());
        assert_eq!(
            m.non_release_targets,
            [
                (TargetKind::BuildScript, "build/main.rs".to_string()),
                (TargetKind::Test, "api-test/api.rs".to_string()),
                (TargetKind::Example, "demos/demo.rs".to_string()),
            ]
        );
        let no_script = DeTable::parse("[package]\nname = \"x\"\nbuild = false\n").unwrap();
        assert!(
            Manifest::from_table(no_script.get_ref())
                .non_release_targets
                .is_empty()
        );
    }

    #[test]
    fn reads_dependencies_from_every_table() {
        let text = r#"
[package]
name = "api"
[[bin]]
name = "worker"
[dependencies]
serde = "1"
tokio = { workspace = true }
[dev-dependencies]
mock = { git = "https://github.com/x/mock", branch = "main" }
[target.'cfg(unix)'.dependencies]
nix = { version = "*" }
[workspace]
members = ["crates/*"]
[workspace.dependencies]
tokio = "1.40"
"#;
        let table = DeTable::parse(text).unwrap();
        let m = Manifest::from_table(table.get_ref());
        assert_eq!(m.package.as_ref().unwrap().0, "api");
        assert_eq!(m.bins, ["worker"]);
        assert!(m.is_workspace);
        assert_eq!(m.members, ["crates/*"]);
        let names: Vec<_> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.kind))
            .collect();
        assert!(names.contains(&("mock", DepKind::Dev)));
        assert!(names.contains(&("tokio", DepKind::Workspace)));
        let nix = m.dependencies.iter().find(|d| d.name == "nix").unwrap();
        assert_eq!(nix.target.as_deref(), Some("cfg(unix)"));
        assert_eq!(&text[nix.version.as_ref().unwrap().1.clone()], "\"*\"");
        assert!(
            m.dependencies
                .iter()
                .any(|d| d.name == "tokio" && d.inherited)
        );
    }
}
