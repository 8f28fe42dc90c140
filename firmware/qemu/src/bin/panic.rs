//! Panics at once: shows that a panic is logged with its place and ends the run with a
//! non-zero exit code (101), so that no failure under QEMU can pass for success.

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use remtag_firmware as _;

#[entry]
fn main() -> ! {
    let steps: [u32; 2] = core::hint::black_box([1, 2]);
    let at = core::hint::black_box(2usize);
    // Out of bounds: the panic handler reports this line and exits.
    let step = steps[at];
    defmt::println!("unreachable: step {=u32}", step);
    remtag_firmware::exit(0)
}
