//! SDK-ECDSA-P256-SHA256 and SDK-SM2-SM3: key derivation from the AK/SK (signing.md §6.1), SM2's ZA
//! with the official SDK's minimal-length quirk (§6.2), and the DER `SEQUENCE { r, s }` encoding.

use crate::SignError;

/// `ENTL ‖ uid` of the ZA hash: 128 bits, then ASCII `1234567812345678`.
#[cfg(feature = "sm2")]
const SM2_ENTL_UID: &[u8] = b"\x00\x801234567812345678";

/// Derives the private scalar as `P256SHA256Signer._derive_key` does: for counter 0..=254,
/// `c = HMAC(SK, 00000001 ‖ scheme ‖ 00 ‖ AK ‖ counter ‖ 00000100)`; the first `c ≤ n − 2` gives
/// `d = c + 1`.
fn derive_scalar(
    scheme: &str,
    access_key: &str,
    secret_key: &str,
    n_minus_two: &[u8; 32],
    hmac: fn(&[u8], &[&[u8]]) -> [u8; 32],
) -> Result<[u8; 32], SignError> {
    for counter in 0u8..0xff {
        let c = hmac(
            secret_key.as_bytes(),
            &[
                b"\x00\x00\x00\x01",
                scheme.as_bytes(),
                b"\x00",
                access_key.as_bytes(),
                &[counter],
                b"\x00\x00\x01\x00",
            ],
        );
        // Big-endian arrays of equal length compare like the numbers they encode.
        if c <= *n_minus_two {
            let mut d = c;
            for byte in d.iter_mut().rev() {
                let (sum, carry) = byte.overflowing_add(1);
                *byte = sum;
                if !carry {
                    break;
                }
            }
            return Ok(d);
        }
    }
    Err(SignError::KeyDerivation)
}

fn mac<M: hmac::Mac + hmac::KeyInit>(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(mut m) = <M as hmac::KeyInit>::new_from_slice(key) {
        for p in parts {
            m.update(p);
        }
        let tag = m.finalize().into_bytes();
        out.copy_from_slice(&tag[..32]);
    }
    out
}

/// DER `SEQUENCE { INTEGER r, INTEGER s }` of two 32-byte big-endian integers.
fn der_encode(r: &[u8], s: &[u8]) -> Vec<u8> {
    fn integer(out: &mut Vec<u8>, v: &[u8]) {
        let start = v
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(v.len().saturating_sub(1));
        let v = &v[start..];
        let pad = v.first().is_some_and(|&b| b & 0x80 != 0);
        out.push(0x02);
        out.push(u8::try_from(v.len() + usize::from(pad)).unwrap_or(0));
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
    }
    let mut body = Vec::with_capacity(70);
    integer(&mut body, r);
    integer(&mut body, s);
    let mut out = Vec::with_capacity(body.len() + 2);
    out.push(0x30);
    out.push(u8::try_from(body.len()).unwrap_or(0));
    out.extend_from_slice(&body);
    out
}

/// Parses DER `SEQUENCE { INTEGER r, INTEGER s }` into two left-padded 32-byte integers.
fn der_decode(der: &[u8]) -> Option<([u8; 32], [u8; 32])> {
    fn length(input: &[u8]) -> Option<(usize, &[u8])> {
        let (&first, rest) = input.split_first()?;
        match first {
            0..=0x7f => Some((usize::from(first), rest)),
            0x81 => {
                let (&len, rest) = rest.split_first()?;
                (len >= 0x80).then_some((usize::from(len), rest))
            }
            _ => None,
        }
    }
    fn integer(input: &[u8]) -> Option<([u8; 32], &[u8])> {
        let (&tag, rest) = input.split_first()?;
        if tag != 0x02 {
            return None;
        }
        let (len, rest) = length(rest)?;
        if len == 0 || rest.len() < len {
            return None;
        }
        let (mut value, rest) = rest.split_at(len);
        if value[0] & 0x80 != 0 {
            return None; // negative
        }
        if value.len() > 1 && value[0] == 0 {
            if value[1] & 0x80 == 0 {
                return None; // non-minimal
            }
            value = &value[1..];
        }
        if value.len() > 32 {
            return None;
        }
        let mut out = [0u8; 32];
        out[32 - value.len()..].copy_from_slice(value);
        Some((out, rest))
    }
    let (&tag, rest) = der.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (len, rest) = length(rest)?;
    if rest.len() != len {
        return None;
    }
    let (r, rest) = integer(rest)?;
    let (s, rest) = integer(rest)?;
    rest.is_empty().then_some((r, s))
}

#[cfg(feature = "ecdsa")]
mod p256_impl {
    use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
    use p256::ecdsa::{Signature, SigningKey};
    use p256::elliptic_curve::point::AffineCoordinates;
    use sha2::{Digest, Sha256};

    use super::{der_decode, der_encode, derive_scalar, mac};
    use crate::SignError;

    const SCHEME: &str = "SDK-ECDSA-P256-SHA256";
    const N_MINUS_TWO: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x4f,
    ];

    pub(crate) fn signing_key(access_key: &str, secret_key: &str) -> Result<SigningKey, SignError> {
        let d = derive_scalar(
            SCHEME,
            access_key,
            secret_key,
            &N_MINUS_TWO,
            mac::<hmac::Hmac<Sha256>>,
        )?;
        SigningKey::from_bytes(&d.into()).map_err(|_| SignError::KeyDerivation)
    }

    /// The derived private key and public key `(d, x, y)`, big-endian.
    pub(crate) fn keys(access_key: &str, secret_key: &str) -> Result<[[u8; 32]; 3], SignError> {
        let key = signing_key(access_key, secret_key)?;
        let point = key.verifying_key().as_affine();
        let mut out = [[0u8; 32]; 3];
        out[0].copy_from_slice(&key.to_bytes());
        out[1].copy_from_slice(&point.x());
        out[2].copy_from_slice(&point.y());
        Ok(out)
    }

    pub(crate) fn sign(
        access_key: &str,
        secret_key: &str,
        message: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        let key = signing_key(access_key, secret_key)?;
        let signature: Signature = key
            .sign_prehash(&Sha256::digest(message))
            .map_err(|_| SignError::KeyDerivation)?;
        let (r, s) = signature.split_bytes();
        Ok(der_encode(&r, &s))
    }

    pub(crate) fn verify(access_key: &str, secret_key: &str, message: &[u8], der: &[u8]) -> bool {
        let Ok(key) = signing_key(access_key, secret_key) else {
            return false;
        };
        let Some((r, s)) = der_decode(der) else {
            return false;
        };
        let Ok(signature) = Signature::from_scalars(r, s) else {
            return false;
        };
        key.verifying_key()
            .verify_prehash(&Sha256::digest(message), &signature)
            .is_ok()
    }
}

#[cfg(feature = "sm2")]
mod sm2_impl {
    use sm2::dsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
    use sm2::dsa::{Signature, SigningKey};
    use sm2::elliptic_curve::point::AffineCoordinates;
    use sm3::{Digest, Sm3};

    use super::{SM2_ENTL_UID, der_decode, der_encode, derive_scalar, mac};
    use crate::SignError;

    const SCHEME: &str = "SDK-SM2-SM3";
    const DISTID: &str = "1234567812345678";
    const N_MINUS_TWO: [u8; 32] = [
        0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x72, 0x03, 0xdf, 0x6b, 0x21, 0xc6, 0x05, 0x2b, 0x53, 0xbb, 0xf4, 0x09, 0x39, 0xd5,
        0x41, 0x21,
    ];
    /// `a ‖ b ‖ Gx ‖ Gy` of the SM2 curve (none has a leading zero byte).
    pub(super) const CURVE: [u8; 128] = [
        0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xfc, 0x28, 0xe9, 0xfa, 0x9e, 0x9d, 0x9f, 0x5e, 0x34, 0x4d, 0x5a, 0x9e, 0x4b, 0xcf,
        0x65, 0x09, 0xa7, 0xf3, 0x97, 0x89, 0xf5, 0x15, 0xab, 0x8f, 0x92, 0xdd, 0xbc, 0xbd, 0x41,
        0x4d, 0x94, 0x0e, 0x93, 0x32, 0xc4, 0xae, 0x2c, 0x1f, 0x19, 0x81, 0x19, 0x5f, 0x99, 0x04,
        0x46, 0x6a, 0x39, 0xc9, 0x94, 0x8f, 0xe3, 0x0b, 0xbf, 0xf2, 0x66, 0x0b, 0xe1, 0x71, 0x5a,
        0x45, 0x89, 0x33, 0x4c, 0x74, 0xc7, 0xbc, 0x37, 0x36, 0xa2, 0xf4, 0xf6, 0x77, 0x9c, 0x59,
        0xbd, 0xce, 0xe3, 0x6b, 0x69, 0x21, 0x53, 0xd0, 0xa9, 0x87, 0x7c, 0xc6, 0x2a, 0x47, 0x40,
        0x02, 0xdf, 0x32, 0xe5, 0x21, 0x39, 0xf0, 0xa0,
    ];

    pub(crate) fn signing_key(access_key: &str, secret_key: &str) -> Result<SigningKey, SignError> {
        let d = derive_scalar(
            SCHEME,
            access_key,
            secret_key,
            &N_MINUS_TWO,
            mac::<hmac::Hmac<Sm3>>,
        )?;
        SigningKey::from_bytes(DISTID, &d.into()).map_err(|_| SignError::KeyDerivation)
    }

    fn coordinates(key: &SigningKey) -> ([u8; 32], [u8; 32]) {
        let point = key.verifying_key().as_affine();
        let (mut x, mut y) = ([0u8; 32], [0u8; 32]);
        x.copy_from_slice(&point.x());
        y.copy_from_slice(&point.y());
        (x, y)
    }

    /// ZA as the official SDK computes it: the public-key coordinates in minimal big-endian form.
    pub(crate) fn za(x: &[u8; 32], y: &[u8; 32]) -> [u8; 32] {
        let minimal = |v: &'_ [u8; 32]| -> usize { v.iter().position(|&b| b != 0).unwrap_or(32) };
        let mut h = Sm3::new();
        h.update(SM2_ENTL_UID);
        h.update(CURVE);
        h.update(&x[minimal(x)..]);
        h.update(&y[minimal(y)..]);
        let mut out = [0u8; 32];
        out.copy_from_slice(&h.finalize());
        out
    }

    fn prehash(key: &SigningKey, message: &[u8]) -> [u8; 32] {
        let (x, y) = coordinates(key);
        let mut h = Sm3::new();
        h.update(za(&x, &y));
        h.update(message);
        let mut out = [0u8; 32];
        out.copy_from_slice(&h.finalize());
        out
    }

    /// The derived private key and public key `(d, x, y)`, big-endian.
    pub(crate) fn keys(access_key: &str, secret_key: &str) -> Result<[[u8; 32]; 3], SignError> {
        let key = signing_key(access_key, secret_key)?;
        let (x, y) = coordinates(&key);
        let mut d = [0u8; 32];
        d.copy_from_slice(&key.to_bytes());
        Ok([d, x, y])
    }

    pub(crate) fn sign(
        access_key: &str,
        secret_key: &str,
        message: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        let key = signing_key(access_key, secret_key)?;
        let signature: Signature = key
            .sign_prehash(&prehash(&key, message))
            .map_err(|_| SignError::KeyDerivation)?;
        Ok(der_encode(&signature.r_bytes(), &signature.s_bytes()))
    }

    pub(crate) fn verify(access_key: &str, secret_key: &str, message: &[u8], der: &[u8]) -> bool {
        let Ok(key) = signing_key(access_key, secret_key) else {
            return false;
        };
        let Some((r, s)) = der_decode(der) else {
            return false;
        };
        let Ok(signature) = Signature::from_scalars(r, s) else {
            return false;
        };
        key.verifying_key()
            .verify_prehash(&prehash(&key, message), &signature)
            .is_ok()
    }
}

#[cfg(feature = "ecdsa")]
pub(crate) use p256_impl::{keys as ecdsa_keys, sign as ecdsa_sign, verify as ecdsa_verify};
#[cfg(feature = "sm2")]
pub(crate) use sm2_impl::{keys as sm2_keys, sign as sm2_sign, verify as sm2_verify};

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const AK: &str = "QTWAOYTTINDUT2QVKYUC";
    const SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

    fn h(s: &str) -> [u8; 32] {
        let v = crate::hex::decode(s).unwrap();
        let mut out = [0u8; 32];
        out.copy_from_slice(&v);
        out
    }

    /// signing.md §9.4 and the dummy-credential key of the same section.
    #[cfg(feature = "ecdsa")]
    #[test]
    fn ecdsa_vector_9_4() {
        let [d, x, y] = ecdsa_keys(AK, SK).unwrap();
        assert_eq!(
            d,
            h("a8e6ee14265805ba3e2687ad9b348b17d6a5f6309c340b80fd3c8f2d7086e84c")
        );
        assert_eq!(
            x,
            h("1ec561066ec5d1d8c34cd4a665f1966d5c7c88bf23048c544416423ce04a091d")
        );
        assert_eq!(
            y,
            h("4bbe3a30b42b283a1500e19f538e5d00be3cdea0fef521b8248d55e1cb650a62")
        );
        let [d, _, _] = ecdsa_keys(
            "TESTAK1234567890ABCD",
            "TESTSK1234567890abcdefghijklmnopqrstuvwx",
        )
        .unwrap();
        assert_eq!(
            d,
            h("7c77cd2ff5baa63a9901cafdc82305cf355c3698e2d9e874fe39b8eb511202b2")
        );
        let sts = b"SDK-ECDSA-P256-SHA256\n20251114T080042Z\n1b30d43a7d4f870b0042b1923ff97609fd7184255564b1860827dff3e513feb4";
        let official = crate::hex::decode("304402201784a8a6420ea398b981eb7f7366080845fd70467157d7a1814ba46a228a86cb02204e52eda6c76aa00893fe626df31f936545332bc6187b832388c76eb93b4a52de").unwrap();
        assert!(ecdsa_verify(AK, SK, sts, &official));
        assert!(!ecdsa_verify(AK, SK, &sts[1..], &official));
        let ours = ecdsa_sign(AK, SK, sts).unwrap();
        assert!(ecdsa_verify(AK, SK, sts, &ours));
        assert!(!ecdsa_verify("OTHER", SK, sts, &ours));
    }

    #[cfg(feature = "sm2")]
    #[test]
    fn sm2_vector_9_4() {
        let [d, x, y] = sm2_keys(AK, SK).unwrap();
        assert_eq!(
            d,
            h("346fe8c55b1720b1570fccc1717d0fab2287a4096325b81f890bfcc2bb7700e9")
        );
        assert_eq!(
            x,
            h("6de414e06842c5b6df7cdb78041867ed0e694f1e577bc4e0bae87c1335ff3b5f")
        );
        assert_eq!(
            y,
            h("77588919155cfc98bba289be92de8336c214f2d9968be103cced3526be748b42")
        );
        assert_eq!(
            sm2_impl::za(&x, &y),
            h("65ceba203e1e9db30586dc1f5278063f55facee9d8d5eb416ef184468c84ad2f")
        );
        let [d, _, _] = sm2_keys(
            "TESTAK1234567890ABCD",
            "TESTSK1234567890abcdefghijklmnopqrstuvwx",
        )
        .unwrap();
        assert_eq!(
            d,
            h("b43de8a39db318fee9145d69c9aa1e933b1972b10b5fbb87db90c23d5e20b01d")
        );
        let sts = b"SDK-SM2-SM3\n20251114T080042Z\n92c63c4d1367ec0bb27be35e6a7184c2ce3114454a8f281042894102fd573efd";
        let official = crate::hex::decode("3045022100a3b2652384c6abeacaebf1a46d8c32aeb15fe3944773b3643d6fb1ba558fd25002204f6a84f5d45d8f763bdf7d0c8b3ee535b927e0b74a94c4c12c02a78e24339134").unwrap();
        assert!(sm2_verify(AK, SK, sts, &official));
        assert!(!sm2_verify(AK, SK, &sts[1..], &official));
        let ours = sm2_sign(AK, SK, sts).unwrap();
        assert!(sm2_verify(AK, SK, sts, &ours));
    }

    /// A public-key coordinate with a leading zero byte is hashed without it (the official quirk),
    /// which differs from the standard, fixed-length ZA.
    #[cfg(feature = "sm2")]
    #[test]
    fn sm2_za_uses_minimal_coordinates() {
        let mut x = [0x11u8; 32];
        let y = [0x22u8; 32];
        let full = sm2_impl::za(&x, &y);
        x[0] = 0;
        let minimal = sm2_impl::za(&x, &y);
        let mut h = <sm3::Sm3 as sha2::Digest>::new();
        sha2::Digest::update(&mut h, SM2_ENTL_UID);
        sha2::Digest::update(&mut h, sm2_impl::CURVE);
        sha2::Digest::update(&mut h, &x[1..]);
        sha2::Digest::update(&mut h, y);
        assert_eq!(minimal[..], sha2::Digest::finalize(h)[..]);
        assert_ne!(full, minimal);
    }

    #[test]
    fn der_round_trip() {
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r[0] = 0x80;
        r[31] = 1;
        s[5] = 0x12;
        let der = der_encode(&r, &s);
        assert_eq!(der[0], 0x30);
        assert_eq!(der[3], 33, "a high bit gets a 0x00 pad");
        assert_eq!(der_decode(&der), Some((r, s)));
        assert_eq!(der_decode(&der[..der.len() - 1]), None);
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(der_decode(&trailing), None);
    }
}
