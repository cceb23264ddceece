//! Helm templates read without Helm: a Go template rendered with a chart's default values
//! as far as those values decide it, every line and column kept where it was.
//!
//! `{{ if .Values.cleanup.enabled }}` is decided from `values.yaml`; a block whose
//! condition needs more (`include`, a pipeline, a loop variable, `.Capabilities`) is
//! left out, with every branch of it, so nothing that might not render is linted. A loop
//! over a list the values fill is read once; other loops and `define`s are left out. A value an action prints (`{{ .Values.image.tag }}`,
//! `{{ include "app.name" . }}`) is unknown: it becomes the reference `$HELM` padded with
//! `_` to the action's length, which every rule reads as a value set elsewhere. An action
//! alone on its line, or one that indents or writes YAML, prints a YAML fragment
//! (`labels: {{- include "app.labels" . | nindent 4 }}`) and is left out. What is left
//! out becomes spaces, and a line left with only spaces becomes empty; newlines are kept,
//! so every line of the rendered text, and every column of a line with text, points at
//! the template.

use crate::parse::yaml::{self, Node};
use saphyr::{Scalar, YamlData};

/// What an action that prints an unknown value becomes, padded with `_`.
const UNKNOWN: &str = "$HELM";

/// `text` rendered with `values` (the chart's `values.yaml`, if any). `None` when the
/// template is not one Go accepts: an action or comment left open, an `end` with no
/// block, a block never closed.
pub fn render(text: &str, values: Option<&Node<'_>>) -> Option<String> {
    let actions = actions(text)?;
    let lone = lone_lines(text, &actions);
    let mut out = text.as_bytes().to_vec();
    let mut blocks: Vec<Block> = Vec::new();
    let mut from = 0;
    let mut line = 0;
    for action in &actions {
        line += text[from..action.start].matches('\n').count();
        let shown = blocks.last().is_none_or(Block::shown);
        if !shown {
            blank(&mut out[from..action.start]);
        }
        from = action.end;
        let body = action.body(text);
        let rebound = blocks.last().is_some_and(Block::rebound);
        let mut prints_value = false;
        match Keyword::of(body) {
            Keyword::Comment | Keyword::Assign => {}
            Keyword::Open { kind, condition } => {
                let state = if !shown {
                    State::Unknown
                } else {
                    match kind {
                        BlockKind::If | BlockKind::With => {
                            State::of(eval(condition, values, rebound).map(|v| v.truthy()))
                        }
                        // A loop over a list the values fill is read once: what it
                        // writes whatever the item is renders.
                        BlockKind::Range => match eval(ranged(condition), values, rebound) {
                            Some(Value::Collection(full)) => State::of(Some(full)),
                            Some(Value::Nil) => State::NotYet,
                            _ => State::Unknown,
                        },
                        BlockKind::Define => State::Unknown,
                    }
                };
                blocks.push(Block {
                    state,
                    rebinds_dot: kind != BlockKind::If,
                    outer_shown: shown,
                    outer_rebound: rebound,
                });
            }
            Keyword::Else { condition } => {
                let block = blocks.last_mut()?;
                block.state = match (block.state, condition) {
                    (State::Taken | State::Done, _) => State::Done,
                    (State::Unknown, _) => State::Unknown,
                    (State::NotYet, None) => State::Taken,
                    (State::NotYet, Some(c)) => {
                        State::of(eval(c, values, block.outer_rebound).map(|v| v.truthy()))
                    }
                };
            }
            Keyword::End => {
                blocks.pop()?;
            }
            Keyword::Output => prints_value = shown && !lone[line] && !prints_block(body),
        }
        if prints_value {
            write_unknown(&mut out[action.start..action.end]);
        } else {
            blank(&mut out[action.start..action.end]);
        }
        line += text[action.start..action.end].matches('\n').count();
    }
    if !blocks.is_empty() {
        return None;
    }
    let out = String::from_utf8(out).ok()?;
    // A line left with only spaces is empty: spaces there would be read as indentation
    // (a block scalar's lines may not start with more of them than its text has).
    Some(
        out.split('\n')
            .map(|line| if line.trim().is_empty() { "" } else { line })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// One `{{ … }}` of a template, as byte offsets of its braces.
struct Action {
    start: usize,
    end: usize,
}

impl Action {
    /// What is between the braces, trim markers and surrounding space removed.
    fn body<'t>(&self, text: &'t str) -> &'t str {
        let inner = &text[self.start + 2..self.end - 2];
        let inner = inner
            .strip_prefix('-')
            .filter(|r| r.starts_with(char::is_whitespace))
            .unwrap_or(inner);
        let inner = inner
            .strip_suffix('-')
            .filter(|r| r.ends_with(char::is_whitespace))
            .unwrap_or(inner);
        inner.trim()
    }
}

/// Every action of `text`, in order; `None` when one is left open.
fn actions(text: &str) -> Option<Vec<Action>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("{{").map(|i| at + i) {
        let mut i = open + 2;
        if bytes.get(i) == Some(&b'-') && bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace) {
            i += 2;
        }
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let end = if text[i..].starts_with("/*") {
            i + 2 + text[i + 2..].find("*/")? + 2
        } else {
            close_of(bytes, i)?
        };
        let close = end + text[end..].find("}}")? + 2;
        found.push(Action {
            start: open,
            end: close,
        });
        at = close;
    }
    Some(found)
}

/// Where the closing `}}` of an action whose pipeline starts at `i` begins: the first
/// one outside a string (`"…"`, `` `…` ``) or character (`'…'`) literal.
fn close_of(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() {
        match bytes[i] {
            b'}' if bytes.get(i + 1) == Some(&b'}') => return Some(i),
            quote @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while *bytes.get(i)? != quote {
                    i += if quote != b'`' && bytes[i] == b'\\' {
                        2
                    } else {
                        1
                    };
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// True when an output action's pipeline prints YAML lines (`toYaml`, `nindent`), not a
/// value: `labels: {{- include "app.labels" . | nindent 4 }}`.
fn prints_block(body: &str) -> bool {
    body.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .any(|w| w == "nindent" || w == "toYaml")
}

/// For each line of `text`, true when it holds nothing but actions and whitespace.
fn lone_lines(text: &str, actions: &[Action]) -> Vec<bool> {
    let mut lone = vec![true; text.bytes().filter(|b| *b == b'\n').count() + 1];
    let mut line = 0;
    let mut next = actions.iter().peekable();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if let Some(action) = next.next_if(|a| a.start == i) {
            line += text[action.start..action.end].matches('\n').count();
            i = action.end;
            continue;
        }
        match bytes[i] {
            b'\n' => line += 1,
            b if b.is_ascii_whitespace() => {}
            _ => lone[line] = false,
        }
        i += 1;
    }
    lone
}

/// Turn every byte but newlines into a space.
fn blank(bytes: &mut [u8]) {
    for b in bytes.iter_mut().filter(|b| **b != b'\n') {
        *b = b' ';
    }
}

/// Write the unknown-value reference over an action, padded with `_` to its length,
/// newlines inside it kept.
fn write_unknown(bytes: &mut [u8]) {
    blank(bytes);
    let mut marker = UNKNOWN.bytes();
    let mut first = true;
    for b in bytes.iter_mut() {
        if *b == b'\n' {
            first = false;
            continue;
        }
        if first {
            *b = marker.next().unwrap_or(b'_');
        }
    }
}

/// What a block's condition decided so far.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// The branch being read renders.
    Taken,
    /// No branch has rendered yet; a later `else` may.
    NotYet,
    /// A branch before this one rendered; no other does.
    Done,
    /// Which branch renders is not known: none is read.
    Unknown,
}

impl State {
    fn of(truth: Option<bool>) -> Self {
        match truth {
            Some(true) => State::Taken,
            Some(false) => State::NotYet,
            None => State::Unknown,
        }
    }
}

/// An open `if`, `with`, `range` or `define`.
struct Block {
    state: State,
    /// `with` and `range` set `.` to something other than the chart's root.
    rebinds_dot: bool,
    /// Whether the blocks around it render, and set `.` to something else.
    outer_shown: bool,
    outer_rebound: bool,
}

impl Block {
    /// True when what the block holds now renders.
    fn shown(&self) -> bool {
        self.outer_shown && self.state == State::Taken
    }

    /// True when `.` inside it is not the chart's root.
    fn rebound(&self) -> bool {
        self.outer_rebound || self.rebinds_dot
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    If,
    With,
    Range,
    Define,
}

/// What an action does.
enum Keyword<'t> {
    Comment,
    /// `$x := …` or `$x = …`: sets a variable, prints nothing.
    Assign,
    Open {
        kind: BlockKind,
        condition: &'t str,
    },
    /// `else`, `else if c`, `else with c`.
    Else {
        condition: Option<&'t str>,
    },
    End,
    /// Prints its pipeline's value.
    Output,
}

impl<'t> Keyword<'t> {
    fn of(body: &'t str) -> Self {
        if body.starts_with("/*") {
            return Keyword::Comment;
        }
        let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        let rest = rest.trim();
        let open = |kind| Keyword::Open {
            kind,
            condition: rest,
        };
        match word {
            "if" => open(BlockKind::If),
            "with" => open(BlockKind::With),
            "range" => open(BlockKind::Range),
            "define" | "block" => open(BlockKind::Define),
            "end" => Keyword::End,
            "else" => Keyword::Else {
                condition: ["if ", "with "]
                    .iter()
                    .find_map(|k| rest.strip_prefix(k))
                    .map(str::trim),
            },
            "break" | "continue" => Keyword::Comment,
            _ if word.starts_with('$') && (rest.starts_with(":=") || rest.starts_with("= ")) => {
                Keyword::Assign
            }
            _ => Keyword::Output,
        }
    }
}

/// What a `range` loops over, without the variables it declares (`$i, $host := …`).
fn ranged(clause: &str) -> &str {
    clause
        .split_once(":=")
        .filter(|(vars, _)| vars.trim_start().starts_with('$'))
        .map_or(clause, |(_, list)| list.trim())
}

/// A value a condition reads.
#[derive(Debug, PartialEq)]
enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A mapping or sequence, by whether it has entries.
    Collection(bool),
}

impl Value {
    /// Go's truth: false, 0, nil and empty strings and collections are false.
    fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Collection(full) => *full,
        }
    }

    fn of(node: &Node<'_>) -> Self {
        match &node.data {
            YamlData::Value(Scalar::Null) => Value::Nil,
            YamlData::Value(Scalar::Boolean(b)) => Value::Bool(*b),
            YamlData::Value(Scalar::Integer(i)) => Value::Int(*i),
            YamlData::Value(Scalar::FloatingPoint(f)) => Value::Float(**f),
            YamlData::Value(Scalar::String(s)) => Value::Str(s.to_string()),
            YamlData::Mapping(m) => Value::Collection(!m.is_empty()),
            YamlData::Sequence(s) => Value::Collection(!s.is_empty()),
            _ => Value::Nil,
        }
    }
}

/// The value of a condition, when `values` decides it: `.Values.a.b` (`$.Values.a.b`
/// anywhere; `.Values` only where `.` is the chart's root, outside `with` and
/// `range`), literals, `not`, `and`, `or`, `eq`, `ne` and parentheses. `None` for
/// anything else.
fn eval(condition: &str, values: Option<&Node<'_>>, rebound: bool) -> Option<Value> {
    let words = words(condition)?;
    let (value, rest) = call(&words, values, rebound)?;
    rest.is_empty().then_some(value)
}

/// A function call or a lone operand at the start of `words`, and the words after it.
fn call<'w>(
    words: &'w [String],
    values: Option<&Node<'_>>,
    rebound: bool,
) -> Option<(Value, &'w [String])> {
    let (head, args) = words.split_first()?;
    let operands = || {
        args.iter()
            .map(|w| operand(w, values, rebound))
            .collect::<Option<Vec<Value>>>()
    };
    let value = match head.as_str() {
        "not" => {
            let [arg] = &operands()?[..] else {
                return None;
            };
            Value::Bool(!arg.truthy())
        }
        // Go's `and` and `or` stop at the first operand that decides them, but every
        // operand must be known here, as one that is not might not evaluate at all.
        "and" => Value::Bool(operands()?.iter().all(Value::truthy)),
        "or" => Value::Bool(operands()?.iter().any(Value::truthy)),
        "eq" | "ne" => {
            let [a, b] = &operands()?[..] else {
                return None;
            };
            let same = match (a, b) {
                (Value::Str(x), Value::Str(y)) => x == y,
                (Value::Int(x), Value::Int(y)) => x == y,
                (Value::Bool(x), Value::Bool(y)) => x == y,
                _ => return None,
            };
            Value::Bool(same == (head == "eq"))
        }
        _ => return Some((operand(head, values, rebound)?, args)),
    };
    Some((value, &[]))
}

/// One operand: a parenthesised call, a literal or a values path.
fn operand(word: &str, values: Option<&Node<'_>>, rebound: bool) -> Option<Value> {
    if let Some(inner) = word.strip_prefix('(').and_then(|w| w.strip_suffix(')')) {
        return eval(inner, values, rebound);
    }
    match word {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        "nil" => return Some(Value::Nil),
        _ => {}
    }
    if let Some(s) = word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        return (!s.contains('\\')).then(|| Value::Str(s.to_string()));
    }
    if let Ok(i) = word.parse::<i64>() {
        return Some(Value::Int(i));
    }
    let path = word
        .strip_prefix("$.Values.")
        .or_else(|| word.strip_prefix(".Values.").filter(|_| !rebound))?;
    let mut node = values?;
    for key in path.split('.') {
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || key.is_empty()
        {
            return None;
        }
        match &node.data {
            YamlData::Mapping(_) => match yaml::get(node, key) {
                Some(next) => node = next,
                None => return Some(Value::Nil),
            },
            YamlData::Value(Scalar::Null) => return Some(Value::Nil),
            _ => return None,
        }
    }
    Some(Value::of(node))
}

/// How deep parentheses of a condition may nest; deeper ones are not evaluated, which
/// bounds the evaluator's recursion.
const MAX_NESTING: usize = 16;

/// The words of a condition: string literals and parenthesised groups are one word
/// each. `None` for a pipeline (`|`), whose functions are not evaluated, parentheses
/// nested deeper than [`MAX_NESTING`], or unbalanced parentheses or quotes.
fn words(condition: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    for c in condition.chars() {
        match c {
            '"' => quoted = !quoted,
            '|' if !quoted && depth == 0 => return None,
            '(' if !quoted => {
                depth += 1;
                if depth > MAX_NESTING {
                    return None;
                }
            }
            ')' if !quoted => depth = depth.checked_sub(1)?,
            c if c.is_whitespace() && !quoted && depth == 0 => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                continue;
            }
            _ => {}
        }
        word.push(c);
    }
    if quoted || depth != 0 {
        return None;
    }
    if !word.is_empty() {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Node<'static> {
        yaml::parse(text).unwrap().docs.remove(0)
    }

    #[test]
    fn keeps_every_line_and_column() {
        let template = "{{- if .Values.cleanup.enabled }}\nkind: Job\nmetadata:\n  name: \"{{ .Release.Name }}-cleanup\"\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\nspec:\n  image: bitnami/kubectl:latest\n{{- end }}\n";
        let on = values("cleanup:\n  enabled: true\n");
        let rendered = render(template, Some(&on)).unwrap();
        assert_eq!(rendered.lines().count(), template.lines().count());
        let unknown = format!("$HELM{}", "_".repeat(14));
        assert_eq!(
            rendered.lines().collect::<Vec<_>>(),
            [
                "",
                "kind: Job",
                "metadata:",
                &format!("  name: \"{unknown}-cleanup\""),
                "  labels:",
                "",
                "spec:",
                "  image: bitnami/kubectl:latest",
                "",
            ]
        );
        let off = values("cleanup:\n  enabled: false\n");
        assert!(render(template, Some(&off)).unwrap().trim().is_empty());
        assert!(render(template, None).unwrap().trim().is_empty());
    }

    #[test]
    fn branches() {
        let template = "{{ if .Values.a }}A{{ else if not .Values.b }}B{{ else }}C{{ end }}|{{ if include \"x\" . }}D{{ else }}E{{ end }}|{{ with .Values.m }}{{ if .Values.a }}F{{ end }}{{ if $.Values.a }}G{{ end }}{{ end }}";
        let render_with = |v: &str| {
            render(template, Some(&values(v)))
                .unwrap()
                .split_whitespace()
                .collect::<String>()
        };
        assert_eq!(render_with("a: true\nm: {k: v}\n"), "A||G");
        assert_eq!(render_with("a: false\nb: \"\"\nm: {}\n"), "B||");
        assert_eq!(render_with("a: 0\nb: [x]\n"), "C||");
    }

    #[test]
    fn loops_over_values() {
        let template = "{{- range .Values.groups }}\nname: {{ .name }}\n{{- if .Values.a }}X{{ end }}\n{{- end }}\n{{- range $i, $g := .Values.none }}Y{{ else }}Z{{ end }}";
        let rendered = render(
            template,
            Some(&values("groups: [{name: a}]\nnone: []\na: true\n")),
        )
        .unwrap();
        assert_eq!(
            rendered.split_whitespace().collect::<Vec<_>>(),
            ["name:", &format!("$HELM{}", "_".repeat(6)), "Z"]
        );
        assert!(
            render(template, Some(&values("groups: []\n")))
                .unwrap()
                .split_whitespace()
                .eq(["Z"])
        );
    }

    #[test]
    fn conditions() {
        let v = values("mode: cluster\nreplicas: 3\nmissing_parent: ~\nlist: []\n");
        let truth = |c: &str| eval(c, Some(&v), false).map(|v| v.truthy());
        assert_eq!(truth("eq .Values.mode \"cluster\""), Some(true));
        assert_eq!(truth("ne .Values.replicas 3"), Some(false));
        assert_eq!(
            truth("and .Values.list (eq .Values.mode \"cluster\")"),
            Some(false)
        );
        assert_eq!(truth("or .Values.list (not .Values.absent)"), Some(true));
        assert_eq!(truth(".Values.missing_parent.key"), Some(false));
        assert_eq!(truth(".Values.mode.key"), None);
        assert_eq!(truth(".Values.mode | default \"x\""), None);
        assert_eq!(truth(".Capabilities.APIVersions.Has \"v1\""), None);
        assert_eq!(truth("eq .Values.replicas \"3\""), None);
        assert_eq!(eval(".Values.mode", Some(&v), true), None);
        let deep = format!(
            "{}.Values.mode{}",
            "(not ".repeat(100_000),
            ")".repeat(100_000)
        );
        assert_eq!(truth(&deep), None);
        assert_eq!(truth("not (not (eq .Values.mode \"cluster\"))"), Some(true));
    }

    #[test]
    fn loops_defines_and_yaml_printing_actions_are_blank() {
        let template = "{{- define \"x\" }}\nkind: Secret\n{{- end }}\nitems:\n{{- range .Values.hosts | uniq }}\n  - {{ . }}\n{{- end }}\n  {{ toYaml .Values.extra }}\n  - {{ .Values.one }}\n{{/* a }} comment */}}\nlabels: {{- include \"x\" . | nindent 2 }}\n  a: b\n";
        let rendered = render(template, Some(&values("hosts: [a]\n"))).unwrap();
        assert_eq!(
            rendered.split_whitespace().collect::<Vec<_>>(),
            [
                "items:",
                "-",
                &format!("$HELM{}", "_".repeat(12)),
                "labels:",
                "a:",
                "b"
            ]
        );
    }

    #[test]
    fn deep_nesting_is_linear() {
        let depth = 200_000;
        let template = format!(
            "{}a: 1\n{}",
            "{{ if .Values.on }}".repeat(depth),
            "{{ end }}".repeat(depth)
        );
        let rendered = render(&template, Some(&values("on: true\n"))).unwrap();
        assert_eq!(rendered.trim(), "a: 1");
    }

    #[test]
    fn malformed_templates() {
        assert_eq!(render("a: {{ .Values.x", None), None);
        assert_eq!(render("{{ if .Values.x }}a", None), None);
        assert_eq!(render("a{{ end }}", None), None);
        assert_eq!(
            render("a: \"{{ printf \"}}\" }}\"", None).unwrap(),
            format!("a: \"$HELM{}\"", "_".repeat(12))
        );
    }
}
