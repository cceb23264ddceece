//! Front ends: one parser per file kind, each keeping byte spans.

pub mod cargo;
pub mod dockerfile;
pub mod envfile;
pub mod flow;
pub mod image;
pub mod lex;
pub mod listen;
pub mod rust;
pub mod uses;
pub mod yaml;
