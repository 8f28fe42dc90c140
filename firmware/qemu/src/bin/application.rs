//! The tag application alone, to measure what it costs in flash: the tag from `core` booting
//! and polling its peripherals, and nothing of the script. The peripherals are the script's
//! stand-ins (a RAM-backed NOR flash and byte queues, about as small as real drivers), fed with
//! bytes the compiler cannot see, so that no part of the application is optimised away.
//! Under QEMU it boots on a blank memory, polls a while and exits 0.

#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use remtag::app::{Settings, Tag};
use remtag_firmware::{exit, log_memory};
use remtag_script::board::{World, parts};

/// Rounds of work before the image exits.
const POLLS: u32 = 100;

#[entry]
fn main() -> ! {
    let world = World::new();
    let mut place = None;
    let tag = Tag::boot_in(
        &mut place,
        parts(&world, log_memory()),
        black_box(Settings::default()),
    );
    for _ in 0..POLLS {
        // Whatever arrived on the reader link and from the GNSS receiver, and the button.
        world.send_to_tag(&black_box([0u8; 32]));
        world.send_gnss(&black_box([0u8; 32]));
        world.set_button(black_box(false));
        black_box(tag.poll());
        while let Some(byte) = world.take_from_tag() {
            black_box(byte);
        }
    }
    defmt::println!("{=u32} polls", POLLS);
    exit(0)
}
