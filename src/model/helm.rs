//! Helm charts: a `Chart.yaml` with its `templates/`. Templates are Go templates, not
//! YAML, until `helm template` renders them; twelve-lint does not render them, so a
//! template is never a parse error. One note per chart says its templates were not
//! rendered, and rules read the chart's `values.yaml` instead; the templates are scanned
//! only for which values paths their init containers use.

use std::collections::BTreeSet;
use std::path::Path;

use crate::model::source::read_regular_prefix;

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

/// The charts among the linted files at `paths`, each as (its `Chart.yaml` path, how many
/// linted files its `templates/` holds), for charts with at least one template.
pub fn charts_with_templates<'p>(paths: &[&'p str]) -> Vec<(&'p str, usize)> {
    paths
        .iter()
        .filter(|p| **p == CHART_FILE || p.ends_with(&format!("/{CHART_FILE}")))
        .filter_map(|chart| {
            let prefix = format!("{}templates/", &chart[..chart.len() - CHART_FILE.len()]);
            let templates = paths.iter().filter(|p| p.starts_with(&prefix)).count();
            (templates > 0).then_some((*chart, templates))
        })
        .collect()
}

/// The most template files of one chart that are read, and bytes of each.
const MAX_TEMPLATES: usize = 500;
const MAX_TEMPLATE_BYTES: u64 = 512 * 1024;

/// The image settings of a chart's values (`image.initImage`) that its templates use only
/// in init containers: each path read as `.Values.<path>.repository` (or `.tag`,
/// `.registry`, `.digest`, `.pullPolicy`, or `.Values.<path>` whole) under an
/// `initContainers:` key, and nowhere else. `chart_dir` is the chart's directory in the
/// repository at `root`; symbolic links are not followed.
pub fn init_container_values(root: &Path, chart_dir: &str) -> BTreeSet<String> {
    let templates = root.join(chart_dir).join("templates");
    if !std::fs::symlink_metadata(&templates).is_ok_and(|m| m.is_dir()) {
        return BTreeSet::new();
    }
    let Ok(entries) = std::fs::read_dir(&templates) else {
        return BTreeSet::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".tpl"))
        .collect();
    names.sort_unstable();
    names.truncate(MAX_TEMPLATES);
    let (mut init, mut other) = (BTreeSet::new(), BTreeSet::new());
    for name in names {
        if let Some(text) = read_regular_prefix(&templates.join(name), MAX_TEMPLATE_BYTES) {
            values_by_container_list(&text, &mut init, &mut other);
        }
    }
    init.difference(&other).cloned().collect()
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
}
