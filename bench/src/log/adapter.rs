//! Glue between the simulated memories and the two stores: the async NOR flash traits that
//! sequential-storage needs, a counter of read operations for the remtag log, and a minimal
//! executor.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use embedded_storage::nor_flash::{ErrorType, NorFlash, ReadNorFlash};
use embedded_storage_async::nor_flash as async_nor;
use remtag::log::{Medium, MediumInfo};

/// A blocking NOR flash seen through `embedded-storage-async`'s traits, as sequential-storage
/// wants it: every async method calls the blocking one and is ready at once. Counts the read
/// operations (one per `read` call, whatever its length).
#[derive(Debug)]
pub struct AsyncFlash<F> {
    flash: F,
    reads: u64,
}

impl<F> AsyncFlash<F> {
    /// Wraps `flash`.
    pub fn new(flash: F) -> Self {
        AsyncFlash { flash, reads: 0 }
    }

    /// The flash.
    pub fn inner(&self) -> &F {
        &self.flash
    }

    /// Read operations so far.
    pub fn reads(&self) -> u64 {
        self.reads
    }
}

impl<F: ErrorType> ErrorType for AsyncFlash<F> {
    type Error = F::Error;
}

impl<F: ReadNorFlash> async_nor::ReadNorFlash for AsyncFlash<F> {
    const READ_SIZE: usize = F::READ_SIZE;

    async fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.reads += 1;
        self.flash.read(offset, bytes)
    }

    fn capacity(&self) -> usize {
        self.flash.capacity()
    }
}

impl<F: NorFlash> async_nor::NorFlash for AsyncFlash<F> {
    const WRITE_SIZE: usize = F::WRITE_SIZE;
    const ERASE_SIZE: usize = F::ERASE_SIZE;

    async fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        self.flash.erase(from, to)
    }

    async fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        self.flash.write(offset, bytes)
    }
}

/// A log medium that counts its read operations; [`remtag::log::Log::stats`] already counts
/// the bytes.
#[derive(Debug)]
pub struct ReadCounted<M> {
    medium: M,
    reads: u64,
}

impl<M> ReadCounted<M> {
    /// Wraps `medium`.
    pub fn new(medium: M) -> Self {
        ReadCounted { medium, reads: 0 }
    }

    /// Read operations so far.
    pub fn reads(&self) -> u64 {
        self.reads
    }

    /// The medium, handed back.
    pub fn into_inner(self) -> M {
        self.medium
    }
}

impl<M: Medium> Medium for ReadCounted<M> {
    type Error = M::Error;

    fn info(&self) -> MediumInfo {
        self.medium.info()
    }

    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), Self::Error> {
        self.reads += 1;
        self.medium.read(offset, buf)
    }

    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), Self::Error> {
        self.medium.program(offset, data)
    }

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        self.medium.erase(from, to)
    }
}

/// Runs `future` to completion on this thread. The futures of sequential-storage over
/// [`AsyncFlash`] never wait, so the first poll finishes them; a pending future is polled
/// again after yielding the thread.
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
        std::thread::yield_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use remtag_sim::memory::nor::SimNorFlash;
    use sequential_storage::cache::Cache;
    use sequential_storage::queue::{QueueConfig, QueueStorage};

    #[test]
    fn sequential_storage_runs_on_the_simulated_flash() {
        let mut flash = SimNorFlash::<4, 4096>::new(4 * 4096);
        let config = QueueConfig::try_new(0..4 * 4096).expect("valid range");
        let mut queue =
            QueueStorage::new(AsyncFlash::new(&mut flash), config, Cache::new_uncached());
        block_on(queue.push(&[1, 2, 3, 4, 5], false)).expect("pushed");
        block_on(queue.push(&[6, 7], false)).expect("pushed");
        let mut buf = [0u8; 64];
        let first = block_on(queue.peek(&mut buf)).expect("peeked");
        assert_eq!(first.as_deref(), Some(&[1u8, 2, 3, 4, 5][..]));
        assert!(queue.flash().reads() > 0);
        // Header (8) + 5 data bytes padded to 8, header + 2 padded to 4, one page marker (4).
        assert_eq!(flash.stats().bytes_programmed, 8 + 8 + 8 + 4 + 4);
    }
}
