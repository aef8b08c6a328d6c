//! The commands besides `build`, each a thin layer over `build.rs`.

pub mod batch;
pub mod init;
pub mod inspect;
