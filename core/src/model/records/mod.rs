//! The bodies of the nine record types.

pub mod audit;
pub mod commission;
pub mod custody;
pub mod laboratory;
