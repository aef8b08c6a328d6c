//! Small helpers every stage may use; they import nothing else from the crate.

pub mod hash;
pub mod swar;
pub mod text;
pub mod web_address;
pub mod zip_end;
