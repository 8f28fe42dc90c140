//! The power-cut model shared by every simulated memory.
//!
//! Time is counted in *byte-steps*: one byte programmed or erased on NOR flash,
//! one byte sent on the I²C bus in a write-only transaction, one byte of an
//! EEPROM's internal write cycle, or one byte of an NFC tag's page write.
//! Byte-steps are grouped into *operations*, the units a memory changes its
//! cells in: a NOR program call, the erase of one NOR sector, an EEPROM write
//! cycle, an NFC tag page write (bus bytes belong to no operation).
//!
//! A [`PowerCut`] says when the power fails, counted from when it is armed:
//! - [`PowerCut::after_steps`]: during the byte-step after `steps` more
//!   complete (so a cut "after the k-th byte", or after the k-th NOR word with
//!   `k * WRITE` steps);
//! - [`PowerCut::in_operation`]: during the operation after `completed` more
//!   complete, at its first byte-step.
//!
//! The operation in flight is *torn*, and a [`Tear`] says what its bytes hold
//! afterwards. [`Tear::Sequential`] is the deterministic address-order model
//! ([`PowerCut::after`] arms it): bytes before the cut step are new, the byte
//! (or NOR word) at the step holds a [`CutWord`], the rest are old. The other
//! tears follow the physics of the cells, which change together rather than in
//! address order: each byte of the operation ends old, new, or with a mix of
//! the bits of both, in any pattern, from extreme ones ([`Tear::Last`]: only
//! the last byte took effect) to seeded random subsets ([`Tear::RandomBits`]).
//! Every choice is reproducible from the cut's `u64` seed. Each memory
//! documents what the tears mean for its cells.
//!
//! After the cut every operation fails with a power-loss error until
//! [`PowerControl::restore_power`] (a reboot). A torture harness runs an
//! operation sequence once uncut to learn its length in steps
//! ([`PowerControl::steps_taken`]) or operations
//! ([`PowerControl::operations_taken`]), then replays it on a fresh copy of
//! the memory with a cut at each point, reboots and checks what it reads:
//!
//! ```
//! use embedded_storage::nor_flash::{NorFlash, ReadNorFlash};
//! use remtag_sim::memory::{PowerControl, PowerCut, SimNorFlash, Tear};
//!
//! let mut flash = SimNorFlash::<4, 256>::new(1024);
//! flash.write(0, &[0x00; 16]).unwrap();
//! // The erase of sector 0 (the first operation from now) is cut; every byte
//! // holds its old value, 0xFF or a mix, chosen from seed 7.
//! let run = flash.run_with_cut(PowerCut::in_operation(0, Tear::RandomBits, 7), |flash| {
//!     flash.erase(0, 256)
//! });
//! assert!(run.cut && run.output.is_err());
//! // Power is back: read what the log would find.
//! let mut header = [0; 16];
//! flash.read(0, &mut header).unwrap();
//! assert!(!flash.erase_completed(0));
//! ```

/// What the byte or word being written at the instant of a power cut holds
/// afterwards, in the [`Tear::Sequential`] model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CutWord {
    /// It keeps its old value: the write had not taken effect yet.
    Old,
    /// It holds the new value: the write completed just before the cut.
    New,
    /// It holds a pseudo-random value drawn from the cut's seed (for NOR
    /// programming, `old & random`, because programming can only clear bits).
    /// The value need not lie between the old and the new one: this is harsher
    /// than the physics of the other tears.
    Random,
}

/// What the bytes of an operation torn by a power cut hold afterwards.
///
/// Positions count the operation's bytes from 0 in address order: a NOR
/// program's bytes, a NOR sector's bytes, the bytes an EEPROM write cycle
/// writes (the loaded cells of one page), an NFC tag page's 4 bytes. A count
/// larger than the operation means all of it. "New" is the value the operation
/// would have left, "old" the value before it; on NOR flash a torn program
/// never sets a bit and a torn erase never clears one, whatever the tear.
///
/// Every tear but [`Sequential`](Self::Sequential) leaves the operation
/// unfinished even when its bytes read new: NOR flash marks its cells marginal
/// and a sector erase as not completed (see
/// [`SimNorFlash`](super::SimNorFlash)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tear {
    /// The deterministic address-order model: bytes before the cut step are
    /// new, the byte (NOR: the write word) at the step holds the [`CutWord`],
    /// the rest are old. With [`PowerCut::in_operation`] the step is the
    /// operation's first.
    Sequential(CutWord),
    /// Every byte is old: the cells had not changed yet.
    Untouched,
    /// Every byte reads new, yet the operation did not finish (a NOR erase cut
    /// late leaves a sector that reads all `0xFF` but is weakly erased).
    Complete,
    /// The first `n` bytes are new, the rest old.
    First(usize),
    /// The last `n` bytes are new, the rest old.
    Last(usize),
    /// The first `n` bytes are old, the rest new (a header kept, a body
    /// changed).
    AllButFirst(usize),
    /// The last `n` bytes are old, the rest new.
    AllButLast(usize),
    /// Bytes `start..start + len` are new, the rest old.
    Only {
        /// First new byte.
        start: usize,
        /// Number of new bytes.
        len: usize,
    },
    /// Bytes `start..start + len` are old, the rest new.
    Except {
        /// First old byte.
        start: usize,
        /// Number of old bytes.
        len: usize,
    },
    /// Each byte is independently new or old: new with a probability drawn
    /// once per cut from the seed (uniform in `0..1`), so that over many seeds
    /// every density appears, from a few scattered new bytes to a few
    /// scattered old ones.
    RandomBytes,
    /// Each byte is independently partly changed (probability 1/4: each bit
    /// the operation changes takes its new value with probability 1/2), else
    /// new or old as in [`RandomBytes`](Self::RandomBytes). Old, new and mixed
    /// bytes appear in any order. On the 24LC256 EEPROM a mixed bit may also
    /// read 1, as its write cycle erases before it writes.
    RandomBits,
}

impl Tear {
    /// The extreme patterns and both random ones, for a harness that tries
    /// each at every cut point: nothing, everything, only the first or last
    /// byte, everything but the first `header` bytes or the last byte.
    pub const fn catalogue(header: usize) -> [Tear; 8] {
        [
            Tear::Untouched,
            Tear::Complete,
            Tear::First(1),
            Tear::Last(1),
            Tear::AllButFirst(header),
            Tear::AllButLast(1),
            Tear::RandomBytes,
            Tear::RandomBits,
        ]
    }
}

/// When a [`PowerCut`] fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    Never,
    /// After this many more byte-steps, during the next one.
    Steps(u64),
    /// After this many more operations, at the next one's first step.
    Operations(u64),
}

/// When, if ever, the power fails, and how the operation in flight is torn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PowerCut {
    trigger: Trigger,
    tear: Tear,
    rng: SplitMix,
}

impl PowerCut {
    /// Power fails after `steps` more byte-steps complete, during the next one,
    /// which is torn as [`Tear::Sequential`] with `word`.
    ///
    /// `after(0, ..)` tears the very next byte-step. `seed` drives the values
    /// of [`CutWord::Random`].
    pub const fn after(steps: u64, word: CutWord, seed: u64) -> Self {
        Self::after_steps(steps, Tear::Sequential(word), seed)
    }

    /// Power fails after `steps` more byte-steps complete, during the next one;
    /// the operation that step belongs to is torn as `tear` says, with random
    /// choices drawn from `seed`. A step outside any operation (an EEPROM bus
    /// byte) aborts its transaction instead.
    pub const fn after_steps(steps: u64, tear: Tear, seed: u64) -> Self {
        Self {
            trigger: Trigger::Steps(steps),
            tear,
            rng: SplitMix(seed),
        }
    }

    /// Power fails after `completed` more operations complete, at the first
    /// byte-step of the next one, which is torn as `tear` says, with random
    /// choices drawn from `seed`. Operations of no byte (an empty write) are
    /// not counted.
    pub const fn in_operation(completed: u64, tear: Tear, seed: u64) -> Self {
        Self {
            trigger: Trigger::Operations(completed),
            tear,
            rng: SplitMix(seed),
        }
    }

    /// The power never fails.
    pub const fn never() -> Self {
        Self {
            trigger: Trigger::Never,
            tear: Tear::Sequential(CutWord::Old),
            rng: SplitMix(0),
        }
    }

    /// How many more byte-steps complete before the cut, or `None` for never
    /// and for a cut counted in operations.
    pub const fn steps_remaining(&self) -> Option<u64> {
        match self.trigger {
            Trigger::Steps(left) => Some(left),
            _ => None,
        }
    }

    /// How many more operations complete before the cut, or `None` for never
    /// and for a cut counted in byte-steps.
    pub const fn operations_remaining(&self) -> Option<u64> {
        match self.trigger {
            Trigger::Operations(left) => Some(left),
            _ => None,
        }
    }

    /// How the operation in flight is torn.
    pub const fn tear(&self) -> Tear {
        self.tear
    }

    /// What the torn byte or word holds, for a [`Tear::Sequential`] cut.
    pub const fn word(&self) -> Option<CutWord> {
        match self.tear {
            Tear::Sequential(word) => Some(word),
            _ => None,
        }
    }
}

impl Default for PowerCut {
    fn default() -> Self {
        Self::never()
    }
}

/// A seeded pseudo-random sequence (splitmix64): small, fast and the same on
/// every platform, so a seed names one outcome forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    /// The next value.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next value's low byte.
    pub(crate) fn next_u8(&mut self) -> u8 {
        self.next_u64().to_le_bytes()[0]
    }
}

/// What a run under an armed power cut returned, from
/// [`PowerControl::run_with_cut`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CutRun<R> {
    /// What the run returned.
    pub output: R,
    /// Whether the power failed during the run.
    pub cut: bool,
}

/// Power control common to the simulated memories, for harnesses that are
/// generic over the memory.
pub trait PowerControl {
    /// Arms a new power cut, counted from now (replacing any armed one).
    /// [`steps_taken`](Self::steps_taken) keeps counting from its current value.
    fn set_power_cut(&mut self, cut: PowerCut);
    /// Byte-steps completed since the memory was created (a torn step is not
    /// counted). Unaffected by [`set_power_cut`](Self::set_power_cut) and
    /// [`restore_power`](Self::restore_power).
    fn steps_taken(&self) -> u64;
    /// Operations (see [the module](self)) completed since the memory was
    /// created; a torn one is not counted. `PowerCut::in_operation(k, ..)`
    /// armed now tears the operation that would complete as number
    /// `operations_taken() + k + 1`.
    fn operations_taken(&self) -> u64;
    /// `false` once a cut has happened and until [`restore_power`](Self::restore_power).
    fn is_powered(&self) -> bool;
    /// Powers the memory up again: contents are kept, the cut is cleared
    /// (the memory now behaves as with [`PowerCut::never`]) and volatile state
    /// (an EEPROM's address pointer and write cycle) is reset.
    fn restore_power(&mut self);

    /// Arms `cut`, runs `run` on the memory, then reboots it
    /// ([`restore_power`](Self::restore_power), which also disarms a cut that
    /// did not fire), ready to be read.
    ///
    /// ```
    /// use embedded_storage::nor_flash::NorFlash;
    /// use remtag_sim::memory::{PowerControl, PowerCut, SimNorFlash, Tear};
    ///
    /// let mut flash = SimNorFlash::<4, 256>::new(256);
    /// let run = flash.run_with_cut(PowerCut::after_steps(2, Tear::Last(4), 1), |f| {
    ///     f.write(0, &[0x00; 8])
    /// });
    /// assert!(run.cut && flash.is_powered());
    /// assert_eq!(&flash.contents()[..8], &[0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]);
    /// ```
    fn run_with_cut<R>(&mut self, cut: PowerCut, run: impl FnOnce(&mut Self) -> R) -> CutRun<R>
    where
        Self: Sized,
    {
        self.set_power_cut(cut);
        let output = run(self);
        let cut = !self.is_powered();
        self.restore_power();
        CutRun { output, cut }
    }
}

/// The operation a cut tore: where, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Interruption {
    /// The torn byte-step, counted from the operation's first.
    pub(crate) step: usize,
    /// How the operation is torn.
    pub(crate) tear: Tear,
}

/// Which values a partly changed bit may take in [`PowerRail::scatter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MixedBits {
    /// Its old or its new value.
    OldOrNew,
    /// Its old or new value, or 1 (a cell erased but not yet written).
    OldNewOrErased,
}

/// The runtime side of the model that each memory embeds: the armed cut, the
/// step and operation counts and whether the memory is powered.
#[derive(Clone, Debug)]
pub(crate) struct PowerRail {
    cut: PowerCut,
    steps: u64,
    operations: u64,
    powered: bool,
}

impl PowerRail {
    /// A powered rail with no cut armed.
    pub(crate) const fn new() -> Self {
        Self {
            cut: PowerCut::never(),
            steps: 0,
            operations: 0,
            powered: true,
        }
    }

    pub(crate) fn arm(&mut self, cut: PowerCut) {
        self.cut = cut;
    }

    pub(crate) const fn steps_taken(&self) -> u64 {
        self.steps
    }

    pub(crate) const fn operations_taken(&self) -> u64 {
        self.operations
    }

    pub(crate) const fn is_powered(&self) -> bool {
        self.powered
    }

    pub(crate) fn restore(&mut self) {
        self.cut = PowerCut::never();
        self.powered = true;
    }

    /// Performs `n` byte-steps that belong to no operation (bus bytes).
    /// Returns `None` when all of them completed, or `Some(k)` when the power
    /// failed during step `k` (0-based): steps `0..k` completed, step `k` is
    /// torn and the rail is now unpowered. Only a cut counted in steps fires.
    pub(crate) fn take_steps(&mut self, n: usize) -> Option<usize> {
        let n = n as u64;
        match self.cut.trigger {
            Trigger::Steps(left) if left < n => {
                self.steps += left;
                self.cut.trigger = Trigger::Never;
                self.powered = false;
                // `left < n`, and `n` came from a `usize`.
                Some(left as usize)
            }
            Trigger::Steps(left) => {
                self.steps += n;
                self.cut.trigger = Trigger::Steps(left - n);
                None
            }
            Trigger::Never | Trigger::Operations(_) => {
                self.steps += n;
                None
            }
        }
    }

    /// Performs an operation of `n` byte-steps. Returns `None` when it
    /// completed, or the interruption when the power failed during it (the
    /// rail is then unpowered). An operation of no step never fails.
    pub(crate) fn operation(&mut self, n: usize) -> Option<Interruption> {
        if n == 0 {
            return None;
        }
        let tear = self.cut.tear;
        match self.cut.trigger {
            Trigger::Operations(0) => {
                self.cut.trigger = Trigger::Never;
                self.powered = false;
                Some(Interruption { step: 0, tear })
            }
            Trigger::Operations(left) => {
                self.cut.trigger = Trigger::Operations(left - 1);
                self.steps += n as u64;
                self.operations += 1;
                None
            }
            Trigger::Never | Trigger::Steps(_) => match self.take_steps(n) {
                Some(step) => Some(Interruption { step, tear }),
                None => {
                    self.operations += 1;
                    None
                }
            },
        }
    }

    /// The value a byte holds when a [`Tear::Sequential`] cut tore its change
    /// from `old` to `new`.
    pub(crate) fn torn(&mut self, old: u8, new: u8) -> u8 {
        match self.cut.tear {
            Tear::Sequential(CutWord::Old) => old,
            Tear::Sequential(CutWord::New) => new,
            _ => self.cut.rng.next_u8(),
        }
    }

    /// What the bytes of an operation changing `old` to `new` hold after
    /// `cut` tore it. [`Tear::Sequential`] tears single bytes here (the torn
    /// byte per [`torn`](Self::torn)); `mixed` says what a partly changed bit
    /// of [`Tear::RandomBits`] may read.
    pub(crate) fn scatter(
        &mut self,
        cut: Interruption,
        old: &[u8],
        new: &[u8],
        mixed: MixedBits,
    ) -> Vec<u8> {
        debug_assert_eq!(old.len(), new.len());
        let n = old.len();
        let rng = &mut self.cut.rng;
        let density = match cut.tear {
            Tear::RandomBytes | Tear::RandomBits => rng.next_u64(),
            _ => 0,
        };
        let mut out = Vec::with_capacity(n);
        for (i, (&old, &new)) in old.iter().zip(new).enumerate() {
            let is_new = |rng: &mut SplitMix| rng.next_u64() < density;
            let value = match cut.tear {
                Tear::Sequential(word) => match i.cmp(&cut.step) {
                    core::cmp::Ordering::Less => new,
                    core::cmp::Ordering::Greater => old,
                    core::cmp::Ordering::Equal => match word {
                        CutWord::Old => old,
                        CutWord::New => new,
                        CutWord::Random => rng.next_u8(),
                    },
                },
                Tear::Untouched => old,
                Tear::Complete => new,
                Tear::First(k) => pick(i < k, old, new),
                Tear::Last(k) => pick(i >= n.saturating_sub(k), old, new),
                Tear::AllButFirst(k) => pick(i >= k, old, new),
                Tear::AllButLast(k) => pick(i < n.saturating_sub(k), old, new),
                Tear::Only { start, len } => pick(in_span(i, start, len), old, new),
                Tear::Except { start, len } => pick(!in_span(i, start, len), old, new),
                Tear::RandomBytes => pick(is_new(rng), old, new),
                Tear::RandomBits => {
                    if rng.next_u64().is_multiple_of(4) {
                        mix(rng, old, new, mixed)
                    } else {
                        pick(is_new(rng), old, new)
                    }
                }
            };
            out.push(value);
        }
        out
    }
}

fn pick(new_wanted: bool, old: u8, new: u8) -> u8 {
    if new_wanted { new } else { old }
}

fn in_span(i: usize, start: usize, len: usize) -> bool {
    i >= start && i - start < len
}

/// A byte partly changed from `old` to `new`: each bit that differs takes its
/// new value with probability 1/2; with [`MixedBits::OldNewOrErased`] each bit
/// is old, new or 1.
fn mix(rng: &mut SplitMix, old: u8, new: u8, mixed: MixedBits) -> u8 {
    let take_new = rng.next_u8();
    let partial = (old & !take_new) | (new & take_new);
    match mixed {
        MixedBits::OldOrNew => partial,
        MixedBits::OldNewOrErased => partial | (rng.next_u8() & !take_new & rng.next_u8()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_counts_steps_and_never_cuts() {
        let mut rail = PowerRail::new();
        assert_eq!(rail.take_steps(1000), None);
        assert_eq!(rail.take_steps(0), None);
        assert_eq!(rail.take_steps(24), None);
        assert_eq!(rail.steps_taken(), 1024);
        assert!(rail.is_powered());
    }

    #[test]
    fn after_n_tears_step_n_across_calls() {
        let mut rail = PowerRail::new();
        rail.take_steps(7);
        rail.arm(PowerCut::after(5, CutWord::Old, 1));
        assert_eq!(rail.take_steps(3), None);
        assert!(rail.is_powered());
        // Steps 3 and 4 complete, step 5 (index 2 of this call) is torn.
        assert_eq!(rail.take_steps(10), Some(2));
        assert!(!rail.is_powered());
        assert_eq!(rail.steps_taken(), 7 + 5);
    }

    #[test]
    fn after_zero_tears_the_next_step() {
        let mut rail = PowerRail::new();
        rail.arm(PowerCut::after(0, CutWord::New, 0));
        assert_eq!(
            rail.take_steps(0),
            None,
            "an empty operation has no step to tear"
        );
        assert_eq!(rail.take_steps(1), Some(0));
        assert_eq!(rail.steps_taken(), 0);
    }

    #[test]
    fn exact_fit_does_not_cut() {
        let mut rail = PowerRail::new();
        rail.arm(PowerCut::after(4, CutWord::Old, 0));
        assert_eq!(rail.take_steps(4), None);
        assert!(rail.is_powered());
        assert_eq!(rail.take_steps(1), Some(0));
    }

    #[test]
    fn restore_powers_up_and_disarms() {
        let mut rail = PowerRail::new();
        rail.arm(PowerCut::after(1, CutWord::Old, 0));
        assert_eq!(rail.take_steps(3), Some(1));
        rail.restore();
        assert!(rail.is_powered());
        assert_eq!(rail.take_steps(100), None);
        assert_eq!(rail.steps_taken(), 101);
    }

    #[test]
    fn torn_values_follow_the_cut_word() {
        let mut rail = PowerRail::new();
        rail.arm(PowerCut::after(0, CutWord::Old, 0));
        assert_eq!(rail.torn(0x12, 0x34), 0x12);
        rail.arm(PowerCut::after(0, CutWord::New, 0));
        assert_eq!(rail.torn(0x12, 0x34), 0x34);
    }

    #[test]
    fn random_words_are_deterministic_per_seed() {
        let draw = |seed| {
            let mut rail = PowerRail::new();
            rail.arm(PowerCut::after(0, CutWord::Random, seed));
            (0..32).map(|_| rail.torn(0, 0)).collect::<Vec<u8>>()
        };
        assert_eq!(draw(42), draw(42));
        assert_ne!(draw(42), draw(43));
        let values = draw(7);
        assert!(values.iter().any(|&v| v != values[0]), "{values:?}");
    }

    #[test]
    fn power_cut_accessors() {
        let cut = PowerCut::after(9, CutWord::Random, 3);
        assert_eq!(cut.steps_remaining(), Some(9));
        assert_eq!(cut.operations_remaining(), None);
        assert_eq!(cut.word(), Some(CutWord::Random));
        assert_eq!(cut.tear(), Tear::Sequential(CutWord::Random));
        assert_eq!(PowerCut::default(), PowerCut::never());
        assert_eq!(PowerCut::never().steps_remaining(), None);
        let cut = PowerCut::in_operation(4, Tear::Last(2), 0);
        assert_eq!(cut.operations_remaining(), Some(4));
        assert_eq!(cut.steps_remaining(), None);
        assert_eq!(cut.word(), None);
        let cut = PowerCut::after_steps(6, Tear::RandomBits, 0);
        assert_eq!(cut.steps_remaining(), Some(6));
        assert_eq!(cut.tear(), Tear::RandomBits);
    }

    #[test]
    fn operations_are_counted_and_cut_at_their_first_step() {
        let mut rail = PowerRail::new();
        rail.arm(PowerCut::in_operation(2, Tear::Complete, 0));
        assert_eq!(rail.operation(3), None);
        assert_eq!(rail.operation(0), None, "an empty operation is not counted");
        // Bus bytes are no operation and cannot fire an operation cut.
        assert_eq!(rail.take_steps(9), None);
        assert_eq!(rail.operation(5), None);
        assert_eq!(
            rail.operation(4),
            Some(Interruption {
                step: 0,
                tear: Tear::Complete
            })
        );
        assert!(!rail.is_powered());
        assert_eq!((rail.steps_taken(), rail.operations_taken()), (17, 2));
    }

    #[test]
    fn step_cuts_tear_the_operation_holding_the_step() {
        let mut rail = PowerRail::new();
        rail.arm(PowerCut::after_steps(6, Tear::First(1), 0));
        assert_eq!(rail.operation(4), None);
        let cut = rail.operation(4).unwrap();
        assert_eq!(cut.step, 2);
        assert_eq!((rail.steps_taken(), rail.operations_taken()), (6, 1));
    }

    fn scatter(tear: Tear, seed: u64, old: &[u8], new: &[u8], mixed: MixedBits) -> Vec<u8> {
        let mut rail = PowerRail::new();
        rail.arm(PowerCut::in_operation(0, tear, seed));
        let cut = rail.operation(old.len()).unwrap();
        rail.scatter(cut, old, new, mixed)
    }

    #[test]
    fn extreme_patterns() {
        let (o, n) = ([0u8; 6], [1u8; 6]);
        let run = |tear| scatter(tear, 0, &o, &n, MixedBits::OldOrNew);
        assert_eq!(run(Tear::Untouched), [0, 0, 0, 0, 0, 0]);
        assert_eq!(run(Tear::Complete), [1, 1, 1, 1, 1, 1]);
        assert_eq!(run(Tear::First(2)), [1, 1, 0, 0, 0, 0]);
        assert_eq!(run(Tear::Last(1)), [0, 0, 0, 0, 0, 1]);
        assert_eq!(run(Tear::AllButFirst(2)), [0, 0, 1, 1, 1, 1]);
        assert_eq!(run(Tear::AllButLast(1)), [1, 1, 1, 1, 1, 0]);
        assert_eq!(run(Tear::Only { start: 3, len: 2 }), [0, 0, 0, 1, 1, 0]);
        assert_eq!(run(Tear::Except { start: 1, len: 1 }), [1, 0, 1, 1, 1, 1]);
        // Counts past the end mean all of the operation.
        assert_eq!(run(Tear::Last(99)), [1; 6]);
        assert_eq!(run(Tear::AllButFirst(99)), [0; 6]);
        assert_eq!(run(Tear::Only { start: 5, len: 99 }), [0, 0, 0, 0, 0, 1]);
        // Sequential at the first step (an operation cut).
        assert_eq!(run(Tear::Sequential(CutWord::New)), [1, 0, 0, 0, 0, 0]);
        assert_eq!(Tear::catalogue(4).len(), 8);
    }

    #[test]
    fn random_tears_are_seeded_and_take_every_shape() {
        let old = [0x0Fu8; 64];
        let new = [0xF0u8; 64];
        let mut shapes = [false; 4];
        for seed in 0..200 {
            let a = scatter(Tear::RandomBits, seed, &old, &new, MixedBits::OldOrNew);
            assert_eq!(
                a,
                scatter(Tear::RandomBits, seed, &old, &new, MixedBits::OldOrNew)
            );
            let b = scatter(Tear::RandomBytes, seed, &old, &new, MixedBits::OldOrNew);
            assert!(b.iter().all(|&v| v == 0x0F || v == 0xF0), "seed {seed}");
            let mixed = a.iter().any(|&v| v != 0x0F && v != 0xF0);
            let first_old_later_new = a[0] == 0x0F && a[63] == 0xF0;
            let first_new_later_old = a[0] == 0xF0 && a[63] == 0x0F;
            let all_new_but_one = b.iter().filter(|&&v| v == 0x0F).count() == 1;
            for (seen, now) in shapes.iter_mut().zip([
                mixed,
                first_old_later_new,
                first_new_later_old,
                all_new_but_one,
            ]) {
                *seen |= now;
            }
        }
        assert_eq!(shapes, [true; 4]);
    }

    #[test]
    fn mixed_bits_come_from_old_new_or_erased_only() {
        let old = [0b1010_0101u8; 256];
        let new = [0b0110_0011u8; 256];
        for seed in 0..50 {
            for v in scatter(Tear::RandomBits, seed, &old, &new, MixedBits::OldOrNew) {
                // Where old and new agree, the bit is theirs.
                assert_eq!((v ^ old[0]) & !(old[0] ^ new[0]), 0, "seed {seed}");
            }
            let erased = scatter(
                Tear::RandomBits,
                seed,
                &old,
                &new,
                MixedBits::OldNewOrErased,
            );
            for v in erased {
                // A bit that agrees may also read 1, never 0 when both are 1.
                assert_eq!(!v & old[0] & new[0], 0, "seed {seed}");
            }
        }
        let erased = (0..50).flat_map(|seed| {
            scatter(
                Tear::RandomBits,
                seed,
                &old,
                &new,
                MixedBits::OldNewOrErased,
            )
        });
        assert!(erased.into_iter().any(|v| v & 0b0001_1000 != 0));
    }
}
