//! Build pipelines: the CI configurations and build scripts of a repository that build
//! container images (`docker build -f …`, `docker/build-push-action`, bake files, a CI
//! system's docker plugin). A Dockerfile a pipeline builds is built away from a
//! developer's machine and may be published, so a development compose file that also
//! builds it does not make it a development image.

use std::path::Path;

use crate::model::source::read_regular_prefix;

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

/// The most bytes of one pipeline file that are read.
const MAX_BYTES: u64 = 1024 * 1024;

/// The most pipeline files read from one directory.
const MAX_FILES_PER_DIR: usize = 200;

/// The pipeline files of a repository, read once.
#[derive(Debug, Default)]
pub struct Pipelines {
    /// (path from the root, text).
    files: Vec<(String, String)>,
}

impl Pipelines {
    /// Read the pipeline files under `root`. Symbolic links are not followed, so nothing
    /// outside the repository is read.
    pub fn read(root: &Path) -> Pipelines {
        let mut paths: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
        for dir in DIRS {
            let full = root.join(dir);
            if !std::fs::symlink_metadata(&full).is_ok_and(|m| m.is_dir()) {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&full) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
                .collect();
            names.sort_unstable();
            names.truncate(MAX_FILES_PER_DIR);
            paths.extend(names.into_iter().map(|n| format!("{dir}/{n}")));
        }
        let files = paths
            .into_iter()
            .filter_map(|p| {
                let text = read_regular_prefix(&root.join(&p), MAX_BYTES)?;
                Some((p, text))
            })
            .collect();
        Pipelines { files }
    }

    /// The first pipeline file that builds the Dockerfile at `dockerfile` (a path from the
    /// root): one naming its path, or its file name when that is not a default name; for
    /// a `Dockerfile` or `Containerfile`, which a build finds without being told, one that
    /// builds any image.
    pub fn building(&self, dockerfile: &str) -> Option<&str> {
        let name = dockerfile.rsplit('/').next().unwrap_or(dockerfile);
        let default_name = name == "Dockerfile" || name == "Containerfile";
        self.files
            .iter()
            .find(|(_, text)| {
                names_path(text, dockerfile)
                    || (!default_name && names_path(text, name))
                    || (default_name && IMAGE_BUILDS.iter().any(|w| text.contains(w)))
            })
            .map(|(path, _)| path.as_str())
    }
}

/// True when `text` holds `path` as a whole path: not inside a longer name
/// (`Dockerfile-c` in `Dockerfile-cpp`), though it may end a longer path (`./api/Dockerfile-c`
/// holds `Dockerfile-c`).
fn names_path(text: &str, path: &str) -> bool {
    let part_of_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    text.match_indices(path).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + path.len()..].chars().next();
        !before.is_some_and(part_of_name) && !after.is_some_and(part_of_name)
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
        }
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
    fn a_longer_name_is_not_the_dockerfile() {
        let p = pipelines(&[(
            ".woodpecker.yml",
            "dockerfile: docker/Dockerfile.dev-tools\n",
        )]);
        assert!(p.building("docker/Dockerfile.dev").is_none());
        assert!(p.building("Dockerfile").is_none());
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
