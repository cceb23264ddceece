//! Extraction: the facts project rules need, read from one parsed file on its walker
//! thread (syntax trees are dropped there).

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use crate::diagnostic::Location;
use crate::model::flow;
use crate::model::fly;
use crate::model::images;
use crate::model::listen;
use crate::model::role;
use crate::model::source::launch;
use crate::model::source::{FileKind, SourceFile, YamlDoc};
use crate::parse::dockerfile::{Dockerfile, Script, Stage};
use crate::parse::path::join_path;
use crate::parse::rust;
use crate::parse::shell;
use crate::parse::uses::uses;
use crate::parse::yaml::{self, ComposePort, DocKind};

use super::{
    CargoFacts, CodeFile, CommandUse, ContainerFacts, DockerFacts, EnvFacts, Fact, ListenFact,
    PortDecl, RunTarget, RustFacts, StageFacts, Wanted, YamlFacts,
};

/// The files `git` tracks below `root`, relative to it.
pub fn tracked_files(root: &Path) -> HashSet<String> {
    let Ok(repo) = git2::Repository::open(root) else {
        return HashSet::new();
    };
    let Ok(index) = repo.index() else {
        return HashSet::new();
    };
    index
        .iter()
        .filter_map(|e| String::from_utf8(e.path).ok())
        .collect()
}

/// Extract the facts project rules need from a parsed file.
/// For Rust files, only the facts in `wanted`.
pub fn extract(file: &SourceFile<'_>, root: &Path, wanted: Wanted) -> Option<Fact> {
    let dir = file
        .path
        .rsplit_once('/')
        .map_or("", |(d, _)| d)
        .to_string();
    match file.kind {
        FileKind::Cargo => {
            let manifest = file.manifest()?.clone();
            let abs = root.join(&dir);
            let has_bin = manifest.package.is_some()
                && (!manifest.bins.is_empty()
                    || abs.join("src/main.rs").is_file()
                    || abs.join("src/bin").is_dir());
            let header = match &manifest.package {
                Some((_, span)) => file.loc(span.clone()),
                None => file.loc(0..0),
            };
            Some(Fact::Cargo(Box::new(CargoFacts {
                path: file.path.to_string(),
                dir,
                manifest,
                has_bin,
                header,
            })))
        }
        FileKind::Dockerfile => {
            let df = file.dockerfile()?;
            let used = df.used_stages();
            let stages: Vec<StageFacts> = df
                .stages()
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    let image = s.image();
                    StageFacts {
                        alias: s.alias(),
                        image: image.as_ref().map(|w| w.value.clone()).unwrap_or_default(),
                        location: file.loc(image.map_or(s.from.keyword_span.clone(), |w| w.span)),
                        steps: s
                            .body
                            .iter()
                            .filter(|i| i.keyword == "RUN")
                            .map(|i| i.args.text.split_whitespace().collect::<Vec<_>>().join(" "))
                            .collect(),
                        bytes: s.from.span.start..s.body.last().unwrap_or(s.from).span.end,
                        used: used[k],
                    }
                })
                .collect();
            // A stage named for development (`AS dev`) is not a release a build targets.
            let run_targets = df.run_targets();
            let release =
                |chain: &[Stage<'_>]| !chain[0].alias().is_some_and(|a| role::is_dev_stage(&a));
            let run_target = |(stage, chain): &(usize, Vec<Stage<'_>>)| RunTarget {
                stage: *stage,
                provides: chain_provides(chain),
            };
            let targets: Vec<RunTarget> = run_targets
                .iter()
                .enumerate()
                .filter(|(k, (_, chain))| *k == 0 || release(chain))
                .map(|(_, target)| run_target(target))
                .collect();
            let leaf_targets: Vec<RunTarget> = df
                .named_leaf_targets()
                .iter()
                .filter(|(_, chain)| release(chain))
                .map(run_target)
                .collect();
            let mut exposes = Vec::new();
            let mut env = Vec::new();
            let mut copies = Vec::new();
            // Repository files copied into the image: (source as written, destination).
            let mut copied_in: Vec<(String, String)> = Vec::new();
            // The final stage and those it is built `FROM` (`Dockerfile::runtime_stages`).
            let runtime: &[Stage<'_>] = run_targets.first().map_or(&[], |(_, chain)| chain);
            for stage in runtime {
                for inst in stage.body {
                    match inst.keyword.as_str() {
                        "EXPOSE" => {
                            for w in inst.args.words() {
                                let number = w.value.split('/').next().unwrap_or_default();
                                if let Ok(port) = number.parse::<u16>() {
                                    exposes.push(PortDecl {
                                        port,
                                        location: file.loc(w.span),
                                    });
                                }
                            }
                        }
                        "ENV" => env.extend(
                            inst.pairs(file.text)
                                .into_iter()
                                .filter_map(|s| Some((s.key?, s.value))),
                        ),
                        "COPY" | "ADD" => {
                            let words = inst.args.words();
                            let sources = &words[..words.len().saturating_sub(1)];
                            let from_stage = inst.copy_source_stage().is_some();
                            if let (false, Some(dest)) = (from_stage, words.last()) {
                                copied_in.extend(
                                    sources
                                        .iter()
                                        .map(|w| (w.value.clone(), dest.value.clone())),
                                );
                            }
                            copies.push((
                                sources.iter().map(|w| w.value.clone()).collect(),
                                file.loc(
                                    inst.keyword_span.start
                                        ..words
                                            .last()
                                            .map_or(inst.keyword_span.end, |w| w.span.end),
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
            }
            let words = stages
                .iter()
                .flat_map(|s: &StageFacts| s.steps.iter())
                .flat_map(|step| {
                    step.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                })
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
            let launch_scripts = launch_scripts(file, &copied_in, dir);
            let build_scripts = build_scripts(file, df, root, dir);
            let stop_signal = runtime.iter().find_map(|s| {
                s.body
                    .iter()
                    .rev()
                    .find(|i| i.keyword == "STOPSIGNAL")
                    .map(|i| i.args.text.trim().to_string())
            });
            Some(Fact::Docker(Box::new(DockerFacts {
                path: file.path.to_string(),
                stages,
                targets,
                leaf_targets,
                exposes,
                env,
                copies,
                words,
                launch_scripts,
                build_scripts,
                stop_signal,
                backing_service: df.runtime_backing_service(),
            })))
        }
        FileKind::Rust => {
            let tokens = file.tokens()?;
            let uses = if wanted.commands || wanted.flow {
                uses(tokens)
            } else {
                Vec::new()
            };
            let found = if wanted.commands {
                rust::commands(tokens, &uses)
            } else {
                Vec::new()
            };
            let commands: Vec<CommandUse> = found
                .into_iter()
                .map(|(tool, span)| CommandUse {
                    tool,
                    location: file.loc(span),
                })
                .collect();
            // The tree is there when the engine admitted it ([`listen::PREFILTER`]).
            let listens: Vec<ListenFact> = wanted
                .listens
                .then(|| file.rust())
                .flatten()
                .map(listen::listens)
                .unwrap_or_default()
                .into_iter()
                .map(|l| ListenFact {
                    path: file.path.to_string(),
                    location: file.loc(l.span),
                    arg: file.loc(l.arg_span),
                    host: l.host,
                    port: l.port,
                })
                .collect();
            let code = wanted
                .flow
                .then(|| flow::analyze(tokens, &uses, &|span| span))
                .filter(|facts| !facts.is_empty())
                .map(|facts| CodeFile {
                    path: file.path.to_string(),
                    facts,
                });
            let build_env: Vec<(String, String)> = if wanted.build_env {
                file.string_literals()
                    .iter()
                    .filter_map(|l| rustc_env_name(&l.value))
                    .map(|name| (file.path.to_string(), name))
                    .collect()
            } else {
                Vec::new()
            };
            let any = !commands.is_empty()
                || !listens.is_empty()
                || code.is_some()
                || !build_env.is_empty();
            any.then_some(Fact::Rust(Box::new(RustFacts {
                commands,
                listens,
                code,
                build_env,
            })))
        }
        FileKind::Yaml => {
            let containers: Vec<ContainerFacts> = file
                .yaml()
                .iter()
                .flat_map(|doc| containers(file, doc, &dir))
                .collect();
            let replaced_images: Vec<String> = file
                .yaml()
                .iter()
                .flat_map(|doc| images::replaced_in_yaml(&doc.node, &basename(file.path)))
                .collect();
            let compose_parts: Vec<(String, String)> = file
                .yaml()
                .iter()
                .filter(|doc| doc.kind == DocKind::Compose)
                .flat_map(|doc| yaml::compose_parts(&doc.node))
                .map(|part| join_path(&dir, &part))
                .filter(|part| *part != file.path)
                .map(|part| (file.path.to_string(), part))
                .collect();
            let compose_overlay = file
                .yaml()
                .iter()
                .any(|doc| {
                    doc.kind == DocKind::Compose && yaml::compose_needs_other_file(&doc.node)
                })
                .then(|| file.path.to_string());
            let any = !containers.is_empty()
                || !replaced_images.is_empty()
                || !compose_parts.is_empty()
                || compose_overlay.is_some();
            any.then_some(Fact::Yaml(YamlFacts {
                containers,
                replaced_images,
                compose_parts,
                compose_overlay,
            }))
        }
        FileKind::Env => Some(Fact::Env(EnvFacts {
            path: file.path.to_string(),
            values: file
                .env()
                .iter()
                .filter(|e| !e.value.is_empty())
                .map(|e| {
                    (
                        e.key.clone(),
                        e.value.clone(),
                        file.loc(e.value_span.clone()),
                    )
                })
                .collect(),
        })),
        FileKind::Toml if fly::is_config(file.path) => {
            file.toml().map(|t| Fact::Fly(fly::app(file.path, t)))
        }
        _ => None,
    }
}

/// The repository files a Dockerfile's start command runs, as paths from the root (for
/// each source, as if the build context were the root and as if it were the Dockerfile's
/// directory `dir`): the program its `ENTRYPOINT` or `CMD` names (after an init shim or
/// a shell), matched by file name to a file `copied_in` (source, destination) the runtime
/// stages copy from the build context.
fn launch_scripts(file: &SourceFile<'_>, copied_in: &[(String, String)], dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for started in file.launches() {
        let Some(first) = started.commands().first() else {
            continue;
        };
        let program = first.words.iter().map(|(w, _)| w.as_str()).find(|w| {
            let name = w.rsplit('/').next().unwrap_or(w);
            !w.starts_with('-')
                && *w != "exec"
                && !launch::INIT_SHIMS.contains(&name)
                && !shell::SHELLS.contains(&name)
        });
        let Some(name) = program.map(|p| p.rsplit('/').next().unwrap_or(p)) else {
            continue;
        };
        for (source, dest) in copied_in {
            let source_name = source
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(source);
            let dest_name = dest
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(dest);
            // `COPY start.sh .` copies into the working directory, keeping the name.
            let into_dir = dest.ends_with('/') || matches!(dest_name, "." | "..");
            let copied_as = if into_dir { source_name } else { dest_name };
            if copied_as == name && !source.contains(['*', '?', '$']) {
                out.push(join_path("", source));
                out.push(join_path(dir, source));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The scripts of the repository that a `RUN` of a stage the build runs executes by a
/// relative path (`RUN ./tools/fetch-ui.sh`, `RUN bash scripts/assets.sh`), with that
/// command's location. The path is taken from the build context, which is the
/// repository root or the Dockerfile's directory (`dir`): whichever holds the script.
fn build_scripts(
    file: &SourceFile<'_>,
    df: &Dockerfile,
    root: &Path,
    dir: &str,
) -> Vec<(String, Location)> {
    let mut out: Vec<(String, Location)> = Vec::new();
    let stages = df.stages();
    for (stage, _) in stages.iter().zip(df.built_stages()).filter(|(_, b)| *b) {
        for inst in stage.body.iter().filter(|i| i.keyword == "RUN") {
            for script in inst.scripts() {
                for cmd in script.commands {
                    let Some((at, program)) = cmd.program() else {
                        continue;
                    };
                    // The program as written (`program` is its file name).
                    let run = if shell::SHELLS.contains(&program) {
                        cmd.words[at + 1..]
                            .iter()
                            .map(|(w, _)| w.as_str())
                            .find(|w| !w.starts_with('-'))
                    } else {
                        Some(cmd.words[at].0.as_str())
                    };
                    let Some(run) = run.filter(|r| is_relative_script(r)) else {
                        continue;
                    };
                    let run = run.trim_start_matches("./");
                    let found = [join_path(dir, run), join_path("", run)]
                        .into_iter()
                        .find(|p| {
                            std::fs::symlink_metadata(root.join(p))
                                .is_ok_and(|m| m.file_type().is_file())
                        });
                    if let Some((path, span)) = found.zip(cmd.span()) {
                        out.push((path, file.loc(script.file_span(span))));
                    }
                }
            }
        }
    }
    out
}

/// True for a program word that names a script by a path inside the build context:
/// relative, without `..`, variables or globs, and a shell script by name or written
/// as a path (`./build-assets`).
fn is_relative_script(word: &str) -> bool {
    !word.starts_with('/')
        && !word.contains(['$', '*', '?', '`'])
        && !word.split('/').any(|part| part == "..")
        && (word.ends_with(".sh") || word.ends_with(".bash") || word.starts_with("./"))
}

/// The containers of a compose or Kubernetes document.
fn containers(file: &SourceFile<'_>, doc: &YamlDoc, dir: &str) -> Vec<ContainerFacts> {
    let mut out = Vec::new();
    let port_decl = |node: &yaml::Node<'_>, port: &str| {
        port.parse::<u16>().ok().map(|port| PortDecl {
            port,
            location: file.loc(file.yaml_span(node)),
        })
    };
    match &doc.kind {
        DocKind::Compose => {
            for (name, svc) in yaml::compose_services(&doc.node) {
                let mut ports: Vec<PortDecl> = yaml::get(svc, "ports")
                    .and_then(yaml::sequence)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|n| port_decl(n, &ComposePort::parse(n)?.target))
                    .collect();
                ports.extend(
                    yaml::get(svc, "expose")
                        .and_then(yaml::sequence)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|n| port_decl(n, yaml::scalar_text(n)?.split('/').next()?)),
                );
                let build = yaml::get(svc, "build");
                let build_as_written = build.map(|b| {
                    let context = yaml::scalar_str(b)
                        .or_else(|| yaml::str_at(b, "context"))
                        .unwrap_or(".");
                    let dockerfile = yaml::str_at(b, "dockerfile").unwrap_or("Dockerfile");
                    (context.to_string(), dockerfile.to_string())
                });
                let (context, dockerfile) = build_as_written
                    .as_ref()
                    .map(|(c, d)| {
                        let context = join_path(dir, c);
                        let dockerfile = join_path(&context, d);
                        (context, dockerfile)
                    })
                    .unzip();
                out.push(ContainerFacts {
                    path: file.path.to_string(),
                    name: yaml::scalar_text(name).unwrap_or_default(),
                    image: yaml::str_at(svc, "image").map(str::to_string),
                    build_context: context,
                    dockerfile,
                    build_as_written,
                    build_target: build
                        .and_then(|b| yaml::str_at(b, "target"))
                        .map(str::to_string),
                    ports,
                    env: settings(yaml::container_env(svc, false)),
                    programs: launch::of_compose_service(file, svc)
                        .iter()
                        .flat_map(|l| shell::programs(&l.text))
                        .collect(),
                    location: file.loc(file.yaml_span(name)),
                    kubernetes: false,
                    image_location: yaml::get(svc, "image").map(|n| file.loc(file.yaml_span(n))),
                });
            }
        }
        DocKind::Kubernetes(_) => {
            for (_, list) in yaml::values_under(&doc.node, &["containers"]) {
                for c in yaml::sequence(list).unwrap_or_default() {
                    let ports = yaml::get(c, "ports")
                        .and_then(yaml::sequence)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|p| {
                            let node = yaml::get(p, "containerPort")?;
                            port_decl(node, &yaml::scalar_text(node)?)
                        })
                        .collect();
                    let env = settings(yaml::container_env(c, true));
                    out.push(ContainerFacts {
                        path: file.path.to_string(),
                        name: yaml::str_at(c, "name").unwrap_or_default().to_string(),
                        image: yaml::str_at(c, "image").map(str::to_string),
                        build_context: None,
                        dockerfile: None,
                        build_as_written: None,
                        build_target: None,
                        ports,
                        env,
                        // `args` alone are arguments of the image's entrypoint.
                        programs: launch::of_container(file, c, false)
                            .filter(|l| l.keyword == "command")
                            .map(|l| shell::programs(&l.text))
                            .unwrap_or_default(),
                        location: file.loc(file.yaml_span(c)),
                        kubernetes: true,
                        image_location: yaml::get(c, "image").map(|n| file.loc(file.yaml_span(n))),
                    });
                }
            }
        }
        DocKind::Other => {}
    }
    out
}

/// The names and values of a container's environment settings.
fn settings(env: Vec<(String, String, &yaml::Node<'_>)>) -> Vec<(String, String)> {
    env.into_iter().map(|(k, v, _)| (k, v)).collect()
}

fn basename(path: &str) -> String {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase()
}

/// What a run target's stages provide: their base image names, what their `RUN`
/// steps install and the files their `COPY` and `ADD` name.
fn chain_provides(chain: &[Stage<'_>]) -> BTreeSet<String> {
    let mut provides = BTreeSet::new();
    for stage in chain {
        if let Some(image) = stage.image() {
            let name = image.value.split(['@']).next().unwrap_or_default();
            let name = name.rsplit('/').next().unwrap_or(name);
            provides.insert(name.split(':').next().unwrap_or(name).to_ascii_lowercase());
        }
        for inst in stage.body {
            match inst.keyword.as_str() {
                "RUN" => {
                    for script in inst.scripts() {
                        provided_by_script(&script, &mut provides);
                    }
                }
                "COPY" | "ADD" => {
                    provides.extend(inst.args.words().iter().map(|w| basename(&w.value)));
                }
                _ => {}
            }
        }
    }
    provides
}

/// Names a `RUN` script makes available: packages, `cargo install`ed crates,
/// binaries downloaded or moved into a directory on the PATH.
fn provided_by_script(script: &Script<'_>, provides: &mut BTreeSet<String>) {
    let cmds = script.commands;
    for install in shell::installs_of(cmds) {
        provides.insert(install.package.to_ascii_lowercase());
    }
    // A remote installer installs what its address names: `curl
    // https://awscli.amazonaws.com/v2/install.sh | bash` provides `awscli`.
    if let Some(pipe) = shell::remote_script_pipe_of(cmds) {
        provides.extend(url_names(&script.text[pipe]));
    }
    for cmd in cmds {
        let Some((at, program)) = cmd.program() else {
            continue;
        };
        let args: Vec<&str> = cmd.words[at + 1..]
            .iter()
            .map(|(w, _)| w.as_str())
            .collect();
        match program {
            "cargo"
                if args
                    .first()
                    .is_some_and(|a| *a == "install" || *a == "binstall") =>
            {
                provides.extend(
                    args[1..]
                        .iter()
                        .filter(|a| !a.starts_with('-'))
                        .map(|a| a.to_ascii_lowercase()),
                );
            }
            "pip" | "pip3" | "npm" | "gem" | "go" => {
                provides.extend(
                    args.iter()
                        .skip(1)
                        .filter(|a| !a.starts_with('-'))
                        .map(|a| basename(a)),
                );
            }
            _ => {
                // `curl -o /usr/local/bin/tool`, `mv tool /usr/local/bin/`, `ln -s … /usr/bin/tool`.
                for a in &args {
                    if a.contains("/bin/") {
                        provides.insert(basename(a));
                    }
                }
            }
        }
    }
}

/// The host labels (without the top-level domain) and path segments (without extension)
/// of the `http(s)://` addresses in `text`, lowercase.
fn url_names(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | ')'))
        .filter_map(|w| w.split_once("://").filter(|(s, _)| s.starts_with("http")))
        .flat_map(|(_, rest)| {
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let labels: Vec<&str> = host.split(['.', ':']).collect();
            let host_names = labels[..labels.len().saturating_sub(1)].to_vec();
            let segments = path
                .split('/')
                .map(|seg| seg.split('.').next().unwrap_or(seg));
            host_names.into_iter().chain(segments).collect::<Vec<_>>()
        })
        .filter(|n| !n.is_empty() && *n != "www")
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The variable a build-script instruction sets for the compiler:
/// `cargo:rustc-env=NAME=…` or `cargo::rustc-env=NAME=…` → `NAME`.
fn rustc_env_name(instruction: &str) -> Option<String> {
    let rest = instruction
        .strip_prefix("cargo::rustc-env=")
        .or_else(|| instruction.strip_prefix("cargo:rustc-env="))?;
    let name = rest.split('=').next()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}
