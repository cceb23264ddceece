//! rustc-style snippets through miette.

use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{Output, help_uri, meta, sanitize};
use crate::diagnostic::{Diagnostic, Location, Severity};

pub fn render(out: &Output<'_>) -> String {
    let theme = if out.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_urls(true)
        .with_context_lines(1);
    let mut s = String::new();
    for d in out.report.active() {
        let report = Finding::new(d);
        if handler.render_report(&mut s, &report).is_ok() {
            s.push('\n');
        } else {
            s.push_str(&super::concise::render_one(d));
        }
    }
    s.push_str(&super::scorecard::text(out));
    s
}

/// One place in a file, as miette sees it.
struct Place {
    source: Snippet,
    label: LabeledSpan,
}

impl Place {
    fn new(l: &Location, label: String) -> Self {
        let len = l.bytes.end.saturating_sub(l.bytes.start);
        Place {
            source: Snippet {
                name: sanitize(&l.path),
                text: sanitize(&l.snippet.text),
                offset: l.snippet.offset,
                first_line: l.snippet.first_line as usize,
            },
            label: LabeledSpan::new_primary_with_span(
                Some(label),
                SourceSpan::new(l.bytes.start.into(), len),
            ),
        }
    }
}

struct Finding {
    code: String,
    message: String,
    severity: miette::Severity,
    help: String,
    url: String,
    place: Place,
    related: Vec<Note>,
}

struct Note {
    message: String,
    place: Place,
}

impl Finding {
    fn new(d: &Diagnostic) -> Self {
        let m = meta(d);
        Finding {
            code: format!("{}({})", d.code, m.name),
            message: sanitize(&d.message),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Note => miette::Severity::Advice,
            },
            help: sanitize(&d.help),
            url: help_uri(m),
            place: Place::new(&d.location, m.name.replace('-', " ")),
            related: d
                .related
                .iter()
                .map(|r| Note {
                    message: sanitize(&r.message),
                    place: Place::new(&r.location, "here".into()),
                })
                .collect(),
        }
    }
}

impl fmt::Debug for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Finding {}

impl MietteDiagnostic for Finding {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.url))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.place.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.place.label.clone())))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn MietteDiagnostic> + 'a>> {
        Some(Box::new(
            self.related.iter().map(|n| n as &dyn MietteDiagnostic),
        ))
    }
}

impl fmt::Debug for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Note {}

impl MietteDiagnostic for Note {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.place.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.place.label.clone())))
    }
}

/// Source lines kept with a location, presented to miette at their real line numbers.
struct Snippet {
    name: String,
    text: String,
    offset: usize,
    first_line: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span
            .offset()
            .saturating_sub(self.offset)
            .min(self.text.len());
        let len = span.len().min(self.text.len() - start);
        let inner =
            self.text
                .as_str()
                .read_span(&SourceSpan::new(start.into(), len), before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.offset).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line.saturating_sub(1),
            inner.column(),
            inner.line_count(),
        )))
    }
}
