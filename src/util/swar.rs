//! Byte scans eight bytes at a time in a `u64` ("SIMD within a register").
//!
//! The reader, the typography pass and the decoder each copy long runs of ordinary
//! text and stop only at a few kinds of byte. Testing a byte at a time made those scans
//! most of their cost; these helpers test a whole word with a handful of integer
//! operations. Plain integer arithmetic, the same on every CPU: no `unsafe`, no target
//! features.
//!
//! A *mask* has 0x80 in each byte lane that matched and 0 elsewhere, exactly: no lane
//! borrows from or carries into its neighbour, so every flagged byte is a real match.

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
const LOW7: u64 = u64::from_ne_bytes([0x7F; 8]);

/// The eight bytes at `at` as a word, first byte in the lowest lane.
#[inline]
pub fn load(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
}

/// Lanes of `x` that are zero.
#[inline]
pub fn zero(x: u64) -> u64 {
    // Adding 0x7F to the low seven bits sets bit 7 unless they are all clear; `| x`
    // catches lanes whose own bit 7 is set.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Lanes of `x` equal to `b`.
#[inline]
pub fn equal(x: u64, b: u8) -> u64 {
    zero(x ^ (ONES * u64::from(b)))
}

/// Lanes of `x` below `n` (`n` at most 0x80).
#[inline]
pub fn below(x: u64, n: u8) -> u64 {
    debug_assert!(n <= 0x80);
    // Bit 7 stays clear after adding 0x80 - n exactly when the low seven bits are
    // below n, and the lane's own bit 7 must be clear too.
    !(((x & LOW7) + ONES * u64::from(0x80 - n)) | x) & HIGH
}

/// The lane of the first flagged byte in a non-zero mask.
#[inline]
pub fn first(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The first index from `from` whose byte `is_stop` accepts, or `bytes.len()`.
/// `stops` must flag exactly the lanes `is_stop` accepts: it scans the whole words,
/// and `is_stop` the few bytes left over at the end.
#[inline]
pub fn position(
    bytes: &[u8],
    mut from: usize,
    stops: impl Fn(u64) -> u64,
    is_stop: impl Fn(u8) -> bool,
) -> usize {
    while from + 8 <= bytes.len() {
        let mask = stops(load(bytes, from));
        if mask != 0 {
            return from + first(mask);
        }
        from += 8;
    }
    bytes[from..]
        .iter()
        .position(|&b| is_stop(b))
        .map_or(bytes.len(), |p| from + p)
}

/// The first index from `from` holding one of `needles`, or `bytes.len()`.
#[inline]
pub fn find_any<const N: usize>(bytes: &[u8], from: usize, needles: [u8; N]) -> usize {
    position(
        bytes,
        from,
        |x| needles.iter().fold(0, |mask, &n| mask | equal(x, n)),
        |b| needles.contains(&b),
    )
}

/// A set of bytes to stop at: the ASCII controls (below 0x20) except `allowed`, and
/// the bytes in `also`. One value gives both the word mask and the byte test, so the
/// two cannot disagree.
pub struct ControlsAnd<const A: usize, const N: usize> {
    pub allowed: [u8; A],
    pub also: [u8; N],
}

impl<const A: usize, const N: usize> ControlsAnd<A, N> {
    #[inline]
    pub fn contains(&self, b: u8) -> bool {
        (b < 0x20 && !self.allowed.contains(&b)) || self.also.contains(&b)
    }

    /// Lanes of `x` in the set.
    #[inline]
    pub fn mask(&self, x: u64) -> u64 {
        let allowed = self.allowed.iter().fold(0, |m, &b| m | equal(x, b));
        let also = self.also.iter().fold(0, |m, &b| m | equal(x, b));
        (below(x, 0x20) & !allowed) | also
    }

    /// The first index from `from` holding a byte in the set, or `bytes.len()`.
    #[inline]
    pub fn position(&self, bytes: &[u8], from: usize) -> usize {
        position(bytes, from, |x| self.mask(x), |b| self.contains(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair of values in every lane position, against the plain comparison.
    #[test]
    fn masks_flag_exactly_the_matching_lanes() {
        for lane in 0..8 {
            for v in 0..=255u8 {
                // The other lanes hold values that tempt a borrow or a carry.
                for fill in [0x00u8, 0x01, 0x7F, 0x80, 0xFF] {
                    let mut bytes = [fill; 8];
                    bytes[lane] = v;
                    let x = u64::from_le_bytes(bytes);
                    let expect = |pred: &dyn Fn(u8) -> bool| {
                        bytes
                            .iter()
                            .enumerate()
                            .fold(0u64, |m, (i, &b)| m | (u64::from(pred(b)) << (8 * i + 7)))
                    };
                    assert_eq!(zero(x), expect(&|b| b == 0), "{bytes:?}");
                    for b in [0u8, 1, 0x20, 0x7F, 0x80, 0xC2, 0xFF] {
                        assert_eq!(equal(x, b), expect(&|c| c == b), "{bytes:?} == {b:#x}");
                    }
                    for n in [1u8, 0x20, 0x2F, 0x80] {
                        assert_eq!(below(x, n), expect(&|c| c < n), "{bytes:?} < {n:#x}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_control_set_masks_exactly_the_bytes_it_contains() {
        let set = ControlsAnd {
            allowed: [b'\n', b'\t'],
            also: [0x7F, 0xC2],
        };
        for v in 0..=255u8 {
            let x = u64::from_le_bytes([b'a', v, b'a', b'a', b'a', b'a', b'a', b'a']);
            let expect = if set.contains(v) { 0x80 << 8 } else { 0 };
            assert_eq!(set.mask(x), expect, "{v:#x}");
            let expect = v < 0x20 && v != b'\n' && v != b'\t' || v == 0x7F || v == 0xC2;
            assert_eq!(set.contains(v), expect, "{v:#x}");
        }
    }

    #[test]
    fn position_finds_the_first_stop_in_words_and_in_the_tail() {
        let stops = |x: u64| equal(x, b'.');
        let is_stop = |b: u8| b == b'.';
        for len in 0..40 {
            for at in 0..=len {
                let mut text = vec![b'a'; len];
                if at < len {
                    text[at] = b'.';
                    // A later stop must not hide the first one.
                    if at + 3 < len {
                        text[at + 3] = b'-';
                    }
                }
                for from in 0..=at.min(len) {
                    assert_eq!(
                        position(&text, from, stops, is_stop),
                        at,
                        "{len} {at} {from}"
                    );
                    assert_eq!(find_any(&text, from, [b'-', b'.']), at, "{len} {at} {from}");
                }
            }
        }
    }
}
