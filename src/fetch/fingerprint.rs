//! The roster's fingerprint, taken person by person as the pages arrive: a SHA-256 of each
//! person's job id and field values, summed so the order of the people does not matter, and
//! hashed with the count once asked for.
//!
//! A person's digest covers their non-empty values by field code in code order, so a column
//! that appears on a later page leaves the digests already taken as they were.

use sha2::{Digest, Sha256};

/// The running fingerprint of the people added so far.
#[derive(Debug, Clone, Default)]
pub(super) struct Fingerprint {
    /// The sum of the people's digests (256 bits, little-endian words).
    sum: [u64; 4],
    /// Column positions in the order of their field codes.
    order: Vec<usize>,
}

impl Fingerprint {
    /// Takes in a new column: `columns` holds every field code, the new one last.
    pub(super) fn column_added(&mut self, columns: &[String]) {
        let Some((new, code)) = columns.iter().enumerate().next_back() else {
            return;
        };
        let at = self.order.partition_point(|&c| columns[c] < *code);
        self.order.insert(at, new);
    }

    /// Adds a person: their job id and `value(column)` for each column of `columns`.
    pub(super) fn add<'v>(
        &mut self,
        job_id: &str,
        columns: &[String],
        value: impl Fn(usize) -> &'v str,
    ) {
        let mut h = Sha256::new();
        h.update(job_id.as_bytes());
        for &c in &self.order {
            let v = value(c);
            if !v.is_empty() {
                h.update(b"\x1f");
                h.update(columns[c].as_bytes());
                h.update(b"=");
                h.update(v.as_bytes());
            }
        }
        let digest = h.finalize();
        // A sum of the people's digests: the same whatever their order, and a person listed
        // twice counts twice.
        let mut carry = 0u64;
        for (i, s) in self.sum.iter_mut().enumerate() {
            let mut word = [0u8; 8];
            word.copy_from_slice(&digest[i * 8..i * 8 + 8]);
            let (a, c1) = s.overflowing_add(u64::from_le_bytes(word));
            let (a, c2) = a.overflowing_add(carry);
            *s = a;
            carry = u64::from(c1) + u64::from(c2);
        }
    }

    /// The fingerprint of the `people` added, as hex.
    pub(super) fn hex(&self, people: usize) -> String {
        let mut h = Sha256::new();
        for s in self.sum {
            h.update(s.to_le_bytes());
        }
        h.update((people as u64).to_le_bytes());
        crate::fsutil::hex(&h.finalize())
    }
}
