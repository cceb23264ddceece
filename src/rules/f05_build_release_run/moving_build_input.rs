//! TF0504 moving-build-input: an image build that fetches code, binaries or a toolchain
//! by a moving reference (a branch head, `latest`, an undated nightly).

use crate::parse::dockerfile::{Instruction, Script};
use crate::parse::fetch::{moving_add_source, moving_fetches, pins_checkout};
use crate::parse::shell::{Command, commands};
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
        let mut built = df.used_stages();
        for (i, _) in df.run_targets().into_iter().chain(df.named_leaf_targets()) {
            if let Some(b) = built.get_mut(i) {
                *b = true;
            }
        }
        for (stage, _) in stages.iter().zip(built).filter(|(_, built)| *built) {
            let scripts: Vec<Script<'_>> = stage
                .body
                .iter()
                .filter(|i| i.keyword == "RUN")
                .flat_map(|i| i.scripts())
                .collect();
            let cmds: Vec<Vec<Command>> = scripts.iter().map(|s| commands(s.text)).collect();
            // Whether a later `RUN` of the stage checks a clone out at a fixed reference.
            let mut checked_out_later = vec![false; cmds.len()];
            let mut later = false;
            for (at, c) in cmds.iter().enumerate().rev() {
                checked_out_later[at] = later;
                later |= c.iter().any(pins_checkout);
            }
            for (at, script) in scripts.iter().enumerate() {
                for f in moving_fetches(&cmds[at], checked_out_later[at]) {
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
}

fn report(cx: &mut Ctx<'_>, location: Location, action: &str, reference: &str) {
    cx.report(
        location,
        format!(
            "the image build {action} at {reference}, a moving reference: building the same commit again gives a different release"
        ),
        HELP,
    );
}
