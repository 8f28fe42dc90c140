//! A simulated tag: the tag application from `core` on simulated peripherals, with a power
//! rail that can fail at any instant.
//!
//! The memory chip is shared between the tag and the simulation, so a scenario or a test can
//! arm a power cut, flip bits or read the image while the tag runs. When the power fails the
//! tag stops, everything in flight on its link is lost, and it boots again from its memory,
//! as a real tag does when its battery is swapped.

use std::cell::{RefCell, RefMut};
use std::marker::PhantomData;
use std::rc::Rc;

use embedded_hal::i2c::{self, I2c, Operation};
use embedded_storage::nor_flash::{self, NorFlash, ReadNorFlash};
use remtag::app::{Activity, Board, Ds3231Clock, Parts, Settings, Tag};
use remtag::log::Medium;
use remtag::log::medium::{Eeprom24x256Medium, NorFlashMedium, eeprom_24x256};

use crate::memory::{PowerControl, SimClock, SimDelay, SimEeprom, SimNorFlash};
use crate::peripherals::{SimButton, SimDs3231, SimGnss, SimLed};
use crate::reader::{HostEnd, ReaderClient, TagEnd, link};

/// A device shared between the tag that drives it and the simulation that watches it.
pub struct Shared<T>(Rc<RefCell<T>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> Shared<T> {
    /// Shares `device`.
    pub fn new(device: T) -> Self {
        Shared(Rc::new(RefCell::new(device)))
    }

    /// The device, borrowed for the simulation.
    pub fn borrow_mut(&self) -> RefMut<'_, T> {
        self.0.borrow_mut()
    }
}

impl<T: i2c::ErrorType> i2c::ErrorType for Shared<T> {
    type Error = T::Error;
}

impl<T: I2c> I2c for Shared<T> {
    fn transaction(
        &mut self,
        address: u8,
        operations: &mut [Operation<'_>],
    ) -> Result<(), Self::Error> {
        self.0.borrow_mut().transaction(address, operations)
    }
}

impl<T: nor_flash::ErrorType> nor_flash::ErrorType for Shared<T> {
    type Error = T::Error;
}

impl<T: ReadNorFlash> ReadNorFlash for Shared<T> {
    const READ_SIZE: usize = T::READ_SIZE;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.0.borrow_mut().read(offset, bytes)
    }

    fn capacity(&self) -> usize {
        self.0.borrow().capacity()
    }
}

impl<T: NorFlash> NorFlash for Shared<T> {
    const WRITE_SIZE: usize = T::WRITE_SIZE;
    const ERASE_SIZE: usize = T::ERASE_SIZE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        self.0.borrow_mut().erase(from, to)
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        self.0.borrow_mut().write(offset, bytes)
    }
}

/// A simulated memory chip a tag can keep its log on.
pub trait SimChip: PowerControl + Sized + 'static {
    /// The log medium over the shared chip.
    type Medium: Medium;

    /// The medium over `chip`, waiting with `delay`.
    fn medium(chip: Shared<Self>, delay: SimDelay) -> Self::Medium;

    /// The chip's bytes.
    fn image(&self) -> Vec<u8>;
}

impl<const W: usize, const E: usize> SimChip for SimNorFlash<W, E> {
    type Medium = NorFlashMedium<Shared<SimNorFlash<W, E>>>;

    fn medium(chip: Shared<Self>, _delay: SimDelay) -> Self::Medium {
        NorFlashMedium::new(chip)
    }

    fn image(&self) -> Vec<u8> {
        self.contents().to_vec()
    }
}

impl SimChip for SimEeprom {
    type Medium = Eeprom24x256Medium<Shared<SimEeprom>, SimDelay>;

    fn medium(chip: Shared<Self>, delay: SimDelay) -> Self::Medium {
        eeprom_24x256(chip, delay)
    }

    fn image(&self) -> Vec<u8> {
        self.contents().to_vec()
    }
}

/// The peripheral types of a simulated tag whose log is on `M`.
pub struct SimBoard<M>(PhantomData<M>);

impl<M: Medium> Board for SimBoard<M> {
    type Medium = M;
    type Clock = Ds3231Clock<SimDs3231>;
    type Gnss = SimGnss;
    type Button = SimButton;
    type Led = SimLed;
    type Delay = SimDelay;
    type Link = TagEnd;
}

/// The simulation's handles on a tag's peripherals.
#[derive(Clone)]
pub struct Handles<C> {
    /// The memory chip.
    pub chip: Shared<C>,
    /// The real-time clock.
    pub rtc: SimDs3231,
    /// The GNSS receiver.
    pub gnss: SimGnss,
    /// The button.
    pub button: SimButton,
    /// The LED.
    pub led: SimLed,
    /// Simulated time.
    pub clock: SimClock,
}

/// A tag application running on simulated peripherals.
pub struct SimTag<C: SimChip> {
    tag: Option<Tag<SimBoard<C::Medium>>>,
    handles: Handles<C>,
    host: Option<HostEnd>,
    settings: Settings,
    power_cuts: u32,
}

impl<C: SimChip> SimTag<C> {
    /// Powers up a tag on `chip` with the given peripherals; it boots at once.
    pub fn new(chip: C, rtc: SimDs3231, gnss: SimGnss, settings: Settings) -> Self {
        let clock = gnss.clock();
        let handles = Handles {
            chip: Shared::new(chip),
            led: SimLed::new(clock.clone()),
            button: SimButton::new(),
            rtc,
            gnss,
            clock,
        };
        let (host, tag_end) = link();
        let parts = Parts {
            medium: C::medium(handles.chip.clone(), handles.clock.delay()),
            clock: Ds3231Clock::new(handles.rtc.clone()),
            gnss: handles.gnss.clone(),
            button: handles.button.clone(),
            led: handles.led.clone(),
            delay: handles.clock.delay(),
            link: tag_end,
        };
        SimTag {
            tag: Some(Tag::boot(parts, settings)),
            handles,
            host: Some(host),
            settings,
            power_cuts: 0,
        }
    }

    /// The simulation's handles on the peripherals.
    pub fn handles(&self) -> &Handles<C> {
        &self.handles
    }

    /// The tag application.
    pub fn tag(&mut self) -> Option<&mut Tag<SimBoard<C::Medium>>> {
        self.tag.as_mut()
    }

    /// How many times the power failed.
    pub fn power_cuts(&self) -> u32 {
        self.power_cuts
    }

    /// One round of the tag's work. If the memory lost power meanwhile, the tag stops, its
    /// link drops what was in flight, and it boots again.
    pub fn poll(&mut self) -> Activity {
        let activity = self.tag.as_mut().map(Tag::poll).unwrap_or_default();
        if !self.handles.chip.borrow_mut().is_powered() {
            self.power_cycle();
        }
        activity
    }

    /// Cuts the power now and restores it: the tag boots again from its memory.
    pub fn power_cycle(&mut self) {
        let Some(tag) = self.tag.take() else {
            return;
        };
        self.power_cuts += 1;
        let Some(parts) = tag.shut_down() else {
            return;
        };
        parts.link.reset();
        self.handles.chip.borrow_mut().restore_power();
        self.tag = Some(Tag::boot(parts, self.settings));
    }

    /// Presses the button and releases it, giving the tag a round of work in between.
    pub fn press(&mut self) -> Activity {
        self.handles.button.press();
        let activity = self.poll();
        self.handles.button.release();
        self.poll();
        activity
    }

    /// The memory image.
    pub fn image(&self) -> Vec<u8> {
        self.handles.chip.borrow_mut().image()
    }
}

/// A reader connected to the tag in `device`: each time it waits for an answer, the tag gets
/// a round of work. `None` when a reader was connected before (a tag has one link).
pub fn connect<C: SimChip>(device: &Rc<RefCell<SimTag<C>>>) -> Option<ReaderClient<HostEnd>> {
    let mut host = device.borrow_mut().host.take()?;
    let weak = Rc::downgrade(device);
    host.set_pump(move || {
        if let Some(device) = weak.upgrade()
            && let Ok(mut device) = device.try_borrow_mut()
        {
            device.poll();
        }
    });
    Some(ReaderClient::new(host))
}
