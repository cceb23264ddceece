//! What a container runs when it starts: the effective `CMD`/`ENTRYPOINT` of a
//! Dockerfile's runtime stage, compose `entrypoint`/`command`, Kubernetes
//! container `command`/`args`, and `*entrypoint*.sh` scripts — as shell text
//! with a way back to file spans.

use std::cell::OnceCell;
use std::ops::Range;

use crate::model::role::{self, Role};
use crate::model::source::{FileKind, SourceFile, is_service_run_script};
use crate::parse::dockerfile::{Args, Instruction};
use crate::parse::shell::{self, Command, SHELLS, Sep};
use crate::parse::yaml::{self, DocKind, Node};

/// Where a start command is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Dockerfile `CMD` or `ENTRYPOINT`.
    Dockerfile,
    /// Compose `entrypoint`/`command`.
    Compose,
    /// A Kubernetes container's `command`/`args`.
    Kubernetes,
    /// An entrypoint script.
    Script,
}

/// One start command.
#[derive(Debug)]
pub struct Launch<'f> {
    /// The command as shell text (the script of `sh -c SCRIPT` when wrapped in one).
    pub text: String,
    pub origin: Origin,
    /// What declares it: `CMD`, `ENTRYPOINT`, `command`, `args`, `entrypoint script`.
    pub keyword: &'static str,
    /// True when written as a list of words (exec form) rather than shell text.
    pub exec_form: bool,
    /// The shell that runs `text`, when one does: the program of an exec-form
    /// `sh -c SCRIPT` (unwrapped into `text`), or the `SHELL` (`/bin/sh` by default) of a
    /// Dockerfile's shell form.
    pub shell: Option<String>,
    /// True for Kubernetes init containers.
    pub init: bool,
    /// True for a development setup: a compose file named for dev/local/test/override
    /// use, or a compose service that bind-mounts the source tree.
    pub dev: bool,
    /// The whole declaration in the file.
    pub span: Range<usize>,
    map: Map<'f>,
    commands: OnceCell<Vec<shell::Command>>,
}

/// How offsets of [`Launch::text`] map back to the file.
#[derive(Debug)]
enum Map<'f> {
    /// Dockerfile shell form: through the instruction's continuation-aware arguments.
    Args(&'f Args),
    /// The text is the file itself, from this offset.
    Offset(usize),
    /// Pieces of text (one per list item or scalar) and the file span of each.
    Pieces(Vec<(Range<usize>, Range<usize>)>),
}

impl Launch<'_> {
    /// The file span of `range` of [`Launch::text`] (the enclosing item for list forms).
    pub fn file_span(&self, range: Range<usize>) -> Range<usize> {
        match &self.map {
            Map::Args(args) => args.file_span(range),
            Map::Offset(at) => at + range.start..at + range.end,
            Map::Pieces(pieces) => pieces
                .iter()
                .find(|(text, _)| {
                    text.start <= range.start && range.start < text.end.max(text.start + 1)
                })
                .map_or(self.span.clone(), |(_, file)| file.clone()),
        }
    }

    /// True when the script hands PID 1 to the program: it starts with `exec`, or it
    /// prepares the process in the foreground and `exec`s its last command
    /// (`ulimit -c 0 && exec ./server`).
    pub fn hands_over_with_exec(&self) -> bool {
        let commands = self.commands();
        let execs = |c: &Command| c.words.first().is_some_and(|(w, _)| w == "exec");
        commands.first().is_some_and(execs)
            || (commands.last().is_some_and(execs)
                && commands.iter().all(|c| c.sep != Sep::Background))
    }

    /// True when an exec-form list starts a shell with `-c SCRIPT`.
    pub fn shell_wrapped(&self) -> bool {
        self.exec_form && self.shell.is_some()
    }

    /// True for an exec-form `ENTRYPOINT` that runs its arguments as a command: an init
    /// shim or privilege dropper with nothing after it (`["tini", "--"]`,
    /// `["dumb-init"]`, `["gosu", "app"]`) or an entrypoint script alone
    /// (`["/docker-entrypoint.sh"]`, which by convention ends in `exec "$@"`). `CMD` then
    /// names the command it starts.
    pub fn runs_its_arguments(&self) -> bool {
        if !self.exec_form || self.shell_wrapped() {
            return false;
        }
        let words = self.commands().first().map_or(&[][..], |c| &c.words[..]);
        let Some((first, _)) = words.first() else {
            return false;
        };
        let program = first.rsplit('/').next().unwrap_or(first);
        let rest: Vec<&str> = words[1..]
            .iter()
            .map(|(w, _)| w.as_str())
            .filter(|w| !w.starts_with('-'))
            .collect();
        match program {
            _ if INIT_SHIMS.contains(&program) => rest.is_empty(),
            // `gosu USER COMMAND…`, `su-exec USER[:GROUP] COMMAND…`
            "gosu" | "su-exec" => rest.len() == 1,
            _ => words.len() == 1 && (program.ends_with(".sh") || is_named_entrypoint(program)),
        }
    }

    /// The simple commands of the launch, with separators (split once).
    pub fn commands(&self) -> &[shell::Command] {
        self.commands.get_or_init(|| shell::commands(&self.text))
    }

    /// The file span of a whole simple command.
    pub fn command_span(&self, cmd: &shell::Command) -> Range<usize> {
        let whole = cmd.span().unwrap_or(0..0);
        let first = self.file_span(whole.clone());
        let last = self.file_span(cmd.words.last().map_or(whole, |w| w.1.clone()));
        first.start..last.end.max(first.end)
    }

    /// Describes where the launch is declared, for messages.
    pub fn what(&self) -> String {
        match self.origin {
            Origin::Dockerfile => format!("`{}`", self.keyword),
            Origin::Compose => format!("compose `{}`", self.keyword),
            Origin::Kubernetes if self.init => format!("init container `{}`", self.keyword),
            Origin::Kubernetes => format!("container `{}`", self.keyword),
            Origin::Script => "the entrypoint script".to_string(),
        }
    }
}

/// Every start command declared in `file` (read through [`SourceFile::launches`], which
/// keeps them).
pub(super) fn launches<'a>(file: &SourceFile<'a>) -> Vec<Launch<'a>> {
    match file.kind {
        FileKind::Dockerfile => file.dockerfile().map_or_else(Vec::new, |df| {
            // The effective instruction: the last in the runtime stage chain, newest stage first.
            let runtime = df.runtime_stages();
            let effective = |keyword: &str| {
                runtime
                    .iter()
                    .find_map(|stage| stage.body.iter().rev().find(|i| i.keyword == keyword))
            };
            let shell = effective("SHELL")
                .and_then(|i| i.exec.as_ref()?.first())
                .map_or("/bin/sh", |w| w.value.as_str());
            ["ENTRYPOINT", "CMD"]
                .into_iter()
                .filter_map(|keyword| from_instruction(effective(keyword)?, keyword, shell))
                .collect()
        }),
        FileKind::Yaml => file
            .yaml()
            .iter()
            .flat_map(|doc| from_yaml(file, &doc.node, &doc.kind))
            .collect(),
        FileKind::Shell => vec![Launch {
            text: file.text.to_string(),
            origin: Origin::Script,
            keyword: "entrypoint script",
            exec_form: false,
            shell: None,
            init: false,
            dev: false,
            span: 0..file.text.len(),
            map: Map::Offset(0),
            commands: OnceCell::new(),
        }],
        _ => Vec::new(),
    }
}

/// Init shims that start the command they are given and forward signals to it.
pub const INIT_SHIMS: &[&str] = &["tini", "tini-static", "dumb-init", "catatonit"];

/// Scripts whose name says they are a container's entrypoint: `entrypoint.sh`,
/// `docker-entrypoint.sh`, `scheduler-entrypoint.sh`.
pub fn is_named_entrypoint(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.to_ascii_lowercase().contains("entrypoint")
}

/// True when the script at `path` says by its name and place what starts it: a container
/// entrypoint ([`is_named_entrypoint`]) or a supervised service's `run` script
/// ([`is_service_run_script`]). Any other script (`start.sh`, `run.sh`) starts a
/// container only when a Dockerfile's start command runs it
/// ([`crate::diagnostic::Condition::StartedByContainer`]).
pub fn starts_by_name(path: &str) -> bool {
    is_named_entrypoint(path) || is_service_run_script(path)
}

/// The launch `inst` declares; `shell` runs it in shell form.
fn from_instruction<'f>(
    inst: &'f Instruction,
    keyword: &'static str,
    shell: &str,
) -> Option<Launch<'f>> {
    let span = inst.span.clone();
    match &inst.exec {
        Some(words) => {
            let items: Vec<(String, Range<usize>)> = words
                .iter()
                .map(|w| (w.value.clone(), w.span.clone()))
                .collect();
            Some(from_items(items, Origin::Dockerfile, keyword, span, false))
        }
        None if inst.args.text.trim().is_empty() => None,
        None => Some(Launch {
            text: inst.args.text.clone(),
            origin: Origin::Dockerfile,
            keyword,
            exec_form: false,
            shell: Some(shell.to_string()),
            init: false,
            dev: false,
            span,
            map: Map::Args(&inst.args),
            commands: OnceCell::new(),
        }),
    }
}

/// A launch from exec-form items, unwrapping `sh -c SCRIPT`.
fn from_items<'f>(
    items: Vec<(String, Range<usize>)>,
    origin: Origin,
    keyword: &'static str,
    span: Range<usize>,
    init: bool,
) -> Launch<'f> {
    let program = items
        .first()
        .map(|(w, _)| w.rsplit('/').next().unwrap_or(w));
    let c_at = items
        .iter()
        .position(|(w, _)| w == "-c" || w == "-ec" || w == "-lc");
    let shell = match (program, c_at) {
        (Some(p), Some(at)) if SHELLS.contains(&p) && at + 1 < items.len() => {
            items.first().map(|(w, _)| w.clone())
        }
        _ => None,
    };
    let shell_wrapped = shell.is_some();
    let items = match c_at {
        Some(at) if shell_wrapped => items[at + 1..at + 2].to_vec(),
        _ => items,
    };
    let mut text = String::new();
    let mut pieces = Vec::new();
    for (value, file_span) in items {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        // Words with spaces stay one word when the text is split again.
        if value.contains(char::is_whitespace) && !pieces.is_empty() {
            text.push('\'');
            text.push_str(&value.replace('\'', ""));
            text.push('\'');
        } else {
            text.push_str(&value);
        }
        pieces.push((start..text.len(), file_span));
    }
    Launch {
        text,
        origin,
        keyword,
        exec_form: true,
        shell,
        init,
        dev: false,
        span,
        map: Map::Pieces(pieces),
        commands: OnceCell::new(),
    }
}

fn from_yaml<'f>(file: &SourceFile<'_>, doc: &Node<'_>, kind: &DocKind) -> Vec<Launch<'f>> {
    let mut out = Vec::new();
    match kind {
        DocKind::Compose => {
            let dev_file = is_dev_compose_file(file.path);
            for (_, svc) in yaml::compose_services(doc) {
                let dev = dev_file || role::mounts_source(svc);
                out.extend(
                    of_compose_service(file, svc)
                        .into_iter()
                        .map(|l| Launch { dev, ..l }),
                );
            }
        }
        DocKind::Kubernetes(_) => {
            for (list_key, list) in yaml::values_under(doc, &["containers", "initContainers"]) {
                let init = list_key == "initContainers";
                for c in yaml::sequence(list).unwrap_or_default() {
                    out.extend(of_container(file, c, init));
                }
            }
        }
        DocKind::Other => {}
    }
    out
}

/// The start commands a compose service declares: its `entrypoint` and `command`.
pub fn of_compose_service<'f>(file: &SourceFile<'_>, svc: &Node<'_>) -> Vec<Launch<'f>> {
    ["entrypoint", "command"]
        .into_iter()
        .filter_map(|key| from_yaml_value(file, yaml::get(svc, key)?, Origin::Compose, key, false))
        .collect()
}

/// The start command a Kubernetes container declares (its `command` and `args` as one),
/// if any; `init` for an init container.
pub fn of_container<'f>(file: &SourceFile<'_>, c: &Node<'_>, init: bool) -> Option<Launch<'f>> {
    let parts: Vec<(&'static str, &Node<'_>)> = [("command", "command"), ("args", "args")]
        .into_iter()
        .filter_map(|(k, label)| yaml::get(c, k).map(|n| (label, n)))
        .collect();
    let (keyword, first) = parts.first().copied()?;
    let mut items = Vec::new();
    for (_, node) in &parts {
        items.extend(yaml_items(file, node));
    }
    let start = file.yaml_span(first).start;
    let end = parts
        .iter()
        .map(|(_, n)| file.yaml_span(n).end)
        .max()
        .unwrap_or(start);
    Some(from_items(
        items,
        Origin::Kubernetes,
        keyword,
        start..end,
        init,
    ))
}

/// The programs of `programs` that are one of the binaries `names` (package and binary
/// target names), `-` and `_` alike.
pub fn programs_named<'a>(
    programs: &'a [String],
    names: &[String],
) -> impl Iterator<Item = &'a String> {
    let fold = |n: &str| n.to_ascii_lowercase().replace('-', "_");
    let names: Vec<String> = names.iter().map(|n| fold(n)).collect();
    programs
        .iter()
        .filter(move |program| names.contains(&fold(program)))
}

/// Compose files that are not production by their path (`docker-compose.dev.yml`,
/// `compose.override.yaml`, `ci/compose.yaml`), from the deployment model.
pub fn is_dev_compose_file(path: &str) -> bool {
    role::of_path(path).role != Role::Production
}

/// True when the file name, split at `.`, `-` and `_`, has one of `parts`
/// (`docker-compose.prod.yml` has `prod`).
pub fn file_name_has_part(path: &str, parts: &[&str]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.split(['.', '-', '_'])
        .any(|part| parts.contains(&part))
}

/// A compose `command`/`entrypoint`: a list, or a string compose splits into words.
fn from_yaml_value<'f>(
    file: &SourceFile<'_>,
    node: &Node<'_>,
    origin: Origin,
    keyword: &'static str,
    init: bool,
) -> Option<Launch<'f>> {
    let span = file.yaml_span(node);
    if let Some(text) = yaml::scalar_str(node) {
        let items: Vec<(String, Range<usize>)> = shell::commands(text)
            .into_iter()
            .next()
            .filter(|c| {
                c.words
                    .first()
                    .is_some_and(|(w, _)| SHELLS.contains(&w.rsplit('/').next().unwrap_or(w)))
            })
            .map(|c| {
                c.words
                    .into_iter()
                    .map(|(w, _)| (w, span.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if items.iter().any(|(w, _)| w == "-c") {
            return Some(from_items(items, origin, keyword, span, init));
        }
        return Some(Launch {
            text: text.to_string(),
            origin,
            keyword,
            exec_form: false,
            shell: None,
            init,
            dev: false,
            span: span.clone(),
            map: Map::Pieces(vec![(0..text.len(), span)]),
            commands: OnceCell::new(),
        });
    }
    let items = yaml_items(file, node);
    (!items.is_empty()).then(|| from_items(items, origin, keyword, span, init))
}

/// The scalar items of a YAML list (or a lone scalar), with their spans.
fn yaml_items(file: &SourceFile<'_>, node: &Node<'_>) -> Vec<(String, Range<usize>)> {
    match yaml::sequence(node) {
        Some(items) => items
            .iter()
            .filter_map(|n| yaml::scalar_text(n).map(|t| (t, file.yaml_span(n))))
            .collect(),
        None => yaml::scalar_text(node)
            .map(|t| vec![(t, file.yaml_span(node))])
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_shell_c_scripts() {
        let items = vec![
            ("/bin/sh".to_string(), 0..7),
            ("-c".to_string(), 8..10),
            ("cargo build && ./app".to_string(), 11..30),
        ];
        let l = from_items(items, Origin::Kubernetes, "command", 0..30, false);
        assert_eq!(l.text, "cargo build && ./app");
        assert_eq!(l.file_span(15..20), 11..30);
        let plain = from_items(
            vec![
                ("./app".into(), 0..5),
                ("--name".into(), 6..12),
                ("a b".into(), 13..18),
            ],
            Origin::Dockerfile,
            "CMD",
            0..18,
            false,
        );
        assert_eq!(shell::commands(&plain.text)[0].words.len(), 3);
    }

    #[test]
    fn entrypoints_that_run_their_arguments() {
        let entrypoint = |words: &[&str]| {
            let items = words.iter().map(|w| (w.to_string(), 0..w.len())).collect();
            from_items(items, Origin::Dockerfile, "ENTRYPOINT", 0..1, false).runs_its_arguments()
        };
        assert!(entrypoint(&["tini", "--"]));
        assert!(entrypoint(&["/sbin/tini", "-g", "--"]));
        assert!(entrypoint(&["dumb-init"]));
        assert!(entrypoint(&["gosu", "app"]));
        assert!(entrypoint(&["/docker-entrypoint.sh"]));
        assert!(!entrypoint(&["tini", "--", "/usr/local/bin/app"]));
        assert!(!entrypoint(&["gosu", "app", "/usr/local/bin/app"]));
        assert!(!entrypoint(&["/usr/local/bin/app"]));
        assert!(!entrypoint(&["/docker-entrypoint.sh", "serve"]));
        assert!(!entrypoint(&["/bin/sh", "-c", "exec app"]));
        assert!(!entrypoint(&[]));
    }
}
