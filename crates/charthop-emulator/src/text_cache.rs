//! The texts of a person field over everyone `findPersons` lists, joined once per state of the
//! org and kept for every filter on that field ([`TextCache`]). The client's former-people
//! lookups send a handful of queries at once, each a `||` of `:` comparisons on the same two
//! fields over everyone: joining a field's 100,000 texts once instead of once a query is most
//! of a lookup's work.
//!
//! Layering: above `needles` (what it keeps) and `people` (its keys), below `shared` (which
//! holds one) and `routes::persons` (which fills and reads it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::needles::Joined;
use crate::people::PersonField;

/// Which listing and field: (`includeAll`, field).
type Key = (bool, PersonField);

/// Joined texts by listing and field, for one generation of the org (see
/// `Shared::generation`): a new generation drops them all.
#[derive(Debug, Default)]
pub struct TextCache {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    generation: u64,
    joined: HashMap<Key, Arc<Joined>>,
}

impl TextCache {
    /// The texts of `field` over everyone listed with `include_all` at `generation`: kept ones
    /// when that generation's are at hand, else `build()`'s, kept (dropping any older
    /// generation's). Callers asking at once for texts not yet kept wait for one build. The
    /// caller promises that the same generation, listing and field always build the same texts.
    pub fn get_or_build(
        &self,
        generation: u64,
        include_all: bool,
        field: PersonField,
        build: impl FnOnce() -> Joined,
    ) -> Arc<Joined> {
        // A panic while building leaves nothing half-kept: `or_insert_with` inserts only after.
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.generation != generation {
            kept.joined.clear();
            kept.generation = generation;
        }
        kept.joined
            .entry((include_all, field))
            .or_insert_with(|| Arc::new(build()))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::TextCache;
    use crate::needles::{Joined, Needles};
    use crate::people::PersonField;

    fn texts(text: &str) -> Joined {
        let mut j = Joined::default();
        j.push(0, text);
        j
    }

    /// The rows of `joined` that hold `value`.
    fn found(joined: &Joined, value: &str) -> Vec<usize> {
        let mut rows = Vec::new();
        Needles::new(vec![value.into()]).search_joined(joined, |row| rows.push(row));
        rows
    }

    #[test]
    fn texts_are_built_once_a_generation_and_listing() {
        let cache = TextCache::default();
        let builds = std::cell::Cell::new(0);
        let get = |generation, all, text: &str| {
            cache.get_or_build(generation, all, PersonField::WorkEmail, || {
                builds.set(builds.get() + 1);
                texts(text)
            })
        };
        assert_eq!(found(&get(1, true, "a@x"), "a@"), [0]);
        // Kept: the second build is not made, its texts not seen.
        assert_eq!(found(&get(1, true, "b@x"), "a@"), [0]);
        // Another listing, then a new generation, build again.
        assert_eq!(found(&get(1, false, "b@x"), "b@"), [0]);
        assert_eq!(found(&get(2, true, "c@x"), "a@"), Vec::<usize>::new());
        assert_eq!(found(&get(2, true, "d@x"), "c@"), [0]);
        assert_eq!(builds.get(), 3);
    }
}
