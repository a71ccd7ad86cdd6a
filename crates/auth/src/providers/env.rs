//! Environment variables and files, injected so every provider can be tested with fakes.

use std::collections::HashMap;
use std::fmt::Debug;
use std::io;
use std::path::{Path, PathBuf};

/// Where providers read environment variables and files from.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Env: Send + Sync + Debug {
    /// The value of an environment variable, `None` when unset or not UTF-8.
    fn var(&self, name: &str) -> Option<String>;
    /// The user's home directory.
    fn home_dir(&self) -> Option<PathBuf>;
    /// The whole content of a UTF-8 text file.
    fn read_to_string(&self, path: &Path) -> io::Result<String>;
}

/// The real process environment and file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEnv;

impl Env for OsEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn home_dir(&self) -> Option<PathBuf> {
        // HOME on Unix, USERPROFILE on Windows (what the official SDKs use).
        ["HOME", "USERPROFILE"]
            .iter()
            .filter_map(std::env::var_os)
            .find(|v| !v.is_empty())
            .map(PathBuf::from)
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// An in-memory environment: variables, files and a home directory (for tests and embedding).
///
/// ```
/// use hwcloud_auth::{Env, MemoryEnv};
/// let env = MemoryEnv::new().with_var("HUAWEICLOUD_SDK_AK", "AK").with_file("/h/c", "[basic]\n");
/// assert_eq!(env.var("HUAWEICLOUD_SDK_AK").as_deref(), Some("AK"));
/// assert!(env.read_to_string("/h/c".as_ref()).is_ok());
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryEnv {
    vars: HashMap<String, String>,
    files: HashMap<PathBuf, String>,
    home: Option<PathBuf>,
}

impl MemoryEnv {
    /// Empty: no variables, no files, no home directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a variable.
    pub fn with_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Adds a file.
    pub fn with_file(mut self, path: impl Into<PathBuf>, content: impl Into<String>) -> Self {
        self.files.insert(path.into(), content.into());
        self
    }

    /// Sets the home directory.
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }
}

impl Env for MemoryEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    fn home_dir(&self) -> Option<PathBuf> {
        self.home.clone()
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.files.get(path).cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found", path.display()),
            )
        })
    }
}

/// A variable's value, treating empty as unset (as the official SDKs do).
pub(crate) fn non_empty(env: &dyn Env, name: &str) -> Option<String> {
    env.var(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}
