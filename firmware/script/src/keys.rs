//! The custodians' keys and the signatures they gave the script's checkpoints.
//!
//! A tag never signs and never holds a private key: the signatures were made by the
//! custodians' readers, ahead of time, over checkpoint statements the script produces the same
//! way on every run. The host's parity test checks every one of them with the public keys
//! below, so a change to the script that moves a chain head cannot go unnoticed.

use remtag::model::{KeyId, SignerRole};

/// The aircrew's key.
pub const AIRCREW: KeyId = KeyId(3);
/// The United Nations Command receiving officials' key.
pub const UNC_RECEIVING: KeyId = KeyId(4);

/// The public keys, by key number, as a verifier trusts them.
pub const PUBLIC: [(KeyId, [u8; 32]); 2] = [
    (
        AIRCREW,
        [
            235, 21, 4, 17, 212, 220, 93, 171, 98, 64, 230, 164, 188, 196, 10, 150, 227, 61, 173,
            16, 152, 201, 218, 52, 162, 36, 63, 19, 181, 12, 214, 209,
        ],
    ),
    (
        UNC_RECEIVING,
        [
            95, 151, 101, 29, 58, 13, 208, 192, 227, 25, 16, 63, 80, 173, 146, 161, 61, 129, 125,
            242, 218, 48, 154, 183, 86, 80, 217, 173, 73, 95, 74, 203,
        ],
    ),
];

/// The signatures of the script's checkpoints: count, key, role, signature.
const SIGNATURES: [(u32, KeyId, SignerRole, [u8; 64]); 2] = [
    (
        5,
        AIRCREW,
        SignerRole::Releasing,
        [
            99, 152, 77, 124, 132, 222, 66, 36, 115, 85, 198, 241, 181, 202, 56, 17, 112, 179, 94,
            197, 124, 196, 30, 157, 197, 215, 83, 46, 211, 163, 126, 4, 151, 119, 15, 157, 85, 220,
            206, 34, 146, 113, 111, 156, 204, 180, 153, 14, 8, 1, 94, 18, 152, 72, 226, 242, 168,
            212, 18, 166, 255, 213, 118, 3,
        ],
    ),
    (
        5,
        UNC_RECEIVING,
        SignerRole::Receiving,
        [
            187, 150, 84, 28, 0, 10, 8, 238, 252, 8, 207, 221, 14, 116, 190, 13, 66, 237, 135, 109,
            39, 85, 233, 78, 126, 148, 224, 23, 89, 207, 240, 159, 135, 144, 105, 153, 108, 93, 56,
            218, 170, 112, 94, 242, 67, 139, 200, 105, 91, 91, 191, 38, 11, 238, 12, 80, 191, 127,
            253, 118, 131, 113, 89, 10,
        ],
    ),
];

/// The signature `key` gave in `role` to the checkpoint over `count` records.
pub fn signature(count: u32, key: KeyId, role: SignerRole) -> Option<[u8; 64]> {
    SIGNATURES
        .iter()
        .find(|(c, k, r, _)| *c == count && *k == key && *r == role)
        .map(|(.., signature)| *signature)
}
