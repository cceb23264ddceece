//! TF0504 moving-build-input: an image build that fetches code, binaries or a toolchain
//! by a moving reference (a branch head, `latest`, an undated nightly).

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::model::source::read_regular_prefix;
use crate::parse::dockerfile::{Instruction, Script};
use crate::parse::fetch::{MovingFetch, moving_add_source, moving_fetches, pins_checkout};
use crate::parse::shell::{self, Command, commands};
use crate::rules::prelude::*;

declare_rule! {
    MovingBuildInput {
        code: "TF0504",
        name: "moving-build-input",
        factor: 5,
        severity: Warning,
        stability: Stable,
        since: "0.1.0",
        kinds: [Dockerfile],
        summary: "an image build fetches code, binaries or a toolchain by a moving reference (a branch head, `latest`, an undated nightly)",
    }
}

const HELP: &str = "pin what the build fetches: a tag or commit (`git clone --branch v1.2.3 …`, `git checkout <sha>`), a versioned release address checked against its checksum, a dated toolchain (`nightly-2025-01-15`); or build from the commit itself (`COPY . .`)";

impl Check for MovingBuildInput {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(df) = file.dockerfile() else { return };
        let stages = df.stages();
        // A stage no target needs is not built (BuildKit skips it).
        let built = df.built_stages();
        let globals = df.global_args();
        for (stage, _) in stages.iter().zip(built).filter(|(_, built)| *built) {
            let scripts: Vec<Script<'_>> = stage
                .body
                .iter()
                .filter(|i| i.keyword == "RUN")
                .flat_map(|i| i.scripts())
                .collect();
            let cmds: Vec<&[Command]> = scripts.iter().map(|s| s.commands).collect();
            // Whether a later `RUN` of the stage checks a clone out at a fixed reference.
            let mut checked_out_later = vec![false; cmds.len()];
            let mut later = false;
            for (at, c) in cmds.iter().enumerate().rev() {
                checked_out_later[at] = later;
                later |= c.iter().any(pins_checkout);
            }
            for (at, script) in scripts.iter().enumerate() {
                // What runs only when the build passes an argument (`--build-arg
                // ASAN=1`) is not what the release build runs.
                let opt_in = shell::opt_in_commands(cmds[at], |v| stage.leaves_unset(v, &globals));
                let by_default = |span: &Range<usize>| {
                    !cmds[at].iter().zip(&opt_in).any(|(c, &o)| {
                        o && c
                            .span()
                            .is_some_and(|c| c.start <= span.start && span.end <= c.end)
                    })
                };
                for f in moving_fetches(cmds[at], checked_out_later[at])
                    .into_iter()
                    .filter(|f| by_default(&f.span))
                {
                    let location = file.loc(script.file_span(f.span));
                    report(cx, location, &f.action, &f.reference);
                }
            }
            // `ADD --checksum=sha256:…` fails instead of changing.
            let unchecked_add = |i: &&Instruction| {
                i.keyword == "ADD" && !i.flags.iter().any(|f| f.value.starts_with("--checksum="))
            };
            for inst in stage.body.iter().filter(unchecked_add) {
                let mut sources = inst.args.words();
                sources.pop();
                for w in sources {
                    if let Some((action, reference)) = moving_add_source(&w.value) {
                        report(cx, file.loc(w.span), &action, &reference);
                    }
                }
            }
        }
    }

    /// The scripts of the repository a production image build runs (`RUN
    /// ./tools/fetch-ui.sh`), read as the `RUN` itself is: a fetch of a moving reference
    /// there changes the image the same way.
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let mut seen = BTreeSet::new();
        for d in project.production_dockerfiles() {
            for (path, run) in &d.build_scripts {
                if !seen.insert(path) {
                    continue;
                }
                // A file this large is no script a build runs (and is not read whole).
                let Some(text) = read_regular_prefix(&project.root.join(path), MAX_SCRIPT_BYTES)
                    .filter(|t| (t.len() as u64) < MAX_SCRIPT_BYTES)
                else {
                    continue;
                };
                // One finding per fetch; the same fetch elsewhere in the script (`wget …`
                // or else `curl …` of one address) is a related location.
                let mut groups: Vec<(MovingFetch, Vec<Range<usize>>)> = Vec::new();
                let mut by_action: HashMap<String, usize> = HashMap::new();
                for f in moving_fetches(&commands(&text), false) {
                    match by_action.get(&f.action) {
                        Some(&k) => groups[k].1.push(f.span),
                        None => {
                            by_action.insert(f.action.clone(), groups.len());
                            groups.push((f, Vec::new()));
                        }
                    }
                }
                for (f, others) in groups {
                    let d = report(cx, project.locate(path, f.span), &f.action, &f.reference);
                    d.with_related(run.clone(), "the image build runs the script here");
                    for span in others {
                        d.with_related(project.locate(path, span), "the same fetch here too");
                    }
                }
            }
        }
    }
}

/// How much of a build script is read: a script is small, and a larger file is no
/// script a build runs.
const MAX_SCRIPT_BYTES: u64 = 1 << 20;

fn report<'c>(
    cx: &'c mut Ctx<'_>,
    location: Location,
    action: &str,
    reference: &str,
) -> &'c mut Diagnostic {
    cx.report(
        location,
        format!(
            "the image build {action} at {reference}, a moving reference: building the same commit again gives a different release"
        ),
        HELP,
    )
}
