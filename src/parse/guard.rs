//! Nesting guards: recursive parsers (syn, saphyr, the TOML reader) use stack per level, so
//! a file that nests or chains deeper than these bounds is refused before it is parsed.

/// The deepest nesting of brackets (and, for YAML, of indentation) a parsed
/// file may have. Recursive-descent parsers use stack per level; real files
/// stay far below this.
pub const MAX_NESTING: usize = 128;

/// The largest Rust file whose full syntax tree is built (a tree takes about a
/// hundred times the file's size); larger files, almost always generated, are
/// read at token level only.
pub const MAX_SYNTAX_TREE_BYTES: usize = 1 << 20;

/// The most operators and nesting keywords a Rust file may chain without a
/// `;`, `,` or brace between them (`!!!!x`, `a = a = a`, `&&&&T`, `|| || x`):
/// syn parses such chains recursively.
pub const MAX_OPERATOR_RUN: usize = 2000;

/// The offset where a YAML or TOML `text` first nests deeper than [`MAX_NESTING`]:
/// brackets outside strings and comments, and for YAML also block indentation levels
/// (Rust files are guarded on their tokens, by the lexer).
pub fn too_deep(text: &str, yaml: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let mut indents: Vec<usize> = Vec::new();
    let mut line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if yaml && line_start {
            let mut col = bytes[i..].iter().take_while(|c| **c == b' ').count();
            let rest = bytes.get(i + col).copied();
            if !matches!(rest, None | Some(b'\n' | b'\r' | b'#')) {
                while indents.last().is_some_and(|top| *top >= col) {
                    indents.pop();
                }
                // Each leading `- `, `? ` or `: ` opens one more level on the same line.
                loop {
                    indents.push(col);
                    if indents.len() > MAX_NESTING {
                        return Some(i);
                    }
                    let at = i + col;
                    let indicator = matches!(bytes.get(at), Some(b'-' | b'?' | b':'))
                        && matches!(bytes.get(at + 1), Some(b' '));
                    if !indicator {
                        break;
                    }
                    col += 1 + bytes[at + 1..].iter().take_while(|c| **c == b' ').count();
                }
            }
        }
        line_start = b == b'\n';
        match (quote, b) {
            _ if comment => comment = b != b'\n',
            (Some(q), _) if b == q => quote = None,
            (Some(_), b'\\') => i += 1,
            (Some(_), _) => {}
            (None, b'"') => quote = Some(b),
            (None, b'#') if yaml => comment = true,
            (None, b'/') if !yaml && bytes.get(i + 1) == Some(&b'/') => comment = true,
            (None, b'{' | b'[' | b'(') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            (None, b'}' | b']' | b')') => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The message of a file refused by a guard.
pub fn too_deep_message() -> String {
    format!(
        "nests or chains too deeply to parse safely (over {MAX_NESTING} levels of brackets or indentation, or {MAX_OPERATOR_RUN} chained operators); not parsed"
    )
}
