//! TF0403 datastore-in-app-pod: a database, broker or search engine runs as a container of
//! the app's replicated pod instead of as an attached resource.

use crate::parse::image::ImageRef;
use crate::parse::yaml::{self, DocKind};
use crate::rules::prelude::*;

declare_rule! {
    DatastoreInAppPod {
        code: "TF0403",
        name: "datastore-in-app-pod",
        factor: 4,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Yaml],
        summary: "a datastore (database, broker, search engine, object store) runs as a container inside the app's replicated Kubernetes pod",
    }
}

impl Check for DatastoreInAppPod {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for doc in file.yaml() {
            let DocKind::Kubernetes(kind) = &doc.kind else {
                continue;
            };
            if !yaml::REPLICATED_KINDS.contains(&kind.as_str()) {
                continue;
            }
            for (_, containers) in yaml::values_under(&doc.node, &["containers"]) {
                let images: Vec<_> = yaml::sequence(containers)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|c| {
                        let image = yaml::get(c, "image")?;
                        let name = yaml::str_at(c, "name").unwrap_or("?");
                        Some((name, image, ImageRef::parse(yaml::scalar_str(image)?)))
                    })
                    .collect();
                let apps: Vec<_> = images
                    .iter()
                    .filter(|(_, _, r)| r.backing_service().is_none() && !r.is_edge_proxy())
                    .collect();
                let Some((app, app_image, _)) = apps.first() else {
                    continue;
                };
                for (name, image, r) in &images {
                    let Some(store) = r.datastore() else { continue };
                    cx.report(
                        file.loc(file.yaml_span(image)),
                        format!(
                            "{kind} runs the {store} container `{name}` in the same pod as the app container `{app}`: every replica gets its own {store}, the data lives and dies with the app's pods, and the app cannot be scaled or replaced without it"
                        ),
                        "run the datastore as its own workload (a StatefulSet or an operator) or a managed service, behind a Service, and give the app its address in the environment",
                    )
                    .with_related(file.loc(file.yaml_span(app_image)), "the app container");
                }
            }
        }
    }
}
