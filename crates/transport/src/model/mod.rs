//! Building blocks for service models, shared by every service crate.
//!
//! Huawei Cloud services often send a type other than the documented one (a number for a documented string,
//! `null` for an object, several time spellings). These pieces decode such fields leniently while keeping what
//! was received, so a documentation mismatch never becomes a decode error in user code.

pub mod lenient;
mod open_enum;
mod timestamp;

pub use timestamp::Timestamp;

/// Re-exports for [`open_enum!`](crate::open_enum) expansions in other crates. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
