//! YAML through `saphyr` (`MarkedYaml`): multi-document, a marker on every node,
//! bounded alias expansion. Documents are classified as Kubernetes objects,
//! compose files or other YAML.

use std::collections::{HashMap, HashSet};

use saphyr::{MarkedYaml, Scalar, ScanError, YamlData, YamlLoader};
use saphyr_parser::Event;

/// A YAML node with its position.
pub type Node<'a> = MarkedYaml<'a>;

/// What a YAML document describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocKind {
    /// A Kubernetes object (`apiVersion` + `kind`), with its kind.
    Kubernetes(String),
    /// A docker-compose file.
    Compose,
    /// Any other YAML.
    Other,
}

/// Kubernetes workload kinds that run replicas of one pod template. DaemonSets are node
/// agents (one pod per node by design) and a bare Pod is a single instance.
pub const REPLICATED_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "ReplicationController",
];

/// A parse failure: 1-based line, 0-based character column, message.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// The documents of a YAML file.
#[derive(Debug)]
pub struct Loaded {
    /// Every document; empty ones (e.g. after a trailing `---`) are dropped.
    pub docs: Vec<Node<'static>>,
    /// Where a mapping repeats a key, when one does. YAML forbids it and compose and
    /// `kubectl` (strict) reject the file, but the rest of it is still worth linting: the
    /// documents hold the later value, as lenient readers take it.
    pub duplicate_key: Option<ParseError>,
}

/// Parse every document of `text`.
pub fn parse(text: &str) -> Result<Loaded, ParseError> {
    if text.contains('&') {
        within_expansion_budget(text)?;
    }
    let (docs, duplicate_key) = match load(text, false) {
        Ok(docs) => (docs, None),
        Err(e) if e.info() == DUPLICATE_KEY => (load(text, true).map_err(error)?, Some(error(e))),
        Err(e) => return Err(error(e)),
    };
    let docs = docs
        .into_iter()
        .filter(|d| !matches!(d.data, YamlData::Value(Scalar::Null)))
        .flat_map(|mut d| {
            resolve_merge_keys(&mut d);
            list_items(d)
        })
        .collect();
    Ok(Loaded {
        docs,
        duplicate_key,
    })
}

/// The objects a document holds, as `kubectl` reads them: the `items` of a Kubernetes
/// list (`kind: List`, or a typed list such as `DeploymentList`, which `kubectl get -o
/// yaml` writes), each with its own position, else the document itself.
fn list_items(doc: Node<'static>) -> Vec<Node<'static>> {
    let is_list = str_at(&doc, "apiVersion").is_some()
        && str_at(&doc, "kind").is_some_and(|k| k.ends_with("List"))
        && get(&doc, "items").and_then(sequence).is_some();
    if !is_list {
        return vec![doc];
    }
    match doc.data {
        YamlData::Mapping(mut map) => match map.remove(&Node::value_from_str("items")) {
            Some(Node {
                data: YamlData::Sequence(items),
                ..
            }) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// saphyr's message for a repeated key.
const DUPLICATE_KEY: &str = "duplicated key in mapping";

/// Load the documents of `text`, keeping the later value of a repeated key when
/// `allow_duplicate_keys`.
fn load(text: &str, allow_duplicate_keys: bool) -> Result<Vec<Node<'static>>, ScanError> {
    let mut loader = YamlLoader::<Node<'static>>::default();
    loader.allow_duplicate_keys(allow_duplicate_keys);
    saphyr_parser::Parser::new(saphyr_parser::BufferedInput::new(text.chars()))
        .load(&mut loader, true)?;
    if let Some(e) = loader.error() {
        return Err(e.clone());
    }
    Ok(loader.into_documents())
}

fn error(e: ScanError) -> ParseError {
    ParseError {
        line: e.marker().line(),
        col: e.marker().col(),
        message: e.info().to_string(),
    }
}

/// Resolves merge keys (`<<: *base`, `<<: [*a, *b]`) the way compose and Kubernetes
/// tooling read them: the merged mappings' entries join the mapping unless it already
/// has the key, earlier sources winning over later ones. The loader has already
/// copied each alias, so merged entries keep the position where they are written.
/// Iterative, so nesting depth cannot exhaust the stack.
fn resolve_merge_keys(doc: &mut Node<'_>) {
    let merge_key = Node::value_from_str("<<");
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        match &mut node.data {
            YamlData::Mapping(map) => {
                let mut sources: std::collections::VecDeque<Node<'_>> =
                    map.remove(&merge_key).into_iter().collect();
                while let Some(source) = sources.pop_front() {
                    match source.data {
                        YamlData::Mapping(entries) => {
                            for (key, value) in entries {
                                if key == merge_key {
                                    sources.push_back(value);
                                } else if !map.contains_key(&key) {
                                    map.insert(key, value);
                                }
                            }
                        }
                        YamlData::Sequence(items) => sources.extend(items),
                        _ => {}
                    }
                }
                stack.extend(map.values_mut());
            }
            YamlData::Sequence(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// Nodes that anchors and aliases may add to a document beyond those written in it,
/// besides [`EXPANSION_PER_BYTE`] per byte of the file.
const EXPANSION_BASE: u64 = 100_000;
/// See [`EXPANSION_BASE`].
const EXPANSION_PER_BYTE: u64 = 1;

/// Checks, before any tree is built, that anchors and aliases cannot make the
/// loaded documents much larger than the text. The loader copies an anchored node
/// when it is defined and again at every alias, in keys as in values, so each of
/// those copies is counted at its full expanded size; an alias bomb (in keys or
/// values) or a pile of nested anchors is refused with a parse error.
fn within_expansion_budget(text: &str) -> Result<(), ParseError> {
    let budget = EXPANSION_BASE + EXPANSION_PER_BYTE * text.len() as u64;
    let mut sizes: HashMap<usize, u64> = HashMap::new();
    // The open collections: anchor id and expanded size so far.
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut copied: u64 = 0;
    for event in saphyr_parser::Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            // The loader reports the syntax error with its position.
            return Ok(());
        };
        let (anchor, size) = match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => open.pop().unwrap_or((0, 1)),
            Event::Scalar(_, _, anchor, _) => (anchor, 1),
            Event::Alias(id) => {
                let size = sizes.get(&id).copied().unwrap_or(1);
                copied = copied.saturating_add(size);
                (0, size)
            }
            _ => continue,
        };
        if anchor > 0 {
            sizes.insert(anchor, size);
            copied = copied.saturating_add(size);
        }
        if let Some((_, parent)) = open.last_mut() {
            *parent = parent.saturating_add(size);
        }
        if copied > budget {
            return Err(ParseError {
                line: span.start.line(),
                col: span.start.col(),
                message: format!(
                    "anchors and aliases expand to over {budget} copied nodes (an alias bomb?); not loaded"
                ),
            });
        }
    }
    Ok(())
}

/// True for the file names docker compose looks for (and common variants).
pub fn is_compose_name(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".yml")
        .or_else(|| lower.strip_suffix(".yaml"));
    stem.is_some_and(|s| {
        s == "compose"
            || s == "docker-compose"
            || s.starts_with("docker-compose.")
            || s.starts_with("compose.")
            || s.starts_with("docker-compose-")
    })
}

/// True when YAML text that may not parse is meant as a compose file or a Kubernetes
/// manifest: a compose file name, a top-level `services:`, or `apiVersion:` and `kind:` keys.
pub fn is_manifest_candidate(file_name: &str, text: &str) -> bool {
    let has_key = |key: &str| {
        text.lines()
            .any(|l| l.trim_start_matches(['-', ' ']).starts_with(key))
    };
    if is_json_name(file_name) {
        return is_json_manifest_candidate(text);
    }
    is_compose_name(file_name)
        || text.lines().any(|l| l.starts_with("services:"))
        || (has_key("apiVersion:") && has_key("kind:"))
}

/// True for a JSON file name or path (`deploy.json`), read as YAML only when it is a
/// Kubernetes manifest ([`is_json_manifest_candidate`]).
pub fn is_json_name(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("json"))
}

/// True when JSON text may be a Kubernetes manifest: it names `"apiVersion"` and
/// `"kind"` keys. Other JSON is not read.
pub fn is_json_manifest_candidate(text: &str) -> bool {
    text.contains("\"apiVersion\"") && text.contains("\"kind\"")
}

/// Classify one document of a file named `file_name`.
pub fn classify(doc: &Node<'_>, file_name: &str) -> DocKind {
    if let (Some(_), Some(kind)) = (str_at(doc, "apiVersion"), str_at(doc, "kind")) {
        // A Helm test hook (`helm.sh/hook: test`) runs only under `helm test`: it is not
        // part of what the release deploys.
        let hook = get(doc, "metadata")
            .and_then(|m| get(m, "annotations"))
            .and_then(|a| str_at(a, "helm.sh/hook"));
        if hook.is_some_and(|h| h.split(',').any(|p| p.trim().starts_with("test"))) {
            return DocKind::Other;
        }
        return DocKind::Kubernetes(kind.to_string());
    }
    let services = get(doc, "services");
    let looks_like_compose = services.is_some_and(|s| {
        mapping(s).is_some_and(|m| {
            m.iter()
                .any(|(_, svc)| get(svc, "image").is_some() || get(svc, "build").is_some())
        })
    });
    if is_compose_name(file_name) || looks_like_compose {
        DocKind::Compose
    } else {
        DocKind::Other
    }
}

/// The value under `key` of a mapping node.
pub fn get<'n, 'a>(node: &'n Node<'a>, key: &str) -> Option<&'n Node<'a>> {
    node.data.as_mapping_get(key)
}

/// The string value under `key` of a mapping node.
pub fn str_at<'n>(node: &'n Node<'_>, key: &str) -> Option<&'n str> {
    get(node, key).and_then(scalar_str)
}

/// A string scalar's value.
pub fn scalar_str<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s),
        _ => None,
    }
}

/// Any scalar's value as text (`8080`, `true`, `text`); `None` for null and collections.
pub fn scalar_text(node: &Node<'_>) -> Option<String> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.to_string()),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        _ => None,
    }
}

/// The entries of a mapping node.
pub fn mapping<'n, 'a>(node: &'n Node<'a>) -> Option<Vec<(&'n Node<'a>, &'n Node<'a>)>> {
    match &node.data {
        YamlData::Mapping(m) => Some(m.iter().collect()),
        _ => None,
    }
}

/// The items of a sequence node.
pub fn sequence<'n, 'a>(node: &'n Node<'a>) -> Option<&'n [Node<'a>]> {
    match &node.data {
        YamlData::Sequence(s) => Some(s),
        _ => None,
    }
}

/// The compose files a compose document is made of, relative to its directory: those
/// it includes (`include: [a.yml]`, `include: [{path: a.yml}]`, `path: [a.yml, b.yml]`)
/// and those its services extend (`extends: {file: a.yml, service: x}`).
pub fn compose_parts(doc: &Node<'_>) -> Vec<String> {
    let mut parts = Vec::new();
    for item in get(doc, "include").and_then(sequence).unwrap_or_default() {
        let paths = get(item, "path").unwrap_or(item);
        match sequence(paths) {
            Some(list) => parts.extend(list.iter().filter_map(scalar_text)),
            None => parts.extend(scalar_text(paths)),
        }
    }
    for (_, svc) in compose_services(doc) {
        parts.extend(
            get(svc, "extends")
                .and_then(|e| str_at(e, "file"))
                .map(str::to_string),
        );
    }
    parts
}

/// True when a service of a compose document needs a service the document does not
/// define (`depends_on`, `links`, `volumes_from`, `network_mode: service:x`): the file is
/// an overlay, run with `-f` beside the file that defines it (`-f docker-compose.yml -f
/// lighthouse.yml`).
pub fn compose_needs_other_file(doc: &Node<'_>) -> bool {
    let services = compose_services(doc);
    let defined: HashSet<String> = services
        .iter()
        .filter_map(|(n, _)| scalar_text(n))
        .collect();
    let names = |node: Option<&Node<'_>>| -> Vec<String> {
        let Some(node) = node else { return Vec::new() };
        match (sequence(node), mapping(node)) {
            (Some(list), _) => list.iter().filter_map(scalar_text).collect(),
            (_, Some(map)) => map.iter().filter_map(|(k, _)| scalar_text(k)).collect(),
            _ => Vec::new(),
        }
    };
    services.iter().any(|(_, svc)| {
        let mut needed = names(get(svc, "depends_on"));
        // `links: [db:database]`, `volumes_from: [data:ro]`; `container:x` names a container.
        for entry in names(get(svc, "links"))
            .into_iter()
            .chain(names(get(svc, "volumes_from")))
        {
            if !entry.starts_with("container:") {
                needed.extend(entry.split(':').next().map(str::to_string));
            }
        }
        needed.extend(
            str_at(svc, "network_mode")
                .and_then(|m| m.strip_prefix("service:"))
                .map(str::to_string),
        );
        needed.iter().any(|n| !defined.contains(n))
    })
}

/// A container's environment settings as (name, value, the node that holds the value):
/// a compose service's `environment:` in map or list form (`KEY=value`: the item), or,
/// when `kubernetes`, a Kubernetes container's `env` entries that give a `value`.
pub fn container_env<'n, 'a>(
    container: &'n Node<'a>,
    kubernetes: bool,
) -> Vec<(String, String, &'n Node<'a>)> {
    if kubernetes {
        return get(container, "env")
            .and_then(sequence)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                let value = get(e, "value")?;
                Some((str_at(e, "name")?.to_string(), scalar_text(value)?, value))
            })
            .collect();
    }
    let Some(env) = get(container, "environment") else {
        return Vec::new();
    };
    if let Some(items) = sequence(env) {
        return items
            .iter()
            .filter_map(|i| {
                let (k, v) = scalar_str(i)?.split_once('=')?;
                Some((k.to_string(), v.to_string(), i))
            })
            .collect();
    }
    mapping(env)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((scalar_text(k)?, scalar_text(v)?, v)))
        .collect()
}

/// The services of a compose document: (name node, service node).
pub fn compose_services<'n, 'a>(doc: &'n Node<'a>) -> Vec<(&'n Node<'a>, &'n Node<'a>)> {
    get(doc, "services").and_then(mapping).unwrap_or_default()
}

/// One compose `ports:` entry: `"8080"`, `"8080:80"`, `"127.0.0.1:8080:80/tcp"`, or the
/// long form `{target: 80, published: 8080}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposePort {
    /// The host port (or range); `None` when docker picks one.
    pub published: Option<String>,
    /// The container port (or range).
    pub target: String,
}

impl ComposePort {
    /// Read a `ports:` item.
    pub fn parse(node: &Node<'_>) -> Option<Self> {
        if let Some(m) = mapping(node).filter(|m| !m.is_empty()) {
            let get_text = |k: &str| {
                m.iter()
                    .find(|(key, _)| scalar_str(key) == Some(k))
                    .and_then(|(_, v)| scalar_text(v))
            };
            return Some(ComposePort {
                published: get_text("published").filter(|p| !p.is_empty()),
                target: get_text("target")?,
            });
        }
        let text = scalar_text(node)?;
        let text = text.split('/').next().unwrap_or_default();
        // A bracketed IPv6 host address may contain colons.
        let rest = match text.strip_prefix('[') {
            Some(r) => r.split_once("]:").map_or(r, |(_, after)| after),
            None => text,
        };
        let parts: Vec<&str> = rest.split(':').collect();
        let (published, target) = match parts.as_slice() {
            [target] => (None, *target),
            [host, target] => (Some(*host), *target),
            [_ip, host, target] => (Some(*host), *target),
            _ => return None,
        };
        Some(ComposePort {
            published: published.filter(|p| !p.is_empty()).map(str::to_string),
            target: target.to_string(),
        })
    }
}

/// Every value stored under one of `keys`, at any depth (matches are not searched further).
pub fn values_under<'n, 'a>(node: &'n Node<'a>, keys: &[&str]) -> Vec<(&'n str, &'n Node<'a>)> {
    let mut out = Vec::new();
    values_under_depth(node, keys, &mut out, 0);
    out
}

fn values_under_depth<'n, 'a>(
    node: &'n Node<'a>,
    keys: &[&str],
    out: &mut Vec<(&'n str, &'n Node<'a>)>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &node.data {
        YamlData::Mapping(m) => {
            for (k, v) in m.iter() {
                match scalar_str(k).filter(|k| keys.contains(k)) {
                    Some(key) => out.push((key, v)),
                    None => values_under_depth(v, keys, out, depth + 1),
                }
            }
        }
        YamlData::Sequence(s) => s
            .iter()
            .for_each(|v| values_under_depth(v, keys, out, depth + 1)),
        _ => {}
    }
}

/// True for a mapping a chart's values switch off (`enabled: false`): by the Helm
/// convention (`{{- if .Values.redis.enabled }}`, a subchart's `condition`) nothing it
/// holds is rendered.
pub fn is_switched_off(node: &Node<'_>) -> bool {
    get(node, "enabled").is_some_and(|v| match &v.data {
        YamlData::Value(Scalar::Boolean(b)) => !b,
        YamlData::Value(Scalar::String(s)) => s.as_ref() == "false",
        _ => false,
    })
}

/// The mappings under `node` (itself included) that hold every one of `keys`, outermost
/// only, each with its path of mapping keys from `node` (`image.initImage`; sequence
/// items add nothing). What a switched-off mapping ([`is_switched_off`]) holds is left
/// out.
pub fn mappings_with<'n, 'a>(node: &'n Node<'a>, keys: &[&str]) -> Vec<(String, &'n Node<'a>)> {
    let mut out = Vec::new();
    mappings_with_depth(node, keys, &mut out, "", 0);
    out
}

fn mappings_with_depth<'n, 'a>(
    node: &'n Node<'a>,
    keys: &[&str],
    out: &mut Vec<(String, &'n Node<'a>)>,
    path: &str,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &node.data {
        YamlData::Mapping(m) => {
            if is_switched_off(node) {
                return;
            }
            if keys.iter().all(|k| get(node, k).is_some()) {
                out.push((path.to_string(), node));
                return;
            }
            for (k, v) in m.iter() {
                let key = scalar_text(k).unwrap_or_default();
                let child = if path.is_empty() {
                    key
                } else {
                    format!("{path}.{key}")
                };
                mappings_with_depth(v, keys, out, &child, depth + 1);
            }
        }
        YamlData::Sequence(s) => s
            .iter()
            .for_each(|v| mappings_with_depth(v, keys, out, path, depth + 1)),
        _ => {}
    }
}

/// Deepest nesting the walkers follow, so hostile nesting cannot exhaust the stack.
const MAX_DEPTH: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_parts_in_every_form() {
        let text = "include:\n  - a.yml\n  - path: b.yml\n  - path: [c.yml, ../d.yml]\nservices:\n  web:\n    extends:\n      file: e.yml\n      service: base\n  worker:\n    extends: web\n";
        let doc = parse(text).unwrap().docs.remove(0);
        assert_eq!(
            compose_parts(&doc),
            ["a.yml", "b.yml", "c.yml", "../d.yml", "e.yml"]
        );
    }

    #[test]
    fn compose_overlays_need_another_files_service() {
        let needs = |text: &str| compose_needs_other_file(&parse(text).unwrap().docs[0]);
        assert!(needs(
            "services:\n  lh:\n    image: l\n    depends_on: [reth]\n"
        ));
        assert!(needs(
            "services:\n  x:\n    image: x\n    depends_on:\n      db: {condition: service_healthy}\n"
        ));
        assert!(needs(
            "services:\n  x:\n    image: x\n    links: ['db:database']\n"
        ));
        assert!(needs(
            "services:\n  x:\n    image: x\n    network_mode: 'service:vpn'\n"
        ));
        assert!(!needs(
            "services:\n  db:\n    image: p\n  x:\n    image: x\n    depends_on: [db]\n    volumes_from: ['container:c']\n"
        ));
        assert!(!needs(
            "services:\n  x:\n    image: x\n    network_mode: host\n"
        ));
    }

    #[test]
    fn classifies_documents() {
        let docs = parse("apiVersion: v1\nkind: Service\n---\nfoo: 1\n---\n")
            .unwrap()
            .docs;
        assert_eq!(docs.len(), 2);
        assert_eq!(
            classify(&docs[0], "x.yaml"),
            DocKind::Kubernetes("Service".into())
        );
        assert_eq!(classify(&docs[1], "x.yaml"), DocKind::Other);
        let hooks = parse("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-upgrade\n")
            .unwrap()
            .docs;
        assert_eq!(classify(&hooks[0], "x.yaml"), DocKind::Other);
        assert_eq!(
            classify(&hooks[1], "x.yaml"),
            DocKind::Kubernetes("Job".into())
        );
        let list = parse("apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n- apiVersion: v1\n  kind: Service\n---\napiVersion: v1\nkind: PodList\nitems: []\n---\napiVersion: v1\nkind: ConfigMap\ndata:\n  items: a\n")
            .unwrap()
            .docs;
        let kinds: Vec<DocKind> = list.iter().map(|d| classify(d, "x.yaml")).collect();
        assert_eq!(
            kinds,
            [
                DocKind::Kubernetes("Deployment".into()),
                DocKind::Kubernetes("Service".into()),
                DocKind::Kubernetes("ConfigMap".into()),
            ]
        );
        assert_eq!(list[1].span.start.line(), 6, "an item keeps its position");
        let compose = parse("services:\n  web:\n    image: app:1\n").unwrap().docs;
        assert_eq!(classify(&compose[0], "stack.yml"), DocKind::Compose);
        assert!(is_compose_name("docker-compose.prod.yml"));
        assert!(!is_compose_name("values.yaml"));
        assert!(is_manifest_candidate(
            "app.yaml",
            "apiVersion: v1\nkind: [Pod\n"
        ));
        assert!(is_manifest_candidate("stack.yml", "services:\n  web: [\n"));
        assert!(!is_manifest_candidate("config.yaml", "level: [\n"));
    }

    #[test]
    fn finds_values_under_keys_at_any_depth() {
        let docs = parse("spec:\n  template:\n    containers:\n      - image: a\n    initContainers: []\nservices:\n  web: {image: b}\n").unwrap().docs;
        let found: Vec<&str> = values_under(&docs[0], &["containers", "initContainers"])
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(found, ["containers", "initContainers"]);
        assert_eq!(compose_services(&docs[0]).len(), 1);
    }

    #[test]
    fn compose_ports() {
        let docs = parse("- \"8080\"\n- 8080:80\n- 127.0.0.1::80/udp\n- \"[::1]:9000:9000\"\n- {target: 80, published: 8081}\n").unwrap().docs;
        let ports: Vec<_> = sequence(&docs[0])
            .unwrap()
            .iter()
            .map(|n| {
                let p = ComposePort::parse(n).unwrap();
                (p.published, p.target)
            })
            .collect();
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            ports,
            [
                (None, "8080".into()),
                (s("8080"), "80".into()),
                (None, "80".into()),
                (s("9000"), "9000".into()),
                (s("8081"), "80".into()),
            ]
        );
    }

    #[test]
    fn merge_keys_are_resolved() {
        let text = "x-base: &base\n  image: app:latest\n  environment: &env\n    A: 1\nx-more: &more\n  <<: *base\n  restart: always\nservices:\n  web:\n    <<: [*more, {user: root}]\n    image: app:2\n";
        let docs = parse(text).unwrap().docs;
        let (_, web) = compose_services(&docs[0])[0];
        assert_eq!(str_at(web, "image"), Some("app:2"), "explicit keys win");
        assert_eq!(str_at(web, "restart"), Some("always"));
        assert_eq!(str_at(web, "user"), Some("root"));
        let env = get(web, "environment").unwrap();
        assert_eq!(
            env.span.start.line(),
            3,
            "merged values keep their position"
        );
        assert!(get(web, "<<").is_none());
    }

    #[test]
    fn parse_errors_have_positions() {
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.line >= 1);
        assert!(!err.message.is_empty());
    }
}
