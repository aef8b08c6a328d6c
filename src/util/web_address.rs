//! Whether a link's address is one a reader can follow, and in what form to write it:
//! the sanitiser asks it of a page's links, the writer of every link and source line.
//!
//! Writers paste addresses by hand, and downloads carry them cut or garbled: a space in
//! a path, `%` with no digits after it, a second `#`, `<` run into the host. EPUBCheck
//! rejects a book over any address the URL standard does not accept, and a reading
//! system cannot follow one. So an `href` is written only for an address whose scheme
//! and host are sound, in a form every checker accepts: characters an address may not
//! hold (non-ASCII letters, `|`, `^`, a lone `%`) are percent-encoded, as a browser
//! would send them. Anything else stays text the reader can still read and copy.

/// The address to write as an `href` for `text`, or `None` when it is not one a
/// reader could follow (`http`, `https` or `mailto` only).
pub fn href(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.contains(char::is_whitespace) {
        return None;
    }
    let (scheme, rest) = text.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    match scheme.as_str() {
        "http" | "https" => {
            let rest = rest.strip_prefix("//")?;
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(end);
            let authority = authority.to_ascii_lowercase();
            sound_authority(&authority).then(|| format!("{scheme}://{authority}{}", encode(tail)))
        }
        // An address with a mailbox in it; `mailto:` alone opens nothing.
        "mailto" if rest.contains('@') && !rest.starts_with('@') => {
            Some(format!("mailto:{}", encode(rest)))
        }
        _ => None,
    }
}

/// A host of dot-separated names (letters, digits, `-`, `_`), none empty, with an
/// optional port below 65536. No user name or password: an address that carries one
/// is not linked.
fn sound_authority(authority: &str) -> bool {
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let port_ok = port.is_none_or(|p| {
        !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && {
            p.parse::<u32>().is_ok_and(|n| n < 65_536)
        }
    });
    let host = host.strip_suffix('.').unwrap_or(host);
    port_ok
        && !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The path, query and fragment with every character an address may not hold
/// percent-encoded (UTF-8 bytes), a `%` without two hex digits after it as `%25`, and
/// any `#` after the first as `%23`.
fn encode(tail: &str) -> String {
    let bytes = tail.as_bytes();
    let mut out = String::with_capacity(tail.len());
    let mut in_fragment = false;
    for (i, &b) in bytes.iter().enumerate() {
        let allowed = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b);
        match b {
            _ if allowed => out.push(b as char),
            b'#' if !in_fragment => {
                in_fragment = true;
                out.push('#');
            }
            b'%' if bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
            {
                out.push('%')
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sound_addresses_are_written_as_given() {
        for url in [
            "https://example.org/works/12?view_full_work=true#chapter-3",
            "http://ex_ample.org:8080/a/b;c=d",
            "https://archive.example/works/1/chapters/2%20x",
            "mailto:quill@example.org?subject=Lantern%20Road",
            "https://example.org.",
        ] {
            assert_eq!(href(url).as_deref(), Some(url), "{url}");
        }
    }

    #[test]
    fn scheme_and_host_are_lower_cased() {
        assert_eq!(
            href("HTTPS://Example.ORG/Works/1").as_deref(),
            Some("https://example.org/Works/1")
        );
    }

    #[test]
    fn characters_an_address_may_not_hold_are_encoded() {
        let cases = [
            ("https://example.org/café", "https://example.org/caf%C3%A9"),
            ("https://example.org/a|b^c", "https://example.org/a%7Cb%5Ec"),
            ("https://example.org/{x}", "https://example.org/%7Bx%7D"),
            ("https://example.org/a\\b", "https://example.org/a%5Cb"),
            ("https://example.org/%zz", "https://example.org/%25zz"),
            ("https://example.org/100%", "https://example.org/100%25"),
            ("https://example.org/#a#b", "https://example.org/#a%23b"),
            (
                "https://example.org/?q=<x>\"",
                "https://example.org/?q=%3Cx%3E%22",
            ),
        ];
        for (given, written) in cases {
            assert_eq!(href(given).as_deref(), Some(written), "{given}");
        }
    }

    #[test]
    fn addresses_no_reader_could_follow_are_not_links() {
        for text in [
            "",
            "example.org/works/1",
            "http://",
            "https:///x",
            "https://a..b/",
            "https://exa mple.org/",
            "https://example.org<ruby><ruby>",
            "https://[bad/",
            "https://example.org:abc/",
            "https://example.org:99999/",
            "https://user:pw@example.org/",
            "https://café.example/",
            "javascript:alert(1)",
            "ftp://example.org/file",
            "mailto:",
            "mailto:@example.org",
        ] {
            assert_eq!(href(text), None, "{text}");
        }
    }
}
