//! Configuration: `twelve-lint.toml` / `.twelve-lint.toml` at or above the linted
//! root, then `--option` TOML snippets, then command-line flags and their
//! `TWELVE_LINT_*` environment variables. The result is [`Settings`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::model::role::{self, Role};
use crate::model::source::FileKind;
use crate::rules::{Action, Meta, RULES, Rule, RuleOptions, Scope, Stability};

/// Config file names, in lookup order within a directory.
pub const FILE_NAMES: [&str; 2] = ["twelve-lint.toml", ".twelve-lint.toml"];
/// Files larger than this are skipped unless `max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
/// The most a config file can raise `max-file-size` to (the command line can go
/// further): a repository under review cannot make the run read arbitrarily large files.
pub const MAX_FILE_SIZE_CEILING: u64 = 64 * 1024 * 1024;

/// The config file's schema. Every key is optional.
/// `twelve-lint.schema.json` is generated from it (`config::tests`).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    /// Rules to run: codes, factor prefixes (`TF03`) or names. Default: all stable rules.
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules not to run.
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    pub ignore: Option<Vec<Spanned<String>>>,
    /// Also run preview rules.
    pub preview: Option<bool>,
    /// Lowest severity that makes the exit code 1.
    pub fail_on: Option<Severity>,
    /// Glob patterns (relative to the root) of paths not to lint.
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    pub exclude: Option<Vec<Spanned<String>>>,
    /// Files larger than this many bytes are skipped with a note.
    pub max_file_size: Option<u64>,
    /// Lint test, benchmark and example code as if it were deployed.
    pub include_tests: Option<bool>,
    /// Per-rule severity: `TF0206 = "error"`.
    #[cfg_attr(test, schemars(with = "Option<BTreeMap<String, Severity>>"))]
    pub severity: Option<BTreeMap<Spanned<String>, Severity>>,
    /// Per-path overrides.
    pub overrides: Option<Vec<Override>>,
    /// Per-rule options: `[rules.TF0201]`.
    #[cfg_attr(
        test,
        schemars(with = "Option<BTreeMap<String, BTreeMap<String, serde_json::Value>>>")
    )]
    pub rules: Option<BTreeMap<Spanned<String>, OptionTable>>,
    /// Corrections to the deployment model: `[roles] production = ["tools/release/**"]`.
    #[cfg_attr(test, schemars(with = "Option<BTreeMap<String, Vec<String>>>"))]
    pub roles: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
}

/// One rule's options as written, with spans for messages.
pub type OptionTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// `[[overrides]]`: rules ignored or re-levelled for some paths.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// Glob patterns (relative to the root) of the paths this override applies to.
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    pub paths: Vec<Spanned<String>>,
    /// Rules not to run on these paths.
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    pub ignore: Option<Vec<Spanned<String>>>,
    /// Per-rule severity on these paths.
    #[cfg_attr(test, schemars(with = "Option<BTreeMap<String, Severity>>"))]
    pub severity: Option<BTreeMap<Spanned<String>, Severity>>,
}

/// A configuration problem, already phrased for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// A TOML source with a name for messages.
struct Source<'a> {
    name: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn error(&self, span: std::ops::Range<usize>, message: impl fmt::Display) -> ConfigError {
        let line = self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1;
        ConfigError(format!("{}:{line}: {message}", self.name))
    }
}

/// Find the config file for `start`: the nearest `twelve-lint.toml` or `.twelve-lint.toml`
/// in `start` or one of its ancestors up to `root` (the git work tree, or the linted
/// root outside git), never above it. Both in one directory is an error naming both,
/// and so is a config file that is a symbolic link: links are never followed.
pub fn discover(start: &Path, root: &Path) -> Result<Option<PathBuf>, ConfigError> {
    let within = start.starts_with(root);
    for dir in start.ancestors() {
        if within && !dir.starts_with(root) {
            break;
        }
        let found: Vec<PathBuf> = FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.symlink_metadata().is_ok())
            .collect();
        if let Some(link) = found.iter().find(|p| !p.is_file() || p.is_symlink()) {
            return Err(ConfigError(format!(
                "config file {} is not a regular file (links are not followed); remove it or pass --config",
                link.display()
            )));
        }
        match found.as_slice() {
            [] => {}
            [one] => return Ok(Some(one.clone())),
            [a, b, ..] => {
                return Err(ConfigError(format!(
                    "two config files in one directory, {} and {}; keep one",
                    a.display(),
                    b.display()
                )));
            }
        }
        if !within {
            break;
        }
    }
    Ok(None)
}

/// The largest config file read.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// Read a config file, refusing one over [`MAX_CONFIG_SIZE`].
pub fn read(path: &Path) -> Result<String, ConfigError> {
    use std::io::Read as _;
    let fail = |e: &dyn std::fmt::Display| {
        ConfigError(format!("cannot read config {}: {e}", path.display()))
    };
    let file = std::fs::File::open(path).map_err(|e| fail(&e))?;
    let mut text = String::new();
    file.take(MAX_CONFIG_SIZE + 1)
        .read_to_string(&mut text)
        .map_err(|e| fail(&e))?;
    if text.len() as u64 > MAX_CONFIG_SIZE {
        return Err(fail(&format!("over the {MAX_CONFIG_SIZE}-byte limit")));
    }
    Ok(text)
}

/// Parse config text named `name` (a path or `--option`).
pub fn parse(name: &str, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let src = Source { name, text };
        let message = format!("{}{}", e.message(), key_suggestion(e.message()));
        match e.span() {
            Some(span) => src.error(span, message),
            None => ConfigError(format!("{name}: {message}")),
        }
    })
}

/// `; did you mean `select`?` for serde's "unknown field `selekt`, expected one of
/// `select`, …" when the key is a likely typo of one of them.
fn key_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return String::new();
    };
    let Some((given, expected)) = rest.split_once('`') else {
        return String::new();
    };
    let candidates = expected.split('`').skip(1).step_by(2);
    crate::parse::text::did_you_mean(given, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Settings the command line adds on top of the config file (`None` = not given).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub preview: Option<bool>,
    pub fail_on: Option<Severity>,
    pub exclude: Option<Vec<String>>,
    pub max_file_size: Option<u64>,
    pub include_tests: Option<bool>,
    /// `CODE=severity` pairs.
    pub severity: Vec<String>,
}

/// Resolved settings the engine runs with.
pub struct Settings {
    /// Enabled rules, in code order.
    pub rules: Vec<&'static dyn Rule>,
    pub severity: HashMap<&'static str, Severity>,
    pub fail_on: Severity,
    pub exclude: GlobSet,
    pub overrides: Vec<PathOverride>,
    pub options: HashMap<&'static str, RuleOptions>,
    pub max_file_size: u64,
    pub include_tests: bool,
    /// `[roles]` globs, later files first: the first match decides a file's role.
    pub roles: Vec<(Role, GlobSet)>,
}

/// A resolved `[[overrides]]` entry.
pub struct PathOverride {
    pub paths: GlobSet,
    pub ignore: Vec<&'static str>,
    pub severity: HashMap<&'static str, Severity>,
}

impl Settings {
    /// The severity of `code` at `path`, or `None` when the rule is off there.
    pub fn effective(&self, code: &'static str, path: &str, default: Severity) -> Option<Severity> {
        let mut sev = self.severity.get(code).copied().unwrap_or(default);
        for o in self.overrides.iter().filter(|o| o.paths.is_match(path)) {
            if o.ignore.contains(&code) {
                return None;
            }
            if let Some(s) = o.severity.get(code) {
                sev = *s;
            }
        }
        Some(sev)
    }

    /// True when `code` is enabled.
    pub fn is_enabled(&self, code: &str) -> bool {
        self.rules.iter().any(|r| r.meta().code == code)
    }

    /// The role of the file at `rel`: the config's `[roles]` first, then the deployment
    /// model's signals (path; opening comments when `text` is given; README notices;
    /// then `content`, what the parsed file says of itself, such as a compose service
    /// mounting the source tree).
    pub fn role_of(
        &self,
        rel: &str,
        text: Option<&str>,
        notices: Option<&role::Notices>,
        content: Option<role::Decision>,
    ) -> role::Decision {
        if let Some(r) = self.configured_role(rel) {
            return role::Decision {
                role: r,
                signal: "`[roles]` in the config".to_string(),
            };
        }
        let decision = role::of_file(rel, text, notices);
        match content {
            Some(c) if decision.role == role::Role::Production => c,
            _ => decision,
        }
    }

    /// The role `[roles]` in the config gives `rel`, if any.
    pub fn configured_role(&self, rel: &str) -> Option<Role> {
        self.roles
            .iter()
            .find(|(_, globs)| globs.is_match(rel))
            .map(|(r, _)| *r)
    }

    /// What an enabled rule of `scope` does with a finding in a file of `role`
    /// (`--include-tests` reports every finding).
    pub fn action(&self, scope: Scope, role: Role) -> Action {
        if self.include_tests {
            Action::Report
        } else {
            scope.action(role)
        }
    }

    /// True when the rule of `meta` reports or notes findings in files of `role`.
    pub fn reports_in(&self, meta: &Meta, role: Role) -> bool {
        self.action(meta.scope, role) != Action::Silent
    }

    /// The enabled rules that report or note findings in files of `role`.
    pub fn rules_in(&self, role: Role) -> impl Iterator<Item = &'static Meta> + '_ {
        self.rules
            .iter()
            .map(|r| r.meta())
            .filter(move |m| self.reports_in(m, role))
    }

    /// True when some enabled rule that reads files of `kind` reports or notes findings
    /// in files of `role`: such files are checked, the others only read.
    pub fn checks(&self, kind: FileKind, role: Role) -> bool {
        self.rules_in(role).any(|m| m.kinds.contains(&kind))
    }
}

impl Default for Settings {
    fn default() -> Self {
        resolve(&[], &Overrides::default()).expect("defaults are valid")
    }
}

/// Layer config sources (lowest precedence first) and command-line overrides into settings.
/// Each source is `(name, text)`.
pub fn resolve(sources: &[(String, String)], cli: &Overrides) -> Result<Settings, ConfigError> {
    let mut rules: Vec<&'static dyn Rule> = RULES.to_vec();
    let mut fail_on = Severity::Warning;
    let mut severity = HashMap::new();
    let mut exclude = GlobSetBuilder::new();
    let mut overrides = Vec::new();
    let mut options = HashMap::new();
    let mut max_file_size = DEFAULT_MAX_FILE_SIZE;
    let mut include_tests = false;
    let mut roles = Vec::new();
    let mut select: Option<Vec<&'static str>> = None;
    let mut named: Vec<String> = Vec::new();
    let mut ignore: Vec<&'static str> = Vec::new();
    let mut preview = false;

    for (name, text) in sources {
        let cfg = parse(name, text)?;
        let src = Source { name, text };
        if let Some(list) = &cfg.select {
            select = Some(selectors(&src, "select", list)?);
            named = list.iter().map(|s| s.get_ref().clone()).collect();
        }
        preview = cfg.preview.unwrap_or(preview);
        if let Some(list) = &cfg.ignore {
            ignore.extend(selectors(&src, "ignore", list)?);
        }
        fail_on = cfg.fail_on.unwrap_or(fail_on);
        max_file_size = cfg
            .max_file_size
            .map_or(max_file_size, |n| n.min(MAX_FILE_SIZE_CEILING));
        include_tests = cfg.include_tests.unwrap_or(include_tests);
        for pattern in cfg.exclude.iter().flatten() {
            exclude.add(glob(&src, pattern)?);
        }
        for (key, sev) in cfg.severity.iter().flatten() {
            for code in selector(&src, "severity", key)? {
                severity.insert(code, *sev);
            }
        }
        for o in cfg.overrides.iter().flatten() {
            overrides.push(path_override(&src, o)?);
        }
        for (key, patterns) in cfg.roles.iter().flatten() {
            let r = Role::from_name(key.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
                let guess = crate::parse::text::did_you_mean(key.get_ref(), names.iter().copied())
                    .map(|c| format!("did you mean `{c}`? "))
                    .unwrap_or_default();
                src.error(
                    key.span(),
                    format!(
                        "unknown role `{}` in `[roles]`; {guess}expected one of {}",
                        key.get_ref(),
                        names.join(", ")
                    ),
                )
            })?;
            let mut set = GlobSetBuilder::new();
            for pattern in patterns {
                set.add(glob(&src, pattern)?);
            }
            let set = set
                .build()
                .map_err(|e| ConfigError(format!("{name}: roles: {e}")))?;
            roles.insert(0, (r, set));
        }
        for (key, table) in cfg.rules.iter().flatten() {
            let rule = crate::rules::by_code_or_name(key.get_ref()).ok_or_else(|| {
                src.error(
                    key.span(),
                    format!(
                        "unknown rule `{}` in `[rules]`; {}{HINT}",
                        key.get_ref(),
                        rule_suggestion(key.get_ref())
                    ),
                )
            })?;
            validate_options(&src, rule, table)?;
            let values = table
                .iter()
                .map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone()));
            options.insert(rule.meta().code, values.collect());
        }
    }

    let cli_src = Source {
        name: "command line",
        text: "",
    };
    if let Some(list) = &cli.select {
        select = Some(plain_selectors(&cli_src, "--select", list)?);
        named = list.clone();
    }
    preview = cli.preview.unwrap_or(preview);
    if let Some(list) = &cli.ignore {
        ignore.extend(plain_selectors(&cli_src, "--ignore", list)?);
    }
    fail_on = cli.fail_on.unwrap_or(fail_on);
    max_file_size = cli.max_file_size.unwrap_or(max_file_size);
    include_tests = cli.include_tests.unwrap_or(include_tests);
    for pattern in cli.exclude.iter().flatten() {
        exclude.add(glob(&cli_src, &Spanned::new(0..0, pattern.clone()))?);
    }
    for pair in &cli.severity {
        let (key, level) = pair.split_once('=').ok_or_else(|| {
            ConfigError(format!(
                "--severity `{pair}`: expected CODE=note|warning|error"
            ))
        })?;
        let sev = match level.trim() {
            "note" => Severity::Note,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            other => {
                return Err(ConfigError(format!(
                    "--severity `{pair}`: unknown severity `{other}`; expected one of note, warning, error"
                )));
            }
        };
        for code in plain_selectors(&cli_src, "--severity", &[key.to_string()])? {
            severity.insert(code, sev);
        }
    }

    if let Some(select) = select {
        // The tool's own diagnostics stay on unless ignored explicitly.
        rules.retain(|r| select.contains(&r.meta().code) || r.meta().factor == 0);
    }
    // A preview rule runs with preview on, or when selected by its own code or name
    // (a factor prefix such as `TF03` selects only the stable rules of the factor).
    rules.retain(|r| {
        let m = r.meta();
        preview
            || m.stability == Stability::Stable
            || named.iter().any(|n| {
                n.trim().eq_ignore_ascii_case(m.code) || n.trim().eq_ignore_ascii_case(m.name)
            })
    });
    rules.retain(|r| !ignore.contains(&r.meta().code));
    Ok(Settings {
        rules,
        severity,
        fail_on,
        exclude: exclude
            .build()
            .map_err(|e| ConfigError(format!("exclude: {e}")))?,
        overrides,
        options,
        max_file_size,
        include_tests,
        roles,
    })
}

const HINT: &str = "expected a rule code (TF0301), a factor prefix (TF03) or a rule name (hardcoded-secret); `twelve-lint rules` lists them";

/// `did you mean `X`? ` for a likely typo of a rule code, factor prefix or name.
pub fn rule_suggestion(given: &str) -> String {
    let prefixes: Vec<String> = (0..=12).map(|f| format!("TF{f:02}")).collect();
    let candidates = RULES
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name])
        .chain(prefixes.iter().map(String::as_str));
    crate::parse::text::did_you_mean(given, candidates)
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default()
}

/// Codes named by one selector.
fn selector(
    src: &Source<'_>,
    key: &str,
    sel: &Spanned<String>,
) -> Result<Vec<&'static str>, ConfigError> {
    let codes: Vec<&'static str> = RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.matches(sel.get_ref()))
        .map(|m| m.code)
        .collect();
    if codes.is_empty() {
        return Err(src.error(
            sel.span(),
            format!(
                "unknown rule selector `{}` in `{key}`; {}{HINT}",
                sel.get_ref(),
                rule_suggestion(sel.get_ref())
            ),
        ));
    }
    Ok(codes)
}

fn selectors(
    src: &Source<'_>,
    key: &str,
    list: &[Spanned<String>],
) -> Result<Vec<&'static str>, ConfigError> {
    let mut out = Vec::new();
    for sel in list {
        out.extend(selector(src, key, sel)?);
    }
    Ok(out)
}

fn plain_selectors(
    src: &Source<'_>,
    key: &str,
    list: &[String],
) -> Result<Vec<&'static str>, ConfigError> {
    let spanned: Vec<Spanned<String>> = list
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Spanned::new(0..0, s.trim().to_string()))
        .collect();
    selectors(src, key, &spanned).map_err(|e| ConfigError(e.0.replacen("command line:1: ", "", 1)))
}

fn glob(src: &Source<'_>, pattern: &Spanned<String>) -> Result<Glob, ConfigError> {
    let p = pattern.get_ref().trim_start_matches("./");
    // A bare directory name excludes everything below it too.
    let p = if p.ends_with('/') {
        format!("{p}**")
    } else {
        p.to_string()
    };
    Glob::new(&p).map_err(|e| {
        src.error(
            pattern.span(),
            format!("invalid glob `{}`: {e}", pattern.get_ref()),
        )
    })
}

fn path_override(src: &Source<'_>, o: &Override) -> Result<PathOverride, ConfigError> {
    let mut paths = GlobSetBuilder::new();
    for p in &o.paths {
        paths.add(glob(src, p)?);
    }
    let mut severity = HashMap::new();
    for (key, sev) in o.severity.iter().flatten() {
        for code in selector(src, "overrides.severity", key)? {
            severity.insert(code, *sev);
        }
    }
    Ok(PathOverride {
        paths: paths
            .build()
            .map_err(|e| ConfigError(format!("{}: overrides: {e}", src.name)))?,
        ignore: selectors(
            src,
            "overrides.ignore",
            o.ignore.as_deref().unwrap_or_default(),
        )?,
        severity,
    })
}

/// Check a rule's options; errors point at the offending option or value.
fn validate_options(
    src: &Source<'_>,
    rule: &dyn Rule,
    table: &OptionTable,
) -> Result<(), ConfigError> {
    let meta = rule.meta();
    for (key, value) in table {
        let name = key.get_ref();
        let known: Vec<&str> = meta.options.iter().map(|o| o.name).collect();
        if !known.contains(&name.as_str()) {
            let valid = if known.is_empty() {
                "it takes no options".to_string()
            } else {
                let guess = crate::parse::text::did_you_mean(name, known.iter().copied())
                    .map(|c| format!("did you mean `{c}`? "))
                    .unwrap_or_default();
                format!("{guess}valid options: {}", known.join(", "))
            };
            return Err(src.error(
                key.span(),
                format!("unknown option `{name}` for rule {}; {valid}", meta.code),
            ));
        }
        let is_list = value
            .get_ref()
            .as_array()
            .is_some_and(|a| a.iter().all(|v| v.is_str()));
        if !is_list {
            return Err(src.error(
                value.span(),
                format!(
                    "option `{name}` of rule {} must be a list of strings",
                    meta.code
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Vec<(String, String)> {
        vec![("twelve-lint.toml".to_string(), text.to_string())]
    }

    /// Removes the `null` schemars allows for `Option` fields: TOML has no null, a setting is
    /// left unset by leaving its key out.
    fn drop_null(schema: &mut serde_json::Value) {
        use serde_json::Value;
        let Value::Object(map) = schema else { return };
        if let Some(Value::Array(types)) = map.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let only = types.remove(0);
                map.insert("type".into(), only);
            }
        }
        if let Some(Value::Array(any)) = map.get("anyOf")
            && let [one, null] = any.as_slice()
            && null == &serde_json::json!({ "type": "null" })
        {
            let one = one.clone();
            map.remove("anyOf");
            if let Value::Object(one) = one {
                map.extend(one);
            }
        }
        for value in map.values_mut() {
            match value {
                Value::Object(_) => drop_null(value),
                Value::Array(items) => items.iter_mut().for_each(drop_null),
                _ => {}
            }
        }
    }

    /// `twelve-lint.schema.json` (for editors: `#:schema` in twelve-lint.toml) is generated
    /// from [`FileConfig`]; `TWELVE_LINT_BLESS=1 cargo test --lib config` rewrites it.
    #[test]
    fn committed_json_schema_is_current() {
        let mut schema = serde_json::to_value(schemars::schema_for!(FileConfig)).unwrap();
        drop_null(&mut schema);
        schema["title"] = serde_json::json!("twelve-lint.toml");
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("twelve-lint.schema.json");
        if std::env::var_os("TWELVE_LINT_BLESS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        assert!(
            std::fs::read_to_string(&path).is_ok_and(|committed| committed == text),
            "twelve-lint.schema.json is stale: TWELVE_LINT_BLESS=1 cargo test --lib config"
        );
    }

    #[test]
    fn unknown_key_names_file_line_and_choices() {
        let err = resolve(
            &src("fail-on = \"error\"\nselct = []\n"),
            &Overrides::default(),
        )
        .err()
        .unwrap();
        assert!(err.0.starts_with("twelve-lint.toml:2:"), "{err}");
        assert!(err.0.ends_with("; did you mean `select`?"), "{err}");
        let err = resolve(
            &src("select = [\"TF0210\", \"hardcoded-secrets\"]\n"),
            &Overrides::default(),
        )
        .err()
        .unwrap();
        assert!(err.0.contains("did you mean `TF0201`?"), "{err}");
        let err = resolve(
            &src("select = [\"hardcoded-secrets\"]\n"),
            &Overrides::default(),
        )
        .err()
        .unwrap();
        assert!(err.0.contains("did you mean `hardcoded-secret`?"), "{err}");
        let err = resolve(
            &src("[rules.TF0201]\nallowed-image = []\n"),
            &Overrides::default(),
        )
        .err()
        .unwrap();
        assert!(err.0.contains("did you mean `allowed-images`?"), "{err}");
        let err = resolve(
            &src("select = [\"TF0201\"]\nzzz = 1\n"),
            &Overrides::default(),
        )
        .err()
        .unwrap();
        assert!(!err.0.contains("did you mean"), "{err}");
    }

    #[test]
    fn bad_severity_lists_choices() {
        let err = resolve(&src("fail-on = \"fatal\"\n"), &Overrides::default())
            .err()
            .unwrap();
        assert!(err.0.contains("note") && err.0.contains("error"), "{err}");
    }

    #[test]
    fn selection_layers_and_keeps_tool_rules() {
        let s = resolve(
            &src("preview = true\nselect = [\"TF02\"]\n"),
            &Overrides::default(),
        )
        .unwrap();
        assert!(s.is_enabled("TF0201"));
        assert!(!s.is_enabled("TF0301"));
        assert!(s.is_enabled("TF0001"));
        let cli = Overrides {
            select: Some(vec!["hardcoded-secret".into()]),
            ..Overrides::default()
        };
        let s = resolve(&src("preview = true\nselect = [\"TF02\"]\n"), &cli).unwrap();
        assert!(s.is_enabled("TF0301") && !s.is_enabled("TF0201"));
        let err = resolve(&src("ignore = [\"TF99\"]\n"), &Overrides::default())
            .err()
            .unwrap();
        assert!(
            err.0.starts_with("twelve-lint.toml:1:") && err.0.contains("TF99"),
            "{err}"
        );
    }

    #[test]
    fn preview_rules_need_preview_or_their_own_code() {
        let preview = RULES
            .iter()
            .map(|r| r.meta())
            .find(|m| m.stability == Stability::Preview)
            .expect("some rule is in preview");
        let prefix = &preview.code[..4];
        assert!(
            !resolve(&[], &Overrides::default())
                .unwrap()
                .is_enabled(preview.code)
        );
        let by_prefix = resolve(
            &src(&format!("select = [\"{prefix}\"]\n")),
            &Overrides::default(),
        );
        assert!(!by_prefix.unwrap().is_enabled(preview.code));
        for text in [
            format!("select = [\"{}\"]\n", preview.code),
            format!("select = [\"{}\"]\n", preview.name),
            "preview = true\n".to_string(),
        ] {
            assert!(
                resolve(&src(&text), &Overrides::default())
                    .unwrap()
                    .is_enabled(preview.code),
                "{text}"
            );
        }
        let cli = Overrides {
            preview: Some(true),
            ..Overrides::default()
        };
        let s = resolve(&src(&format!("select = [\"{prefix}\"]\n")), &cli).unwrap();
        assert!(s.is_enabled(preview.code));
        let cli = Overrides {
            ignore: Some(vec![preview.code.to_string()]),
            ..Overrides::default()
        };
        assert!(
            !resolve(&src("preview = true\n"), &cli)
                .unwrap()
                .is_enabled(preview.code)
        );
    }

    #[test]
    fn roles_correct_the_model() {
        let s = resolve(
            &src("[roles]\nproduction = [\"tools/release/**\"]\ntest = [\"qa/\"]\n"),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(
            s.role_of("tools/release/Dockerfile", None, None, None).role,
            Role::Production
        );
        assert_eq!(
            s.role_of("qa/compose.yaml", None, None, None).role,
            Role::Test
        );
        assert_eq!(
            s.role_of("tools/gen/Dockerfile", None, None, None).role,
            Role::Tooling
        );
        let err = resolve(&src("[roles]\nstaging = [\"x\"]\n"), &Overrides::default())
            .err()
            .unwrap();
        assert!(
            err.0.starts_with("twelve-lint.toml:2:") && err.0.contains("development"),
            "{err}"
        );
    }

    #[test]
    fn overrides_and_options() {
        let text = "[severity]\nTF0201 = \"error\"\n[[overrides]]\npaths = [\"deploy/**\"]\nignore = [\"TF0301\"]\n[rules.TF0201]\nallowed-images = [\"corp/base\"]\n";
        let s = resolve(&src(text), &Overrides::default()).unwrap();
        assert_eq!(
            s.effective("TF0201", "x/Dockerfile", Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(
            s.effective("TF0301", "deploy/a.yaml", Severity::Error),
            None
        );
        let err = resolve(
            &src("[rules.TF0201]\nallowed-images = [\"a\"]\nnope = [\"x\"]\n"),
            &Overrides::default(),
        )
        .err()
        .unwrap();
        assert!(
            err.0.starts_with("twelve-lint.toml:3:") && err.0.contains("allowed-images"),
            "{err}"
        );
        let err = resolve(
            &src("[rules.TF0201]\n\nallowed-images = \"corp/base\"\n"),
            &Overrides::default(),
        )
        .err()
        .unwrap();
        assert!(
            err.0.starts_with("twelve-lint.toml:3:") && err.0.contains("list of strings"),
            "{err}"
        );
    }
}
