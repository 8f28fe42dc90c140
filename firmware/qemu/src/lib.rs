//! What the firmware's images share: the log's reserved memory, the stack's high-water mark,
//! memory copies and division small enough for a Cortex-M0's flash, the exit to the host, and a
//! panic that says where it happened and exits non-zero.
//!
//! Logging goes over semihosting (`defmt-semihosting`) to QEMU's standard output, where
//! `defmt-print` decodes it; with the `rtt` feature it goes over RTT (`defmt-rtt`) to probe-rs
//! on a real board. The exit is a semihosting call either way. Under QEMU the log's region is
//! RAM standing in for NOR flash; `docs/FIRMWARE.md` says how to run the images on a board.

#![no_std]
#![deny(missing_docs)]

pub mod div;
pub mod mem;
pub mod stack;

use core::sync::atomic::{AtomicBool, Ordering};

#[cfg(all(feature = "rtt", feature = "defmt-semihosting"))]
compile_error!("log over RTT or over semihosting: build with `--no-default-features` for `rtt`");

use cortex_m as _;
#[cfg(feature = "rtt")]
use defmt_rtt as _;
#[cfg(feature = "defmt-semihosting")]
use defmt_semihosting as _;
use remtag_script::board::LOG_SIZE;

unsafe extern "C" {
    /// The first byte of the `LOG` region of `memory.x`.
    static mut _log_start: u8;
    /// The byte after it.
    static _log_end: u8;
}

/// Whether [`log_memory`] has handed out the log's memory.
static LOG_TAKEN: AtomicBool = AtomicBool::new(false);

/// The log's memory, erased (a new chip). Exits with 1 when `memory.x` reserves too little,
/// and when called a second time.
pub fn log_memory() -> &'static mut [u8] {
    let start = core::ptr::addr_of_mut!(_log_start);
    let reserved = (core::ptr::addr_of!(_log_end) as usize).saturating_sub(start as usize);
    if reserved < LOG_SIZE {
        defmt::error!(
            "memory.x reserves {=usize} bytes for the log, not {=usize}",
            reserved,
            LOG_SIZE
        );
        exit(1)
    }
    // One core and no interrupt handler touches this flag: a load and a store suffice (a
    // Cortex-M0 has no compare-and-swap).
    if LOG_TAKEN.load(Ordering::Relaxed) {
        defmt::error!("the log's memory is handed out once");
        exit(1)
    }
    LOG_TAKEN.store(true, Ordering::Relaxed);
    // SAFETY: the `LOG` region is RAM that the linker gives to nothing else (no section is
    // placed in it), and the flag above makes this the only reference ever made to it; its
    // bytes are initialised (erased) before the reference is made.
    unsafe {
        core::ptr::write_bytes(start, 0xFF, LOG_SIZE);
        core::slice::from_raw_parts_mut(start, LOG_SIZE)
    }
}

/// Ends the program: QEMU exits with `code` (semihosting `SYS_EXIT`).
pub fn exit(code: i32) -> ! {
    semihosting::process::exit(code)
}

/// Logs where the panic happened, without its message (for size, `docs/FIRMWARE.md`), and
/// exits with 101.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    match info.location() {
        Some(at) => defmt::error!("panicked at {=str}:{=u32}", at.file(), at.line()),
        None => defmt::error!("panicked"),
    }
    exit(101)
}
