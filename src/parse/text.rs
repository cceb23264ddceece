//! Source text helpers: positions (byte offsets in, 1-based line and character
//! columns out) and the words of identifiers.

use std::sync::OnceLock;

use serde::Serialize;

/// A 1-based line and 1-based column counted in Unicode code points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// Byte offsets of line starts, for turning byte offsets into [`Pos`] and back.
/// Conversions take constant time whatever the line length: text that is not all
/// ASCII keeps the byte offset of every [`CHAR_STRIDE`]-th character.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// The character offsets of text that is not all ASCII, worked out when a position
    /// is first asked for (most files are linted without one); `None` when ASCII.
    chars: Option<OnceLock<CharIndex>>,
}

/// Character offsets of a text that is not all ASCII.
#[derive(Debug, Clone)]
struct CharIndex {
    /// Character index of each line start.
    line_chars: Vec<usize>,
    /// Byte offset of characters 0, `CHAR_STRIDE`, 2·`CHAR_STRIDE`, ….
    char_marks: Vec<usize>,
}

/// Characters between two entries of [`CharIndex::char_marks`].
const CHAR_STRIDE: usize = 64;

impl CharIndex {
    fn new(text: &str, lines: usize) -> Self {
        let mut line_chars = Vec::with_capacity(lines);
        line_chars.push(0);
        let mut char_marks = Vec::new();
        for (ci, (bi, c)) in text.char_indices().enumerate() {
            if ci % CHAR_STRIDE == 0 {
                char_marks.push(bi);
            }
            if c == '\n' {
                line_chars.push(ci + 1);
            }
        }
        CharIndex {
            line_chars,
            char_marks,
        }
    }

    /// The character index of byte `offset` (a char boundary).
    fn char_at(&self, text: &str, offset: usize) -> usize {
        let mark = self.char_marks.partition_point(|&b| b <= offset) - 1;
        mark * CHAR_STRIDE + text[self.char_marks[mark]..offset].chars().count()
    }

    /// The byte offset of character `index` (or the text's end).
    fn byte_of_char(&self, text: &str, index: usize) -> usize {
        let Some(&from) = self.char_marks.get(index / CHAR_STRIDE) else {
            return text.len();
        };
        text[from..]
            .char_indices()
            .nth(index % CHAR_STRIDE)
            .map_or(text.len(), |(i, _)| from + i)
    }
}

impl LineIndex {
    /// Index the line starts of `text` (a line ends at `\n`).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            chars: (!text.is_ascii()).then(OnceLock::new),
        }
    }

    /// The character offsets of `text` (the indexed text), when it is not all ASCII.
    fn chars(&self, text: &str) -> Option<&CharIndex> {
        self.chars
            .as_ref()
            .map(|cell| cell.get_or_init(|| CharIndex::new(text, self.starts.len())))
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Always false: every text has at least one (possibly empty) line.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The byte range of 0-based `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let mut end = self
            .starts
            .get(line + 1)
            .map(|next| next - 1)
            .unwrap_or(text.len());
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// The position of byte `offset` (clamped into the text, snapped to a char boundary).
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let col = match self.chars(text) {
            Some(chars) => chars.char_at(text, offset) - chars.line_chars[line],
            None => offset - self.starts[line],
        };
        Pos {
            line: line as u32 + 1,
            col: col as u32 + 1,
        }
    }

    /// The byte offset of 1-based `line` and 0-based character column `col` (clamped).
    pub fn offset_of(&self, text: &str, line: usize, col: usize) -> usize {
        let line = line.saturating_sub(1).min(self.starts.len() - 1);
        let range = self.line_range(text, line);
        let at = match self.chars(text) {
            Some(chars) => chars.byte_of_char(text, chars.line_chars[line] + col),
            None => range.start + col,
        };
        at.clamp(range.start, range.end)
    }
}

/// The largest char boundary at or below `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Lower-case words of an identifier or path: `DB_PASSWORD`, `dbPassword`,
/// `/db-password` → `["db", "password"]`.
pub fn identifier_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The candidate closest to `given` (case-insensitive), if it is a likely typo:
/// at most two edits, and fewer than half of its characters.
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given = given.trim().to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&given, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d > 0 && *d <= 2 && *d * 2 < c.chars().count().max(given.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_lines() {
        let text = "ab\nçd\r\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(text, 0), Pos { line: 1, col: 1 });
        assert_eq!(idx.pos(text, 3), Pos { line: 2, col: 1 });
        assert_eq!(idx.pos(text, 5), Pos { line: 2, col: 2 });
        assert_eq!(idx.pos(text, 8), Pos { line: 3, col: 1 });
        assert_eq!(&text[idx.line_range(text, 1)], "çd");
        assert_eq!(idx.offset_of(text, 2, 1), 5);
        assert_eq!(idx.offset_of(text, 2, 9), 6);
    }

    #[test]
    fn positions_on_long_lines_with_wide_characters() {
        let text: String = (0..1000)
            .map(|i| if i % 3 == 0 { 'é' } else { 'a' })
            .collect();
        let text = format!("x\n{text}\n");
        let idx = LineIndex::new(&text);
        for col in [0, 1, 63, 64, 65, 500, 999] {
            let offset = idx.offset_of(&text, 2, col);
            let expected = 2 + text[2..].char_indices().nth(col).unwrap().0;
            assert_eq!(offset, expected, "column {col}");
            assert_eq!(
                idx.pos(&text, offset),
                Pos {
                    line: 2,
                    col: col as u32 + 1
                }
            );
        }
    }
}
