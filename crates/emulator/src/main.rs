//! The `hwcloud-emulator` binary.
fn main() {}
