//! Shared helpers for the workspace integration tests in `tests/tests/`.
