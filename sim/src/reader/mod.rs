//! The reader's side of the protocol: a client that talks to any tag over any byte stream,
//! and an in-memory link to a simulated tag.

pub mod client;
pub mod link;

pub use client::{ClientError, ReadItem, ReaderClient};
pub use link::{HostEnd, TagEnd, link};
