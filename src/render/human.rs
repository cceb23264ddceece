//! rustc-style snippets through miette.

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{Output, Snippets, help_uri, meta, sanitize};
use crate::diagnostic::{Diagnostic, Location, Severity};

/// Findings rustc-style: one heading per rule and file, the rule's help and page the
/// first time the rule appears, a snippet per finding (`full`) or for the first of a
/// group only (`concise`), text wrapped at `out.width` (none when unset).
pub fn render(out: &Output<'_>) -> String {
    let theme = if out.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_wrap_lines(out.width.is_some())
        .with_width(out.width.unwrap_or(usize::MAX / 2));
    // Findings of one rule in one file, in order of their first finding.
    let mut groups: Vec<Vec<&Diagnostic>> = Vec::new();
    let mut group_of: HashMap<(&str, &str), usize> = HashMap::new();
    for d in out.report.active() {
        let i = *group_of
            .entry((d.code, d.location.path.as_str()))
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[i].push(d);
    }
    let mut explained = HashSet::new();
    let mut s = String::new();
    for group in groups {
        let first = group[0];
        let m = meta(first);
        let mut heading = format!("{}({})", first.code, m.name);
        if group.len() > 1 {
            let _ = write!(
                heading,
                ": {} findings in {}",
                group.len(),
                sanitize(&first.location.path)
            );
        }
        let explain = explained.insert(first.code);
        for (i, d) in group.iter().enumerate() {
            let mut finding = Finding::new(d);
            if i == 0 {
                finding.code = Some(heading.clone());
            }
            if i == 0 && explain {
                finding.help = Some(format!("{}\nsee {}", sanitize(&d.help), help_uri(m)));
            }
            if i > 0 && out.snippets == Snippets::Concise {
                finding.message = format!(
                    "{}:{}:{}: {}",
                    sanitize(&d.location.path),
                    d.location.start.line,
                    d.location.start.col,
                    finding.message
                );
                finding.place = None;
                finding.related.clear();
            }
            if handler.render_report(&mut s, &finding).is_ok() {
                s.push('\n');
            } else {
                s.push_str(&super::concise::render_one(d));
            }
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
    code: Option<String>,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    place: Option<Place>,
    related: Vec<Note>,
}

struct Note {
    message: String,
    place: Place,
}

impl Finding {
    /// The finding with its snippet; no heading or help.
    fn new(d: &Diagnostic) -> Self {
        let m = meta(d);
        Finding {
            code: None,
            message: sanitize(&d.message),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Note => miette::Severity::Advice,
            },
            help: None,
            place: Some(Place::new(&d.location, m.name.replace('-', " "))),
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
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.place.as_ref().map(|p| &p.source as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let place = self.place.as_ref()?;
        Some(Box::new(std::iter::once(place.label.clone())))
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
