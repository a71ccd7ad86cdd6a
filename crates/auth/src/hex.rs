//! Lower-case hex encoding without allocation (signer helper).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of four bytes, all eight digits at once (SWAR): hex encoding of the three
/// digests was a tenth of the signer's non-hashing work when done a nibble at a time.
#[inline]
fn hex4(bytes: [u8; 4]) -> [u8; 8] {
    let x = u64::from(u32::from_le_bytes(bytes));
    // Byte i moves to the low byte of 16-bit lane i.
    let x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    let x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    // Lane i becomes [high nibble, low nibble] of byte i, in output order.
    let n = ((x >> 4) & 0x000f_000f_000f_000f) | ((x & 0x000f_000f_000f_000f) << 8);
    // '0' + n, plus ('a' - '0' - 10) = 39 where n > 9 (n + 6 carries into bit 4 exactly then).
    // Every byte stays below 0x80, so nothing carries into the next byte.
    let letters = ((n + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    (n + 0x3030_3030_3030_3030 + letters * 39).to_le_bytes()
}

/// Lower-case hex of a 32-byte digest, on the stack.
pub(crate) fn encode32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (digits, quad) in out.chunks_exact_mut(8).zip(bytes.chunks_exact(4)) {
        let mut four = [0u8; 4];
        four.copy_from_slice(quad);
        digits.copy_from_slice(&hex4(four));
    }
    out
}

/// Appends the lower-case hex of `bytes` to `out`.
#[cfg_attr(not(any(feature = "ecdsa", feature = "sm2", test)), allow(dead_code))]
pub(crate) fn push(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.extend_from_slice(&[DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0x0f)]]);
    }
}

/// The value of one hex digit (either case).
pub(crate) fn digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex (either case); `None` for odd length or a non-hex character.
#[cfg_attr(not(any(feature = "ecdsa", feature = "sm2")), allow(dead_code))]
pub(crate) fn decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn swar_digits_match_the_table_for_every_byte() {
        for b in 0..=255u8 {
            let expected = [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0x0f)]];
            let got = hex4([b, b.wrapping_add(1), b ^ 0xa5, !b]);
            assert_eq!(&got[..2], &expected, "byte {b:#04x}");
            let mut all = Vec::new();
            push(&mut all, &[b, b.wrapping_add(1), b ^ 0xa5, !b]);
            assert_eq!(&got[..], &all[..], "bytes from {b:#04x}");
        }
    }

    #[test]
    fn encodes_and_decodes() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37));
        let hex = encode32(&bytes);
        let mut pushed = Vec::new();
        push(&mut pushed, &bytes);
        let pushed = String::from_utf8(pushed).unwrap();
        assert_eq!(std::str::from_utf8(&hex).unwrap(), pushed);
        assert_eq!(decode(&pushed).as_deref(), Some(&bytes[..]));
        assert_eq!(decode(&pushed.to_uppercase()).as_deref(), Some(&bytes[..]));
        assert_eq!(decode("abc"), None);
        assert_eq!(decode("zz"), None);
        assert!(pushed.starts_with("00254a6f"));
    }
}
