//! TF0201 unpinned-base-image: `FROM` without a tag or with `:latest`.

use std::collections::HashSet;

use crate::parse::dockerfile::{GlobalArgs, Word, expand_args, lineage_any};
use crate::parse::image::ImageRef;
use crate::rules::prelude::*;
use crate::rules::{Check, Ctx, RuleOption};

declare_rule! {
    UnpinnedBaseImage {
        code: "TF0201",
        name: "unpinned-base-image",
        factor: 2,
        severity: Warning,
        stability: Stable,
        since: "0.1.0",
        kinds: [Dockerfile],
        summary: "Dockerfile `FROM` without a tag, with `:latest`, or on a moving release channel (`stable`, `lts`, `sid`)",
        options: &[RuleOption {
            name: "allowed-images",
            doc: "image names (without tag) that may float, e.g. an internal base image rebuilt on purpose",
        }],
    }
}

impl Check for UnpinnedBaseImage {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(df) = file.dockerfile() else { return };
        let allowed = cx.option_list("allowed-images");
        let args = df.global_args();
        let mut earlier_stages: HashSet<String> = HashSet::new();
        let stages = df.stages();
        let runtime: HashSet<usize> = df
            .runtime_stages()
            .iter()
            .map(|s| s.from.span.start)
            .collect();
        let bases: HashSet<String> = stages
            .iter()
            .filter_map(|s| s.image().map(|w| w.value.to_ascii_lowercase()))
            .collect();
        // Stages whose output the others copy (`COPY --from=envsubst …`); a `FROM` that
        // names its stage through a build argument (`FROM builder-${TARGETARCH}`) may be
        // built on any of them.
        let copied_from: HashSet<String> = stages
            .iter()
            .flat_map(|s| s.body.iter())
            .filter_map(|i| i.copy_source_stage())
            .map(str::to_ascii_lowercase)
            .collect();
        let dynamic_from = stages
            .iter()
            .any(|s| s.image().is_some_and(|w| w.value.contains('$')));
        // A stage's Rust is set by it or by the stages built on it.
        let replaced = lineage_any(&stages, |s| s.pins_rust_toolchain());
        let compiles = lineage_any(&stages, |s| s.compiles_rust());
        let copied = lineage_any(&stages, |s| s.copies_rust_toolchain_file());
        for (at, stage) in stages.iter().enumerate() {
            // A side stage that only downloads and unpacks files hands on what it fetched,
            // whatever release of its base it ran in.
            let side_fetch = !runtime.contains(&stage.from.span.start)
                && stage.alias().is_none_or(|a| !bases.contains(&a))
                && stage.only_fetches_files();
            if side_fetch {
                earlier_stages.extend(stage.alias());
                continue;
            }
            if let Some(image) = stage.image() {
                let shipped = runtime.contains(&stage.from.span.start);
                // A side stage that builds something the others copy: a helper.
                let helper = !shipped
                    && !dynamic_from
                    && stage
                        .alias()
                        .is_some_and(|a| !bases.contains(&a) && copied_from.contains(&a))
                    && stage.body.iter().any(|i| i.keyword == "RUN");
                let toolchain = Toolchain {
                    replaced: replaced[at],
                    copied: copied[at],
                    unused: !compiles[at] && !shipped,
                    helper_sources: (helper && !compiles[at])
                        .then(|| stage.context_sources())
                        .flatten(),
                };
                check_from(
                    file,
                    cx,
                    toolchain,
                    &image,
                    &args,
                    &earlier_stages,
                    &allowed,
                );
            }
            earlier_stages.extend(stage.alias());
        }
    }
}

/// How a stage, or a stage built on it, sets its Rust toolchain, and what a side stage
/// builds from.
struct Toolchain {
    /// `rustup default <version>`.
    replaced: bool,
    /// A copied-in `rust-toolchain.toml` or `rust-toolchain` (decided once the
    /// repository is read).
    copied: bool,
    /// A build stage (not shipped) that neither compiles Rust nor has stages built on
    /// it that do ([`crate::parse::dockerfile::Stage::compiles_rust`]).
    unused: bool,
    /// For a side stage that compiles no Rust (the runtime copies files from it, nothing
    /// is built on it): the repository paths it copies in
    /// ([`crate::parse::dockerfile::Stage::context_sources`]).
    helper_sources: Option<Vec<String>>,
}

fn check_from(
    file: &SourceFile<'_>,
    cx: &mut Ctx<'_>,
    toolchain: Toolchain,
    image: &Word,
    args: &GlobalArgs<'_>,
    earlier_stages: &HashSet<String>,
    allowed: &[String],
) {
    let mut used_args = Vec::new();
    let Some(resolved) = expand_args(&image.value, args, &mut used_args) else {
        return; // depends on a build argument without a default: decided at build time
    };
    let lower = resolved.to_ascii_lowercase();
    if lower == "scratch" || earlier_stages.contains(&lower) {
        return;
    }
    let reference = ImageRef::parse(&resolved);
    // Untagged or `latest`, but the name fixes the release line or there is none to name.
    let fixed_by_name = matches!(reference.tag, None | Some("latest"))
        && (reference.names_release_line() || reference.is_rolling());
    // `rust:trixie` floats only in Rust, which a `rustup default <version>` replaces, or
    // a copied-in `rust-toolchain.toml` that pins a version (decided once the repository
    // is read).
    let rust_on_os_release = reference.name.rsplit('/').next() == Some("rust")
        && reference.variant_only().is_some()
        && reference.tag_names_os_release();
    // … and that float reaches nothing when no stage of the line compiles with it (a
    // test stage that installs prebuilt tools and runs a nextest archive).
    let toolchain_replaced = rust_on_os_release && (toolchain.replaced || toolchain.unused);
    let toolchain_copied = rust_on_os_release && toolchain.copied;
    if reference.digest
        || fixed_by_name
        || toolchain_replaced
        || allowed.iter().any(|a| a == reference.name)
    {
        return;
    }
    let (message, help) = match reference.tag {
        None => (
            format!(
                "base image `{resolved}` has no tag, so it floats to whatever `latest` is at build time"
            ),
            format!(
                "pin a version tag or digest, e.g. `{}:<version>` or `{}@sha256:<digest>`",
                reference.name, reference.name
            ),
        ),
        Some("latest") => (
            format!("base image `{resolved}` uses the mutable `latest` tag"),
            format!(
                "pin a version tag or digest instead of `latest`, e.g. `{}:<version>`",
                reference.name
            ),
        ),
        Some(tag) => match reference.channel() {
            Some(channel) => (
                format!(
                    "base image `{resolved}` follows the moving `{channel}` channel, so it changes whenever a new release lands"
                ),
                format!(
                    "pin a version tag or digest instead of `{tag}`, e.g. `{}:<version>`",
                    reference.name
                ),
            ),
            None => match reference.variant_only() {
                Some(variant) => (
                    format!(
                        "base image `{resolved}` names only the variant `{variant}`, not a version of `{}`, so it changes whenever a new release lands",
                        reference.name
                    ),
                    format!(
                        "pin a version with the variant, e.g. `{}:<version>-{tag}`, or a digest",
                        reference.name
                    ),
                ),
                None => return,
            },
        },
    };
    // An image this repository's pipelines build is its own work: the base it floats on
    // is judged in the Dockerfile that builds it.
    let diag = cx
        .report(file.loc(image.span.clone()), message, help)
        .unless_built_here(&resolved);
    if toolchain_copied {
        diag.unless_toolchain_pinned();
    }
    // A side stage that builds a helper from no package of the repository (`go install
    // envsubst@<commit>`, `cc su-exec.c`) hands on a tool, not the app: a newer compiler
    // changes nothing a maintainer would pin for.
    if let Some(sources) = toolchain.helper_sources {
        diag.when_it_copies_a_package(sources);
    }
    for inst in used_args {
        diag.with_related(
            file.loc(inst.span.clone()),
            "the tag comes from this build argument's default",
        );
    }
}
