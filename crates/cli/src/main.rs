//! The `hwcloud` command-line tool.
fn main() {}
