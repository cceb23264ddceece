//! A Dockerfile tokenizer that follows BuildKit's parser: parser directives
//! (`# escape=`, `# syntax=`), line continuations with interleaved comments and
//! blank lines, heredocs (`RUN <<EOF`), exec vs shell form and `--flags`, with a
//! byte span for every instruction, flag and word.

use std::collections::HashMap;
use std::ops::Range;

use crate::parse::image::ImageRef;
use crate::parse::shell;

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// For each stage, the earlier stage it is built `FROM` ([`base_stages`]), found on
    /// first use: rules ask for the runtime stages of a file many times.
    bases: std::sync::OnceLock<Vec<Option<usize>>>,
}

/// One instruction, possibly spanning several physical lines.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// Upper-cased keyword, e.g. `FROM`.
    pub keyword: String,
    /// Span of the keyword as written.
    pub keyword_span: Range<usize>,
    /// Span of the whole instruction including continuations and heredoc bodies.
    pub span: Range<usize>,
    /// Leading `--name=value` flags.
    pub flags: Vec<Word>,
    /// The arguments after the flags, continuations joined.
    pub args: Args,
    /// `Some` when the arguments are a JSON array (exec form).
    pub exec: Option<Vec<Word>>,
    /// Heredoc bodies, in order.
    pub heredocs: Vec<Heredoc>,
    /// The simple commands of each of [`Instruction::scripts`], split on first use: the
    /// fact extraction and several rules read the same `RUN` scripts.
    commands: std::sync::OnceLock<Vec<Vec<shell::Command>>>,
}

/// A word of an instruction with its span in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed.
    pub value: String,
    pub span: Range<usize>,
}

/// One setting of an `ENV`, `ARG` or `LABEL` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: Option<String>,
    pub value: String,
    /// The value as written in the file.
    pub span: Range<usize>,
}

/// A heredoc body (`<<EOF ... EOF`).
#[derive(Debug, Clone)]
pub struct Heredoc {
    pub name: String,
    pub body: String,
    pub body_span: Range<usize>,
}

/// Argument text with continuations removed, mapping back to file offsets.
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub text: String,
    /// `(offset in text, offset in file)` at the start of each physical piece.
    pieces: Vec<(usize, usize)>,
}

impl Args {
    fn push(&mut self, piece: &str, file_offset: usize) {
        self.pieces.push((self.text.len(), file_offset));
        self.text.push_str(piece);
    }

    /// The file offset of byte `i` of [`Args::text`].
    pub fn file_offset(&self, i: usize) -> usize {
        let idx = match self.pieces.binary_search_by_key(&i, |p| p.0) {
            Ok(idx) => idx,
            Err(0) => 0,
            Err(idx) => idx - 1,
        };
        match self.pieces.get(idx) {
            Some((text_at, file_at)) => file_at + (i - text_at),
            None => 0,
        }
    }

    /// The file span of `range` of [`Args::text`].
    pub fn file_span(&self, range: Range<usize>) -> Range<usize> {
        let start = self.file_offset(range.start);
        let end = if range.end > range.start {
            self.file_offset(range.end - 1) + 1
        } else {
            start
        };
        start..end.max(start)
    }

    /// The arguments from byte `skip` of [`Args::text`] on.
    fn tail(&self, skip: usize) -> Args {
        let mut pieces = vec![(0, self.file_offset(skip))];
        pieces.extend(
            self.pieces
                .iter()
                .filter(|(t, _)| *t > skip)
                .map(|(t, f)| (t - skip, *f)),
        );
        Args {
            text: self.text[skip..].to_string(),
            pieces,
        }
    }

    /// Shell-like words (quotes respected and removed) with file spans.
    pub fn words(&self) -> Vec<Word> {
        split_words(&self.text)
            .into_iter()
            .map(|(value, range)| Word {
                value,
                span: self.file_span(range),
            })
            .collect()
    }
}

/// A build stage: its `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone, Copy)]
pub struct Stage<'d> {
    pub from: &'d Instruction,
    /// Instructions after `FROM`, in order.
    pub body: &'d [Instruction],
}

/// For each stage, whether `holds` for it or for a later stage built on it (`FROM <its
/// alias>`), directly or through others: what is set up there runs on the stage's base.
/// One pass over the stages, however long the chain.
pub fn lineage_any(stages: &[Stage<'_>], holds: impl Fn(&Stage<'_>) -> bool) -> Vec<bool> {
    let parent = base_stages(stages);
    let mut out: Vec<bool> = stages.iter().map(holds).collect();
    for i in (0..stages.len()).rev() {
        if let (true, Some(p)) = (out[i], parent[i]) {
            out[p] = true;
        }
    }
    out
}

/// For each stage, the earlier stage its `FROM` names, if any. As in BuildKit, `FROM
/// name` names the latest stage before it called `name`.
fn base_stages(stages: &[Stage<'_>]) -> Vec<Option<usize>> {
    let mut by_alias: HashMap<String, usize> = HashMap::new();
    let mut base = Vec::with_capacity(stages.len());
    for (i, stage) in stages.iter().enumerate() {
        base.push(
            stage
                .image()
                .and_then(|w| by_alias.get(&w.value.to_ascii_lowercase()).copied()),
        );
        if let Some(alias) = stage.alias() {
            by_alias.insert(alias, i);
        }
    }
    base
}

/// For each stage, whether a later stage is built `FROM` it (`base` from [`base_stages`]).
fn built_from(base: &[Option<usize>]) -> Vec<bool> {
    let mut from = vec![false; base.len()];
    for &b in base.iter().flatten() {
        from[b] = true;
    }
    from
}

/// Stage `last` and the earlier stages it is built `FROM`, last first.
fn chain_to<'d>(stages: &[Stage<'d>], base: &[Option<usize>], last: usize) -> Vec<Stage<'d>> {
    std::iter::successors(Some(last), |&i| base[i])
        .map(|i| stages[i])
        .collect()
}

impl Stage<'_> {
    /// True for a build argument the stage declares without a default (`ARG ASAN`), and
    /// without one in the global `ARG` it may take over from `globals`: unset unless the
    /// build passes it.
    pub fn leaves_unset(&self, name: &str, globals: &GlobalArgs<'_>) -> bool {
        let declared = self
            .body
            .iter()
            .flat_map(declared_args)
            .find(|(n, _)| n == name);
        declared.is_some_and(|(_, default)| default.is_none())
            && globals
                .get(name)
                .is_none_or(|(default, _)| default.is_none())
    }

    /// The image word of the `FROM` (`rust:1.83` in `FROM rust:1.83 AS build`).
    pub fn image(&self) -> Option<Word> {
        self.from.args.words().into_iter().next()
    }

    /// True when the stage only fetches and unpacks files: it has a `RUN`, and every
    /// command of every `RUN` downloads, unpacks, moves or checks files, or is shell
    /// control flow or an assignment (`wget …/app-1.2-x86_64.tar.gz && tar -xf … && mv app
    /// /bin/`). What such a stage leaves behind is what it downloaded, whatever release
    /// of its base image it ran in.
    pub fn only_fetches_files(&self) -> bool {
        let runs: Vec<&Instruction> = self.body.iter().filter(|i| i.keyword == "RUN").collect();
        !runs.is_empty()
            && runs.iter().all(|run| {
                run.exec.is_none()
                    && run.heredocs.is_empty()
                    && shell::commands(&run.args.text).iter().all(|c| {
                        c.words.first().is_none_or(|(w, _)| {
                            let program = w.rsplit('/').next().unwrap_or(w);
                            FETCH_PROGRAMS.contains(&program)
                                || (w.contains('=') && !w.starts_with('-'))
                        })
                    })
            })
    }

    /// True when a `RUN` of the stage makes a versioned Rust toolchain the default with
    /// rustup (`rustup default 1.83.0`, `rustup default nightly-2026-05-20`): the Rust
    /// of the base image is then not the one that builds.
    pub fn pins_rust_toolchain(&self) -> bool {
        self.body
            .iter()
            .filter(|i| i.keyword == "RUN")
            .flat_map(|run| shell::commands(&run.args.text))
            .any(|c| {
                let words: Vec<&str> = c.words.iter().map(|(w, _)| w.as_str()).collect();
                matches!(words.as_slice(), [rustup, "default", toolchain, ..]
                    if rustup.rsplit('/').next() == Some("rustup")
                        && toolchain.bytes().any(|b| b.is_ascii_digit()))
            })
    }

    /// True when a `RUN` of the stage may compile Rust: `rustc`, a `cargo` subcommand
    /// that builds (everything but those that only fetch, install prebuilt binaries or
    /// run tests from a nextest archive), `cargo chef cook`, or a command that may call
    /// cargo itself (a repository script, `make`, `just`, `sh -c` naming cargo).
    pub fn compiles_rust(&self) -> bool {
        self.body
            .iter()
            .filter(|i| i.keyword == "RUN")
            .flat_map(|run| shell::commands(&run.args.text))
            .any(|c| {
                let Some((at, program)) = c.program() else {
                    return false;
                };
                let words: Vec<&str> = c.words[at + 1..].iter().map(|(w, _)| w.as_str()).collect();
                match program {
                    "rustc" => true,
                    "cargo" => cargo_compiles(&words),
                    "make" | "just" | "cross" => true,
                    "sh" | "bash" | "ash" | "dash" => words.iter().any(|w| {
                        w.ends_with(".sh")
                            || w.split_whitespace().any(|x| matches!(x, "cargo" | "rustc"))
                    }),
                    _ => {
                        program.starts_with("cargo-")
                            || program.ends_with(".sh")
                            || c.words[at].0.starts_with("./")
                    }
                }
            })
    }

    /// True when the stage copies in the repository's `rust-toolchain.toml` (or legacy
    /// `rust-toolchain`), by name or with the whole context.
    pub fn copies_rust_toolchain_file(&self) -> bool {
        ["rust-toolchain.toml", "rust-toolchain"]
            .iter()
            .any(|f| self.copies_context_file(f))
    }

    /// True when a `COPY`/`ADD` of the build context (not `--from` a stage) brings in the
    /// top-level file `name`: the whole context (`COPY . .`) or the file itself.
    pub fn copies_context_file(&self, name: &str) -> bool {
        self.body
            .iter()
            .flat_map(Instruction::context_sources)
            .any(|source| matches!(source.as_str(), "" | "." | "*") || source == name)
    }

    /// The paths of the build context the stage copies in (`COPY`/`ADD` sources without
    /// `--from`, URLs left out), as written without `./` and a trailing `/`; `None` when
    /// it may take the whole context or a repository (`COPY . .`, a glob, a bind mount
    /// of the context, `git clone`).
    pub fn context_sources(&self) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for i in self.body {
            for source in i.context_sources() {
                if matches!(source.as_str(), "" | ".") || source.contains(['*', '?', '$']) {
                    return None;
                }
                if !source.contains("://") {
                    out.push(source);
                }
            }
            if i.keyword == "RUN" {
                let binds_context = i
                    .flags
                    .iter()
                    .any(|f| f.value.contains("type=bind") && !f.value.contains("from="));
                let clones = shell::commands(&i.args.text).iter().any(|c| {
                    c.words
                        .windows(2)
                        .any(|w| w[0].0.ends_with("git") && w[1].0 == "clone")
                });
                if binds_context || clones {
                    return None;
                }
            }
        }
        Some(out)
    }

    /// The stage name (`build` in `FROM rust AS build`), lower-cased.
    pub fn alias(&self) -> Option<String> {
        match self.from.args.words().as_slice() {
            [_, kw, name, ..] if kw.value.eq_ignore_ascii_case("as") => {
                Some(name.value.to_ascii_lowercase())
            }
            _ => None,
        }
    }
}

/// The build arguments an `ARG` instruction declares, each with its default
/// (`ARG VERSION=1.2 ASAN`); nothing for another instruction.
fn declared_args(inst: &Instruction) -> Vec<(String, Option<String>)> {
    if inst.keyword != "ARG" {
        return Vec::new();
    }
    inst.args
        .words()
        .into_iter()
        .map(|w| match w.value.split_once('=') {
            Some((n, d)) => (n.to_string(), Some(d.to_string())),
            None => (w.value, None),
        })
        .collect()
}

/// The global build arguments of a Dockerfile (`ARG` before the first `FROM`, which
/// `FROM` lines may use): name → (default, the instruction).
pub type GlobalArgs<'d> = HashMap<String, (Option<String>, &'d Instruction)>;

impl Dockerfile {
    /// The global build arguments.
    pub fn global_args(&self) -> GlobalArgs<'_> {
        let mut args = GlobalArgs::new();
        for inst in self.instructions.iter().take_while(|i| i.keyword != "FROM") {
            for (name, default) in declared_args(inst) {
                args.insert(name, (default, inst));
            }
        }
        args
    }

    /// The image the runtime stage chain starts from (its first stage's `FROM`, build
    /// arguments expanded), or `None` when a build argument without a default names it.
    pub fn runtime_base(&self) -> Option<String> {
        let root = self.runtime_stages().pop()?;
        expand_args(&root.image()?.value, &self.global_args(), &mut Vec::new())
    }

    /// The backing service (`redis`, `postgres`, …) the runtime stage's base image runs:
    /// such an image configures an attached resource, not the app.
    pub fn runtime_backing_service(&self) -> Option<&'static str> {
        ImageRef::parse(&self.runtime_base()?).backing_service()
    }

    /// The build stages, in order.
    pub fn stages(&self) -> Vec<Stage<'_>> {
        let froms: Vec<usize> = self
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == "FROM")
            .map(|(n, _)| n)
            .collect();
        froms
            .iter()
            .enumerate()
            .map(|(k, &n)| {
                let end = froms.get(k + 1).copied().unwrap_or(self.instructions.len());
                Stage {
                    from: &self.instructions[n],
                    body: &self.instructions[n + 1..end],
                }
            })
            .collect()
    }

    /// For each stage of [`Self::stages`], the earlier stage it is built `FROM`.
    pub fn bases(&self, stages: &[Stage<'_>]) -> &[Option<usize>] {
        self.bases.get_or_init(|| base_stages(stages))
    }

    /// For each stage, whether a build of the file runs it: the stages a target needs
    /// ([`Self::used_stages`]), the run targets and the named leaf stages (a build may
    /// target them). BuildKit skips any other stage.
    pub fn built_stages(&self) -> Vec<bool> {
        let mut built = self.used_stages();
        for (i, _) in self
            .run_targets()
            .into_iter()
            .chain(self.named_leaf_targets())
        {
            if let Some(b) = built.get_mut(i) {
                *b = true;
            }
        }
        built
    }

    /// The final stage and the earlier stages it is built `FROM`, last first. As
    /// in BuildKit, `FROM name` names the latest stage before it called `name`.
    pub fn runtime_stages(&self) -> Vec<Stage<'_>> {
        let stages = self.stages();
        let Some(last) = stages.len().checked_sub(1) else {
            return Vec::new();
        };
        chain_to(&stages, self.bases(&stages), last)
    }

    /// The stages a build may target to run a container, by index in [`Self::stages`],
    /// each with the earlier stages it is built `FROM`, last first: the final stage
    /// (first in the list), and every earlier stage that sets its own `CMD` or
    /// `ENTRYPOINT`, which `docker build --target <stage>` or compose `build.target`
    /// builds as an image of its own.
    pub fn run_targets(&self) -> Vec<(usize, Vec<Stage<'_>>)> {
        let stages = self.stages();
        let Some(last) = stages.len().checked_sub(1) else {
            return Vec::new();
        };
        let base = self.bases(&stages);
        std::iter::once(last)
            .chain((0..last).filter(|&i| sets_command(&stages[i])))
            .map(|i| (i, chain_to(&stages, base, i)))
            .collect()
    }

    /// For each stage, whether a later stage uses it: is built `FROM` it, copies from it
    /// (`COPY --from=build`, by name or index) or mounts it (`RUN --mount=…,from=build`).
    pub fn used_stages(&self) -> Vec<bool> {
        let stages = self.stages();
        let mut used = built_from(self.bases(&stages));
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, stage) in stages.iter().enumerate() {
            for inst in stage.body {
                let mounts = inst
                    .flags
                    .iter()
                    .filter_map(|f| f.value.strip_prefix("--mount="))
                    .flat_map(|m| m.split(',').filter_map(|p| p.strip_prefix("from=")));
                for name in inst.copy_source_stage().into_iter().chain(mounts) {
                    let name = name.to_ascii_lowercase();
                    let index = by_name.get(&name).copied().or_else(|| name.parse().ok());
                    if let Some(used) = index.filter(|&u| u < i).and_then(|u| used.get_mut(u)) {
                        *used = true;
                    }
                }
            }
            if let Some(alias) = stage.alias() {
                by_name.insert(alias, i);
            }
        }
        used
    }

    /// Like [`Self::run_targets`], for the earlier named stages without a `CMD` or
    /// `ENTRYPOINT` that no other stage is built `FROM` (`FROM base AS worker`): a build
    /// may still target one (`--target worker`) and run it with a command of its own.
    pub fn named_leaf_targets(&self) -> Vec<(usize, Vec<Stage<'_>>)> {
        let stages = self.stages();
        let base = self.bases(&stages);
        let bases = built_from(base);
        let last = stages.len().saturating_sub(1);
        (0..last)
            .filter(|&i| !bases[i] && !sets_command(&stages[i]) && stages[i].alias().is_some())
            .take(MAX_LEAF_TARGETS)
            .map(|i| (i, chain_to(&stages, base, i)))
            .collect()
    }
}

/// The most named leaf stages [`Dockerfile::named_leaf_targets`] gives: each comes with
/// its chain of stages, so a file of many leaves over one deep chain would cost the
/// product of the two.
const MAX_LEAF_TARGETS: usize = 32;

/// True when the stage sets its own `CMD` or `ENTRYPOINT`.
fn sets_command(stage: &Stage<'_>) -> bool {
    stage
        .body
        .iter()
        .any(|inst| matches!(inst.keyword.as_str(), "CMD" | "ENTRYPOINT"))
}

/// True when `cargo` with these arguments may compile: not for subcommands that only
/// fetch, inspect or install prebuilt binaries (`binstall`), `chef prepare`, or a
/// nextest run that reuses a build (`--archive-file`, `--binaries-metadata`).
fn cargo_compiles(args: &[&str]) -> bool {
    let mut rest = args
        .iter()
        .skip_while(|w| w.starts_with('+') || w.starts_with('-'));
    let reuses_build = args
        .iter()
        .any(|w| matches!(*w, "--archive-file" | "--binaries-metadata"));
    match rest.next().copied() {
        None => false,
        Some("binstall" | "fetch" | "metadata" | "tree" | "version" | "search" | "vendor") => false,
        Some("chef") => rest.next() == Some(&"cook"),
        Some("nextest") => match rest.next().copied() {
            Some("run" | "r" | "list") => !reuses_build,
            _ => true,
        },
        Some(_) => true,
    }
}

/// Shell text of an instruction with a way back to file offsets.
#[derive(Debug, Clone, Copy)]
pub struct Script<'i> {
    pub text: &'i str,
    /// The text's simple commands ([`shell::commands`]).
    pub commands: &'i [shell::Command],
    base: ScriptBase<'i>,
}

#[derive(Debug, Clone, Copy)]
enum ScriptBase<'i> {
    Args(&'i Args),
    Heredoc(usize),
}

impl Script<'_> {
    /// The file span of `range` of [`Script::text`].
    pub fn file_span(&self, range: Range<usize>) -> Range<usize> {
        match self.base {
            ScriptBase::Args(a) => a.file_span(range),
            ScriptBase::Heredoc(start) => start + range.start..start + range.end,
        }
    }
}

impl Instruction {
    /// The stage or image a `COPY --from=<stage>` / `ADD --from=…` copies from; `None`
    /// for other instructions and for copies from the build context.
    pub fn copy_source_stage(&self) -> Option<&str> {
        if !matches!(self.keyword.as_str(), "COPY" | "ADD") {
            return None;
        }
        self.flags
            .iter()
            .find_map(|f| f.value.strip_prefix("--from="))
    }

    /// For a `COPY`/`ADD` of the build context (not `--from` a stage), its sources as
    /// written without a leading `./` and a trailing `/` (`.` becomes empty); nothing for
    /// other instructions.
    pub fn context_sources(&self) -> Vec<String> {
        if !matches!(self.keyword.as_str(), "COPY" | "ADD") || self.copy_source_stage().is_some() {
            return Vec::new();
        }
        let mut words = self.args.words();
        words.pop();
        words
            .iter()
            .map(|w| {
                w.value
                    .trim_start_matches("./")
                    .trim_end_matches('/')
                    .to_string()
            })
            .collect()
    }

    /// The settings of an `ENV`/`ARG`/`LABEL`: `KEY=value` words, the legacy
    /// `ENV KEY value` form, and bare words (`ARG NAME`, key `None`). Spans cover the
    /// value as written in `text` (the file), quotes included.
    pub fn pairs(&self, text: &str) -> Vec<Setting> {
        let words = self.args.words();
        if self.keyword == "ENV" && words.len() >= 2 && !words[0].value.contains('=') {
            let value = words[1..]
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            return vec![Setting {
                key: Some(words[0].value.clone()),
                value,
                span: words[1].span.start..words[words.len() - 1].span.end,
            }];
        }
        words
            .into_iter()
            .map(|w| {
                let raw = text.get(w.span.clone()).unwrap_or_default();
                match (w.value.split_once('='), raw.split_once('=')) {
                    (Some((key, value)), Some((raw_key, _))) => Setting {
                        key: Some(key.to_string()),
                        value: value.to_string(),
                        span: w.span.start + raw_key.len() + 1..w.span.end,
                    },
                    _ => Setting {
                        key: None,
                        value: w.value,
                        span: w.span,
                    },
                }
            })
            .collect()
    }

    /// The shell text this instruction runs: its arguments and any heredoc bodies.
    pub fn scripts(&self) -> Vec<Script<'_>> {
        let texts = || {
            std::iter::once((self.args.text.as_str(), ScriptBase::Args(&self.args))).chain(
                self.heredocs
                    .iter()
                    .map(|h| (h.body.as_str(), ScriptBase::Heredoc(h.body_span.start))),
            )
        };
        let commands = self
            .commands
            .get_or_init(|| texts().map(|(text, _)| shell::commands(text)).collect());
        texts()
            .zip(commands)
            .map(|((text, base), commands)| Script {
                text,
                commands,
                base,
            })
            .collect()
    }
}

/// A parse failure with the byte offset where it was noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// Programs and shell words that fetch, unpack, move or check files, for
/// [`Stage::only_fetches_files`].
const FETCH_PROGRAMS: &[&str] = &[
    "wget",
    "curl",
    "tar",
    "unzip",
    "gunzip",
    "gzip",
    "xz",
    "bunzip2",
    "zstd",
    "mv",
    "cp",
    "rm",
    "mkdir",
    "chmod",
    "chown",
    "ln",
    "echo",
    "printf",
    "test",
    "[",
    "true",
    "cd",
    "sha256sum",
    "sha512sum",
    "if",
    "then",
    "elif",
    "else",
    "fi",
    "set",
];

/// Instructions whose arguments may be a JSON array.
const JSON_FORM: &[&str] = &["RUN", "CMD", "ENTRYPOINT", "SHELL", "VOLUME", "COPY", "ADD"];
/// Instructions that take heredocs.
const HEREDOC_FORM: &[&str] = &["RUN", "COPY", "ADD"];
/// Instructions that take leading `--flags`.
const FLAG_FORM: &[&str] = &["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"];
/// Every keyword BuildKit knows.
const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

struct Line<'a> {
    text: &'a str,
    start: usize,
}

fn physical_lines(src: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in src.split_inclusive('\n') {
        let text = piece.strip_suffix('\n').unwrap_or(piece);
        let text = text.strip_suffix('\r').unwrap_or(text);
        out.push(Line { text, start });
        start += piece.len();
    }
    out
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Parse `src` (BOM already removed).
pub fn parse(src: &str) -> Result<Dockerfile, ParseError> {
    let lines = physical_lines(src);
    let mut escape = '\\';
    let mut i = 0;
    // Parser directives: only at the very top, before any other line.
    while i < lines.len() {
        match directive(lines[i].text) {
            Some((name, value)) => {
                if name == "escape" {
                    escape = match value.as_str() {
                        "`" => '`',
                        "\\" => '\\',
                        other => {
                            return Err(ParseError {
                                offset: lines[i].start,
                                message: format!(
                                    "invalid escape directive `{other}`: must be ` or \\"
                                ),
                            });
                        }
                    };
                }
                i += 1;
            }
            None => break,
        }
    }
    let mut instructions = Vec::new();
    while i < lines.len() {
        let line = &lines[i];
        if line.text.trim().is_empty() || is_comment(line.text) {
            i += 1;
            continue;
        }
        let (inst, next) = instruction(&lines, i, escape, src)?;
        instructions.push(inst);
        i = next;
    }
    Ok(Dockerfile {
        escape,
        instructions,
        bases: std::sync::OnceLock::new(),
    })
}

fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim();
    let (name, value) = rest.split_once('=')?;
    let name = name.trim().to_ascii_lowercase();
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric());
    (valid && ["syntax", "escape", "check"].contains(&name.as_str()))
        .then(|| (name, value.trim().to_string()))
}

/// Strip a trailing escape character (after trailing whitespace); true when it was there.
fn continues(text: &str, escape: char) -> (bool, &str) {
    let trimmed = text.trim_end();
    match trimmed.strip_suffix(escape) {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

fn instruction(
    lines: &[Line<'_>],
    first: usize,
    escape: char,
    src: &str,
) -> Result<(Instruction, usize), ParseError> {
    let line = &lines[first];
    let lead = line.text.len() - line.text.trim_start().len();
    let body = &line.text[lead..];
    let kw_len = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
    let keyword_raw = &body[..kw_len];
    let keyword = keyword_raw.to_ascii_uppercase();
    let keyword_span = line.start + lead..line.start + lead + kw_len;
    let valid_keyword = keyword.chars().all(|c| c.is_ascii_alphabetic());
    if !valid_keyword || !KEYWORDS.contains(&keyword.as_str()) {
        let keyword = keyword_raw.strip_suffix(escape).unwrap_or(keyword_raw);
        return Err(ParseError {
            offset: keyword_span.start,
            message: format!("unknown instruction `{keyword}`"),
        });
    }
    let mut args = Args::default();
    let mut rest_start = keyword_span.end;
    let mut rest = &line.text[lead + kw_len..];
    let mut i = first;
    let mut end;
    loop {
        let (more, piece) = continues(rest, escape);
        args.push(piece, rest_start);
        end = lines[i].start + lines[i].text.len();
        i += 1;
        if !more {
            break;
        }
        // Skip comment and blank lines inside a continuation, as BuildKit does.
        while i < lines.len() && (is_comment(lines[i].text) || lines[i].text.trim().is_empty()) {
            i += 1;
        }
        if i >= lines.len() {
            break;
        }
        rest = lines[i].text;
        rest_start = lines[i].start;
    }
    let mut heredocs = Vec::new();
    if HEREDOC_FORM.contains(&keyword.as_str()) {
        for (name, strip_tabs) in heredoc_markers(&args.text) {
            let body_start = lines.get(i).map_or(src.len(), |l| l.start);
            let mut body = String::new();
            let mut closed = false;
            while i < lines.len() {
                let text = lines[i].text;
                let candidate = if strip_tabs {
                    text.trim_start_matches('\t')
                } else {
                    text
                };
                end = lines[i].start + text.len();
                i += 1;
                if candidate == name {
                    closed = true;
                    break;
                }
                body.push_str(candidate);
                body.push('\n');
            }
            if !closed {
                return Err(ParseError {
                    offset: keyword_span.start,
                    message: format!("heredoc `{name}` is never terminated"),
                });
            }
            let body_end = body_start + body.len().min(src.len().saturating_sub(body_start));
            heredocs.push(Heredoc {
                name,
                body,
                body_span: body_start..body_end,
            });
        }
    }
    let (flags, args) = split_flags(&keyword, args);
    let exec = if JSON_FORM.contains(&keyword.as_str()) {
        exec_form(&args)
    } else {
        None
    };
    Ok((
        Instruction {
            keyword,
            keyword_span: keyword_span.clone(),
            span: keyword_span.start..end,
            flags,
            args,
            exec,
            heredocs,
            commands: std::sync::OnceLock::new(),
        },
        i,
    ))
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` markers in order; `bool` = strip leading tabs.
fn heredoc_markers(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = text[i..].find("<<") {
        let mut j = i + found + 2;
        let strip = bytes.get(j) == Some(&b'-');
        if strip {
            j += 1;
        }
        let quote = match bytes.get(j) {
            Some(b'"') | Some(b'\'') => {
                j += 1;
                Some(bytes[j - 1])
            }
            _ => None,
        };
        let name_len = text[j..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - j);
        let closes = match quote {
            Some(q) => bytes.get(j + name_len) == Some(&q),
            None => true,
        };
        if name_len > 0 && closes && !text[j..].starts_with(|c: char| c.is_ascii_digit()) {
            out.push((text[j..j + name_len].to_string(), strip));
        }
        // Step over at least one whole character (the name may be empty).
        i = j + name_len.max(text[j..].chars().next().map_or(1, char::len_utf8));
        if i >= text.len() {
            break;
        }
    }
    out
}

fn split_flags(keyword: &str, args: Args) -> (Vec<Word>, Args) {
    if !FLAG_FORM.contains(&keyword) {
        return (Vec::new(), args);
    }
    let mut flags = Vec::new();
    let mut consumed = 0;
    for (value, range) in split_words(&args.text) {
        if !value.starts_with("--") {
            break;
        }
        consumed = range.end;
        flags.push(Word {
            value,
            span: args.file_span(range),
        });
    }
    if flags.is_empty() {
        return (flags, args);
    }
    let skip = consumed + (args.text.len() - consumed - args.text[consumed..].trim_start().len());
    let rest = args.tail(skip);
    (flags, rest)
}

fn exec_form(args: &Args) -> Option<Vec<Word>> {
    let trimmed = args.text.trim();
    if !trimmed.starts_with('[') {
        return None;
    }
    let values: Vec<String> = serde_json::from_str(trimmed).ok()?;
    // Locate each element's quoted text to give it a span.
    let base = args.text.len() - args.text.trim_start().len();
    let mut cursor = base + 1;
    let mut words = Vec::with_capacity(values.len());
    for value in values {
        let open = args.text[cursor..].find('"').map(|o| cursor + o)?;
        let mut close = open + 1;
        let bytes = args.text.as_bytes();
        while close < bytes.len() && bytes[close] != b'"' {
            close += if bytes[close] == b'\\' { 2 } else { 1 };
        }
        let close = close.min(bytes.len().saturating_sub(1));
        words.push(Word {
            value,
            span: args.file_span(open..close + 1),
        });
        cursor = close + 1;
    }
    Some(words)
}

/// Split shell-ish text into words, removing quotes; ranges cover the raw word.
pub fn split_words(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut value = String::new();
        let mut end = start;
        let mut quote: Option<char> = None;
        while let Some(&(i, c)) = chars.peek() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => value.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => break,
                None => value.push(c),
            }
            end = i + c.len_utf8();
            chars.next();
        }
        out.push((value, start..end));
    }
    out
}

/// Expand `$VAR`, `${VAR}`, `${VAR:-default}` from global ARG defaults, noting in `used`
/// the ARG instructions read; `None` when a variable has no default.
pub fn expand_args<'i>(
    value: &str,
    args: &GlobalArgs<'i>,
    used: &mut Vec<&'i Instruction>,
) -> Option<String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (expr, consumed) = if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}')?;
            (&inner[..end], end + 2)
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        let (name, fallback) = match expr.split_once(":-").or_else(|| expr.split_once('-')) {
            Some((n, d)) => (n, Some(d)),
            None => (expr, None),
        };
        let value = match args.get(name) {
            Some((Some(default), inst)) => {
                used.push(inst);
                default.clone()
            }
            _ => fallback?.to_string(),
        };
        out.push_str(&value);
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_later_stages_use() {
        let src = "FROM rust:1 AS deps\nFROM rust:1 AS build\nRUN --mount=type=cache,from=deps,target=/d true\nFROM debian:12 AS assets\nFROM debian:12 AS dev\nFROM build AS test\nFROM debian:12\nCOPY --from=2 /a /a\nCOPY --from=test /b /b\n";
        let df = parse(src).unwrap();
        assert_eq!(
            df.used_stages(),
            [true, true, true, false, true, false],
            "deps mounted, build built FROM, assets copied by index, test copied by name"
        );
    }

    #[test]
    fn named_leaf_stages_a_build_may_target() {
        let src = "FROM rust:1.82 AS build\nRUN cargo build --release\nFROM debian:12 AS base\nFROM base AS worker\nRUN apt-get install -y ffmpeg\nFROM base AS migrate\nCMD [\"migrate\"]\nFROM base AS api\nCMD [\"api\"]\n";
        let df = parse(src).unwrap();
        let stages: Vec<usize> = df.run_targets().iter().map(|(i, _)| *i).collect();
        assert_eq!(stages, [4, 3]);
        // `build` and `worker` are leaves; `base` is built FROM; the others are run targets.
        let leaves: Vec<(usize, Vec<Option<String>>)> = df
            .named_leaf_targets()
            .iter()
            .map(|(i, chain)| (*i, chain.iter().map(|s| s.alias()).collect()))
            .collect();
        assert_eq!(
            leaves,
            [
                (0, vec![Some("build".to_string())]),
                (
                    2,
                    vec![Some("worker".to_string()), Some("base".to_string())]
                ),
            ]
        );
    }

    #[test]
    fn continuation_with_comments_and_blank_lines() {
        let src = "FROM rust:1.80 AS build\nRUN apt-get update \\\n  # a comment\n\n  && apt-get install -y curl\nCMD [\"app\", \"--port\", \"8080\"]\n";
        let df = parse(src).unwrap();
        assert_eq!(df.instructions.len(), 3);
        let run = &df.instructions[1];
        assert!(run.args.text.contains("&& apt-get install -y curl"));
        let words = run.args.words();
        let curl = words.iter().find(|w| w.value == "curl").unwrap();
        assert_eq!(&src[curl.span.clone()], "curl");
        let cmd = &df.instructions[2];
        let exec = cmd.exec.as_ref().unwrap();
        assert_eq!(exec[1].value, "--port");
        assert_eq!(&src[exec[1].span.clone()], "\"--port\"");
    }

    #[test]
    fn heredocs_and_escape_directive() {
        let src = "# escape=`\nFROM alpine\nRUN <<EOF cat > /x\nhello `\nEOF\nCOPY <<-\"A\" /a\n\tbody\n\tA\nRUN echo `\n  done\n";
        let df = parse(src).unwrap();
        assert_eq!(df.escape, '`');
        let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "RUN", "COPY", "RUN"]);
        assert_eq!(df.instructions[1].heredocs[0].body, "hello `\n");
        assert_eq!(df.instructions[2].heredocs[0].body, "body\n");
        assert!(df.instructions[3].args.text.contains("done"));
    }

    #[test]
    fn flags_are_split_from_arguments() {
        let src = "FROM --platform=$BUILDPLATFORM rust:1 AS b\nCOPY --from=b \\\n  /app /app\n";
        let df = parse(src).unwrap();
        let from = &df.instructions[0];
        assert_eq!(from.flags[0].value, "--platform=$BUILDPLATFORM");
        let words = from.args.words();
        assert_eq!(&src[words[0].span.clone()], "rust:1");
        let copy = &df.instructions[1];
        let words = copy.args.words();
        assert_eq!(words[0].span.start, src.rfind("/app").unwrap() - 5);
        assert_eq!(words[1].span.start, src.rfind("/app").unwrap());
    }

    #[test]
    fn errors_carry_offsets() {
        let err = parse("FROM a\nFORM b\n").unwrap_err();
        assert_eq!(err.offset, 7);
        let err = parse("FROM a\nRUN <<EOF\nno end\n").unwrap_err();
        assert!(err.message.contains("never terminated"));
    }

    #[test]
    fn stages_that_compile_rust() {
        let compiles = |run: &str| {
            let df = parse(&format!("FROM rust:slim-bookworm\nRUN {run}\n")).expect("parses");
            df.stages()[0].compiles_rust()
        };
        assert!(compiles("cargo build --release"));
        assert!(compiles(
            "if [ \"$B\" = release ]; then cargo build --release; fi"
        ));
        assert!(compiles("cargo +1.83 install --path ."));
        assert!(compiles(
            "cargo chef cook --release --recipe-path recipe.json"
        ));
        assert!(compiles("cargo nextest archive --archive-file t.tar.zst"));
        assert!(compiles("./scripts/build.sh"));
        assert!(compiles("sh -c 'cargo test'"));
        assert!(!compiles("cargo binstall --no-confirm cargo-nextest"));
        assert!(!compiles("cargo chef prepare --recipe-path recipe.json"));
        assert!(!compiles(
            "cargo nextest run --archive-file t.tar.zst --extract-to /src"
        ));
        assert!(!compiles(
            "curl -sSf https://example.com/cargo-binstall/install.sh | bash"
        ));
        assert!(!compiles("apt-get update && apt-get install -y sqlite3"));
    }
}
