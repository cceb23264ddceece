//! TF0502 mutable-image-reference: an image an orchestrator places replicas from (Kubernetes,
//! a Swarm stack or production compose file, a Helm chart's values) without a tag, with
//! `:latest` or on a moving release channel.

use crate::diagnostic::Diagnostic;
use crate::model::{images, role};
use crate::parse::image::ImageRef;
use crate::parse::yaml::{self, DocKind};
use crate::rules::prelude::*;

declare_rule! {
    MutableImageReference {
        code: "TF0502",
        name: "mutable-image-reference",
        factor: 5,
        severity: Warning,
        stability: Stable,
        since: "0.1.0",
        kinds: [Yaml],
        summary: "Kubernetes, Swarm-stack or production-compose `image:` without a tag or with `:latest`",
    }
}

impl Check for MutableImageReference {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for doc in file.yaml() {
            let mut images = Vec::new();
            match &doc.kind {
                // A plain compose file is one host's run recipe: it keeps the image it pulled
                // until someone pulls again. Only a file named as the production deployment
                // (`docker-compose.prod.yml`, a Swarm `docker-stack.yml`) is a release.
                DocKind::Compose if role::names_production(file.path) => {
                    // With `build:`, `image:` names the image compose builds, not one it pulls;
                    // other services of the file that run that image reuse the local build.
                    let services = doc.compose_services();
                    let built: Vec<&str> = services
                        .iter()
                        .filter(|(_, svc)| yaml::get(svc, "build").is_some())
                        .filter_map(|(_, svc)| yaml::str_at(svc, "image"))
                        .collect();
                    for (_, svc) in &services {
                        let image = yaml::get(svc, "image");
                        let reuses_build = image
                            .and_then(yaml::scalar_str)
                            .is_some_and(|i| built.contains(&i));
                        if yaml::get(svc, "build").is_none() && !reuses_build {
                            images.extend(image);
                        }
                    }
                }
                // An init container that runs a helper image (`busybox` to chown a volume)
                // prepares the pod; the release is what the app containers run. One that
                // runs an app image (migrations) is judged with them.
                DocKind::Kubernetes(_) => {
                    let containers = doc.workload_containers();
                    let app_images: Vec<String> = containers
                        .iter()
                        .filter(|c| c.list != "initContainers")
                        .filter_map(|c| yaml::str_at(c.node, "image"))
                        .map(images::image_name)
                        .collect();
                    for c in &containers {
                        let image = yaml::get(c.node, "image");
                        let helper = c.list == "initContainers"
                            && image
                                .and_then(yaml::scalar_str)
                                .is_some_and(|i| !app_images.contains(&images::image_name(i)));
                        if !helper {
                            images.extend(image);
                        }
                    }
                }
                DocKind::Compose | DocKind::Other => {}
            }
            for node in images {
                let Some(image) = yaml::scalar_str(node) else {
                    continue;
                };
                if image.contains('$') || image.contains("{{") || images::is_build_reference(image)
                {
                    continue;
                }
                // The file's name made a compose file a release: the message says so.
                let named = (doc.kind == DocKind::Compose).then(|| {
                    let name = file.path.rsplit('/').next().unwrap_or(file.path);
                    let what = if name.contains("stack") {
                        "stack"
                    } else {
                        "compose"
                    };
                    format!(" in production {what} file `{name}`")
                });
                if let Some(d) = report(file, cx, node, image, named.as_deref().unwrap_or("")) {
                    d.unless_replaced_at_deploy(image).unless_images_rewritten();
                }
            }
            let file_name = file.path.rsplit('/').next().unwrap_or(file.path);
            if doc.kind == DocKind::Other && images::is_helm_values_name(file_name) {
                for image in images::helm_values_images(&doc.node) {
                    if image.reference.contains("{{") {
                        continue;
                    }
                    if let Some(d) = report(file, cx, image.tag, &image.reference, "") {
                        d.in_helm_chart_app_image(&image.path)
                            .unless_replaced_at_deploy(&image.reference);
                    }
                }
            }
        }
    }
}

/// Report `image` at `node` if it floats, with `context` (` in production compose file
/// …`, or empty) after what floats; returns the finding.
fn report<'c>(
    file: &SourceFile<'_>,
    cx: &'c mut Ctx<'_>,
    node: &yaml::Node<'_>,
    image: &str,
    context: &str,
) -> Option<&'c mut Diagnostic> {
    let reference = ImageRef::parse(image);
    // A backing service that keeps no durable state (a cache, an agent, a telemetry
    // backend) is not the app's release, and its drift loses nothing.
    let stateless_service =
        reference.backing_service().is_some() && reference.datastore().is_none();
    if !reference.is_floating() || stateless_service {
        return None;
    }
    let what = match (reference.tag, reference.channel(), reference.variant_only()) {
        (None, _, _) => "no tag".to_string(),
        (Some(_), Some(channel), _) => format!("the moving `{channel}` channel tag"),
        (Some(_), None, Some(variant)) => {
            format!("only the `{variant}` variant as its tag and no version")
        }
        (Some(_), None, None) => "the mutable `latest` tag".to_string(),
    };
    Some(cx.report(
        file.loc(file.yaml_span(node)),
        format!(
            "image `{image}` has {what}{context}, so a release cannot be reproduced or rolled back"
        ),
        "reference an immutable release: a version tag or, better, a digest (`name@sha256:…`)",
    ))
}
