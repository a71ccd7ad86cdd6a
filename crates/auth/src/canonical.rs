//! Canonical request construction (signer helper).
