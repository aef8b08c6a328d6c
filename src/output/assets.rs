//! What goes into the package besides pages: images in their final form, and the
//! book-level values the series model does not hold (cover, modification time, the
//! series a `--split` book belongs to).

/// An image to package, already in its final form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageAsset {
    /// Path inside the book's content folder (`images/cover.jpg`).
    pub href: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Everything besides the series that goes into the book.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub cover: Option<ImageAsset>,
    /// Images the bodies refer to, keyed by their `src` as written.
    pub images: Vec<(String, ImageAsset)>,
    /// `dcterms:modified` in seconds since the Unix epoch.
    pub modified: u64,
    /// The series a one-installment book (`--split`) belongs to; default: its title.
    pub series_name: Option<String>,
    /// Its position in that series.
    pub series_position: Option<String>,
}

/// Sniffs an image's media type from its first bytes.
pub fn image_media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_types_by_content() {
        assert_eq!(
            image_media_type(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(image_media_type(b"\xFF\xD8\xFF\xE0"), Some("image/jpeg"));
        assert_eq!(
            image_media_type(b"RIFF\0\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(image_media_type(b"<svg"), None);
    }
}
