//! The Huawei Cloud SDK for Rust.
