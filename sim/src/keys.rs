//! Custodians' signing keys for simulations.

use ed25519_compact::{KeyPair, Seed};
use remtag::model::KeyId;

/// A demonstration key pair derived from the key's number. Never for real custody: anyone can
/// derive the same key.
pub fn demo_keypair(key: KeyId) -> KeyPair {
    let mut seed = *b"remtag-sim demonstration key 000";
    let digits = format!("{:03}", key.0 % 1000);
    seed[29..].copy_from_slice(digits.as_bytes());
    KeyPair::from_seed(Seed::new(seed))
}
