//! A compact index from text to the ids (positions) that carry it, for the roster and the diff.
//!
//! The index stores ids only (with 32 bits of each key's hash, 8 bytes a slot, in an
//! open-addressed table at most half full), never the texts: the caller owns them and lends a
//! `text_of` function to every call, which is asked only when the hash bits already agree. Keys are
//! compared after a [`Fold`]: trimmed, and for emails also lower-cased, exactly as the diff
//! compares them. Ids that share a key keep their insertion order.

use std::collections::HashMap;

/// How keys are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// Surrounding whitespace ignored, case kept (payroll keys, job ids).
    Trim,
    /// Surrounding whitespace ignored, compared without case (`str::to_lowercase`), as work
    /// emails are.
    TrimLower,
}

impl Fold {
    /// The key as compared, when it is not blank.
    fn key(self, text: &str) -> Option<&str> {
        Some(text.trim()).filter(|t| !t.is_empty())
    }

    fn hash(self, key: &str) -> u64 {
        match self {
            Fold::Trim => hash_bytes(key.as_bytes()),
            Fold::TrimLower if key.is_ascii() => {
                let mut h = Hasher::new();
                for chunk in key.as_bytes().chunks(8) {
                    let mut word = [0u8; 8];
                    for (w, b) in word.iter_mut().zip(chunk) {
                        *w = b.to_ascii_lowercase();
                    }
                    h.word(u64::from_le_bytes(word), chunk.len());
                }
                h.finish()
            }
            Fold::TrimLower => hash_bytes(key.to_lowercase().as_bytes()),
        }
    }

    /// 32 bits of the key's hash.
    fn hash32(self, key: &str) -> u32 {
        (self.hash(key) >> 32) as u32
    }

    /// Whether two texts are the same key under this fold (both blank: not a key, so false).
    pub fn equal(self, a: &str, b: &str) -> bool {
        match (self.key(a), self.key(b)) {
            (Some(a), Some(b)) => self.eq(a, b),
            _ => false,
        }
    }

    fn eq(self, a: &str, b: &str) -> bool {
        match self {
            Fold::Trim => a == b,
            Fold::TrimLower => {
                a.eq_ignore_ascii_case(b)
                    || (!(a.is_ascii() && b.is_ascii())
                        && a.chars()
                            .flat_map(char::to_lowercase)
                            .eq(b.chars().flat_map(char::to_lowercase)))
            }
        }
    }
}

/// Text -> ids, in insertion order per key. Blank texts are not indexed.
#[derive(Debug, Clone)]
pub struct TextIndex {
    fold: Fold,
    /// `hash << 32 | (id + 1)` of the first id with a key, `0` for an empty slot; the length is
    /// a power of two, and a key's probing starts at `hash & (len - 1)`.
    slots: Vec<u64>,
    /// Keys in the table.
    keys: usize,
    /// The further ids of keys that several ids share (rare), by first id.
    more: HashMap<u32, Vec<u32>>,
}

impl TextIndex {
    /// An empty index comparing keys with `fold`, sized for about `capacity` keys.
    pub fn new(fold: Fold, capacity: usize) -> TextIndex {
        TextIndex {
            fold,
            slots: vec![0; (capacity.max(4) * 2).next_power_of_two()],
            keys: 0,
            more: HashMap::new(),
        }
    }

    /// Adds `id` under `text` (nothing when the text is blank). `text_of` gives the text of
    /// every id added before. Ids must be added in increasing order for [`TextIndex::get`] to
    /// list them in order.
    pub fn insert<'t>(&mut self, id: u32, text: &str, text_of: impl Fn(u32) -> &'t str) {
        let Some(key) = self.fold.key(text) else {
            return;
        };
        if (self.keys + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let h = self.fold.hash32(key);
        let mut at = h as usize & mask;
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = (u64::from(h) << 32) | u64::from(id + 1);
                    self.keys += 1;
                    return;
                }
                slot if (slot >> 32) as u32 == h => {
                    let first = slot as u32 - 1;
                    let other = self.fold.key(text_of(first)).unwrap_or("");
                    if self.fold.eq(other, key) {
                        self.more.entry(first).or_default().push(id);
                        return;
                    }
                }
                _ => {}
            }
            at = (at + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let bigger = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut at = (slot >> 32) as usize & mask;
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }

    /// The ids whose text is `text` (after the fold), in insertion order; empty for a blank.
    pub fn get<'t>(&self, text: &str, text_of: impl Fn(u32) -> &'t str) -> Ids<'_> {
        let first = self.first(text, text_of);
        Ids {
            first,
            more: first.and_then(|f| self.more.get(&f)).map(Vec::as_slice),
            at: 0,
        }
    }

    /// The first id with `text`, if any.
    pub fn first<'t>(&self, text: &str, text_of: impl Fn(u32) -> &'t str) -> Option<u32> {
        let key = self.fold.key(text)?;
        let mask = self.slots.len() - 1;
        let h = self.fold.hash32(key);
        let mut at = h as usize & mask;
        loop {
            match self.slots[at] {
                0 => return None,
                slot if (slot >> 32) as u32 == h => {
                    let first = slot as u32 - 1;
                    let other = self.fold.key(text_of(first)).unwrap_or("");
                    if self.fold.eq(other, key) {
                        return Some(first);
                    }
                }
                _ => {}
            }
            at = (at + 1) & mask;
        }
    }

    /// Whether some key has several ids.
    pub fn has_repeats(&self) -> bool {
        !self.more.is_empty()
    }

    /// How this index compares keys.
    pub fn fold(&self) -> Fold {
        self.fold
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 8
            + self
                .more
                .values()
                .map(|v| v.capacity() * 4 + 48)
                .sum::<usize>()
    }
}

/// The ids of one key, in insertion order.
#[derive(Debug, Clone)]
pub struct Ids<'a> {
    first: Option<u32>,
    more: Option<&'a [u32]>,
    at: usize,
}

impl Ids<'_> {
    /// How many ids share the key.
    pub fn len(&self) -> usize {
        self.first
            .map_or(0, |_| 1 + self.more.map_or(0, <[u32]>::len))
    }

    /// Whether no id has the key.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }
}

impl Iterator for Ids<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let first = self.first?;
        let i = self.at;
        self.at += 1;
        if i == 0 {
            return Some(first);
        }
        self.more.and_then(|m| m.get(i - 1)).copied()
    }
}

/// A fast, non-cryptographic 64-bit hash of bytes (for in-memory tables only).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = Hasher::new();
    let mut chunks = bytes.chunks_exact(8);
    for c in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        h.word(u64::from_le_bytes(word), 8);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() || bytes.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h.word(u64::from_le_bytes(word), rest.len());
    }
    h.finish()
}

/// Multiply-rotate mixing over 8-byte words, with a final avalanche.
struct Hasher(u64);

impl Hasher {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    fn new() -> Hasher {
        Hasher(0x2545_f491_4f6c_dd1d)
    }

    fn word(&mut self, w: u64, len: usize) {
        self.0 = (self.0.rotate_left(5) ^ w ^ (len as u64)).wrapping_mul(Self::K);
    }

    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(texts: &[&str], fold: Fold) -> TextIndex {
        let mut ix = TextIndex::new(fold, 1);
        for (i, t) in texts.iter().enumerate() {
            ix.insert(i as u32, t, |id| texts[id as usize]);
        }
        ix
    }

    #[test]
    fn finds_every_id_in_order_through_growth() {
        let texts: Vec<String> = (0..5000).map(|i| format!("E{:05}", i % 2500)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let ix = build(&refs, Fold::Trim);
        for i in 0..2500u32 {
            let ids: Vec<u32> = ix
                .get(&format!(" E{i:05} "), |id| refs[id as usize])
                .collect();
            assert_eq!(ids, vec![i, i + 2500]);
        }
        assert!(ix.get("E99999", |id| refs[id as usize]).is_empty());
        assert_eq!(ix.get("E00001", |id| refs[id as usize]).len(), 2);
    }

    #[test]
    fn blanks_are_not_indexed_and_case_folds_for_emails() {
        let texts = ["  ", "Ana@X.example", "ÉVA@x.example", "bob@x.example"];
        let ix = build(&texts, Fold::TrimLower);
        let get = |t: &str| ix.get(t, |id| texts[id as usize]).collect::<Vec<_>>();
        assert_eq!(get(""), Vec::<u32>::new());
        assert_eq!(get("ana@x.EXAMPLE "), vec![1]);
        assert_eq!(get("éva@x.example"), vec![2]);
        assert_eq!(get("carl@x.example"), Vec::<u32>::new());
        let exact = build(&texts, Fold::Trim);
        assert!(
            exact
                .get("ana@x.example", |id| texts[id as usize])
                .is_empty()
        );
    }

    #[test]
    fn hash_spreads_short_keys() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..100_000 {
            seen.insert(hash_bytes(format!("{i}").as_bytes()) & 0xfffff);
        }
        // 100k keys into 2^20 buckets: expect about 95% distinct.
        assert!(seen.len() > 90_000, "{}", seen.len());
    }
}
