//! One fixed hash for everything that must not change between runs or machines (batch
//! shards and fingerprints, cover palettes): std's is randomly seeded per process.

/// FNV-1a, 64-bit: a fixed hash (std's is randomly seeded per process).
pub struct Fnv64(pub u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    /// The hash of `bytes` alone.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut h = Fnv64::default();
        h.update(bytes);
        h.0
    }

    /// Adds one field; fields are separated, so ("ab", "c") and ("a", "bc") differ.
    pub fn write(&mut self, bytes: &[u8]) {
        self.update(bytes);
        self.update(&[0xff]);
    }

    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
