//! Lookups built on first use: Dockerfiles by the packages they name and by directory,
//! containers by image and build context, and path containment.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Project;
use crate::parse::image::ImageRef;

/// Lookups from Dockerfiles to the packages they build.
#[derive(Debug, Default)]
pub struct DockerIndex {
    /// For each Dockerfile, the indexes in `cargo` of the packages it names.
    pub(super) apps: Vec<Vec<usize>>,
    /// Package index → Dockerfiles naming it.
    pub(super) mentioning: HashMap<usize, Vec<usize>>,
    /// Directory → Dockerfiles in it.
    pub(super) by_dir: BTreeMap<String, Vec<usize>>,
    /// Paths of the Dockerfiles.
    pub(super) paths: HashSet<String>,
}

impl DockerIndex {
    pub(super) fn new(project: &Project) -> Self {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in project.cargo.iter().enumerate() {
            for n in c.lowercase_names() {
                by_name.entry(n).or_default().push(i);
            }
        }
        let mut index = DockerIndex::default();
        let packages = |words: &mut dyn Iterator<Item = String>| -> Vec<usize> {
            words
                .filter_map(|w| by_name.get(&w.to_ascii_lowercase()))
                .flatten()
                .copied()
                .collect()
        };
        for (di, d) in project.dockerfiles.iter().enumerate() {
            // The packages its cargo commands build (`-p api`, `--bin worker`, `cargo
            // install --path crates/api`) when they name any: then the other names in its
            // steps only stub or copy workspace members. Else every name it mentions but
            // does not stub (`cargo init --lib api`).
            let built = packages(&mut d.cargo_targets().into_iter());
            let mut apps: Vec<usize> = if built.is_empty() {
                let stubbed = d.stubbed_packages();
                packages(
                    &mut d
                        .words
                        .iter()
                        .chain(d.provided_by_any_target())
                        .filter(|w| !stubbed.contains(*w))
                        .cloned(),
                )
            } else {
                built
            };
            apps.sort_unstable();
            apps.dedup();
            for &a in &apps {
                index.mentioning.entry(a).or_default().push(di);
            }
            index.apps.push(apps);
            index.paths.insert(d.path.clone());
            index
                .by_dir
                .entry(d.dir().to_string())
                .or_default()
                .push(di);
        }
        index
    }
}

/// Lookups from packages to the containers that run them.
#[derive(Debug, Default)]
pub struct ContainerIndex {
    pub(super) by_image: HashMap<String, Vec<usize>>,
    pub(super) by_context: HashMap<String, Vec<usize>>,
    /// Image repository name → the Dockerfiles a pipeline publishes under it: the
    /// repositories tagged by a pipeline that pushes one Dockerfile's image (one that
    /// pushes several does not say which name is which image).
    pub(super) published: HashMap<String, Vec<String>>,
}

impl ContainerIndex {
    pub(super) fn new(project: &Project) -> Self {
        let mut index = ContainerIndex::default();
        let mut by_pipeline: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for d in &project.dockerfiles {
            if let Some(pipeline) = project.pipelines().publishing(&d.path) {
                by_pipeline.entry(pipeline).or_default().push(&d.path);
            }
        }
        for (pipeline, dockerfiles) in by_pipeline {
            if let [dockerfile] = dockerfiles[..] {
                for name in project.pipelines().tagged_repositories(pipeline) {
                    index
                        .published
                        .entry(name)
                        .or_default()
                        .push(dockerfile.to_string());
                }
            }
        }
        for (i, c) in project.containers.iter().enumerate() {
            if let Some(image) = &c.image {
                index
                    .by_image
                    .entry(ImageRef::parse(image).base_name())
                    .or_default()
                    .push(i);
            }
            if let Some(ctx) = &c.build_context {
                index.by_context.entry(ctx.clone()).or_default().push(i);
            }
        }
        index
    }
}

/// `dir` and every directory above it, up to the root `""`.
pub(super) fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let cur = next?;
        next = (!cur.is_empty()).then(|| cur.rsplit_once('/').map_or("", |(d, _)| d));
        Some(cur)
    })
}

/// The values of `map` whose key is strictly below `dir`.
pub(super) fn within<'m>(
    map: &'m BTreeMap<String, Vec<usize>>,
    dir: &str,
) -> impl Iterator<Item = usize> + 'm {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    map.range(prefix.clone()..)
        .take_while(move |(k, _)| k.starts_with(&prefix))
        .filter(|(k, _)| !k.is_empty())
        .flat_map(|(_, v)| v.iter().copied())
}

/// True when `path` is `dir` or below it (root-relative, `""` is the root).
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || dir == "."
        || path == dir
        || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}
