//! Just enough shell to read Dockerfile `RUN`/`CMD` lines and entrypoint
//! scripts: split into simple commands with their separators, words with
//! spans, package installs, and remote scripts piped into a shell.

use std::ops::Range;

/// What follows a simple command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sep {
    /// `|`
    Pipe,
    /// `&&`, `||`, `;`, newline or the end.
    Sequence,
    /// `&` (runs the command in the background).
    Background,
}

/// One simple command: words (quotes removed) with their spans in the script.
#[derive(Debug, Clone)]
pub struct Command {
    pub words: Vec<(String, Range<usize>)>,
    pub sep: Sep,
}

impl Command {
    /// The command's span in the script, from its first word to its last; `None` for a
    /// command without words.
    pub fn span(&self) -> Option<Range<usize>> {
        Some(self.words.first()?.1.start..self.words.last()?.1.end)
    }

    /// The program name, after leading shell keywords (`then`, `if`, `!`), `sudo`, `exec`,
    /// `env` and `VAR=value` prefixes; its index in `words`.
    pub fn program(&self) -> Option<(usize, &str)> {
        let mut i = 0;
        while let Some((w, _)) = self.words.get(i) {
            let is_assignment = w.contains('=')
                && !w.starts_with('-')
                && w.split('=')
                    .next()
                    .is_some_and(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            if matches!(
                w.as_str(),
                "sudo" | "exec" | "env" | "nohup" | "time" | "command"
            ) || (i == 0 || is_keyword(&self.words[i - 1].0)) && is_keyword(w)
                || is_assignment
                || (i > 0
                    && w.starts_with('-')
                    && matches!(self.words[i - 1].0.as_str(), "sudo" | "env"))
            {
                i += 1;
                continue;
            }
            let name = w.rsplit('/').next().unwrap_or(w);
            return Some((i, name));
        }
        None
    }
}

/// The commands that may run last in a script of `commands`, as indices into it, each
/// with the index of its first word after a leading `then`/`else`/`do`: the last
/// command, or, when the script ends with an `if … fi`, the last command of each of its
/// branches (nested `if`s followed the same way, a few levels deep). An empty branch
/// gives nothing.
pub fn final_commands(commands: &[Command]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    branch_ends(commands, 4, &mut out);
    out
}

/// The index of the `if` whose `fi` is the last command of `commands`, if it ends so.
pub fn trailing_if(commands: &[Command]) -> Option<usize> {
    if commands.last().map(|c| c.words.len()) != Some(1)
        || first_word(commands.last()?) != Some("fi")
    {
        return None;
    }
    let mut level = 0usize;
    for (k, c) in commands.iter().enumerate().rev() {
        match first_word(c) {
            Some("fi") => level += 1,
            Some("if") => level -= 1,
            _ => {}
        }
        if level == 0 {
            return Some(k);
        }
    }
    None
}

/// For each of `commands`, true when it runs only if the caller sets a variable that
/// `unset` says it leaves unset: it is in the `then` branch of an `if` whose test holds
/// only for a non-empty value of that variable (`if [ "$ASAN" = "1" ]; then …`,
/// `[ -n "$DEBUG" ]`, `[ "$X" ]`). Such a branch is an opt-in; `else` runs by default.
pub fn opt_in_commands(commands: &[Command], unset: impl Fn(&str) -> bool) -> Vec<bool> {
    let mut out = vec![false; commands.len()];
    // Per open `if`: whether the branch being read is an opt-in.
    let mut open: Vec<bool> = Vec::new();
    let inside = |open: &[bool]| open.iter().any(|&opt_in| opt_in);
    for (k, c) in commands.iter().enumerate() {
        match first_word(c) {
            // An `if`'s test runs in the branch around it.
            Some("if") => {
                out[k] = inside(&open);
                open.push(tests_set_variable(&c.words[1..], &unset));
                continue;
            }
            Some("elif" | "else") => {
                if let Some(branch) = open.last_mut() {
                    *branch = false;
                }
            }
            Some("fi") => {
                open.pop();
            }
            _ => {}
        }
        out[k] = inside(&open);
    }
    out
}

/// True when a `[ … ]` or `test` condition (its words after `if`) holds only when a
/// variable `unset` names has a non-empty value: `"$X" = value`, `-n "$X"`, `"$X"`.
fn tests_set_variable(condition: &[(String, Range<usize>)], unset: impl Fn(&str) -> bool) -> bool {
    let words: Vec<&str> = condition
        .iter()
        .map(|(w, _)| w.as_str())
        .take_while(|w| !matches!(*w, "]" | "]]"))
        .collect();
    let test = match words.split_first() {
        Some((&("[" | "[[" | "test"), rest)) => rest,
        _ => return false,
    };
    fn variable(w: &str) -> Option<&str> {
        let name = w.strip_prefix('$')?;
        let name = name
            .strip_prefix('{')
            .and_then(|n| n.strip_suffix('}'))
            .unwrap_or(name);
        (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .then_some(name)
    }
    let set = |w: &str| variable(w).is_some_and(&unset);
    let value = |w: &str| !w.is_empty() && !w.starts_with('$');
    match test {
        [v] => set(v),
        ["-n", v] => set(v),
        [a, "=" | "==", b] => (set(a) && value(b)) || (value(a) && set(b)),
        _ => false,
    }
}

/// Shell reserved words that may lead a simple command as split here (`then cargo
/// build`, `if [ … ]`, `! grep`).
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "then" | "else" | "do" | "if" | "elif" | "while" | "until" | "!" | "{" | "("
    )
}

fn first_word(c: &Command) -> Option<&str> {
    c.words.first().map(|(w, _)| w.as_str())
}

fn branch_ends(commands: &[Command], depth: usize, out: &mut Vec<(usize, usize)>) {
    let Some(last) = commands.last() else { return };
    let Some(start) = trailing_if(commands).filter(|_| depth > 0) else {
        let lead = last
            .words
            .iter()
            .take_while(|(w, _)| matches!(w.as_str(), "then" | "else" | "do"))
            .count();
        if lead < last.words.len() {
            out.push((commands.len() - 1, lead));
        }
        return;
    };
    // At the trailing `if`'s level, the command before each `else`, `elif` and the
    // final `fi` ends a branch.
    let mut level = 0usize;
    for (k, c) in commands.iter().enumerate().skip(start) {
        match first_word(c) {
            Some("if") => level += 1,
            Some("fi") => level -= 1,
            Some("else" | "elif") if level == 1 => branch_ends(&commands[..k], depth - 1, out),
            _ => {}
        }
        if level == 0 {
            branch_ends(&commands[..k], depth - 1, out);
        }
    }
}

/// Split `script` into simple commands.
pub fn commands(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut words: Vec<(String, Range<usize>)> = Vec::new();
    let mut word = String::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let bytes = script.as_bytes();
    let mut chars = script.char_indices().peekable();
    let flush = |word: &mut String,
                 start: &mut Option<usize>,
                 end: usize,
                 words: &mut Vec<(String, Range<usize>)>| {
        if let Some(s) = start.take() {
            words.push((std::mem::take(word), s..end));
        }
    };
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if q == '`' {
                // A command substitution stays in its word as written.
                word.push(c);
                if c == q {
                    quote = None;
                }
            } else if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                if let Some((_, n)) = chars.next() {
                    word.push(n);
                }
            } else {
                word.push(c);
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                start.get_or_insert(i);
                quote = Some(c);
            }
            '`' => {
                start.get_or_insert(i);
                word.push(c);
                quote = Some(c);
            }
            '$' if bytes.get(i + 1) == Some(&b'(') => {
                // `$( … )` (nested ones too) stays in its word as written.
                start.get_or_insert(i);
                word.push(c);
                let mut depth = 0usize;
                for (_, n) in chars.by_ref() {
                    word.push(n);
                    match n {
                        '(' => depth += 1,
                        ')' if depth <= 1 => break,
                        ')' => depth -= 1,
                        _ => {}
                    }
                }
            }
            '\\' => match chars.next() {
                Some((_, '\n')) => flush(&mut word, &mut start, i, &mut words),
                Some((_, n)) => {
                    start.get_or_insert(i);
                    word.push(n);
                }
                None => {}
            },
            '#' if start.is_none() => {
                // A comment runs to the end of the line.
                while chars.peek().is_some_and(|(_, n)| *n != '\n') {
                    chars.next();
                }
            }
            ' ' | '\t' | '\r' => flush(&mut word, &mut start, i, &mut words),
            '\n' | ';' | '|' | '&' => {
                flush(&mut word, &mut start, i, &mut words);
                let next = bytes.get(i + 1).copied();
                let sep = match (c, next) {
                    ('|', Some(b'|')) | ('&', Some(b'&')) => {
                        chars.next();
                        Sep::Sequence
                    }
                    ('|', _) => Sep::Pipe,
                    ('&', Some(b'>')) => continue,
                    ('&', _) if i > 0 && bytes[i - 1] == b'>' => continue,
                    ('&', _) => Sep::Background,
                    _ => Sep::Sequence,
                };
                if !words.is_empty() {
                    out.push(Command {
                        words: std::mem::take(&mut words),
                        sep,
                    });
                } else if sep == Sep::Background
                    && let Some(last) = out.last_mut()
                {
                    last.sep = sep;
                }
            }
            _ => {
                start.get_or_insert(i);
                word.push(c);
            }
        }
    }
    flush(&mut word, &mut start, script.len(), &mut words);
    if !words.is_empty() {
        out.push(Command {
            words,
            sep: Sep::Sequence,
        });
    }
    out
}

/// A package named in an OS package manager install command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    pub manager: &'static str,
    pub package: String,
    /// True when a version is given (`curl=7.88*`, `curl~=8`, `curl-7.61.1`).
    pub pinned: bool,
    pub span: Range<usize>,
}

/// The values `words` give any of `flags`, as the next word (`-f Dockerfile`, `--tag
/// app:1`) or after `=` (`--tag=app:1`), in order, quotes removed.
pub fn flag_values<'w, 'f>(
    words: &'f [&'w str],
    flags: &'f [&str],
) -> impl Iterator<Item = &'w str> + 'f {
    flag_uses(words, flags).map(|(_, _, value)| value)
}

/// Like [`flag_values`], each value with the index of the word holding its flag and the
/// flag as written in `flags`.
pub fn flag_uses<'w, 'f>(
    words: &'f [&'w str],
    flags: &'f [&str],
) -> impl Iterator<Item = (usize, &'f str, &'w str)> + 'f {
    words.iter().enumerate().filter_map(move |(i, word)| {
        let (flag, value) = match flags.iter().find(|f| *f == word) {
            Some(flag) => (*flag, words.get(i + 1).copied()?),
            None => flags
                .iter()
                .find_map(|f| Some((*f, word.strip_prefix(f)?.strip_prefix('=')?)))?,
        };
        Some((i, flag, value.trim_matches(['"', '\''])))
    })
}

/// Packages installed by the `apt-get`/`apt`/`apk`/`yum`/`dnf`/`microdnf`/`zypper`
/// commands among `cmds`.
pub fn installs_of(cmds: &[Command]) -> Vec<Install> {
    let mut out = Vec::new();
    for cmd in cmds {
        let Some((at, program)) = cmd.program() else {
            continue;
        };
        let (manager, verbs, takes_value): (&'static str, &[&str], &[&str]) = match program {
            "apt-get" | "apt" => ("apt", &["install"], &["-o", "-t", "--target-release"]),
            "apk" => ("apk", &["add"], &["-t", "--virtual", "-X", "--repository"]),
            "yum" | "dnf" | "microdnf" => (
                "yum",
                &["install"],
                &["--setopt", "--enablerepo", "--disablerepo"],
            ),
            "zypper" => ("zypper", &["install", "in"], &[]),
            _ => continue,
        };
        let rest = &cmd.words[at + 1..];
        let Some(verb) = rest.iter().position(|(w, _)| verbs.contains(&w.as_str())) else {
            continue;
        };
        let mut skip_next = false;
        for (w, span) in &rest[verb + 1..] {
            if skip_next {
                skip_next = false;
                continue;
            }
            if w.starts_with('-') {
                skip_next = takes_value.contains(&w.as_str());
                continue;
            }
            if w.contains(['$', '`'])
                || w.ends_with(".rpm")
                || w.ends_with(".deb")
                || w.contains('/')
            {
                continue;
            }
            let pinned = match manager {
                "apt" => w.contains('='),
                "apk" => w.contains('=') || w.contains('~') || w.contains('<') || w.contains('>'),
                _ => w.contains('=') || has_version_suffix(w),
            };
            out.push(Install {
                manager,
                package: package_name(manager, w),
                pinned,
                span: span.clone(),
            });
        }
    }
    out
}

fn has_version_suffix(w: &str) -> bool {
    w.match_indices('-')
        .any(|(i, _)| w[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
}

fn package_name(manager: &str, w: &str) -> String {
    let cut = w.find(['=', '~', '<', '>']).unwrap_or(w.len());
    let mut name = &w[..cut];
    if manager == "yum"
        && let Some(i) = name
            .match_indices('-')
            .find(|(i, _)| name[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
            .map(|(i, _)| i)
    {
        name = &name[..i];
    }
    name.to_string()
}

/// Shells that run a script piped or passed to them (or given with `-c`).
pub const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ash", "ksh", "fish"];

/// The span of a remote script run by a shell: `curl … | sh`, `bash <(curl …)`,
/// `sh -c "$(wget -O- …)"`.
pub fn remote_script_pipe(script: &str) -> Option<Range<usize>> {
    remote_script_pipe_of(&commands(script))
}

/// The span of a remote script run by a shell among the commands `cmds` of a script
/// ([`remote_script_pipe`]).
pub fn remote_script_pipe_of(cmds: &[Command]) -> Option<Range<usize>> {
    for (i, cmd) in cmds.iter().enumerate() {
        let Some((_, program)) = cmd.program() else {
            continue;
        };
        if matches!(program, "curl" | "wget")
            && let Some(next) = piped_into_shell(cmds, i)
        {
            let start = cmd.words[0].1.start;
            let end = cmds[next].words.last().map_or(start, |w| w.1.end);
            return Some(start..end);
        }
        if SHELLS.contains(&program) {
            let fetches = cmd.words.iter().find(|(w, _)| {
                (w.starts_with("<(") || w.starts_with("$("))
                    && (w.contains("curl") || w.contains("wget"))
                    || (w.contains("$(curl") || w.contains("$(wget"))
            });
            if fetches.is_some() {
                return cmd.span();
            }
        }
    }
    None
}

/// The command of the pipeline that starts at `cmds[i]` that is a shell or a Python
/// interpreter, which runs what the commands before it write.
pub fn piped_into_shell(cmds: &[Command], i: usize) -> Option<usize> {
    let mut j = i;
    while cmds.get(j)?.sep == Sep::Pipe {
        j += 1;
        if cmds
            .get(j)?
            .program()
            .is_some_and(|(_, p)| SHELLS.contains(&p) || p.starts_with("python"))
        {
            return Some(j);
        }
    }
    None
}

/// What decides the version a remote installer installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallerVersion {
    /// A version its address names (`…/nvm/v0.39.7/install.sh`, `…/setup_24.x`) or its
    /// arguments give (`--tag 1.23.0`, `TAG=v5.9.0 bash`, `sh -s -- v0.74.0`), or one the
    /// build passes in (`--default-toolchain $RUST_VERSION`).
    Pinned,
    /// rustup with no toolchain version (`--default-toolchain stable`, or none given): the
    /// toolchain a `rust-toolchain.toml` names where cargo runs, else the latest stable.
    RustupDefault,
    /// Whatever its address serves on the day of the build.
    Latest,
}

/// Options whose value names the version an installer installs.
const VERSION_OPTIONS: &[&str] = &["--default-toolchain", "--version", "--tag", "--release"];

/// What decides the version the remote installer in `pipe` (the text a
/// [`remote_script_pipe`] span covers) installs.
pub fn installer_version(pipe: &str) -> InstallerVersion {
    let words: Vec<&str> = pipe
        .split(|c: char| c.is_whitespace() || c == '\\' || c == '(' || c == ')')
        .map(|w| w.trim_matches(|c| c == '"' || c == '\'' || c == '`'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut rustup = false;
    for (i, word) in words.iter().enumerate() {
        let (option, value) = match word.split_once('=') {
            Some((o, v)) if o.starts_with('-') => (Some(o), v),
            _ if word.starts_with('-') => continue,
            _ => (i.checked_sub(1).map(|p| words[p]), *word),
        };
        if option.is_some_and(|o| VERSION_OPTIONS.contains(&o))
            && (value.starts_with('$') || value == "none")
        {
            return InstallerVersion::Pinned;
        }
        let pieces: Vec<&str> = match value.split_once("://") {
            Some((_, rest)) => {
                rustup |= rest.starts_with("sh.rustup.rs") || rest.contains("rustup-init");
                rest.split(['/', '?', '&', '=']).skip(1).collect()
            }
            None => value.split('=').collect(),
        };
        if pieces.into_iter().any(is_version) {
            return InstallerVersion::Pinned;
        }
    }
    if rustup {
        InstallerVersion::RustupDefault
    } else {
        InstallerVersion::Latest
    }
}

/// True for a version word: dotted numbers (`0.12.5`, a pre-release after `-`), or a
/// release line (`24.x`), after an optional name that ends in `v`, `-`, `_` or `@`
/// (`v0.39.7`, `bun-v1.3.14`, `setup_24.x`); not `v2`, `python3` or `x86_64`.
fn is_version(word: &str) -> bool {
    let Some(digits) = word.find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let (name, rest) = word.split_at(digits);
    if !(name.is_empty() || name.ends_with(['v', '-', '_', '@'])) {
        return false;
    }
    let release = rest.split('-').next().unwrap_or(rest);
    let mut parts = release.split('.');
    let major = parts.next().unwrap_or_default();
    let minor: Vec<&str> = parts.collect();
    !major.is_empty()
        && major.chars().all(|c| c.is_ascii_digit())
        && !minor.is_empty()
        && minor
            .iter()
            .all(|p| *p == "x" || !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// The file names of the programs a shell `script` runs (`./target/release/api serve` →
/// `api`; through `&&`, `exec` and `sh -c SCRIPT`, to a small depth), lower-cased.
pub fn programs(script: &str) -> Vec<String> {
    programs_within(script, 0)
}

fn programs_within(script: &str, depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    for command in commands(script) {
        let Some((i, program)) = command.program() else {
            continue;
        };
        let inner = command.words.get(i + 1..).and_then(|rest| match rest {
            [(flag, _), (script, _), ..] if flag == "-c" => Some(script.as_str()),
            _ => None,
        });
        match inner {
            Some(script) if SHELLS.contains(&program) && depth < 2 => {
                out.extend(programs_within(script, depth + 1));
            }
            _ => out.push(program.to_ascii_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installs(script: &str) -> Vec<Install> {
        installs_of(&commands(script))
    }

    #[test]
    fn opt_in_branches_run_only_when_a_variable_is_set() {
        let opt_in = |script: &str| {
            let cmds = commands(script);
            let marked = opt_in_commands(&cmds, |v| v == "ASAN");
            cmds.iter()
                .zip(marked)
                .filter(|(_, m)| *m)
                .map(|(c, _)| {
                    c.words
                        .iter()
                        .map(|(w, _)| w.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            opt_in(r#"if [ "$ASAN" = "1" ]; then rustup default nightly; fi; cargo build"#),
            ["then rustup default nightly"]
        );
        assert_eq!(
            opt_in(r#"if [ -n "${ASAN}" ]; then a; else b; fi"#),
            ["then a"]
        );
        // Runs by default: the variable is tested for being empty, or is not unset.
        assert!(opt_in(r#"if [ -z "$ASAN" ]; then a; fi"#).is_empty());
        assert!(opt_in(r#"if [ "$ASAN" != "1" ]; then a; fi"#).is_empty());
        assert!(opt_in(r#"if [ "$OTHER" = "1" ]; then a; fi"#).is_empty());
        assert!(opt_in(r#"if [ "$(uname -m)" = "x86_64" ]; then a; fi"#).is_empty());
    }

    #[test]
    fn what_decides_an_installers_version() {
        let version = |script: &str| {
            let span = remote_script_pipe(script).expect(script);
            installer_version(&script[span])
        };
        for pinned in [
            "curl -o- https://raw.githubusercontent.com/nvm-sh/nvm/v0.40.1/install.sh | bash",
            "curl -LsSf https://astral.sh/uv/0.12.5/install.sh | sh",
            "curl -fsSL https://deb.nodesource.com/setup_24.x | bash -",
            "curl -fsSL https://bun.sh/install | bash -s \"bun-v1.3.14\"",
            "curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | TAG=v5.9.0 bash",
            "curl -sSfL https://example.com/install.sh | sh -s -- -b /usr/local/bin v0.74.0",
            "curl -sSf https://just.systems/install.sh | bash -s -- --tag 1.23.0 --to /bin",
            "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- --default-toolchain 1.93.1 -y",
            "curl -sSf https://sh.rustup.rs | sh -s -- --default-toolchain none -y",
            "curl -sSf https://sh.rustup.rs | sh -s -- -y --default-toolchain=${RUST_TOOLCHAIN}",
            "sh -c \"$(curl -fsSL https://example.com/releases/download/2.1.0/get.sh)\"",
        ] {
            assert_eq!(version(pinned), InstallerVersion::Pinned, "{pinned}");
        }
        for rustup in [
            "curl https://sh.rustup.rs -sSf | sh -s -- -y",
            "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- --default-toolchain stable -y",
        ] {
            assert_eq!(version(rustup), InstallerVersion::RustupDefault, "{rustup}");
        }
        for latest in [
            "curl https://rustwasm.github.io/wasm-pack/installer/init.sh -sSf | sh",
            "curl -fsSL https://awscli.amazonaws.com/v2/install.sh | bash",
            "curl --retry 5 --tlsv1.2 -sSf https://raw.githubusercontent.com/cargo-bins/cargo-binstall/main/install-from-binstall-release.sh | bash",
            "curl -sSL https://install.python-poetry.org | python3 -",
            "curl http://10.0.0.1/install.sh | sh",
        ] {
            assert_eq!(version(latest), InstallerVersion::Latest, "{latest}");
        }
    }

    #[test]
    fn splits_commands_and_separators() {
        let cmds = commands(
            "apt-get update && apt-get install -y curl \\\n  git; echo 'a && b' | tee x &\nrun",
        );
        let programs: Vec<_> = cmds.iter().map(|c| c.program().unwrap().1).collect();
        assert_eq!(programs, ["apt-get", "apt-get", "echo", "tee", "run"]);
        assert_eq!(cmds[2].sep, Sep::Pipe);
        assert_eq!(cmds[3].sep, Sep::Background);
        assert_eq!(cmds[2].words[1].0, "a && b");
        assert_eq!(cmds[1].words.last().unwrap().0, "git");
    }

    #[test]
    fn keeps_command_substitutions_in_their_word() {
        let cmds = commands(
            "yum install -y \\\n  perl `# for openssl` \\\n  git $(cat extra list) && echo `a  b`",
        );
        let words: Vec<&str> = cmds[0].words.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            words,
            [
                "yum",
                "install",
                "-y",
                "perl",
                "`# for openssl`",
                "git",
                "$(cat extra list)"
            ]
        );
        assert_eq!(cmds[1].words[1].0, "`a  b`");
        let packages: Vec<String> = installs("yum install -y perl `# for openssl` git")
            .into_iter()
            .map(|i| i.package)
            .collect();
        assert_eq!(packages, ["perl", "git"]);
    }

    #[test]
    fn finds_installs_and_pins() {
        let s = "apt-get install -y --no-install-recommends curl=7.88.1-10 git && apk add --no-cache --virtual .deps tzdata~=2024 bash";
        let found: Vec<_> = installs(s)
            .into_iter()
            .map(|i| (i.package, i.pinned))
            .collect();
        assert_eq!(
            found,
            [
                ("curl".into(), true),
                ("git".into(), false),
                ("tzdata".into(), true),
                ("bash".into(), false)
            ]
        );
        let yum: Vec<_> = installs("dnf install -y postgresql-15.4 ffmpeg")
            .into_iter()
            .map(|i| (i.package, i.pinned))
            .collect();
        assert_eq!(yum, [("postgresql".into(), true), ("ffmpeg".into(), false)]);
        assert!(installs("echo apt-get install curl").is_empty());
    }

    #[test]
    fn finds_remote_scripts() {
        assert!(remote_script_pipe("curl -fsSL https://get.x.io | sh").is_some());
        assert!(remote_script_pipe("wget -qO- https://x.io/i.sh | sudo -E bash -").is_some());
        assert!(remote_script_pipe("bash <(curl -s https://x.io/i.sh)").is_some());
        assert!(remote_script_pipe("sh -c \"$(curl -fsSL https://x.io/i.sh)\"").is_some());
        assert!(
            remote_script_pipe("curl -fsSL https://x.io/key.gpg | gpg --dearmor -o /k.gpg")
                .is_none()
        );
        assert!(
            remote_script_pipe(
                "curl -o /tmp/i.sh https://x.io/i.sh && sha256sum -c sums && sh /tmp/i.sh"
            )
            .is_none()
        );
    }

    #[test]
    fn programs_after_leading_keywords() {
        let programs = |script: &str| -> Vec<String> {
            commands(script)
                .iter()
                .filter_map(|c| c.program().map(|(_, p)| p.to_string()))
                .collect()
        };
        assert_eq!(
            programs("if [ -n \"$X\" ]; then exec cargo build \"$@\"; else ! grep -q a b; fi"),
            ["[", "cargo", "grep", "fi"]
        );
        // A keyword-like word after the program is an argument.
        assert_eq!(programs("echo then"), ["echo"]);
    }

    #[test]
    fn final_commands_of_a_trailing_if() {
        let script = "cd /app\nif [ \"$PUID\" -eq 0 ]; then\n  /app/stump\nelif [ -n \"$X\" ]; then\n  if [ -f a ]; then exec a; else b; fi\nelse\n  chown app /data\n  exec su app -s /app/stump\nfi\n";
        let cmds = commands(script);
        let ends: Vec<&str> = final_commands(&cmds)
            .into_iter()
            .map(|(k, lead)| cmds[k].words[lead].0.as_str())
            .collect();
        assert_eq!(ends, ["/app/stump", "exec", "b", "exec"]);
        assert_eq!(trailing_if(&cmds), Some(1));
        let plain = commands("set -e\nexec app\n");
        assert_eq!(final_commands(&plain), [(1, 0)]);
        let empty = commands("if true; then\nfi\n");
        assert!(final_commands(&empty).is_empty());
    }
}
