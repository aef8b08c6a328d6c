//! Small string helpers shared by stages that make titles and labels.

/// `status` → `Status`, `élan` → `Élan`: the first character in upper case, the rest
/// as written.
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::capitalised;

    #[test]
    fn first_character_only() {
        assert_eq!(capitalised("in progress"), "In progress");
        assert_eq!(capitalised("élan"), "Élan");
        assert_eq!(capitalised("McKinnon"), "McKinnon");
        assert_eq!(capitalised(""), "");
    }
}
