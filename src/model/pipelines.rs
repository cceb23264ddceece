//! Build pipelines: the CI configurations and build scripts of a repository that build
//! container images (`docker build -f …`, `docker/build-push-action`, bake files, a CI
//! system's docker plugin). A Dockerfile a pipeline builds is built away from a
//! developer's machine and may be published, so a development compose file that also
//! builds it does not make it a development image. The image names a pipeline tags are
//! this repository's own images: a Dockerfile built `FROM` one of them builds on this
//! repository's work, whose own base is judged where it is written.

use std::path::Path;
use std::sync::OnceLock;

use crate::model::source::read_regular_prefix;
use crate::parse::shell::flag_values;

/// Pipeline files read from the repository root.
const FILES: &[&str] = &[
    ".gitlab-ci.yml",
    ".woodpecker.yml",
    ".woodpecker.yaml",
    ".drone.yml",
    ".circleci/config.yml",
    ".travis.yml",
    "azure-pipelines.yml",
    "cloudbuild.yaml",
    "cloudbuild.yml",
    "docker-bake.hcl",
    "docker-bake.json",
    "Makefile",
    "justfile",
    "Justfile",
];

/// How the name of a bake file ends (`docker-bake.hcl`, `bake.hcl`, `release.bake.json`):
/// read in the root and beside the Dockerfiles, which bake files build.
const BAKE_FILE_ENDINGS: &[&str] = &["bake.hcl", "bake.json"];

/// Directories at the root whose YAML files are pipelines.
const DIRS: &[&str] = &[".github/workflows", ".woodpecker", ".buildkite"];

/// Words that show a pipeline builds images (for a Dockerfile it does not name, the default
/// `Dockerfile` of a build context).
const IMAGE_BUILDS: &[&str] = &[
    "docker build",
    "docker buildx",
    "docker image build",
    "build-push-action",
    "bake-action",
    "buildx bake",
    "docker-bake",
    "kaniko",
    "plugins/docker",
    "plugin-docker-buildx",
    "podman build",
    "buildah",
];

/// Words that show a pipeline pushes the images it builds.
const PUSHES: &[&str] = &[
    "docker push",
    "push: true",
    // `push: ${{ github.event_name != 'pull_request' }}`: pushes on the branches and
    // tags that release.
    "push: ${{",
    "--push",
    "podman push",
    "buildah push",
];

/// The most scripts of one pipeline that are read.
const MAX_SCRIPTS: usize = 20;

/// The most bytes of one pipeline file that are read.
const MAX_BYTES: u64 = 1024 * 1024;

/// The most pipeline files read from one directory.
const MAX_FILES_PER_DIR: usize = 200;

/// The pipeline files of a repository, read once.
#[derive(Debug, Default)]
pub struct Pipelines {
    /// (path from the root, text).
    files: Vec<(String, String)>,
    /// The image names the pipelines tag, as templates ([`Pipelines::tag_image`]); built
    /// on first use.
    tagged: OnceLock<Vec<String>>,
    /// The named build contexts the pipelines pass to builds ([`build_context_names`]);
    /// built on first use.
    contexts: OnceLock<Vec<String>>,
    /// The files whose `image:` lines a pipeline rewrites, as templates
    /// ([`Pipelines::rewrites_images`]); built on first use.
    rewritten: OnceLock<Vec<String>>,
    /// For each file, the build stages it targets, lower-cased ([`targeted_stages`]);
    /// built on first use.
    stages: OnceLock<Vec<Vec<String>>>,
}

impl Pipelines {
    /// Read the pipeline files under `root`, each with the repository scripts it runs
    /// (`./dev/build-docker.sh`), which build as part of it, and the bake files in
    /// `dockerfile_dirs`. Symbolic links are not followed, so nothing outside the
    /// repository is read.
    pub fn read<'d>(root: &Path, dockerfile_dirs: impl IntoIterator<Item = &'d str>) -> Pipelines {
        let mut paths: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
        let mut dirs: Vec<&str> = dockerfile_dirs
            .into_iter()
            .filter(|d| !d.is_empty())
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        for dir in dirs {
            paths.extend(files_in(root, dir, |n| {
                BAKE_FILE_ENDINGS.iter().any(|e| n.ends_with(e))
            }));
        }
        for dir in DIRS {
            paths.extend(files_in(root, dir, |n| {
                n.ends_with(".yml") || n.ends_with(".yaml")
            }));
        }
        let read = |p: &str| {
            real_path(root, p)?;
            read_regular_prefix(&root.join(p), MAX_BYTES)
        };
        let files = paths
            .into_iter()
            .filter_map(|p| {
                let mut text = read(&p)?;
                for script in run_scripts(&text).into_iter().take(MAX_SCRIPTS) {
                    if let Some(body) = read(&script) {
                        text.push('\n');
                        text.push_str(&body);
                    }
                }
                Some((p, text))
            })
            .collect();
        Pipelines {
            files,
            tagged: OnceLock::new(),
            rewritten: OnceLock::new(),
            contexts: OnceLock::new(),
            stages: OnceLock::new(),
        }
    }

    /// The first pipeline that names the Dockerfile at `dockerfile` (its path, its file
    /// name, or for a default name its directory) and pushes images (`docker push`,
    /// `push: true`, `--push`): the image is published. When the pipeline builds it with
    /// `docker build -t <image> -f <dockerfile>` and pushes images by name, one of them
    /// must be that image ([`pushes_image_built_from`]).
    pub fn publishing(&self, dockerfile: &str) -> Option<&str> {
        let dir = dockerfile.rsplit_once('/').map_or("", |(d, _)| d);
        self.files
            .iter()
            .filter(|(_, text)| PUSHES.iter().any(|p| text.contains(p)))
            .find(|(_, text)| {
                names_dockerfile(text, dockerfile, || !dir.is_empty() && names_dir(text, dir))
                    && pushes_image_built_from(text, dockerfile)
            })
            .map(|(path, _)| path.as_str())
    }

    /// True when a pipeline rewrites the `image:` lines of the manifest at `path` before
    /// it is used (`sed -i "s|image: .*|image: repo/app:${SHA}|" k8s/app-${{ matrix.x }}.yaml`):
    /// the reference as written is a placeholder for the build's own tag.
    pub fn rewrites_images(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        let rewritten = self.rewritten.get_or_init(|| {
            self.files
                .iter()
                .flat_map(|(_, text)| {
                    continued_lines(text)
                        .lines()
                        .filter(|line| {
                            line.contains("image: ")
                                && line
                                    .split_whitespace()
                                    .any(|w| w.rsplit('/').next() == Some("sed"))
                        })
                        // The file after the quoted script (`${{ … }}` holds spaces).
                        .map(|line| {
                            let target = line
                                .rfind(['"', '\''])
                                .map_or(line, |q| &line[q + 1..])
                                .trim();
                            target.rsplit('/').next().unwrap_or(target).to_string()
                        })
                        .collect::<Vec<_>>()
                })
                .collect()
        });
        rewritten
            .iter()
            .any(|target| template_matches(target, name))
    }

    /// Every pipeline file (path, text with the scripts it runs).
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, t)| (p.as_str(), t.as_str()))
    }

    /// The first pipeline file that builds the Dockerfile at `dockerfile` (a path from the
    /// root): one naming its path, or its file name when that is not a default name; for
    /// a `Dockerfile` or `Containerfile`, which a build finds without being told, one that
    /// builds any image.
    pub fn building(&self, dockerfile: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(_, text)| {
                names_dockerfile(text, dockerfile, || {
                    IMAGE_BUILDS.iter().any(|w| text.contains(w))
                })
            })
            .map(|(path, _)| path.as_str())
    }
}

impl Pipelines {
    /// True when a pipeline that builds the Dockerfile at `dockerfile` (as
    /// [`Pipelines::building`] finds it) targets its stage `stage`: `--target stage`
    /// (`--target=stage`), or a `target: stage` input of a build action or bake file.
    pub fn targets_stage(&self, dockerfile: &str, stage: &str) -> bool {
        let stages = self.stages.get_or_init(|| {
            self.files
                .iter()
                .map(|(_, text)| targeted_stages(text))
                .collect()
        });
        let stage = stage.to_ascii_lowercase();
        self.files.iter().zip(stages).any(|((_, text), targeted)| {
            targeted.contains(&stage)
                && names_dockerfile(text, dockerfile, || {
                    IMAGE_BUILDS.iter().any(|w| text.contains(w))
                })
        })
    }
}

/// The build stages `text` picks, lower-cased: `--target` flags' values, and `target:`
/// (YAML) or `target =` (HCL) settings.
fn targeted_stages(text: &str) -> Vec<String> {
    let mut stages: Vec<String> = Vec::new();
    if !text.contains("target") {
        return stages;
    }
    for line in continued_lines(text).lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let setting = line
            .trim_start()
            .trim_start_matches("- ")
            .strip_prefix("target")
            .and_then(|rest| rest.trim_start().strip_prefix([':', '=']))
            .map(str::trim);
        for value in flag_values(&words, &["--target"]).chain(setting) {
            let value = value.trim_matches(['"', '\'', ',']).to_ascii_lowercase();
            if !value.is_empty() && !stages.contains(&value) {
                stages.push(value);
            }
        }
    }
    stages
}

impl Pipelines {
    /// The repository names (last path component, no tag) of the images the pipeline at
    /// `path` tags (`n0computer/iroh-relay:${{ inputs.version }}` → `iroh-relay`).
    pub fn tagged_repositories(&self, path: &str) -> Vec<String> {
        let Some((_, text)) = self.files.iter().find(|(p, _)| p == path) else {
            return Vec::new();
        };
        let mut names: Vec<String> = tag_templates(text)
            .iter()
            .map(|t| repository_name(t))
            .filter(|n| !n.contains(['$', '{']))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// True when a pipeline tags images named `name` (without tag or digest): a `tags:` or
    /// `images:` value, or the reference after `-t`/`--tag` of a build command, matches it.
    /// An expression (`${{ github.repository }}`, `$IMAGE`) stands for any text, a
    /// `${{ matrix.<key> }}` for each value the file gives `<key>`; a template needs a
    /// `/` (an image of some namespace, not an official image) and four letters or digits
    /// of its own to name anything.
    pub fn tag_image(&self, name: &str) -> bool {
        let tagged = self.tagged.get_or_init(|| {
            self.files
                .iter()
                .flat_map(|(_, text)| {
                    tag_templates(text)
                        .iter()
                        .flat_map(|template| expand_matrix(template, text))
                        .map(|t| image_part(&t))
                        .filter(|image| image.contains('/'))
                        .collect::<Vec<_>>()
                })
                .collect()
        });
        tagged.iter().any(|image| template_matches(image, name))
    }
}

impl Pipelines {
    /// True when a build pipeline provides the image a `FROM name` asks for: it tags
    /// images of that name ([`Pipelines::tag_image`]), or passes a named build context
    /// called `name` (`--build-context name=…`, a bake target's `contexts`), which BuildKit
    /// uses before any registry.
    pub fn provides_image(&self, name: &str) -> bool {
        let contexts = self.contexts.get_or_init(|| {
            self.files
                .iter()
                .flat_map(|(_, text)| build_context_names(text))
                .collect()
        });
        contexts.iter().any(|c| c.eq_ignore_ascii_case(name)) || self.tag_image(name)
    }
}

/// The files of the directory `dir` under `root` whose names `keep` accepts, by path from
/// the root, sorted, at most [`MAX_FILES_PER_DIR`]. A symbolic link is not followed.
fn files_in(root: &Path, dir: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    if !real_path(root, dir).is_some_and(|m| m.is_dir()) {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| keep(n))
        .collect();
    names.sort_unstable();
    names.truncate(MAX_FILES_PER_DIR);
    names.into_iter().map(|n| format!("{dir}/{n}")).collect()
}

/// The names of the named build contexts a pipeline text passes to builds: the `name` of
/// `--build-context name=…`, of each `name=…` line under a `build-contexts:` key, and each
/// key of a bake target's `contexts = { name = … }` (HCL) or `"contexts": {"name": …}`
/// (JSON).
fn build_context_names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let name_of = |assignment: &str| {
        let (name, _) = assignment.split_once('=')?;
        let name = name.trim().trim_matches(['"', '\'']);
        (!name.is_empty()).then(|| name.to_string())
    };
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        out.extend(flag_values(&words, &["--build-context"]).filter_map(|w| name_of(&clean(w))));
    }
    out.extend(
        key_values(text, "build-contexts")
            .iter()
            .filter_map(|v| name_of(v)),
    );
    let mut rest = text;
    while let Some(at) = rest.find("contexts") {
        rest = &rest[at + "contexts".len()..];
        let block = rest.trim_start_matches(['"', ' ', '\t']);
        let Some(block) = block.strip_prefix(['=', ':']) else {
            continue;
        };
        let Some(block) = block.trim_start().strip_prefix('{') else {
            continue;
        };
        out.extend(block_keys(block));
    }
    out
}

/// The keys at the top level of the HCL or JSON object whose text follows its `{`: each
/// name or quoted string followed by `=` or `:`, up to the closing `}`.
fn block_keys(block: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut at_key = true;
    let mut chars = block.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' if depth == 0 => break,
            '}' | ']' | ')' => depth -= 1,
            '\n' | ',' if depth == 0 => at_key = true,
            c if depth == 0 && at_key && !c.is_whitespace() => {
                at_key = false;
                let quoted = c == '"';
                let start = if quoted { i + 1 } else { i };
                let len = block[start..]
                    .find(|ch: char| {
                        if quoted {
                            ch == '"'
                        } else {
                            !(ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
                        }
                    })
                    .unwrap_or(block.len() - start);
                let key = &block[start..start + len];
                let after = block[start + len..].trim_start_matches(['"', ' ', '\t']);
                if !key.is_empty() && after.starts_with(['=', ':']) {
                    keys.push(key.to_string());
                }
                while chars.peek().is_some_and(|&(j, _)| j < start + len) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    keys
}

/// The image references a pipeline text tags, as written: values of `tags:` and `images:`
/// keys and the words after `-t`/`--tag` in commands.
fn tag_templates(text: &str) -> Vec<String> {
    let mut out = key_values(text, "tags");
    out.extend(key_values(text, "images"));
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        out.extend(flag_values(&words, &["-t", "--tag"]).map(clean));
    }
    out.retain(|t| !t.is_empty());
    out
}

/// The values YAML-like `text` gives `key`, wherever it appears: inline (`key: a`), as a
/// flow list (`key: [a, b]`), or as the block list or block scalar lines under it.
fn key_values(text: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let Some(value) = trimmed
            .strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(':'))
        else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() || value == "|" || value == ">" {
            let indent = line.len() - line.trim_start().len();
            while let Some(next) =
                lines.next_if(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
            {
                out.extend(next.trim().trim_start_matches("- ").split(',').map(clean));
            }
        } else {
            out.extend(value.trim_matches(['[', ']']).split(',').map(clean));
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

/// A tag reference without quotes or a trailing comment.
fn clean(word: &str) -> String {
    let word = word.split(" #").next().unwrap_or(word);
    word.trim().trim_matches(['"', '\'', ',']).to_string()
}

/// `template` once per value of the `${{ matrix.<key> }}` it uses, as the text lists
/// them ([`key_values`]); unchanged without one.
fn expand_matrix(template: &str, text: &str) -> Vec<String> {
    let Some(start) = template.find("${{ matrix.") else {
        return vec![template.to_string()];
    };
    let Some(len) = template[start..].find("}}").map(|e| e + 2) else {
        return vec![template.to_string()];
    };
    let expression = &template[start..start + len];
    let key = expression
        .trim_start_matches("${{ matrix.")
        .trim_end_matches("}}")
        .trim();
    let mut values = key_values(text, key);
    values.sort();
    values.dedup();
    values
        .iter()
        .flat_map(|v| expand_matrix(&template.replacen(expression, v, 1), text))
        .collect()
}

/// The name part of an image reference template: without a tag (`:…` after the last
/// `/`) or digest.
fn image_part(template: &str) -> String {
    let template = template.split('@').next().unwrap_or(template);
    let slash = template.rfind('/').map_or(0, |i| i + 1);
    match template[slash..].find(':') {
        Some(colon) => template[..slash + colon].to_string(),
        None => template.to_string(),
    }
}

/// True when `name` matches `template`, where each expression (`${{ … }}`, `${…}`,
/// `$NAME`) stands for any text; a template with fewer than four letters or digits
/// outside expressions matches nothing.
fn template_matches(template: &str, name: &str) -> bool {
    let mut literals: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        literals.push(&rest[..at]);
        let after = &rest[at + 1..];
        let skip = if after.starts_with("{{") {
            after.find("}}").map_or(after.len(), |e| e + 2)
        } else if after.starts_with('{') {
            after.find('}').map_or(after.len(), |e| e + 1)
        } else {
            after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len())
        };
        rest = &after[skip..];
    }
    literals.push(rest);
    let own = literals
        .iter()
        .flat_map(|l| l.chars())
        .filter(char::is_ascii_alphanumeric)
        .count();
    if own < 4 {
        return false;
    }
    let (first, others) = literals.split_first().expect("at least one literal");
    let Some(mut remaining) = name.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = others.split_last() else {
        return remaining.is_empty();
    };
    for literal in middle {
        match remaining.find(literal) {
            Some(i) => remaining = &remaining[i + literal.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last)
}

/// True when a pipeline's `text` names the Dockerfile at `dockerfile`: its path, or its
/// file name unless that is a default one (`Dockerfile`, `Containerfile`), which a build
/// finds without being told; for a default name, `found_by_default` decides.
fn names_dockerfile(text: &str, dockerfile: &str, found_by_default: impl FnOnce() -> bool) -> bool {
    let name = dockerfile.rsplit('/').next().unwrap_or(dockerfile);
    let default_name = name == "Dockerfile" || name == "Containerfile";
    names_path(text, dockerfile)
        || if default_name {
            found_by_default()
        } else {
            names_path(text, name)
        }
}

/// True when a build's `--output` value exports files, not an image: a directory
/// (`--output dist`), or `type=local`, `type=tar` or `type=cacheonly`.
fn exports_files(output: &str) -> bool {
    match output.split(',').find_map(|p| p.strip_prefix("type=")) {
        Some(kind) => matches!(kind, "local" | "tar" | "cacheonly"),
        None => !output.contains('='),
    }
}

/// False when `text` builds the Dockerfile at `dockerfile` only with `docker build` (or
/// `podman`/`buildx build`) commands that name it with `-f` and tag it with `-t`, pushes
/// only with `docker push <image>`, and pushes no image whose name (the last part of the
/// reference, so `ghcr.io/acme/api` pushes a local `acme/api`) is one of those tags. An
/// expression in a pushed name may name anything, so it is taken as the image; so is a
/// build that pushes itself (`--push`, `push: true`) or one named some other way. A
/// Dockerfile whose every build exports files (`--output dist/`) is not pushed.
fn pushes_image_built_from(text: &str, dockerfile: &str) -> bool {
    let (mut builds, mut exports) = (0, 0);
    let mut built: Vec<String> = Vec::new();
    let mut pushed: Vec<String> = Vec::new();
    for line in continued_lines(text).lines() {
        let words: Vec<&str> = line
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']))
            .collect();
        let Some(at) = words
            .windows(2)
            .position(|p| matches!(p[0], "docker" | "podman" | "buildx" | "buildah"))
        else {
            continue;
        };
        let command = &words[at + 1..];
        match command.first().copied() {
            Some("push") => pushed.extend(
                command[1..]
                    .iter()
                    .find(|w| !w.starts_with('-'))
                    .map(|w| repository_name(w)),
            ),
            Some("build" | "buildx") => {
                let file = flag_values(command, &["-f", "--file"]).next();
                if !file.is_some_and(|f| names_dockerfile(f, dockerfile, || false)) {
                    continue;
                }
                if command.contains(&"--push") {
                    return true;
                }
                builds += 1;
                if flag_values(command, &["-o", "--output"]).any(exports_files) {
                    exports += 1;
                    continue;
                }
                built.extend(flag_values(command, &["-t", "--tag"]).map(repository_name));
            }
            _ => {}
        }
    }
    // Every build of it exports files (`--output dist/`): no image to publish.
    if builds > 0 && exports == builds {
        return false;
    }
    if text.contains("push: true") || built.is_empty() || built.iter().any(|n| n.contains('$')) {
        return true;
    }
    pushed
        .iter()
        .any(|name| name.contains('$') || built.contains(name))
}

/// `text` with lines continued by a trailing `\` joined, so each line is one command.
pub fn continued_lines(text: &str) -> String {
    text.replace("\\\n", " ")
}

/// The last part of an image reference's name: `api` for `ghcr.io/acme/api:1.2`.
fn repository_name(reference: &str) -> String {
    let name = image_part(reference);
    name.rsplit('/').next().unwrap_or(&name).to_string()
}

/// The repository scripts a pipeline text runs: words that are relative paths ending in
/// `.sh` (`./dev/build-docker.sh`, `bash scripts/release.sh`), as paths from the root.
fn run_scripts(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ';' | '(' | ')'))
        .filter(|w| w.ends_with(".sh") && !w.starts_with('/') && !w.contains('$'))
        .map(|w| w.trim_start_matches("./").to_string())
        .filter(|w| !w.split('/').any(|part| part == ".." || part.is_empty()))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The metadata of `rel` under `root` when no part of it is a symbolic link (nor `..`):
/// a path that stays inside the repository.
fn real_path(root: &Path, rel: &str) -> Option<std::fs::Metadata> {
    let mut at = root.to_path_buf();
    let mut meta = None;
    for part in rel.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return None;
        }
        at.push(part);
        let m = std::fs::symlink_metadata(&at).ok()?;
        if m.file_type().is_symlink() {
            return None;
        }
        meta = Some(m);
    }
    meta
}

/// True when `text` holds `path` as a whole path: not inside a longer name
/// (`Dockerfile-c` in `Dockerfile-cpp`), though it may end a longer path (`./api/Dockerfile-c`
/// holds `Dockerfile-c`).
pub fn names_path(text: &str, path: &str) -> bool {
    text.match_indices(path).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + path.len()..].chars().next();
        !before.is_some_and(part_of_name) && !after.is_some_and(part_of_name)
    })
}

/// True when `c` may be part of a file or directory name.
fn part_of_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// True when `text` names the directory `dir` itself (`context: ci`, `cd ci/`), not a
/// file inside it (`ci/generate`).
fn names_dir(text: &str, dir: &str) -> bool {
    text.match_indices(dir).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let mut after = text[at + dir.len()..].chars();
        let next = after.next();
        let inside = next == Some('/') && after.next().is_some_and(part_of_name);
        !before.is_some_and(part_of_name) && !next.is_some_and(part_of_name) && !inside
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipelines(files: &[(&str, &str)]) -> Pipelines {
        Pipelines {
            files: files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
            tagged: OnceLock::new(),
            rewritten: OnceLock::new(),
            contexts: OnceLock::new(),
            stages: OnceLock::new(),
        }
    }

    #[test]
    fn stages_a_pipeline_targets() {
        let p = pipelines(&[
            (
                ".github/workflows/release.yml",
                "steps:\n  - run: docker build --target worker -t acme/worker:1 .\n  - uses: docker/build-push-action@v6\n    with:\n      file: deploy/Dockerfile.api\n      target: \"server\"\n",
            ),
            (
                "docker-bake.hcl",
                "target \"cron\" {\n  dockerfile = \"Dockerfile\"\n  target = \"cron\"\n}\n",
            ),
        ]);
        assert!(p.targets_stage("Dockerfile", "worker"));
        assert!(p.targets_stage("Dockerfile", "cron"));
        assert!(p.targets_stage("deploy/Dockerfile.api", "server"));
        assert!(!p.targets_stage("Dockerfile", "debug"));
        // A stage of a Dockerfile no pipeline builds.
        assert!(!p.targets_stage("tools/Dockerfile.lint", "worker"));
    }

    #[test]
    fn named_build_contexts_from_commands_actions_and_bake_files() {
        let names = build_context_names(concat!(
            "docker buildx build --build-context deps=./vendor --build-context=\"base=docker-image://alpine:3.20\" .\n",
            "      with:\n        build-contexts: |\n          toolchain=docker-image://rust:1.83\n",
            "target \"app\" {\n  contexts = {\n    input = elem(\"target:b\", [a, b])\n    \"docs-site\" = \"./site\"\n  }\n  args = { tag = \"1\" }\n}\n",
            "{\"target\": {\"x\": {\"contexts\": {\"src\": \"./src\", \"cfg\": \"./cfg\"}}}}\n",
        ));
        assert_eq!(
            names,
            [
                "deps",
                "base",
                "toolchain",
                "input",
                "docs-site",
                "src",
                "cfg"
            ]
        );
        assert!(build_context_names("contexts: none\nrun: echo contexts = 3\n").is_empty());
    }

    #[test]
    fn a_dockerfile_named_by_path_or_file_name() {
        let p = pipelines(&[(
            ".github/workflows/release.yml",
            "      - uses: docker/build-push-action@v6\n        with:\n          file: docker/Dockerfile.release\n",
        )]);
        assert_eq!(
            p.building("docker/Dockerfile.release"),
            Some(".github/workflows/release.yml")
        );
        let make = pipelines(&[(
            "Makefile",
            "image:\n\tcd api && docker build -f Dockerfile-c .\n",
        )]);
        assert!(make.building("api/Dockerfile-c").is_some());
        assert!(make.building("api/Dockerfile-cpp").is_none());
        assert!(make.building("api/Dockerfile").is_some());
    }

    #[test]
    fn scripts_a_pipeline_runs_are_part_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
        std::fs::create_dir_all(root.join("dev/docker")).unwrap();
        std::fs::write(
            root.join(".github/workflows/docker.yml"),
            "jobs:\n  docker:\n    steps:\n      - run: ./dev/build-docker.sh\n      - run: docker push ghcr.io/acme/scheduler:latest\n",
        )
        .unwrap();
        std::fs::write(
            root.join("dev/build-docker.sh"),
            "docker build -t acme/scheduler -f dev/docker/scheduler.Dockerfile .\ndocker build \\\n  -t \"acme/cli:latest\" -f dev/docker/cli.Dockerfile .\n",
        )
        .unwrap();
        std::fs::write(
            root.join(".github/workflows/test.yml"),
            "      - run: docker build -f dev/docker/test.Dockerfile .\n",
        )
        .unwrap();
        let p = Pipelines::read(root, []);
        assert_eq!(
            p.publishing("dev/docker/scheduler.Dockerfile"),
            Some(".github/workflows/docker.yml")
        );
        assert_eq!(
            p.building("dev/docker/test.Dockerfile"),
            Some(".github/workflows/test.yml")
        );
        assert_eq!(p.publishing("dev/docker/test.Dockerfile"), None);
        assert_eq!(
            p.building("dev/docker/cli.Dockerfile"),
            Some(".github/workflows/docker.yml")
        );
        assert_eq!(p.publishing("dev/docker/cli.Dockerfile"), None);
        assert_eq!(
            run_scripts("run: bash ../x.sh && ./a/b.sh; /abs/c.sh \"$D/d.sh\" ci/e.sh"),
            ["a/b.sh", "ci/e.sh"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_repository_are_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(outside.path().join("workflows")).unwrap();
        std::fs::write(
            outside.path().join("workflows/x.yml"),
            "docker build -f Dockerfile.dev . && docker push a/b\n",
        )
        .unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), repo.path().join(".github")).unwrap();
        assert_eq!(
            Pipelines::read(repo.path(), []).building("Dockerfile.dev"),
            None
        );
    }

    #[test]
    fn a_longer_name_is_not_the_dockerfile() {
        let p = pipelines(&[(
            ".woodpecker.yml",
            "dockerfile: docker/Dockerfile.dev-tools\n",
        )]);
        assert!(p.building("docker/Dockerfile.dev").is_none());
        assert!(p.building("Dockerfile").is_none());
    }

    #[test]
    fn images_a_pipeline_tags() {
        let base = pipelines(&[(
            ".github/workflows/package-base.yml",
            "jobs:\n  build:\n    strategy:\n      matrix:\n        include:\n          - suffix: base-builder\n            dockerfile: docker/Dockerfile.base-builder\n          - suffix: base-runtime\n            dockerfile: docker/Dockerfile.base-runtime\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          file: ${{ matrix.dockerfile }}\n          tags: ${{ env.REGISTRY }}/${{ github.repository }}-${{ matrix.suffix }}\n",
        )]);
        assert!(base.tag_image("ghcr.io/acme/proxy-base-builder"));
        assert!(base.tag_image("ghcr.io/acme/proxy-base-runtime"));
        assert!(!base.tag_image("ghcr.io/acme/proxy-base-tools"));
        let meta = pipelines(&[(
            ".github/workflows/image.yml",
            "    strategy:\n      matrix:\n        bin:\n          - ssserver\n          - sslocal\n    steps:\n      - uses: docker/metadata-action@v5\n        with:\n          images: ghcr.io/${{ github.repository_owner }}/${{ matrix.bin }}-rust\n",
        )]);
        assert!(meta.tag_image("ghcr.io/acme/ssserver-rust"));
        assert!(!meta.tag_image("ghcr.io/acme/ssmanager-rust"));
        let script = pipelines(&[(
            "Makefile",
            "image:\n\tdocker build -t registry.example.com/team/api:$(VERSION) --tag=team/worker .\n",
        )]);
        assert!(script.tag_image("registry.example.com/team/api"));
        assert!(script.tag_image("team/worker"));
        assert!(!script.tag_image("team/api"));
        let vague = pipelines(&[(
            ".gitlab-ci.yml",
            "  script: docker build -t $CI_REGISTRY_IMAGE:$TAG .\n  tags: [docker]\n",
        )]);
        assert!(!vague.tag_image("ghcr.io/any/thing"));
        assert!(!vague.tag_image("docker"));
    }

    #[test]
    fn a_default_dockerfile_is_built_by_any_image_build() {
        let p = pipelines(&[(
            ".gitlab-ci.yml",
            "build:\n  script: docker build -t app .\n",
        )]);
        assert!(p.building("Dockerfile").is_some());
        assert!(p.building("deploy/Containerfile").is_some());
        assert!(p.building("Dockerfile.dev").is_none());
        assert!(pipelines(&[]).building("Dockerfile").is_none());
    }
}
