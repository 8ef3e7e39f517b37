//! A growing Bloom filter over texts: "certainly never seen" or "maybe seen", in about 1.2 bytes
//! per text. The diff uses it while the export is read, to find the few keys and emails that
//! may repeat without keeping every key of a million-row export in memory.

use crate::textindex::hash_bytes;

/// Bits per text and probes, for about 1% false positives per layer. Every probe of a text
/// falls in one 512-bit block (one cache line), so a lookup costs one memory access per layer.
const BITS_PER_TEXT: usize = 10;
const PROBES: u32 = 7;
/// Each new layer is this many times larger than the last.
const GROWTH: usize = 4;

/// A scalable Bloom filter: when a layer has taken the texts it was sized for, a layer twice as
/// large is added. A text is "maybe seen" when any layer says so.
#[derive(Debug, Clone)]
pub struct Bloom {
    layers: Vec<Layer>,
}

#[derive(Debug, Clone)]
struct Layer {
    bits: Vec<u64>,
    capacity: usize,
    count: usize,
}

impl Layer {
    fn new(capacity: usize) -> Layer {
        let words = (capacity * BITS_PER_TEXT).div_ceil(512) * 8;
        Layer {
            bits: vec![0; words],
            capacity,
            count: 0,
        }
    }

    fn probes(&self, h: u64) -> impl Iterator<Item = (usize, u64)> + use<> {
        let blocks = (self.bits.len() / 8) as u64;
        // The block from the high half (multiply-shift), the bits from the low half.
        let block = (((h >> 32) * blocks) >> 32) as usize * 8;
        let low = h as u32;
        (0..PROBES).map(move |i| {
            let bit = (low.rotate_left(i * 9) ^ i.wrapping_mul(0x9e37_79b9)) & 511;
            (block + (bit / 64) as usize, 1u64 << (bit % 64))
        })
    }

    fn contains(&self, h: u64) -> bool {
        self.probes(h).all(|(w, b)| self.bits[w] & b != 0)
    }

    fn insert(&mut self, h: u64) {
        for (w, b) in self.probes(h) {
            self.bits[w] |= b;
        }
        self.count += 1;
    }
}

impl Default for Bloom {
    fn default() -> Bloom {
        Bloom {
            layers: vec![Layer::new(1 << 14)],
        }
    }
}

impl Bloom {
    /// Adds `text`; true when it was (maybe) seen before.
    pub fn check_and_insert(&mut self, text: &str) -> bool {
        let h = hash_bytes(text.as_bytes());
        if self.layers.iter().any(|l| l.contains(h)) {
            return true;
        }
        let last = self.layers.len() - 1;
        if self.layers[last].count >= self.layers[last].capacity {
            let bigger = Layer::new(self.layers[last].capacity * GROWTH);
            self.layers.push(bigger);
        }
        if let Some(l) = self.layers.last_mut() {
            l.insert(h);
        }
        false
    }

    /// Whether `text` was maybe added (never false for a text that was).
    pub fn maybe_contains(&self, text: &str) -> bool {
        let h = hash_bytes(text.as_bytes());
        self.layers.iter().any(|l| l.contains(h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_false_negatives_and_few_false_positives() {
        let mut b = Bloom::default();
        let mut repeats = 0;
        for i in 0..200_000 {
            repeats += usize::from(b.check_and_insert(&format!("E{i}")));
        }
        // Growing through several layers, "maybe seen" for new texts stays rare.
        assert!(repeats < 4_000, "{repeats} false positives");
        for i in 0..200_000 {
            assert!(b.maybe_contains(&format!("E{i}")));
            assert!(b.check_and_insert(&format!("E{i}")));
        }
        let strangers = (0..100_000)
            .filter(|i| b.maybe_contains(&format!("X{i}")))
            .count();
        assert!(strangers < 5_000, "{strangers} false positives");
    }
}
