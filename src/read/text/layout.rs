//! Layout: one measuring pass over a file's lines that tells how its writer laid out
//! paragraphs (wrap width, blank-line separation, indentation).

use super::lines::{ends_sentence, Kind, Line};

/// How far under the wrap width a wrapped line may end (a long next word, ragged
/// hand wrapping).
fn slack(width: usize) -> usize {
    (width / 6).max(6)
}

#[derive(Debug)]
pub(super) struct Layout {
    /// Lines are hard-wrapped at about `width` columns.
    pub(super) wrapped: bool,
    /// The file's typical maximum line width (98th percentile).
    pub(super) width: usize,
    /// Paragraphs are separated by blank lines.
    pub(super) blank_separated: bool,
    /// Indentation beyond this many columns marks a paragraph start; `None` when
    /// indentation carries no meaning in this file.
    pub(super) indent_base: Option<usize>,
}

impl Layout {
    pub(super) fn measure(lines: &[Line]) -> Layout {
        const CAP: usize = 1000;
        let mut hist = vec![0usize; CAP + 1];
        let mut text_lines = 0usize;
        let mut min_indent = usize::MAX;
        for l in lines.iter().filter(|l| l.kind == Kind::Text) {
            hist[l.width().min(CAP)] += 1;
            text_lines += 1;
            min_indent = min_indent.min(l.indent());
        }
        let mut width = CAP;
        let mut seen = 0;
        for (w, &count) in hist.iter().enumerate() {
            seen += count;
            if seen * 100 >= text_lines * 98 {
                width = w;
                break;
            }
        }

        // Hard wrap: lines followed by another text line of the same block pile up
        // just under the width.
        let near = |w: usize| w + slack(width) >= width;
        let mut inner = 0usize;
        let mut inner_near = 0usize;
        let mut inner_near_sentence = 0usize;
        let mut all_near = 0usize;
        let mut indented = 0usize;
        let mut blocks = 0usize;
        let mut prev_text = false;
        for (i, l) in lines.iter().enumerate() {
            if l.kind != Kind::Text {
                prev_text = false;
                continue;
            }
            if !prev_text || l.blanks_before() > 0 {
                blocks += 1;
            }
            prev_text = true;
            if l.indent() > min_indent {
                indented += 1;
            }
            if near(l.width()) {
                all_near += 1;
            }
            if Line::touches(lines.get(i + 1)) {
                inner += 1;
                if near(l.width()) {
                    inner_near += 1;
                    if ends_sentence(l.content) {
                        inner_near_sentence += 1;
                    }
                }
            }
        }
        // Hard-wrapped text has its lines that continue a paragraph piled up just under
        // the width (and, with short paragraphs, still a good share of all lines), and
        // most of them stop mid-sentence; one-line paragraphs of similar length end one.
        let wrapped = (30..=120).contains(&width)
            && inner_near >= 2
            && inner_near_sentence * 2 <= inner_near
            && (inner_near * 100 >= inner * 60 || all_near * 100 >= text_lines * 35);

        // Blank-line separated when blocks are about as many as paragraph ends.
        let ends = if wrapped {
            lines
                .iter()
                .enumerate()
                .filter(|(i, l)| {
                    l.kind == Kind::Text && !(near(l.width()) && Line::touches(lines.get(i + 1)))
                })
                .count()
        } else {
            text_lines
        };
        let blank_separated = blocks >= 2 && blocks * 5 > ends * 2;
        let indent_base =
            (indented >= 2 && indented * 100 >= text_lines * 10).then_some(min_indent);
        Layout {
            wrapped,
            width,
            blank_separated,
            indent_base,
        }
    }

    pub(super) fn slack(&self) -> usize {
        slack(self.width)
    }

    /// Lines shorter than this are "short" (verse, dialogue, a paragraph's last line).
    /// Measured on the wrap width when there is one, else on an 80-column page.
    pub(super) fn short(&self) -> usize {
        if self.wrapped {
            self.width.min(80) / 2
        } else {
            40
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::read::text::tests::paragraphs;

    #[test]
    fn blank_line_separated_paragraphs() {
        assert_eq!(
            paragraphs("One two.\n\nThree  four.\n\n\n"),
            ["One two.", "Three four."]
        );
    }

    #[test]
    fn one_newline_per_paragraph() {
        let input = "The rain had stopped by the time she reached the harbour wall.\n\"Late again,\" said Maro.\nShe shrugged and sat down beside him on the cold stones.\n";
        assert_eq!(
            paragraphs(input),
            [
                "The rain had stopped by the time she reached the harbour wall.",
                "“Late again,” said Maro.",
                "She shrugged and sat down beside him on the cold stones."
            ]
        );
    }

    #[test]
    fn indented_paragraphs_with_and_without_blank_lines() {
        let input = "    The first paragraph starts here.\n    The second one\there, with  spaces.\n\tA tab works too.\n";
        assert_eq!(
            paragraphs(input),
            [
                "The first paragraph starts here.",
                "The second one here, with spaces.",
                "A tab works too."
            ]
        );
        let wrapped = "\
    The lantern keeper climbed the stairs every night at dusk, counting
the steps under her breath as her mother had taught her, and she never
lost count.
    The lamp was cold. She struck the match and waited for the wick to
take, and the old glass hummed as it warmed in her careful, steady hands.
";
        assert_eq!(
            paragraphs(wrapped),
            [
                "The lantern keeper climbed the stairs every night at dusk, counting the steps under her breath as her mother had taught her, and she never lost count.",
                "The lamp was cold. She struck the match and waited for the wick to take, and the old glass hummed as it warmed in her careful, steady hands."
            ]
        );
    }
}
