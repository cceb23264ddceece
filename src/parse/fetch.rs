//! What a build script fetches by a moving reference: a `git clone` of a branch head, a
//! download whose address names a branch or `latest`, a nightly toolchain that is not
//! dated. Each gives different bits on another day for the same script.

use std::collections::HashMap;
use std::ops::Range;

use crate::parse::image::CHANNELS;
use crate::parse::shell::{Command, flag_values, piped_into_shell};

/// A fetch of a moving reference in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovingFetch {
    /// The command, in the script.
    pub span: Range<usize>,
    /// What the command does (`clones \`https://github.com/o/r.git\``, `downloads …`,
    /// `installs the Rust toolchain`).
    pub action: String,
    /// The moving reference (`the default branch`, `` `main` ``, `` `latest` ``).
    pub reference: String,
}

/// Path segments that name a moving reference in any download address.
const MOVING_SEGMENTS: &[&str] = &["latest", "master", "develop", "nightly", "trunk", "head"];

/// The fetches of moving references in a script's commands (`cmds`,
/// [`commands`](crate::parse::shell::commands)).
/// `checked_out_later` says whether a script that runs after it on what it fetched (a
/// later `RUN` of the Dockerfile stage) checks a clone out at a fixed reference
/// ([`pins_checkout`]). A download the script checks against a checksum or signature
/// (`sha256sum -c`, `gpg --verify`) cannot change unseen and is not one; nor is a
/// download piped into a shell (a remote installer, TF0205's), nor a clone that a later
/// command checks out at a fixed reference.
pub fn moving_fetches(cmds: &[Command], checked_out_later: bool) -> Vec<MovingFetch> {
    let verified = cmds.iter().any(verifies);
    // Whether a command after each checks a clone out at a fixed reference: one pass
    // from the end, so a script of many clones stays linear.
    let mut pinned_after = vec![checked_out_later; cmds.len()];
    for i in (1..cmds.len()).rev() {
        pinned_after[i - 1] = pinned_after[i] || pins_checkout(&cmds[i]);
    }
    let mut out = Vec::new();
    // Plain assignments seen so far (`URL="https://…/latest/…"`), for the addresses that
    // name them.
    let mut vars: HashMap<&str, &str> = HashMap::new();
    for (i, cmd) in cmds.iter().enumerate() {
        let Some((at, program)) = cmd.program() else {
            vars.extend(cmd.words.iter().filter_map(|(w, _)| assignment(w)));
            continue;
        };
        let args = &cmd.words[at + 1..];
        let found = match program {
            "export" | "readonly" | "declare" | "local" => {
                vars.extend(args.iter().filter_map(|(w, _)| assignment(w)));
                None
            }
            "git" => git_clone(args, pinned_after[i]),
            "curl" | "wget" if !verified && piped_into_shell(cmds, i).is_none() => {
                args.iter().find_map(|(w, _)| {
                    let w = expand(w, &vars);
                    let reference = moving_url_reference(&w)?.to_string();
                    Some((format!("downloads `{w}`"), format!("`{reference}`")))
                })
            }
            "rustup" | "rustup-init" => nightly_toolchain(args),
            _ => package_install(program, args),
        };
        if let Some((action, reference)) = found {
            let span = cmd.words[0].1.start..cmd.words.last().map_or(0, |w| w.1.end);
            out.push(MovingFetch {
                span,
                action,
                reference,
            });
        }
    }
    out
}

/// The name and value of a shell assignment word (`URL=https://…`).
fn assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let is_name = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    is_name.then_some((name, value))
}

/// `word` with `$NAME` and `${NAME}` replaced by the values in `vars`; other references
/// stay as written.
fn expand(word: &str, vars: &HashMap<&str, &str>) -> String {
    if !word.contains('$') {
        return word.to_string();
    }
    let mut out = String::with_capacity(word.len());
    let mut rest = word;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match vars.get(name) {
            Some(value) if len > 0 => out.push_str(value),
            _ => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &rest[at + 1 + len..];
    }
    out.push_str(rest);
    out
}

/// The moving reference a download address names: a path segment such as `latest`,
/// `master` or `develop` (`…/releases/latest/download/x.zip`,
/// `https://builds.example/develop/cli`), or a branch in a forge's file address
/// (`raw.githubusercontent.com/o/r/main/install.sh`, `…/archive/refs/heads/main.zip`).
fn moving_url_reference(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let segments: Vec<&str> = rest.split('/').collect();
    let host = segments.first()?.to_ascii_lowercase();
    let path = &segments[1..];
    let moving = |s: &str| {
        let lower = s.to_ascii_lowercase();
        CHANNELS.contains(&lower.as_str()) || MOVING_SEGMENTS.contains(&lower.as_str())
    };
    // The branch position of a forge's raw files, archives and tree addresses.
    let branch = match host.as_str() {
        "raw.githubusercontent.com" => path.get(2).copied(),
        _ => ["heads", "raw", "blob", "archive"]
            .iter()
            .find_map(|key| path.windows(2).find(|w| w[0] == *key).map(|w| w[1])),
    };
    let branch = branch.map(|b| {
        [".zip", ".tar.gz", ".tgz"]
            .iter()
            .find_map(|ext| b.strip_suffix(ext))
            .unwrap_or(b)
    });
    if let Some(b) = branch.filter(|b| moving(b)) {
        return Some(b);
    }
    path.iter()
        .copied()
        .find(|s| MOVING_SEGMENTS.contains(&s.to_ascii_lowercase().as_str()))
}

/// A `git clone` of a branch head: no `--branch`, or a branch named after a channel
/// (`main`, `develop`), and no later `git checkout`/`git reset` of another reference in
/// the commands that follow. A `--branch` that is a version (`v1.2.0`) or a build argument
/// (`$VERSION`) pins it; a branch of any other name is not judged.
fn git_clone(args: &[(String, Range<usize>)], checked_out_later: bool) -> Option<(String, String)> {
    let mut words = args.iter().map(|(w, _)| w.as_str());
    // `git -C dir clone …`
    let sub = loop {
        match words.next()? {
            "-C" | "-c" => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w => break w,
        }
    };
    if sub != "clone" {
        return None;
    }
    let mut branch = None;
    let mut url = None;
    while let Some(w) = words.next() {
        match w {
            "-b" | "--branch" => branch = words.next(),
            "--depth" | "-o" | "--origin" | "-c" | "--config" | "--reference" | "--filter"
            | "-j" | "--jobs" | "--template" | "--separate-git-dir" | "--shallow-since"
            | "--shallow-exclude" | "-u" | "--upload-pack" => {
                words.next();
            }
            _ if w.starts_with("--branch=") => branch = w.strip_prefix("--branch="),
            _ if w.starts_with('-') => {}
            _ if url.is_none() => url = Some(w),
            _ => {}
        }
    }
    let url = url.filter(|u| u.contains("://") || u.starts_with("git@") || u.starts_with('$'))?;
    let reference = moving_branch(branch)?;
    if checked_out_later {
        return None;
    }
    Some((format!("clones `{url}`"), reference))
}

/// What an `ADD` source fetches by a moving reference, and that reference: a download address that names one, or a git
/// repository with no reference (`ADD https://github.com/o/r.git /src`) or a branch
/// named after a channel (`…/r.git#main`).
pub fn moving_add_source(source: &str) -> Option<(String, String)> {
    if let Some(reference) = moving_url_reference(source) {
        return Some((format!("downloads `{source}`"), format!("`{reference}`")));
    }
    let (repo, fragment) = source.split_once('#').unwrap_or((source, ""));
    if !(repo.contains("://") || repo.starts_with("git@")) || !repo.ends_with(".git") {
        return None;
    }
    let branch = fragment.split(':').next().filter(|b| !b.is_empty());
    Some((format!("clones `{repo}`"), moving_branch(branch)?))
}

/// The branch a clone takes, when it moves: the default branch (none given) or a branch
/// named after a channel (`main`, `develop`); none for any other name.
fn moving_branch(branch: Option<&str>) -> Option<String> {
    match branch {
        None => Some("the default branch".to_string()),
        Some(b) if CHANNELS.contains(&b.to_ascii_lowercase().as_str()) => Some(format!("`{b}`")),
        Some(_) => None,
    }
}

/// A `git checkout <ref>`, `git switch --detach <ref>` or `git reset --hard <ref>` of a
/// reference that does not move (a commit, a tag, a build argument).
pub fn pins_checkout(cmd: &Command) -> bool {
    let Some((at, "git")) = cmd.program() else {
        return false;
    };
    let mut words = cmd.words[at + 1..].iter().map(|(w, _)| w.as_str());
    let mut target = Vec::new();
    while let Some(w) = words.next() {
        match w {
            "-C" | "-c" => {
                words.next();
            }
            _ if w.starts_with('-') => {}
            _ => target.push(w),
        }
    }
    let reference = match target.as_slice() {
        ["checkout" | "switch" | "reset", r, ..] => *r,
        _ => return false,
    };
    !CHANNELS.contains(&reference.to_ascii_lowercase().as_str())
        && !reference.eq_ignore_ascii_case("head")
        && !reference.starts_with("origin/")
}

/// Module queries of `go install` that name no version (`pkg@latest`).
const GO_QUERIES: &[&str] = &["latest", "upgrade", "patch"];

/// A language package manager installing by a reference that moves: `go install
/// pkg@latest` (or `@upgrade`, `@patch`, a channel branch such as `@master`), `cargo
/// install --git URL` with no `--rev` or `--tag` (the default branch, or a `--branch`
/// named after a channel), `pip`/`pipx`/`uv` installing `git+URL` with no reference or a
/// channel one (`git+https://…/r.git@main`), and `npm`/`pnpm`/`yarn` asking for a dist-tag
/// (`pkg@latest`, `pkg@next`): each names a moving reference, as a download address
/// naming `latest` does. A package named without any version (`cargo install just`) names
/// no reference and is not judged here.
fn package_install(program: &str, args: &[(String, Range<usize>)]) -> Option<(String, String)> {
    let words: Vec<&str> = args.iter().map(|(w, _)| w.as_str()).collect();
    let channel = |r: &str| CHANNELS.contains(&r.to_ascii_lowercase().as_str());
    match program {
        "go" if matches!(words.first(), Some(&"install" | &"get")) => {
            words[1..].iter().find_map(|w| {
                let (module, query) = w.rsplit_once('@')?;
                (GO_QUERIES.contains(&query) || channel(query))
                    .then(|| (format!("installs `{module}`"), format!("`{query}`")))
            })
        }
        "cargo" if words.first() == Some(&"install") => {
            let value = |flag: &str| flag_values(&words, &[flag]).next();
            let git = value("--git")?;
            if value("--rev").is_some() || value("--tag").is_some() {
                return None;
            }
            Some((
                format!("installs from `{git}`"),
                moving_branch(value("--branch"))?,
            ))
        }
        "pip" | "pip3" | "pipx" | "uv" | "python" | "python3" => {
            let installs = words.iter().any(|w| matches!(*w, "install" | "add"));
            // `git+URL` as its own word or after a name (`ext @ git+…`, `ext@git+…`).
            let url = words.iter().find_map(|w| {
                let i = w.find("git+")?;
                (i == 0 || w[..i].ends_with([' ', '@', '='])).then(|| &w[i + 4..])
            })?;
            let url = url.split('#').next().unwrap_or(url);
            // The reference follows an `@` in the last path segment (`…/r.git@main`); an
            // `@` before it is a user (`git+ssh://git@github.com/…`).
            let last = url.rfind('/').map_or(0, |i| i + 1);
            let reference = url[last..].rsplit_once('@').map(|(_, r)| r);
            let repo = reference.map_or(url, |r| &url[..url.len() - r.len() - 1]);
            let moving = moving_branch(reference)?;
            installs.then(|| (format!("installs from `{repo}`"), moving))
        }
        "npm" | "pnpm" | "yarn" => {
            let installs = words.iter().any(|w| matches!(*w, "install" | "i" | "add"));
            let found = words.iter().find_map(|w| {
                let (package, tag) = w.rsplit_once('@').filter(|(p, _)| !p.is_empty())?;
                matches!(tag, "latest" | "next" | "canary" | "nightly")
                    .then(|| (format!("installs `{package}`"), format!("`{tag}`")))
            });
            found.filter(|_| installs)
        }
        _ => None,
    }
}

/// `rustup … nightly` or `rustup-init --default-toolchain nightly`: a toolchain that is
/// not dated (`nightly-2025-01-15` is).
fn nightly_toolchain(args: &[(String, Range<usize>)]) -> Option<(String, String)> {
    let words: Vec<&str> = args.iter().map(|(w, _)| w.as_str()).collect();
    let installs = words
        .iter()
        .any(|w| matches!(*w, "toolchain" | "install" | "default" | "-y"))
        || words.iter().any(|w| w.starts_with("--default-toolchain"));
    let nightly = words
        .iter()
        .any(|w| *w == "nightly" || *w == "--default-toolchain=nightly");
    // `rustup target add --toolchain nightly` adds to a toolchain installed elsewhere.
    (installs && nightly && !words.contains(&"target") && !words.contains(&"component")).then(
        || {
            (
                "installs the Rust toolchain".to_string(),
                "`nightly`".to_string(),
            )
        },
    )
}

/// A checksum or signature check (`sha256sum -c`, `gpg --verify`, `cosign verify`).
fn verifies(cmd: &Command) -> bool {
    let Some((at, program)) = cmd.program() else {
        return false;
    };
    let args = || cmd.words[at + 1..].iter().map(|(w, _)| w.as_str());
    match program {
        p if p.ends_with("sum") && p.starts_with("sha") || p == "md5sum" => {
            args().any(|w| w == "-c" || w == "--check")
        }
        "gpg" | "gpgv" => args().any(|w| w == "--verify") || program == "gpgv",
        "cosign" | "minisign" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::shell::commands;

    fn found(script: &str) -> Vec<(String, String)> {
        moving_fetches(&commands(script), false)
            .into_iter()
            .map(|f| (f.action, f.reference))
            .collect()
    }

    #[test]
    fn addresses_are_read_through_plain_assignments() {
        let script = "URL=\"https://github.com/o/ui/releases/latest/download/ui.zip\"\nwget -O ui.zip \"${URL}\"\ncurl -LO $URL\ncurl -LO $OTHER/latest\nexport CLI=https://builds.example.com/develop/cli\ncurl -LO \"$CLI\"";
        let found = found(script);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[0].0,
            "downloads `https://github.com/o/ui/releases/latest/download/ui.zip`"
        );
        assert_eq!(
            expand("${A:-x}/$B", &HashMap::from([("B", "b")])),
            "${A:-x}/b"
        );
    }

    #[test]
    fn package_managers_asked_for_moving_references() {
        let reference = |script: &str| found(script).into_iter().map(|f| f.1).next();
        let cases = [
            (
                "go install github.com/o/grpcurl/cmd/grpcurl@latest",
                Some("`latest`"),
            ),
            (
                "go install golang.org/x/tools/gopls@master",
                Some("`master`"),
            ),
            (
                "cargo install --git https://github.com/o/tool",
                Some("the default branch"),
            ),
            (
                "cargo install --git https://github.com/o/tool --branch main",
                Some("`main`"),
            ),
            (
                "pip install git+https://github.com/o/ext.git",
                Some("the default branch"),
            ),
            (
                "python3 -m pip install \"ext @ git+https://github.com/o/ext.git@main\"",
                Some("`main`"),
            ),
            ("npm install -g @scope/cli@latest", Some("`latest`")),
            (
                "go install github.com/o/pprof@v0.0.0-20251114195745-4902fdda35c8",
                None,
            ),
            ("go build ./cmd/app@latest", None),
            (
                "cargo install --git https://github.com/o/tool --rev 3f2a9c1",
                None,
            ),
            (
                "cargo install --git https://github.com/o/tool --tag v1.2.0",
                None,
            ),
            ("cargo install --locked just", None),
            ("pip install git+https://github.com/o/ext.git@v1.4.2", None),
            (
                "pip install git+ssh://git@github.com/o/ext.git@bmax_fix",
                None,
            ),
            (
                "pipx install git+ssh://git@github.com/o/ext.git",
                Some("the default branch"),
            ),
            ("npm install -g @scope/cli@4.2.0", None),
            ("npm run build@latest", None),
        ];
        for (script, expected) in cases {
            assert_eq!(reference(script).as_deref(), expected, "{script}");
        }
    }

    #[test]
    fn clones_of_branch_heads_move() {
        assert_eq!(
            found("git clone --depth 1 https://github.com/o/r.git ."),
            [(
                "clones `https://github.com/o/r.git`".to_string(),
                "the default branch".to_string()
            )]
        );
        assert_eq!(
            found("git clone -b main https://github.com/o/r.git")[0].1,
            "`main`"
        );
        for pinned in [
            "git clone --branch v1.2.0 https://github.com/o/r.git",
            "git clone --depth 1 --branch ${VERSION} https://github.com/o/r.git .",
            "git clone https://github.com/o/r.git && cd r && git checkout 3f2a9c1",
            "git clone ${REPO} r && git -C r checkout ${REF}",
            "git clone https://github.com/o/r.git && cd r && git reset --hard v2.0.1",
            "git clone --branch feature_x https://github.com/o/r.git",
            "git clone /src/local",
        ] {
            assert!(found(pinned).is_empty(), "{pinned}");
        }
        assert_eq!(
            found("git clone https://github.com/o/r.git && git checkout main").len(),
            1
        );
        let clone = commands("git clone ${TRITON_REPO}");
        assert!(moving_fetches(&clone, true).is_empty());
        assert!(
            commands("cd triton && git checkout ${TRITON_BRANCH}")
                .iter()
                .any(pins_checkout)
        );
        assert!(!commands("cd triton && make").iter().any(pins_checkout));
    }

    #[test]
    fn downloads_of_moving_addresses() {
        for (script, reference) in [
            ("wget https://builds.ci.example.com/develop/cli", "develop"),
            (
                "curl -fLO https://github.com/o/r/releases/latest/download/x.zip",
                "latest",
            ),
            (
                "curl -o a.sh https://raw.githubusercontent.com/o/r/main/a.sh",
                "main",
            ),
            (
                "wget https://github.com/o/r/archive/refs/heads/master.zip",
                "master",
            ),
            (
                "curl -sL https://github.com/o/r/archive/main.tar.gz | tar xz",
                "main",
            ),
        ] {
            let found = found(script);
            assert_eq!(
                found.first().map(|f| f.1.clone()),
                Some(format!("`{reference}`")),
                "{script}"
            );
        }
        for fixed in [
            "curl -fLO https://github.com/o/r/releases/download/v1.2.0/x.zip",
            "wget http://deb.debian.org/debian/dists/bookworm/main/x",
            // A remote installer piped into a shell is TF0205's.
            "curl -sSL https://raw.githubusercontent.com/o/r/master/install.sh | bash",
            "curl -fLo x.zip https://example.com/latest/x.zip && sha256sum -c x.sha256",
        ] {
            assert!(found(fixed).is_empty(), "{fixed}");
        }
    }

    #[test]
    fn undated_nightly_toolchains_move() {
        assert_eq!(
            found("/tmp/rustup-init -y --no-modify-path --default-toolchain nightly")[0].1,
            "`nightly`"
        );
        assert_eq!(found("rustup toolchain install nightly").len(), 1);
        for fixed in [
            "rustup toolchain install nightly-2025-01-15",
            "rustup target add --toolchain nightly x86_64-unknown-linux-gnu",
            "rustup component add rustfmt --toolchain nightly",
            "rustup-init -y --default-toolchain 1.85.0",
        ] {
            assert!(found(fixed).is_empty(), "{fixed}");
        }
    }
}
