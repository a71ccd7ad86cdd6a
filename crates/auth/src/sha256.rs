//! One-shot SHA-256 and pre-keyed HMAC-SHA256 on RustCrypto's SHA-256 compression function.
//!
//! The signer hashes two contiguous buffers and MACs a third, all short. Going through the
//! streaming `Digest`/`Mac` API copied every byte into a block buffer first, and HMAC hashed its
//! two key blocks again on every signature. Here full blocks are compressed straight from the
//! input, only the padded tail is copied, and an HMAC key is the two chaining values after its key
//! blocks, computed once per secret key (RFC 2104 allows exactly this precomputation, §4).
//! `sha2::block_api::compress256` does all the hashing; this module only lays out the
//! Merkle–Damgård padding (FIPS 180-4 §5.1.1). Unit tests compare both functions with the `sha2`
//! and `hmac` crates, and the signer's conformance fixtures pin the result against the official SDK.

use sha2::block_api::compress256;
use zeroize::Zeroize;

/// The SHA-256 initial hash value (FIPS 180-4 §5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

const BLOCK: usize = 64;

/// Whether hashed data is secret. Copies of secret data (the padded last block) are wiped; the
/// public request data hashed on every signature is not, which would cost each signature for
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Data {
    /// Request data: canonical requests, bodies, strings to sign.
    Public,
    /// Key material: an over-long HMAC key, the SK that V11 derives its key from.
    Secret,
}

/// SHA-256 of `data`.
pub(crate) fn digest(data: &[u8]) -> [u8; 32] {
    let mut state = IV;
    finish(&mut state, data, 0, Data::Public)
}

/// Hashes `data` into `state`, which has already absorbed `prefix_len` bytes (whole blocks), and
/// returns the digest.
fn finish(state: &mut [u32; 8], data: &[u8], prefix_len: u64, secrecy: Data) -> [u8; 32] {
    let (blocks, tail) = data.as_chunks::<BLOCK>();
    compress256(state, blocks);
    // The tail, the 0x80 marker and the 64-bit bit length fill one block, or two when the tail
    // leaves fewer than nine bytes free.
    let mut last = [[0u8; BLOCK]; 2];
    let flat = last.as_flattened_mut();
    flat[..tail.len()].copy_from_slice(tail);
    flat[tail.len()] = 0x80;
    let used = if tail.len() + 9 <= BLOCK { 1 } else { 2 };
    // `usize` is at most 64 bits on every supported target, so the length fits.
    let bits = (prefix_len + data.len() as u64).wrapping_mul(8);
    flat[used * BLOCK - 8..used * BLOCK].copy_from_slice(&bits.to_be_bytes());
    compress256(state, &last[..used]);
    if secrecy == Data::Secret {
        last.zeroize();
    }
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(state.iter()) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// An HMAC-SHA256 key, ready to MAC messages: the chaining values after the inner (`K ⊕ ipad`)
/// and outer (`K ⊕ opad`) key blocks. Equivalent to the key itself, so it is wiped on drop and
/// never shown.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// Keys HMAC-SHA256 with `key` (any length; longer than a block is hashed first, RFC 2104 §2).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; BLOCK];
        if key.len() > BLOCK {
            let mut state = IV;
            let mut hashed = finish(&mut state, key, 0, Data::Secret);
            block[..32].copy_from_slice(&hashed);
            hashed.zeroize();
            state.zeroize();
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| {
            let mut padded = block.map(|b| b ^ byte);
            let mut state = IV;
            compress256(&mut state, std::slice::from_ref(&padded));
            padded.zeroize();
            state
        };
        let (inner, outer) = (pad(0x36), pad(0x5c));
        block.zeroize();
        Self { inner, outer }
    }

    /// HMAC-SHA256 of `message`.
    pub(crate) fn mac(&self, message: &[u8], secrecy: Data) -> [u8; 32] {
        let mut state = self.inner;
        let mut inner = finish(&mut state, message, BLOCK as u64, secrecy);
        state.zeroize();
        let mut state = self.outer;
        // The inner hash of a secret message is as secret as the message.
        let out = finish(&mut state, &inner, BLOCK as u64, secrecy);
        state.zeroize();
        if secrecy == Data::Secret {
            inner.zeroize();
        }
        out
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use hmac::{KeyInit, Mac};
    use sha2::{Digest, Sha256};

    use super::*;

    /// Deterministic bytes of every length around the block and padding boundaries.
    fn bytes(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[test]
    fn digest_matches_the_sha2_crate_at_every_length_up_to_three_blocks() {
        for len in 0..=3 * BLOCK + 1 {
            let data = bytes(len, 7);
            let expected: [u8; 32] = Sha256::digest(&data).into();
            assert_eq!(digest(&data), expected, "length {len}");
        }
    }

    #[test]
    fn digest_of_the_fips_examples() {
        let hex = |d: [u8; 32]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(digest(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn mac_matches_the_hmac_crate_for_keys_and_messages_of_every_shape() {
        for key_len in [0, 1, 20, 40, 63, 64, 65, 100, 200] {
            let key = bytes(key_len, 3);
            let ours = HmacKey::new(&key);
            for len in (0..=2 * BLOCK + 1).chain([500, 1000]) {
                let message = bytes(len, 11);
                let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
                mac.update(&message);
                let expected: [u8; 32] = mac.finalize().into_bytes().into();
                assert_eq!(
                    ours.mac(&message, Data::Public),
                    expected,
                    "key {key_len}, message {len}"
                );
                assert_eq!(
                    ours.mac(&message, Data::Secret),
                    expected,
                    "key {key_len}, message {len}"
                );
            }
        }
    }

    #[test]
    fn mac_of_rfc_4231_test_case_2() {
        let mac = HmacKey::new(b"Jefe").mac(b"what do ya want for nothing?", Data::Public);
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
