//! Helm charts: a `Chart.yaml` with its `templates/`. Templates are Go templates, not
//! YAML, until `helm template` renders them; twelve-lint does not render them, so a
//! template is never a parse error. One note per chart says its templates were not read,
//! and rules read the chart's `values.yaml` instead.

use std::path::Path;

use crate::model::project::FileEntry;

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

/// The charts among linted `files`, each as (its `Chart.yaml` path, how many linted files
/// its `templates/` holds), for charts with at least one template.
pub fn charts_with_templates(files: &[FileEntry]) -> Vec<(&str, usize)> {
    files
        .iter()
        .filter(|f| f.path == CHART_FILE || f.path.ends_with(&format!("/{CHART_FILE}")))
        .filter_map(|chart| {
            let prefix = format!(
                "{}templates/",
                &chart.path[..chart.path.len() - CHART_FILE.len()]
            );
            let templates = files.iter().filter(|f| f.path.starts_with(&prefix)).count();
            (templates > 0).then_some((chart.path.as_str(), templates))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::role::Decision;
    use crate::model::source::FileKind;

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
        let entry = |path: &str| FileEntry {
            path: path.to_string(),
            kind: FileKind::Yaml,
            role: Decision::production(),
        };
        let files = [
            entry("charts/api/Chart.yaml"),
            entry("charts/api/templates/deployment.yaml"),
            entry("charts/api/templates/service.yaml"),
            entry("charts/empty/Chart.yaml"),
        ];
        assert_eq!(
            charts_with_templates(&files),
            [("charts/api/Chart.yaml", 2)]
        );
    }
}
