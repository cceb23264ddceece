//! `.env` files: `KEY=value` lines, optional `export`, quotes and `#` comments.

use std::ops::Range;

/// One `KEY=value` assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    /// The value with surrounding quotes removed.
    pub value: String,
    /// Span of the value as written (quotes included).
    pub value_span: Range<usize>,
}

/// Parse a dotenv file. Lines that are not assignments are ignored, as dotenv loaders do.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let lead = line.len() - line.trim_start().len();
        let mut body = &line[lead..];
        let mut offset = line_start + lead;
        if body.starts_with('#') || body.is_empty() {
            continue;
        }
        if let Some(rest) = body.strip_prefix("export ") {
            offset += body.len() - rest.trim_start().len();
            body = rest.trim_start();
        }
        let Some(eq) = body.find('=') else { continue };
        let key = body[..eq].trim_end();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        let after = &body[eq + 1..];
        let value_lead = after.len() - after.trim_start().len();
        let raw_value = &after[value_lead..];
        let value_at = offset + eq + 1 + value_lead;
        let (value, len) = unquote(raw_value);
        out.push(Entry {
            key: key.to_string(),
            key_span: offset..offset + key.len(),
            value,
            value_span: value_at..value_at + len,
        });
    }
    out
}

/// Remove quotes (or a trailing ` # comment` of an unquoted value); returns value and raw length.
fn unquote(raw: &str) -> (String, usize) {
    for q in ['"', '\''] {
        if let Some(rest) = raw.strip_prefix(q)
            && let Some(end) = rest.find(q)
        {
            return (rest[..end].to_string(), end + 2);
        }
    }
    let value = match raw.find(" #") {
        Some(i) => &raw[..i],
        None => raw,
    }
    .trim_end();
    (value.to_string(), value.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_assignments() {
        let text = "# c\nexport A=1\nB = \"two words\" # x\nC=plain # note\nnot a line\n";
        let e = parse(text);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].key, "A");
        assert_eq!(&text[e[0].key_span.clone()], "A");
        assert_eq!(e[1].value, "two words");
        assert_eq!(&text[e[1].value_span.clone()], "\"two words\"");
        assert_eq!(e[2].value, "plain");
    }
}
