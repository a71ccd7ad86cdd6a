//! Ids the emulator hands out: seeded random ids and stable ids derived from names.

/// Random id generator (seeded, so a run with the same seed hands out the same ids).
#[derive(Debug)]
pub(crate) struct Ids {
    rng: fastrand::Rng,
}

impl Ids {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed ^ 0x05ee_d1d5),
        }
    }

    /// `len` characters from `alphabet`.
    pub(crate) fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(alphabet[self.rng.usize(..alphabet.len())]))
            .collect()
    }

    /// `[0-9a-z]{len}`.
    pub(crate) fn lower_alnum(&mut self, len: usize) -> String {
        self.pick(b"0123456789abcdefghijklmnopqrstuvwxyz", len)
    }

    /// `[0-9a-f]{len}`.
    pub(crate) fn hex(&mut self, len: usize) -> String {
        self.pick(b"0123456789abcdef", len)
    }

    /// A UUID-shaped id (36 chars).
    pub(crate) fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }
}

/// A stable 32-hex id derived from a name (user ids of configured users).
pub(crate) fn derived_hex_id(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::with_capacity(32);
    for round in 0u64..2 {
        for b in name.bytes().chain(round.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}
