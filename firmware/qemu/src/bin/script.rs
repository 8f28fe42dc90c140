//! The remtag tag application on a Cortex-M: it runs the shared script (`remtag-script`) on
//! the tag from `core`, with its log on a reserved memory region, and prints over defmt what a
//! reader read back: every record as stored, the digests of the log, of the memory and of
//! everything the tag answered, and how much stack the run took. With the `verify` feature it
//! then verifies that log itself, and with `signatures` the custodians' signatures too.
//!
//! It exits 0 when the script ran as expected, 1 when the tag or the verifier did something
//! the script did not expect, and 101 on a panic.

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use remtag::chain::Chain;
use remtag_firmware::{exit, log_memory, stack};

/// Bytes of one record printed as hexadecimal, at most.
const MAX_HEX: usize = 2 * remtag::codec::MAX_RECORD_LEN;

#[entry]
fn main() -> ! {
    stack::paint();
    let memory = log_memory();
    #[cfg(feature = "verify")]
    let keys = self_check::trusted_keys();
    #[cfg(feature = "verify")]
    let mut verifier = remtag::verify::Verifier::new(&keys, None, None);
    let mut records = 0u32;
    let outcome = remtag_script::run(memory, &mut |offset, stored| {
        let mut text = [0u8; MAX_HEX];
        defmt::println!(
            "record {=u32} at {=u32}: {=str}",
            records,
            offset,
            remtag_script::hex(stored, &mut text)
        );
        #[cfg(feature = "verify")]
        verifier.push(stored, offset);
        records += 1;
    });
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(failure) => {
            defmt::error!("the script failed: {}", failure);
            exit(1)
        }
    };
    // The memory as a laboratory would read it off the chip, hashed in 512-byte pieces.
    let mut image = Chain::default();
    for piece in memory.chunks(512) {
        image.push(piece);
    }
    let mut text = [0u8; 64];
    defmt::println!(
        "head {=str}",
        remtag_script::hex(outcome.head.as_array(), &mut text)
    );
    defmt::println!(
        "transcript {=str}",
        remtag_script::hex(outcome.transcript.as_array(), &mut text)
    );
    defmt::println!(
        "image {=str}",
        remtag_script::hex(image.head().as_array(), &mut text)
    );
    defmt::println!(
        "records {=u32} responses {=u32} blinks {=u32}",
        outcome.records,
        outcome.responses,
        outcome.blinks
    );
    #[cfg(feature = "verify")]
    if !self_check::passes(verifier.finish()) {
        exit(1)
    }
    defmt::println!("stack {=u32} of {=u32}", stack::used(), stack::size());
    exit(0)
}

/// The tag checking its own log, as an auditor's verifier would.
#[cfg(feature = "verify")]
mod self_check {
    use remtag::model::{PartyRef, UtcSeconds};
    use remtag::verify::{Finding, Report, TrustedKey};
    use remtag_script::keys;

    /// The custodians' public keys, valid at any time.
    pub fn trusted_keys() -> [TrustedKey; keys::PUBLIC.len()] {
        keys::PUBLIC.map(|(id, public)| TrustedKey {
            id,
            party: PartyRef(id.0),
            public,
            valid_from: UtcSeconds(0),
            valid_until: None,
        })
    }

    /// Whether `report` is what the script's log must give: every checkpoint covers the
    /// records before it, and, with the `signatures` feature, every signature verifies.
    pub fn passes(report: Report) -> bool {
        let expected = if cfg!(feature = "signatures") {
            report.is_intact() && report.signed_prefix > 0
        } else {
            // Without signature checks a checkpoint's signatures are reported as not checked,
            // and so its hand-over as incomplete; nothing else may be found.
            !report.checkpoints.is_empty()
                && report.checkpoints.iter().all(|c| c.chain_ok)
                && report.finding_count as usize == report.findings.len()
                && report.findings.iter().all(|f| {
                    matches!(
                        f,
                        Finding::SignaturesNotChecked { .. } | Finding::IncompleteHandover { .. }
                    )
                })
        };
        defmt::println!(
            "verified {=u32} records: signed prefix {=u32}, {=u32} findings, {=bool}",
            report.records,
            report.signed_prefix,
            report.finding_count,
            expected
        );
        expected
    }
}
