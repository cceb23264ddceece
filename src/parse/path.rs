//! Repository-relative paths: a relative path joined onto a directory and normalised.

/// `dir` (relative to the root) joined with `rel`, normalised, or `None` when `rel` is
/// absolute (`/etc/x`, `C:\x`) or climbs above the root (`../../x` from `a/`). `/` and `\`
/// both separate.
pub fn join_inside(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.chars().nth(1) == Some(':') {
        return None;
    }
    let (joined, climbed_out) = join_parts(dir, rel, &['/', '\\']);
    (!climbed_out).then_some(joined)
}

/// `dir` joined with a relative path, normalised (`a/b` + `../c` → `a/c`, `.` → `a/b`).
pub fn join_path(dir: &str, rel: &str) -> String {
    join_parts(dir, rel, &['/']).0
}

/// `dir` joined with `rel` split at `separators`, normalised, and whether a `..` climbed
/// above the root (such steps are dropped).
fn join_parts(dir: &str, rel: &str, separators: &[char]) -> (String, bool) {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let mut climbed_out = false;
    for part in rel.split(separators) {
        match part {
            "" | "." => {}
            ".." => climbed_out |= parts.pop().is_none(),
            p => parts.push(p),
        }
    }
    (parts.join("/"), climbed_out)
}
