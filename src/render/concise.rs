//! `path:line:col: CODE [severity] message`, one finding a line.

use std::fmt::Write as _;

use super::{Output, sanitize};
use crate::diagnostic::Diagnostic;

pub fn render(out: &Output<'_>) -> String {
    out.report.active().map(render_one).collect()
}

/// One finding as a concise line.
pub fn render_one(d: &Diagnostic) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}:{}:{}: {} [{}] {}",
        sanitize(&d.location.path).replace('\n', "\\n"),
        d.location.start.line,
        d.location.start.col,
        d.code,
        d.severity,
        sanitize(&d.message).replace('\n', " ")
    );
    s
}
