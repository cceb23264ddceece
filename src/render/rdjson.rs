//! reviewdog's Diagnostic Format (rdjson): `{source, diagnostics}` for
//! `reviewdog -f=rdjson`. Columns count UTF-8 bytes, as rdjson specifies.

use serde_json::{Value, json};

use super::{Output, help_uri, meta};
use crate::diagnostic::{Diagnostic, Location, Severity};

pub fn render(out: &Output<'_>) -> String {
    let doc = json!({
        "source": source(),
        "diagnostics": out.report.active().map(diagnostic).collect::<Vec<_>>(),
    });
    super::json_document(&doc)
}

fn source() -> Value {
    json!({ "name": env!("CARGO_PKG_NAME"), "url": env!("CARGO_PKG_REPOSITORY") })
}

fn diagnostic(d: &Diagnostic) -> Value {
    let m = meta(d);
    json!({
        "message": format!("{}\nhelp: {}", d.message, d.help),
        "location": { "path": d.location.path, "range": range(&d.location) },
        "severity": match d.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
            Severity::Note => "INFO",
        },
        "source": source(),
        "code": { "value": d.code, "url": help_uri(m) },
    })
}

/// The span with byte columns; the end column is left out when the end line lies beyond the
/// source lines the location keeps.
fn range(l: &Location) -> Value {
    let column = |line: u32, byte: usize| -> Option<usize> {
        let skip = line.checked_sub(l.snippet.first_line)? as usize;
        let line_start = if skip == 0 {
            0
        } else {
            l.snippet.text.match_indices('\n').nth(skip - 1)?.0 + 1
        };
        let at = byte.checked_sub(l.snippet.offset)?;
        (at >= line_start && at <= l.snippet.text.len()).then(|| at - line_start + 1)
    };
    let mut end = json!({ "line": l.end.line });
    if let Some(col) = column(l.end.line, l.bytes.end) {
        end["column"] = json!(col);
    }
    json!({
        "start": {
            "line": l.start.line,
            "column": column(l.start.line, l.bytes.start).unwrap_or(1),
        },
        "end": end,
    })
}
