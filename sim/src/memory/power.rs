//! The power-cut model shared by every simulated memory.
//!
//! Time is counted in *byte-steps*: one byte programmed or erased on NOR flash,
//! one byte sent on the I²C bus in a write-only transaction, or one byte of an
//! EEPROM's internal write cycle. A [`PowerCut`] says after how many more
//! byte-steps the power fails; the step during which it fails is *torn*, and
//! [`CutWord`] says what the byte or word being written then holds.
//!
//! A torture harness first runs an operation sequence with [`PowerCut::never`]
//! and reads [`PowerControl::steps_taken`] to learn its length `n`, then replays
//! the sequence on a fresh copy of the memory once for every `k` in `0..n` with
//! `PowerCut::after(k, ..)`. After the cut every operation fails with a
//! power-loss error until [`PowerControl::restore_power`] is called.

/// What the byte or word being written at the instant of a power cut holds
/// afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CutWord {
    /// It keeps its old value: the write had not taken effect yet.
    Old,
    /// It holds the new value: the write completed just before the cut.
    New,
    /// It holds a pseudo-random value drawn from the cut's seed (for NOR
    /// programming, `old & random`, because programming can only clear bits).
    Random,
}

/// When, if ever, the power fails: a countdown in byte-steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PowerCut {
    remaining: Option<u64>,
    word: CutWord,
    rng: u64,
}

impl PowerCut {
    /// Power fails after `steps` more byte-steps complete, during the next one.
    ///
    /// `after(0, ..)` tears the very next byte-step. `word` says what the torn
    /// byte or word holds; `seed` drives the values of [`CutWord::Random`].
    pub const fn after(steps: u64, word: CutWord, seed: u64) -> Self {
        Self {
            remaining: Some(steps),
            word,
            rng: seed,
        }
    }

    /// The power never fails.
    pub const fn never() -> Self {
        Self {
            remaining: None,
            word: CutWord::Old,
            rng: 0,
        }
    }

    /// How many more byte-steps complete before the cut, or `None` for never.
    pub const fn steps_remaining(&self) -> Option<u64> {
        self.remaining
    }

    /// What the torn byte or word holds.
    pub const fn word(&self) -> CutWord {
        self.word
    }

    /// The next value of the cut's pseudo-random sequence (splitmix64).
    fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Default for PowerCut {
    fn default() -> Self {
        Self::never()
    }
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
    /// `false` once a cut has happened and until [`restore_power`](Self::restore_power).
    fn is_powered(&self) -> bool;
    /// Powers the memory up again: contents are kept, the cut is cleared
    /// (the memory now behaves as with [`PowerCut::never`]) and volatile state
    /// (an EEPROM's address pointer and write cycle) is reset.
    fn restore_power(&mut self);
}

/// The runtime side of the model that each memory embeds: the armed cut, the
/// step count and whether the memory is powered.
#[derive(Clone, Debug)]
pub(crate) struct PowerRail {
    cut: PowerCut,
    steps: u64,
    powered: bool,
}

impl PowerRail {
    /// A powered rail with no cut armed.
    pub(crate) const fn new() -> Self {
        Self {
            cut: PowerCut::never(),
            steps: 0,
            powered: true,
        }
    }

    pub(crate) fn arm(&mut self, cut: PowerCut) {
        self.cut = cut;
    }

    pub(crate) const fn steps_taken(&self) -> u64 {
        self.steps
    }

    pub(crate) const fn is_powered(&self) -> bool {
        self.powered
    }

    pub(crate) fn restore(&mut self) {
        self.cut = PowerCut::never();
        self.powered = true;
    }

    /// What the torn word holds, per the armed cut.
    pub(crate) const fn cut_word(&self) -> CutWord {
        self.cut.word
    }

    /// Performs `n` byte-steps. Returns `None` when all of them completed, or
    /// `Some(k)` when the power failed during step `k` (0-based): steps `0..k`
    /// completed, step `k` is torn and the rail is now unpowered.
    pub(crate) fn take_steps(&mut self, n: usize) -> Option<usize> {
        let n = n as u64;
        match self.cut.remaining {
            Some(left) if left < n => {
                self.steps += left;
                self.cut.remaining = None;
                self.powered = false;
                // `left < n`, and `n` came from a `usize`.
                Some(left as usize)
            }
            Some(left) => {
                self.steps += n;
                self.cut.remaining = Some(left - n);
                None
            }
            None => {
                self.steps += n;
                None
            }
        }
    }

    /// The value a byte holds when the cut tore its change from `old` to `new`.
    pub(crate) fn torn(&mut self, old: u8, new: u8) -> u8 {
        match self.cut.word {
            CutWord::Old => old,
            CutWord::New => new,
            CutWord::Random => self.cut.next_random().to_le_bytes()[0],
        }
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
        assert_eq!(cut.word(), CutWord::Random);
        assert_eq!(PowerCut::default(), PowerCut::never());
        assert_eq!(PowerCut::never().steps_remaining(), None);
    }
}
