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

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
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
