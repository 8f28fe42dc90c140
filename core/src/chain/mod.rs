//! The hash chain that binds every record to all records before it.
//!
//! The chain is recomputed from the stored bytes, never stored per record: the head after record
//! `n` is `SHA-256(head before n || stored bytes of n)`, starting from a fixed genesis value.
//! A checkpoint record stores a head and a count, and custodians sign that statement.

use sha2::{Digest as _, Sha256};

use crate::model::{Bytes, Digest, SignerRole};

/// SHA-256 of `remtag chain v1`, written out so that a new chain needs no hashing; a test
/// holds it to the hash.
const GENESIS: Digest = Bytes([
    0xac, 0x93, 0x8e, 0xb4, 0x91, 0xd8, 0xae, 0x94, 0x48, 0x21, 0xe4, 0x33, 0x64, 0xdf, 0x1b, 0x3e,
    0x81, 0xca, 0xb8, 0x87, 0x5b, 0xe4, 0x2c, 0x7d, 0x88, 0x08, 0xc6, 0x24, 0xa2, 0x56, 0x77, 0x78,
]);

/// The head before any record: SHA-256 of the ASCII text `remtag chain v1`.
pub fn genesis() -> Digest {
    GENESIS
}

/// A running chain head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Chain {
    head: Digest,
    count: u32,
}

impl Default for Chain {
    fn default() -> Self {
        Chain {
            head: genesis(),
            count: 0,
        }
    }
}

impl Chain {
    /// A chain that continues from `head` after `count` records.
    pub const fn resume(head: Digest, count: u32) -> Self {
        Chain { head, count }
    }

    /// Takes in the stored bytes of the next record.
    pub fn push(&mut self, stored: &[u8]) {
        let mut h = Sha256::new();
        h.update(self.head.as_array());
        h.update(stored);
        // The hash is finished straight into the head it replaces.
        h.finalize_into((&mut self.head.0).into());
        self.count = self.count.saturating_add(1);
    }

    /// The head after the records taken in so far.
    pub const fn head(&self) -> Digest {
        self.head
    }

    /// How many records have been taken in.
    pub const fn count(&self) -> u32 {
        self.count
    }
}

/// Length of a [`checkpoint_statement`].
pub const STATEMENT_LEN: usize = 16 + 4 + 32 + 1;

/// The bytes a custodian signs for a checkpoint: the 16 ASCII bytes `remtag chkpt v1` and a zero byte, the record count (little-endian `u32`), the chain head and the signer's role.
///
/// The role is signed so that a releasing signature cannot be presented as a receiving one.
pub fn checkpoint_statement(count: u32, head: &Digest, role: SignerRole) -> [u8; STATEMENT_LEN] {
    let mut out = [0u8; STATEMENT_LEN];
    let (domain, rest) = out.split_at_mut(16);
    domain.copy_from_slice(b"remtag chkpt v1\0");
    let (count_bytes, rest) = rest.split_at_mut(4);
    count_bytes.copy_from_slice(&count.to_le_bytes());
    let (head_bytes, role_byte) = rest.split_at_mut(32);
    head_bytes.copy_from_slice(head.as_array());
    if let Some(b) = role_byte.first_mut() {
        *b = role.code();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesis_is_the_hash_of_its_text() {
        let hashed: [u8; 32] = Sha256::digest(b"remtag chain v1").into();
        assert_eq!(genesis(), Digest::from(hashed));
    }
}
