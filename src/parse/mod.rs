//! Front ends: one parser per file kind, each keeping byte spans, the shell splitter,
//! repository-relative paths, text positions and the nesting guards that keep recursive
//! parsers bounded. Pure: no module here imports from another layer.

pub mod cargo;
pub mod cfg;
pub mod dockerfile;
pub mod envfile;
pub mod fetch;
pub mod gotemplate;
pub mod guard;
pub mod image;
pub mod lex;
pub mod path;
pub mod rust;
pub mod shell;
pub mod text;
pub mod uses;
pub mod yaml;
