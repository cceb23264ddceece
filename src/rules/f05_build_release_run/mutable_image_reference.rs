//! TF0502 mutable-image-reference: compose or Kubernetes `image:` without a tag, with `:latest`
//! or on a moving release channel.

use crate::model::images;
use crate::parse::image::ImageRef;
use crate::parse::yaml::{self, DocKind};
use crate::rules::{Check, Ctx};
use crate::source::SourceFile;

declare_rule! {
    MutableImageReference {
        code: "TF0502",
        name: "mutable-image-reference",
        factor: 5,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Yaml],
        summary: "compose or Kubernetes `image:` without a tag or with `:latest`",
    }
}

impl Check for MutableImageReference {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for doc in file.yaml() {
            let mut images = Vec::new();
            match &doc.kind {
                DocKind::Compose => {
                    // With `build:`, `image:` names the image compose builds, not one it pulls;
                    // other services of the file that run that image reuse the local build.
                    let services = yaml::compose_services(&doc.node);
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
                DocKind::Kubernetes(_) => {
                    let lists = yaml::values_under(
                        &doc.node,
                        &["containers", "initContainers", "ephemeralContainers"],
                    );
                    for (_, list) in lists {
                        for c in yaml::sequence(list).unwrap_or_default() {
                            images.extend(yaml::get(c, "image"));
                        }
                    }
                }
                DocKind::Other => {}
            }
            for node in images {
                let Some(image) = yaml::scalar_str(node) else {
                    continue;
                };
                let reference = ImageRef::parse(image);
                if image.contains('$')
                    || image.contains("{{")
                    || images::is_build_reference(image)
                    || !reference.is_floating()
                {
                    continue;
                }
                let what = match (reference.tag, reference.channel()) {
                    (None, _) => "no tag".to_string(),
                    (Some(_), Some(channel)) => format!("the moving `{channel}` channel tag"),
                    (Some(_), None) => "the mutable `latest` tag".to_string(),
                };
                // skaffold, Tilt and kustomize put their own build's tag here at deploy time.
                cx.report(
                    file.loc(file.yaml_span(node)),
                    format!("image `{image}` has {what}, so a release cannot be reproduced or rolled back"),
                    "reference an immutable release: a version tag or, better, a digest (`name@sha256:…`)",
                )
                .unless_replaced_at_deploy(image);
            }
        }
    }
}
