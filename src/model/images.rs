//! Image names the deploy tooling replaces: a manifest's `image: api` is a placeholder
//! when skaffold builds an artifact named `api`, Tilt's `docker_build('api', …)` builds it,
//! a kustomization's `images:` rewrites it, or the reference is `ko://…`. The tool puts a
//! tag or digest of its own build there at deploy time, so the name as written does not
//! float. Read once per project, from skaffold and kustomization YAML and from Tiltfiles.

use std::collections::BTreeSet;
use std::path::Path;

use crate::model::listing::Listing;
use crate::parse::image::ImageRef;
use crate::parse::yaml::{self, Node};

/// The name of the file Tilt reads.
pub const TILTFILE: &str = "Tiltfile";

/// The most bytes of a Tiltfile that are read.
const TILTFILE_MAX_BYTES: u64 = 1024 * 1024;

/// Image names (without tag or digest) that a deploy tool replaces in one YAML document:
/// skaffold `build.artifacts[].image` (in every profile too), kustomize `images[].name`.
pub fn replaced_in_yaml(doc: &Node<'_>, file_name: &str) -> Vec<String> {
    let api = yaml::str_at(doc, "apiVersion").unwrap_or_default();
    let names: Vec<&str> = if api.starts_with("skaffold/") {
        yaml::values_under(doc, &["artifacts"])
            .into_iter()
            .flat_map(|(_, list)| yaml::sequence(list).unwrap_or_default())
            .filter_map(|a| yaml::str_at(a, "image"))
            .collect()
    } else if api.starts_with("kustomize.config.k8s.io/") || is_kustomization_name(file_name) {
        yaml::get(doc, "images")
            .and_then(yaml::sequence)
            .unwrap_or_default()
            .iter()
            .filter_map(|i| yaml::str_at(i, "name"))
            .collect()
    } else {
        Vec::new()
    };
    names.into_iter().map(image_name).collect()
}

/// `kustomization.yaml` or `kustomization.yml` (any case): the names kustomize reads.
fn is_kustomization_name(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    lower == "kustomization.yaml" || lower == "kustomization.yml"
}

/// Image names Tilt builds in a Tiltfile: the reference of `docker_build` and
/// `custom_build`, given as a string literal, as `ref=`, or as a variable assigned a
/// literal in the same file (`IMG = 'org/app'` … `docker_build(IMG, '.')`).
pub fn replaced_in_tiltfile(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for call in ["docker_build(", "custom_build("] {
        for (at, _) in text.match_indices(call) {
            let preceded_by_word = text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
            if preceded_by_word {
                continue;
            }
            let args = text[at + call.len()..].trim_start();
            let args = args.strip_prefix("ref").map_or(args, |rest| {
                rest.trim_start()
                    .strip_prefix('=')
                    .map_or(args, str::trim_start)
            });
            let reference = string_literal(args)
                .map(str::to_string)
                .or_else(|| assigned_literal(text, identifier(args)?));
            out.extend(reference.map(|r| image_name(&r)));
        }
    }
    out
}

/// Image names replaced by the Tiltfiles in `dirs` (root-relative directories) of the
/// repository at `root`, whose walk saw `listing`.
pub fn replaced_by_tiltfiles<'d>(
    root: &Path,
    listing: &Listing,
    dirs: impl IntoIterator<Item = &'d str>,
) -> BTreeSet<String> {
    listing
        .read_named(root, dirs, TILTFILE, TILTFILE_MAX_BYTES)
        .iter()
        .flat_map(|(_, text)| replaced_in_tiltfile(text))
        .collect()
}

/// True for a Helm chart's default values file, `values.yaml` (any case), which sits
/// beside its `Chart.yaml`.
pub fn is_helm_values_name(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    lower == "values.yaml" || lower == "values.yml"
}

/// The images a Helm values document sets by the chart convention
/// `{registry, repository, tag, digest}`, under `image:` or any other key (`initImage:`,
/// `image.proxy:`): each as `[registry/]repository:tag` with the node of its `tag`. An
/// image without a string `tag`, or with an empty one, takes the chart's `appVersion` and
/// is left out, and so is one with a `digest` or a `repository` that is a URL. Each comes
/// with its values path (`image.initImage`).
pub fn helm_values_images<'n, 'a>(doc: &'n Node<'a>) -> Vec<HelmImage<'n, 'a>> {
    yaml::mappings_with(doc, &["repository", "tag"])
        .into_iter()
        .filter_map(|(path, image)| {
            let repository = yaml::str_at(image, "repository").filter(|r| !r.contains("://"))?;
            let tag_node = yaml::get(image, "tag")?;
            let tag = yaml::scalar_str(tag_node).filter(|t| !t.is_empty())?;
            if yaml::str_at(image, "digest").is_some_and(|d| !d.is_empty()) {
                return None;
            }
            let reference = match yaml::str_at(image, "registry").filter(|r| !r.is_empty()) {
                Some(registry) => format!("{registry}/{repository}:{tag}"),
                None => format!("{repository}:{tag}"),
            };
            Some(HelmImage {
                reference,
                tag: tag_node,
                path,
            })
        })
        .collect()
}

/// An image a Helm values document sets ([`helm_values_images`]).
pub struct HelmImage<'n, 'a> {
    /// `[registry/]repository:tag`.
    pub reference: String,
    /// The `tag` node.
    pub tag: &'n Node<'a>,
    /// The values path of its mapping (`image`, `image.initImage`).
    pub path: String,
}

/// True for a reference a build tool resolves when it deploys: `ko://<import path>`.
pub fn is_build_reference(image: &str) -> bool {
    image.starts_with("ko://")
}

/// The name of an image reference, without tag or digest.
pub fn image_name(reference: &str) -> String {
    ImageRef::parse(reference.trim()).name.to_string()
}

/// A quoted string at the start of `text` (`'…'` or `"…"`), without quotes.
fn string_literal(text: &str) -> Option<&str> {
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let rest = &text[1..];
    rest.find(quote).map(|end| &rest[..end])
}

/// The identifier at the start of `text`.
fn identifier(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

/// The literal last assigned to `name` at the start of a line: `NAME = 'value'`.
fn assigned_literal(text: &str, name: &str) -> Option<String> {
    text.lines().rev().find_map(|line| {
        let rest = line.trim_start().strip_prefix(name)?.trim_start();
        let value = rest.strip_prefix('=')?.trim_start();
        string_literal(value).map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml_names(text: &str, file_name: &str) -> Vec<String> {
        yaml::parse(text)
            .unwrap()
            .docs
            .iter()
            .flat_map(|d| replaced_in_yaml(d, file_name))
            .collect()
    }

    #[test]
    fn skaffold_artifacts_in_build_and_profiles() {
        let text = "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n  - image: api\n    context: src/api\nprofiles:\n- name: ci\n  build:\n    artifacts:\n    - image: gcr.io/p/worker:dev\n";
        assert_eq!(
            yaml_names(text, "skaffold.yaml"),
            ["api", "gcr.io/p/worker"]
        );
        let other = "apiVersion: v1\nkind: List\nbuild:\n  artifacts:\n  - image: api\n";
        assert!(yaml_names(other, "skaffold.yaml").is_empty());
    }

    #[test]
    fn kustomize_images_with_and_without_api_version() {
        let text = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: worker-init\n  - name: worker\n    newTag: v2\n";
        assert_eq!(
            yaml_names(text, "kustomization.yaml"),
            ["worker-init", "worker"]
        );
        let bare = "resources: [app.yaml]\nimages:\n- name: app\n  newName: reg/app\n";
        assert_eq!(yaml_names(bare, "kustomization.yaml"), ["app"]);
        assert!(yaml_names(bare, "values.yaml").is_empty());
    }

    #[test]
    fn tiltfile_builds() {
        let text = "IMG = 'kube-rs/controller'\ndocker_build(IMG, '.')\ndocker_build('ghcr.io/o/app:local', '.')\ndocker_build(\n    ref='timberio/vector',\n    context='.')\ncustom_build(\"reg/custom\", 'make', deps=['.'])\nmy_docker_build('not/this', '.')\ndocker_build(unknown, '.')\n";
        assert_eq!(
            replaced_in_tiltfile(text),
            [
                "kube-rs/controller",
                "ghcr.io/o/app",
                "timberio/vector",
                "reg/custom"
            ]
        );
        assert!(replaced_in_tiltfile("docker_build(").is_empty());
        assert!(replaced_in_tiltfile("docker_build('unterminated").is_empty());
    }

    #[test]
    fn helm_values_image_convention() {
        let text = "image:\n  repository: ghcr.io/o/app\n  tag: \"main\"\nsidecar:\n  image:\n    registry: docker.io\n    repository: o/proxy\n    tag: \"\"\nworker:\n  image:\n    repository: o/worker\n    tag: latest\n    digest: sha256:abc\nimages:\n  app:\n    repository: o/app\n    tag: \"\"\n  initImage:\n    repository: busybox\n    tag: stable\nchart:\n  repository: https://charts.example.com\n  tag: v1\n";
        let docs = yaml::parse(text).unwrap().docs;
        let found: Vec<(String, String)> = helm_values_images(&docs[0])
            .into_iter()
            .map(|i| (i.reference, i.path))
            .collect();
        assert_eq!(
            found,
            [
                ("ghcr.io/o/app:main".to_string(), "image".to_string()),
                ("busybox:stable".to_string(), "images.initImage".to_string())
            ]
        );
        assert!(is_helm_values_name("values.yaml"));
        assert!(!is_helm_values_name("values-prod.yaml"));
    }

    #[test]
    fn ko_references() {
        assert!(is_build_reference("ko://github.com/org/app/cmd/server"));
        assert!(!is_build_reference("ghcr.io/org/app"));
    }
}
