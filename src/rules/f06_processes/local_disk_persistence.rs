//! TF0604 local-disk-persistence: server code writing data to local paths, Kubernetes
//! `hostPath` volumes that app containers write to.

use std::ops::Range;

use syn::visit::Visit;

use crate::model::source::YamlDoc;
use crate::model::value::{self, ValueKind};
use crate::parse::lex::{Kind, Tokens};
use crate::parse::rust::{self, StrLit, literal_str, path_ends_with};
use crate::parse::yaml::{self, DocKind};
use crate::rules::prelude::*;

declare_rule! {
    LocalDiskPersistence {
        code: "TF0604",
        name: "local-disk-persistence",
        factor: 6,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo, Yaml],
        summary: "server code persisting data to local paths, Kubernetes `hostPath` volumes app containers write to",
        tree: Prefilter::Tokens(
            &["File|fs|sled|DB|Database|Connection|OpenOptions + create|create_new|write|create_dir|create_dir_all|open|open_default"],
            may_write_literal,
        ),
    }
}

const HELP: &str = "store files in a backing service (object storage such as S3, a database); local disk is scratch space for a single request";

/// Calls that create or write a file or database at their path argument.
const WRITERS: &[&[&str]] = &[
    &["File", "create"],
    &["File", "create_new"],
    &["fs", "write"],
    &["fs", "create_dir"],
    &["fs", "create_dir_all"],
    &["sled", "open"],
    &["DB", "open"],
    &["DB", "open_default"],
    &["Database", "create"],
    &["Connection", "open"],
];
/// The tree only adds literal path arguments of writing calls ([`Writes`]): a call of
/// `WRITERS` written with both its segments (`File::create(`), or an `OpenOptions` chain's
/// `.open(`, whose argument list holds a string literal.
fn may_write_literal(t: &Tokens<'_>, item: Range<usize>) -> bool {
    let literal_inside = |open: usize| {
        t.is_open(open, '(')
            && (open + 1..t.pair(open)).any(|k| matches!(t.kind(k), Some(Kind::Str | Kind::RawStr)))
    };
    let options = item.clone().any(|i| t.is_ident(i, "OpenOptions"));
    item.clone().any(|i| {
        let Some(name) = t.ident(i) else {
            return false;
        };
        let writer = i >= item.start + 3
            && t.is_joint(i - 2, ':', ':')
            && t.ident(i - 3)
                .is_some_and(|first| WRITERS.contains(&&[first, name][..]));
        let opens = options && name == "open" && i > item.start && t.is_punct(i - 1, '.');
        (writer || opens) && literal_inside(i + 1)
    })
}

/// Workload kinds whose pods should be disposable (not DaemonSets: node agents).
const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Pod",
];

impl Check for LocalDiskPersistence {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        if file.kind == FileKind::Rust {
            let mut v = Writes(Vec::new());
            if let Some(ast) = file.rust() {
                v.visit_file(ast);
            }
            for lit in file.string_literals() {
                if !lit.fallback && is_sqlite_file(&lit.value) {
                    v.0.push(lit.clone());
                }
            }
            for lit in v.0 {
                cx.report(
                    file.loc(lit.span),
                    format!(
                        "persists data to the local path `{}`: it lives on one instance's disk, invisible to other replicas and gone when the container is replaced",
                        lit.value
                    ),
                    HELP,
                )
                .in_service();
            }
        }
        for doc in file.yaml() {
            let DocKind::Kubernetes(kind) = &doc.kind else {
                continue;
            };
            if kind == "PersistentVolume" {
                let spec = yaml::get(&doc.node, "spec");
                // A volume only mounted read-only (model files, fixtures) holds no state.
                let read_only = spec
                    .and_then(|s| yaml::get(s, "accessModes"))
                    .and_then(yaml::sequence)
                    .is_some_and(|modes| {
                        !modes.is_empty()
                            && modes
                                .iter()
                                .all(|m| yaml::scalar_str(m) == Some("ReadOnlyMany"))
                    });
                if let Some((host_path, path)) = spec
                    .and_then(|s| yaml::get(s, "hostPath"))
                    .filter(|_| !read_only)
                    .map(|h| (h, yaml::str_at(h, "path").unwrap_or("?")))
                    .filter(|(_, path)| is_data_path(path))
                {
                    cx.report(
                        file.loc(file.yaml_span(host_path)),
                        format!("PersistentVolume keeps its data in the node's directory `{path}` (`hostPath`): the data lives on one node, and a pod scheduled elsewhere finds it missing"),
                        "back the volume with networked or cloud storage (a StorageClass that provisions it), or keep the state in a backing service",
                    );
                }
                continue;
            }
            if !WORKLOADS.contains(&kind.as_str()) {
                continue;
            }
            for (host_path, path) in written_host_paths(doc) {
                cx.report(
                    file.loc(file.yaml_span(host_path)),
                    format!("{kind} mounts the node's directory `{path}` (`hostPath`): data is tied to one node and pods are no longer interchangeable"),
                    "use a PersistentVolumeClaim for real state (better: a backing service), or `emptyDir` for scratch space",
                );
            }
        }
    }
}

/// The `hostPath` volumes of a workload that an app container mounts writable, with
/// their node paths. Not a volume only init containers mount (they prepare the pod), one
/// every app container mounts `readOnly: true` (node files it reads), nor a node
/// interface ([`is_node_interface`]).
fn written_host_paths(doc: &YamlDoc) -> Vec<(&yaml::Node<'static>, &str)> {
    let containers = doc.workload_containers();
    let writable_mount = |volume: &str| {
        containers
            .iter()
            .filter(|c| c.list != "initContainers")
            .filter_map(|c| yaml::get(c.node, "volumeMounts").and_then(yaml::sequence))
            .flatten()
            .any(|m| {
                yaml::str_at(m, "name") == Some(volume)
                    && yaml::get(m, "readOnly")
                        .is_none_or(|r| yaml::scalar_text(r).as_deref() != Some("true"))
            })
    };
    yaml::values_under(&doc.node, &["volumes"])
        .into_iter()
        .filter_map(|(_, list)| yaml::sequence(list))
        .flatten()
        .filter_map(|volume| {
            let host_path = yaml::get(volume, "hostPath")?;
            let path = yaml::str_at(host_path, "path").unwrap_or("?");
            let name = yaml::str_at(volume, "name")?;
            (is_data_path(path) && writable_mount(name)).then_some((host_path, path))
        })
        .collect()
}

/// True when a `hostPath` path is known and keeps data: not a node interface, and not a
/// value set elsewhere (`${PATH}`, a Helm value).
fn is_data_path(path: &str) -> bool {
    value::kind(path) != ValueKind::Reference && !is_node_interface(path)
}

/// A node path a pod mounts to reach the node itself, not to keep data: devices and
/// kernel interfaces, runtime sockets (`/var/run/docker.sock`), logs, the node's
/// configuration and CA bundles (`/etc/ssl/certs`), system directories.
fn is_node_interface(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    p.is_empty()
        || is_scratch_path(p)
        || [
            "/etc",
            "/usr",
            "/lib",
            "/lib64",
            "/boot",
            "/var/lib/docker",
            "/var/lib/kubelet",
        ]
        .iter()
        .any(|d| p == *d || p.starts_with(&format!("{d}/")))
}

/// Paths meant for scratch data, logs (TF11xx: `/var/log`, a `logs` directory, `*.log`),
/// PID files (TF0802) or devices.
fn is_scratch_path(path: &str) -> bool {
    let p = path.trim_start_matches("./");
    [
        "/tmp", "/var/tmp", "/dev", "/proc", "/sys", "/run", "/var/run", "/var/log",
    ]
    .iter()
    .any(|d| p == *d || p.starts_with(&format!("{d}/")))
        || p.trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|last| matches!(last, "log" | "logs"))
        || p.ends_with(".log")
        || p.ends_with(".pid")
        || p == "-"
        || p.is_empty()
        || p.contains(":memory:")
}

/// `sqlite://app.db`, `sqlite:data/app.db`: a database file on local disk.
fn is_sqlite_file(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("sqlite:") else {
        return false;
    };
    let rest = rest.trim_start_matches('/');
    // A `format!` template's path is decided by what precedes the first placeholder: a
    // path that is all placeholder (`sqlite://{}`) comes from config.
    let fixed = rest.split('{').next().unwrap_or_default();
    !fixed.is_empty()
        && !rest.contains("mode=ro")
        && !rest.contains(":memory:")
        && !rest.contains("mode=memory")
        && !is_scratch_path(&format!("/{rest}"))
}

/// Literal paths given to file- and database-writing calls (their first argument).
struct Writes(Vec<StrLit>);

impl Writes {
    /// Keep a literal path argument unless it is scratch space; for a `format!`
    /// template (`"uploads/{}"`) the directory before the first placeholder decides.
    fn push_literal(&mut self, expr: &syn::Expr) {
        let Some(lit) = literal_str(expr) else { return };
        let path = lit.value.split('{').next().unwrap_or_default();
        if !path.is_empty() && !is_scratch_path(path) {
            self.0.push(lit);
        }
    }
}

impl<'ast> Visit<'ast> for Writes {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Some(path) = rust::call_path(call)
            && WRITERS.iter().any(|w| path_ends_with(&path, w))
            && let Some(first) = call.args.first()
        {
            // The path is the first argument; what follows is content (`fs::write`).
            self.push_literal(first);
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method == "open"
            && opens_for_writing(&m.receiver)
            && let Some(first) = m.args.first()
        {
            self.push_literal(first);
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// True for an `OpenOptions` builder chain with `.write(true)`, `.append(true)` or `.create(true)`.
fn opens_for_writing(receiver: &syn::Expr) -> bool {
    let mut writes = false;
    let mut expr = receiver;
    loop {
        match expr {
            syn::Expr::MethodCall(m) => {
                if matches!(
                    m.method.to_string().as_str(),
                    "write" | "append" | "create" | "create_new"
                ) {
                    writes = true;
                }
                expr = &m.receiver;
            }
            syn::Expr::Call(call) => {
                return writes
                    && rust::call_path(call)
                        .is_some_and(|p| path_ends_with(&p, &["OpenOptions", "new"]));
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_and_sqlite_paths() {
        assert!(is_scratch_path("/tmp/upload-1"));
        assert!(is_scratch_path("logs/app.log"));
        assert!(!is_scratch_path("uploads/avatars"));
        assert!(!is_scratch_path("/data"));
        assert!(is_scratch_path("/logs"));
        assert!(is_scratch_path("/app/logs/"));
        assert!(!is_scratch_path("/srv/catalog"));
        assert!(is_sqlite_file("sqlite://data/app.db"));
        assert!(is_sqlite_file("sqlite:app.db?mode=rwc"));
        assert!(!is_sqlite_file("sqlite::memory:"));
        assert!(!is_sqlite_file("sqlite://:memory:"));
        assert!(!is_sqlite_file("sqlite:///tmp/test.db"));
        assert!(!is_sqlite_file("sqlite://{}"));
        assert!(!is_sqlite_file("sqlite://{file_path}?mode=ro"));
        assert!(!is_sqlite_file("sqlite://data/app.db?mode=ro"));
        assert!(is_sqlite_file("sqlite://data/{name}.db"));
        assert!(is_node_interface("/etc/ssl/certs"));
        assert!(is_node_interface("/var/run/docker.sock"));
        assert!(is_node_interface("/dev/log"));
        assert!(!is_node_interface("/mnt/data"));
        assert!(!is_node_interface("/srv/media"));
    }
}
