//! The simulated memories the torture tests run the log on.

use remtag::log::LayoutConfig;
use remtag::log::medium::{Eeprom24x256Medium, NorFlashMedium, RewritableMedium, eeprom_24x256};
use remtag_sim::memory::clock::SimDelay;
use remtag_sim::memory::eeprom::SimEeprom;
use remtag_sim::memory::nor::SimNorFlash;
use remtag_sim::memory::ntag::SimTagMemory;
use remtag_sim::memory::power::{CutWord, PowerControl, PowerCut};

use crate::torture::Target;

/// A NOR flash of `W`-byte words and `E`-byte sectors.
#[derive(Clone)]
pub struct Nor<const W: usize, const E: usize> {
    /// The flash.
    pub flash: SimNorFlash<W, E>,
}

impl<const W: usize, const E: usize> Nor<W, E> {
    /// A blank flash of `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Nor {
            flash: SimNorFlash::new(capacity),
        }
    }
}

impl<const W: usize, const E: usize> Target for Nor<W, E> {
    type M<'a> = NorFlashMedium<&'a mut SimNorFlash<W, E>>;

    fn medium(&mut self) -> Self::M<'_> {
        NorFlashMedium::new(&mut self.flash)
    }

    fn config(&self) -> LayoutConfig {
        LayoutConfig::default()
    }

    fn steps(&self) -> u64 {
        self.flash.steps_taken()
    }

    fn cut_after(&mut self, steps: u64, word: CutWord, seed: u64) {
        self.flash.set_power_cut(PowerCut::after(steps, word, seed));
    }

    fn restore(&mut self) {
        self.flash.restore_power();
    }

    fn name(&self) -> String {
        format!("NOR (write {W}, erase {E})")
    }
}

/// A 24LC256 I2C EEPROM, driven through the `eeprom24x` driver.
#[derive(Clone, Default)]
pub struct Eeprom {
    /// The chip.
    pub chip: SimEeprom,
    /// The layout.
    pub config: LayoutConfig,
}

impl Target for Eeprom {
    type M<'a> = Eeprom24x256Medium<&'a mut SimEeprom, SimDelay>;

    fn medium(&mut self) -> Self::M<'_> {
        let delay = self.chip.delay();
        eeprom_24x256(&mut self.chip, delay)
    }

    fn config(&self) -> LayoutConfig {
        self.config
    }

    fn steps(&self) -> u64 {
        self.chip.steps_taken()
    }

    fn cut_after(&mut self, steps: u64, word: CutWord, seed: u64) {
        self.chip.set_power_cut(PowerCut::after(steps, word, seed));
    }

    fn restore(&mut self) {
        self.chip.restore_power();
    }

    fn name(&self) -> String {
        "EEPROM 24LC256".to_string()
    }
}

/// NFC tag memory (4-byte pages, no tearing protection) with small identity slots.
#[derive(Clone)]
pub struct Tag {
    /// The tag's user memory.
    pub memory: SimTagMemory,
}

impl Tag {
    /// A blank tag of `capacity` bytes of user memory.
    pub fn new(capacity: usize) -> Self {
        Tag {
            memory: SimTagMemory::new(capacity),
        }
    }
}

impl Target for Tag {
    type M<'a> = RewritableMedium<&'a mut SimTagMemory>;

    fn medium(&mut self) -> Self::M<'_> {
        RewritableMedium::new(&mut self.memory, SimTagMemory::PAGE as u32)
    }

    fn config(&self) -> LayoutConfig {
        LayoutConfig {
            identity_slot_len: Some(64),
            segment_len: None,
        }
    }

    fn steps(&self) -> u64 {
        self.memory.steps_taken()
    }

    fn cut_after(&mut self, steps: u64, word: CutWord, seed: u64) {
        self.memory
            .set_power_cut(PowerCut::after(steps, word, seed));
    }

    fn restore(&mut self) {
        self.memory.restore_power();
    }

    fn name(&self) -> String {
        format!("NFC tag ({} bytes)", self.memory.contents().len())
    }
}
