//! Helm charts: a `Chart.yaml` with its `templates/`. Templates are Go templates, not
//! YAML, until `helm template` renders them. twelve-lint does not run Helm: it renders
//! each template itself with the chart's default values as far as they decide it
//! ([`ChartValues::rendered_template`], [`gotemplate::render`]), so the manifests' literal parts are
//! linted while every templated value is unknown, and a template is never a parse error.
//! One notice per chart says so ([`not_rendered`]); rules read the chart's `values.yaml`
//! for the values, and the templates are scanned for which values paths their init
//! containers use and which environment variables they set.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostic::Notice;
use crate::model::source::read_regular_prefix;
use crate::parse::yaml::Node;
use crate::parse::{gotemplate, yaml};

/// The file that makes a directory a Helm chart.
pub const CHART_FILE: &str = "Chart.yaml";

/// The chart directory of a template at `rel` (`charts/api/templates/deployment.yaml` →
/// `charts/api`): a file under a `templates/` directory whose parent holds `Chart.yaml`
/// in the repository at `root`.
pub fn chart_of_template(root: &Path, rel: &str) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    let at = parts[..parts.len().saturating_sub(1)]
        .iter()
        .rposition(|p| *p == "templates")?;
    let chart = parts[..at].join("/");
    root.join(&chart)
        .join(CHART_FILE)
        .is_file()
        .then_some(chart)
}

/// The most bytes of a chart's `values.yaml` read to render its templates.
const MAX_VALUES_BYTES: u64 = 1024 * 1024;

/// The default values of the charts whose templates a run reads: each chart's
/// `values.yaml` is read and parsed once, whichever thread asks first.
#[derive(Default)]
pub struct ChartValues(Mutex<HashMap<String, Arc<Option<Node<'static>>>>>);

impl ChartValues {
    /// The template at `rel` in the repository at `root` rendered with its chart's
    /// default values as far as they decide it ([`gotemplate::render`]), when `rel` is a
    /// template of a chart and `text` holds template actions.
    pub fn rendered_template(&self, root: &Path, rel: &str, text: &str) -> Option<String> {
        if !text.contains("{{") {
            return None;
        }
        let chart = chart_of_template(root, rel)?;
        let values = self.of(root, chart);
        gotemplate::render(text, values.as_ref().as_ref())
    }

    /// The default values of the chart in directory `chart`.
    fn of(&self, root: &Path, chart: String) -> Arc<Option<Node<'static>>> {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let values = known.entry(chart).or_insert_with_key(|chart| {
            let values =
                read_regular_prefix(&root.join(chart).join("values.yaml"), MAX_VALUES_BYTES)
                    .and_then(|text| yaml::parse(&text).ok())
                    .and_then(|mut loaded| {
                        (!loaded.docs.is_empty()).then(|| loaded.docs.swap_remove(0))
                    });
            Arc::new(values)
        });
        Arc::clone(values)
    }
}

/// True when the root-relative `path` names a chart's `Chart.yaml`.
pub fn is_chart_file(path: &str) -> bool {
    path.rsplit('/').next() == Some(CHART_FILE)
}

/// The charts among the linted files at `paths`, each as (its `Chart.yaml` path, how many
/// linted files its `templates/` holds), for charts with at least one template. The paths
/// are sorted once, so each chart's templates are a range found by binary search.
fn charts_with_templates<'p>(paths: &[&'p str]) -> Vec<(&'p str, usize)> {
    if !paths.iter().any(|p| is_chart_file(p)) {
        return Vec::new();
    }
    let mut sorted = paths.to_vec();
    sorted.sort_unstable();
    paths
        .iter()
        .filter(|p| is_chart_file(p))
        .filter_map(|chart| {
            let prefix = format!("{}templates/", &chart[..chart.len() - CHART_FILE.len()]);
            let from = sorted.partition_point(|p| *p < prefix.as_str());
            let templates = sorted[from..].partition_point(|p| p.starts_with(prefix.as_str()));
            (templates > 0).then_some((*chart, templates))
        })
        .collect()
}

/// One notice per chart among the linted files at `paths` whose templates were not
/// rendered by Helm, so the manifests they produce were checked only in part.
pub fn not_rendered(paths: &[&str]) -> Vec<Notice> {
    charts_with_templates(paths)
        .into_iter()
        .map(|(chart, templates)| {
            let dir = chart.strip_suffix(CHART_FILE).unwrap_or(chart);
            let dir = if dir.is_empty() {
                "."
            } else {
                dir.trim_end_matches('/')
            };
            Notice {
                path: chart.to_string(),
                message: format!(
                    "Helm chart `{dir}`: its {templates} template file(s) are not rendered by Helm; they are read with the chart's default values where those decide them, so templated values and blocks that need more are not checked"
                ),
                help: format!("for a full check, lint the rendered chart: `helm template {dir} > rendered.yaml`"),
            }
        })
        .collect()
}

/// The most template files of one chart that are read, and bytes of each.
const MAX_TEMPLATES: usize = 500;
const MAX_TEMPLATE_BYTES: u64 = 512 * 1024;
/// How many directories deep below `templates/` templates are read.
const MAX_TEMPLATE_DEPTH: usize = 4;

/// The image settings of a chart's values (`image.initImage`) that its templates use only
/// in init containers: each path read as `.Values.<path>.repository` (or `.tag`,
/// `.registry`, `.digest`, `.pullPolicy`, or `.Values.<path>` whole) under an
/// `initContainers:` key, and nowhere else. `chart_dir` is the chart's directory in the
/// repository at `root`; symbolic links are not followed.
pub fn init_container_values(root: &Path, chart_dir: &str) -> BTreeSet<String> {
    let (mut init, mut other) = (BTreeSet::new(), BTreeSet::new());
    for text in templates(root, chart_dir) {
        values_by_container_list(&text, &mut init, &mut other);
    }
    init.difference(&other).cloned().collect()
}

/// The environment variables the templates of the chart in `chart_dir` set for its
/// containers: each `- name: NAME` entry whose next line (past template actions and
/// comments) is its `value:` or `valueFrom:`.
pub fn env_names(root: &Path, chart_dir: &str) -> BTreeSet<String> {
    templates(root, chart_dir)
        .iter()
        .flat_map(|text| env_entries(text))
        .collect()
}

/// The texts of the chart's templates (`*.yaml`, `*.yml`, `*.tpl` in `templates/` and its
/// subdirectories, [`MAX_TEMPLATE_DEPTH`] deep), in path order, at most
/// [`MAX_TEMPLATES`] of [`MAX_TEMPLATE_BYTES`] each, test hooks left out; symbolic links
/// are not followed.
fn templates(root: &Path, chart_dir: &str) -> Vec<String> {
    let top = root.join(chart_dir).join("templates");
    if !std::fs::symlink_metadata(&top).is_ok_and(|m| m.is_dir()) {
        return Vec::new();
    }
    let mut files = Vec::new();
    let mut dirs = vec![(top, 0)];
    let mut visited = 0;
    while let Some((dir, depth)) = dirs.pop() {
        visited += 1;
        if visited > MAX_TEMPLATES {
            break;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if kind.is_dir() && depth < MAX_TEMPLATE_DEPTH {
                dirs.push((path, depth + 1));
            } else if kind.is_file()
                && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".tpl"))
            {
                files.push(path);
            }
        }
        if files.len() >= MAX_TEMPLATES {
            break;
        }
    }
    files.sort_unstable();
    files.truncate(MAX_TEMPLATES);
    files
        .iter()
        .filter_map(|path| read_regular_prefix(path, MAX_TEMPLATE_BYTES))
        .filter(|text| !is_test_hook(text))
        .collect()
}

/// True for a template of a Helm test hook (`helm.sh/hook: test`): only `helm test` runs
/// it, and the release does not.
fn is_test_hook(text: &str) -> bool {
    text.lines()
        .filter(|l| l.contains("helm.sh/hook\"") || l.contains("helm.sh/hook:"))
        .any(|l| {
            l.split_once("hook")
                .is_some_and(|(_, v)| v.contains("test"))
        })
}

/// The variable names of a template's environment entries (`- name: BATCH_SIZE` over
/// `value: {{ .Values.batchSize | quote }}`).
fn env_entries(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("{{"))
        .collect();
    lines
        .windows(2)
        .filter_map(|pair| {
            let name = pair[0]
                .strip_prefix("- name:")?
                .trim()
                .trim_matches(['"', '\'']);
            let valued = pair[1].starts_with("value:") || pair[1].starts_with("valueFrom:");
            let variable = name.chars().next().is_some_and(|c| !c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            (valued && variable).then(|| name.to_string())
        })
        .collect()
}

/// Sort the image value paths a template reads into those under an `initContainers:`
/// key and those elsewhere.
fn values_by_container_list(text: &str, init: &mut BTreeSet<String>, other: &mut BTreeSet<String>) {
    let mut init_indent: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let is_yaml =
            !trimmed.is_empty() && !trimmed.starts_with("{{") && !trimmed.starts_with('#');
        if is_yaml && init_indent.is_some_and(|i| indent <= i) {
            init_indent = None;
        }
        if trimmed.starts_with("initContainers:") {
            init_indent = Some(indent);
            continue;
        }
        for path in image_value_paths(line) {
            if init_indent.is_some() {
                init.insert(path);
            } else {
                other.insert(path);
            }
        }
    }
}

/// The values paths a template line reads, without a trailing image field:
/// `{{ .Values.image.initImage.repository }}` → `image.initImage`.
fn image_value_paths(line: &str) -> Vec<String> {
    line.match_indices(".Values.")
        .map(|(at, key)| {
            let rest = &line[at + key.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let path = rest[..end].trim_end_matches('.');
            ["repository", "tag", "registry", "digest", "pullPolicy"]
                .iter()
                .find_map(|field| path.strip_suffix(&format!(".{field}")))
                .unwrap_or(path)
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_only_init_containers_use() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("chart/templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(
            templates.join("statefulset.yaml"),
            "spec:\n  template:\n    spec:\n      initContainers:\n        - name: init\n          image: \"{{ $.Values.image.initImage.repository }}:{{ $.Values.image.initImage.tag }}\"\n          {{- with .Values.initResources }}\n        - name: migrate\n          image: \"{{ .Values.image.app.repository }}:{{ .Values.image.app.tag }}\"\n      containers:\n        - name: app\n          image: \"{{ .Values.image.app.repository }}:{{ .Values.image.app.tag | default .Chart.AppVersion }}\"\n",
        )
        .unwrap();
        assert_eq!(
            init_container_values(dir.path(), "chart"),
            BTreeSet::from(["image.initImage".to_string(), "initResources".to_string()])
        );
        assert!(init_container_values(dir.path(), "missing").is_empty());
    }

    #[test]
    fn templates_of_a_chart() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("charts/api/templates/sub")).unwrap();
        std::fs::write(dir.path().join("charts/api/Chart.yaml"), "name: api\n").unwrap();
        let chart = |rel: &str| chart_of_template(dir.path(), rel);
        assert_eq!(
            chart("charts/api/templates/deployment.yaml").as_deref(),
            Some("charts/api")
        );
        assert_eq!(
            chart("charts/api/templates/sub/job.yaml").as_deref(),
            Some("charts/api")
        );
        assert_eq!(chart("charts/api/values.yaml"), None);
        assert_eq!(chart("other/templates/deployment.yaml"), None);
        assert_eq!(chart("templates"), None);
        let files = [
            "charts/api/Chart.yaml",
            "charts/api/templates/deployment.yaml",
            "charts/api/templates/service.yaml",
            "charts/empty/Chart.yaml",
        ];
        assert_eq!(
            charts_with_templates(&files),
            [("charts/api/Chart.yaml", 2)]
        );
    }

    #[test]
    fn env_entries_of_a_template() {
        let text = "      containers:\n        - name: worker\n          env:\n            - name: BATCH_SIZE\n              {{- if .Values.batch }}\n              value: {{ .Values.batch | quote }}\n            - name: \"DATABASE_URL\"\n              valueFrom:\n                secretKeyRef: {}\n          ports:\n            - name: http\n              containerPort: 8080\n";
        assert_eq!(env_entries(text), ["BATCH_SIZE", "DATABASE_URL"]);
    }

    #[test]
    fn test_hooks() {
        assert!(is_test_hook(
            "metadata:\n  annotations:\n    \"helm.sh/hook\": test\n"
        ));
        assert!(is_test_hook("    helm.sh/hook: test-success\n"));
        assert!(!is_test_hook(
            "    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"-5\"\n"
        ));
    }
}
