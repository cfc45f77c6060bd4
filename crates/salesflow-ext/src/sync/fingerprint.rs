//! A stable 64-bit digest (FNV-1a) for what a state must recognise later: the bytes of an
//! output file at its checkpoint, the ids and change times a run had listed. Not for
//! secrets; stable across Rust versions and machines, unlike `std`'s hasher.

/// FNV-1a, 64 bits: the same bytes give the same digest in every version and on every
/// machine, so a name or a checkpoint made from it is found again (the sync's checkpoints,
/// the MCP server's import journals). Not for secrets.
///
/// ```
/// use salesflow_ext::Fingerprint;
///
/// let mut digest = Fingerprint::new();
/// digest.update(b"foobar");
/// assert_eq!(digest.hex(), "85944171f73967e8");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprint {
    /// The digest of no bytes.
    pub fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    /// Adds `bytes` to what the digest covers.
    pub fn update(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The digest as 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Fingerprint;

    #[test]
    fn the_published_test_vectors() {
        let of = |text: &str| {
            let mut digest = Fingerprint::new();
            digest.update(text.as_bytes());
            digest.hex()
        };
        assert_eq!(of(""), "cbf29ce484222325");
        assert_eq!(of("a"), "af63dc4c8601ec8c");
        assert_eq!(of("foobar"), "85944171f73967e8");
    }
}
