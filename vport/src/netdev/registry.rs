//! The live internal devices of one backend, by name.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Names (and ifindexes) of the internal devices a backend has made and that
/// are still alive. Devices hold it in an `Arc` and remove themselves on
/// drop.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    by_name: Mutex<HashMap<String, i32>>,
}

impl Registry {
    /// Runs `f` on the map, atomically with respect to other callers.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, i32>) -> R) -> R {
        f(&mut self.map())
    }

    fn map(&self) -> MutexGuard<'_, HashMap<String, i32>> {
        self.by_name.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a live internal device is called `name`.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.map().contains_key(name)
    }

    /// Records a new device; `false` if the name is already live.
    pub(crate) fn insert(&self, name: &str, ifindex: i32) -> bool {
        let mut m = self.map();
        if m.contains_key(name) {
            return false;
        }
        m.insert(name.to_owned(), ifindex);
        true
    }

    /// Forgets a device.
    pub(crate) fn remove(&self, name: &str) {
        self.map().remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_remove() {
        let r = Registry::default();
        assert!(r.insert("a", 5));
        assert!(!r.insert("a", 6));
        assert!(r.contains("a"));
        r.remove("a");
        assert!(!r.contains("a"));
        assert!(r.with(|m| m.is_empty()));
    }
}
