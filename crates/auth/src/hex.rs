//! Lower-case hex encoding without allocation (signer helper).
