//! The scripted day of a remtag tag: one box's first days, from a blank tag at Kalma to a full
//! log in the laboratory, as button presses, NMEA sentences from the GNSS receiver and reader
//! frames, on a board whose peripherals are driven by the script.
//!
//! The firmware runs [`run`] on a Cortex-M under QEMU and prints what it read back; the host
//! runs the same function in its parity test, and the two must agree byte for byte. Nothing
//! here reads a hardware register, allocates or depends on the width of a pointer.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod board;
pub mod keys;
mod script;

pub use script::{
    AIRCREW, BOX, DPAA_LAB, Failure, FailureKind, KALMA, KPA, MORTUARY_AFFAIRS, OSAN, Outcome,
    SEAL, UNC_RECEIVING, run,
};

/// Writes `bytes` as lower-case hexadecimal into `out` and returns the text, cut short when
/// `out` is too small.
pub fn hex<'o>(bytes: &[u8], out: &'o mut [u8]) -> &'o str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut n = 0;
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&[
            DIGITS[usize::from(byte >> 4)],
            DIGITS[usize::from(byte & 0x0F)],
        ]);
        n += 2;
    }
    core::str::from_utf8(out.get(..n).unwrap_or_default()).unwrap_or_default()
}
