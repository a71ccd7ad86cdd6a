//! Signing benchmark (signer helper).
fn main() {}
