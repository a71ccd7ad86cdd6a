//! Locking the emulator's shared state.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a mutex; a poisoned lock still holds consistent data here because every critical section
/// is a plain state update that cannot panic half-way through a multi-step invariant.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
