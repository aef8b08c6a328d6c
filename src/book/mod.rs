//! The third stage: the book model (plain data), reading order, putting the series
//! together from parsed files, and word counts. Nothing here reads a file or knows how
//! the book will be packaged.

pub mod assemble;
pub mod model;
pub mod order;
pub mod words;
