//! Copies of the database: one consistent file of everything, written while the store stays
//! open (SQLite's `VACUUM INTO`, which also compacts it). The generators of test and benchmark
//! data build in memory and keep the result this way.

use super::Store;
use crate::error::{CoreError, Result};
use std::path::Path;

impl Store {
    /// Writes a copy of the whole database to `path`, which must not exist yet.
    pub fn copy_to(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(CoreError::DataFolder(format!("{} exists already", path.display())));
        }
        let path = path.to_str().ok_or_else(|| CoreError::DataFolder("the path is not UTF-8".into()))?;
        self.conn.execute("VACUUM INTO ?1", [path])?;
        Ok(())
    }
}
