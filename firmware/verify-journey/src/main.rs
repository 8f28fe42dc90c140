//! Verifies the 2018 journey of box 1 (19 records, two signed checkpoints) on a Cortex-M0: the
//! chain, the counts and, with the `signatures` feature, the three Ed25519 signatures. The
//! inputs pass through `black_box`, so that nothing is computed at build time. Its purpose is to
//! measure what verification costs in flash.

#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use core::hint::black_box;

use cortex_m_rt::entry;
use panic_halt as _;
use remtag::codec;
use remtag::model::{KeyId, PartyRef, UtcSeconds};
use remtag::verify::{TrustedKey, Verifier};

/// The stored records of box 1's history, as `remtag-sim story --out` writes them.
static JOURNEY: [u8; 690] = *include_bytes!("../journey.bin");
/// The public keys of the aircrew (key 3) and of the DPAA laboratory (key 6).
static KEYS: [u8; 64] = *include_bytes!("../keys.bin");

fn key(id: u32, public: &[u8]) -> TrustedKey {
    let mut key = [0u8; 32];
    key.copy_from_slice(public.get(..32).unwrap_or(&[0; 32]));
    TrustedKey {
        id: KeyId(id),
        party: PartyRef(id),
        public: key,
        valid_from: UtcSeconds(0),
        valid_until: None,
    }
}

#[entry]
fn main() -> ! {
    let keys_bytes = black_box(&KEYS);
    let keys = [key(3, &keys_bytes[..32]), key(6, &keys_bytes[32..])];
    let journey = black_box(&JOURNEY);
    let mut verifier = Verifier::new(&keys, None, None);
    let mut at = 0;
    while let Some(rest) = journey.get(at..).filter(|r| !r.is_empty()) {
        let len = codec::stored_len(rest)
            .unwrap_or(rest.len())
            .min(rest.len());
        verifier.push(&rest[..len], at as u32);
        at += len;
    }
    let report = verifier.finish();
    black_box(report.is_intact() && report.signed_prefix == 18);
    loop {
        core::hint::spin_loop();
    }
}
