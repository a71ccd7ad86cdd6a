//! Lower-case hex encoding without allocation (signer helper).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of a 32-byte digest, on the stack.
pub(crate) fn encode32(bytes: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0f)];
    }
    out
}

/// The `&str` view of [`encode32`]'s output (always ASCII).
pub(crate) fn as_str(hex: &[u8; 64]) -> &str {
    // Every byte comes from DIGITS, so this never fails; the fallback keeps the code panic-free.
    std::str::from_utf8(hex).unwrap_or_default()
}

/// Appends the lower-case hex of `bytes` to `out`.
#[cfg_attr(not(any(feature = "ecdsa", feature = "sm2", test)), allow(dead_code))]
pub(crate) fn push(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
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
    fn encodes_and_decodes() {
        let bytes: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(37)).collect();
        let hex = encode32(&bytes);
        let mut pushed = String::new();
        push(&mut pushed, &bytes);
        assert_eq!(as_str(&hex), pushed);
        assert_eq!(decode(&pushed).as_deref(), Some(&bytes[..]));
        assert_eq!(decode(&pushed.to_uppercase()).as_deref(), Some(&bytes[..]));
        assert_eq!(decode("abc"), None);
        assert_eq!(decode("zz"), None);
        assert!(pushed.starts_with("00254a6f"));
    }
}
