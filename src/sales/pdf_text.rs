//! Text for the invoice PDF: Spanish text in WinAnsi (Windows-1252) bytes, PDF literal strings, the advance
//! widths of the two standard fonts, truncation with "..." and word wrapping.

use std::fmt::Write;

/// The two standard Type1 fonts the invoice uses (never embedded: every reader has them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Font {
    /// Helvetica, resource `/F1`.
    Regular,
    /// Helvetica-Bold, resource `/F2`.
    Bold,
}

impl Font {
    /// The page resource name.
    pub(super) fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }

    fn widths(self) -> &'static [u16; 95] {
        match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        }
    }
}

/// Helvetica advance widths (thousandths of the font size) of the printable ASCII bytes 32..=126.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space .. /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 .. ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ .. O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P .. _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` .. o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p .. ~
];

/// Helvetica-Bold advance widths of the bytes 32..=126.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // space .. /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0 .. ?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @ .. O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P .. _
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // ` .. o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p .. ~
];

/// The characters WinAnsi places in 0x80..=0x9F (where Latin-1 has control codes).
const CP1252_HIGH: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// The WinAnsi byte of a character: ASCII and Latin-1 as they are, the Windows-1252 extras, any other
/// whitespace as a space, anything else as `?`.
pub(super) fn win_ansi(c: char) -> u8 {
    match c as u32 {
        0x20..=0x7E | 0xA0..=0xFF => c as u32 as u8,
        _ if c.is_whitespace() => b' ',
        _ => CP1252_HIGH.iter().find(|(ch, _)| *ch == c).map_or(b'?', |(_, b)| *b),
    }
}

/// A PDF literal string `(...)` of `s` in WinAnsi: `(`, `)` and `\` escaped, bytes outside printable ASCII
/// as octal escapes (so the content stream stays ASCII).
pub(super) fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('(');
    for b in s.chars().map(win_ansi) {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7E => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// The advance width of one WinAnsi byte, in thousandths of the font size. Accented letters take their base
/// letter's width (exact for Helvetica); rare symbols fall back to 556.
fn byte_width(b: u8, font: Font) -> u16 {
    let base = match b {
        0x20..=0x7E => b,
        0xC0..=0xC5 => b'A',
        0xC7 => b'C',
        0xC8..=0xCB => b'E',
        0xD0 => b'D',
        0xD1 => b'N',
        0xD2..=0xD6 | 0xD8 => b'O',
        0xD9..=0xDC => b'U',
        0xDD | 0x9F => b'Y',
        0xDE => b'P',
        0x8A => b'S',
        0x8E => b'Z',
        0xE0..=0xE5 => b'a',
        0xE7 => b'c',
        0xE8..=0xEB => b'e',
        0xF0 | 0xF2..=0xF6 => b'o',
        0xF1 => b'n',
        0xF9..=0xFC => b'u',
        0xFD | 0xFF => b'y',
        0xFE => b'p',
        0x9A => b's',
        0x9E => b'z',
        0xA0 => b' ',
        0xAD => b'-',
        0xB7 => b'.',
        _ => {
            let bold = font == Font::Bold;
            return match b {
                0xCC..=0xCF | 0xEC..=0xEF => 278,
                0xA1 => 333,
                0xBF | 0xDF | 0xF8 => 611,
                0xB0 => 400,
                0xAA => 370,
                0xBA => 365,
                0x95 => 350,
                0xE6 => 889,
                0xAC | 0xB1 | 0xD7 | 0xF7 => 584,
                0x85 | 0x89 | 0x97 | 0x99 | 0xC6 => 1000,
                0x82 | 0x91 | 0x92 => 222 + 56 * u16::from(bold),
                0x84 | 0x93 | 0x94 => 333 + 167 * u16::from(bold),
                _ => 556,
            };
        }
    };
    font.widths()[usize::from(base - 32)]
}

fn char_width(c: char, font: Font, size: f32) -> f32 {
    f32::from(byte_width(win_ansi(c), font)) * size / 1000.0
}

/// The printed width of `s` in points.
pub(super) fn width(s: &str, font: Font, size: f32) -> f32 {
    s.chars().map(|c| char_width(c, font, size)).sum()
}

/// `s` cut and ended with "..." when it is wider than `max` points.
pub(super) fn truncate(s: &str, font: Font, size: f32, max: f32) -> String {
    if width(s, font, size) <= max {
        return s.to_string();
    }
    let room = max - width("...", font, size);
    let (mut out, mut used) = (String::new(), 0.0);
    for c in s.chars() {
        used += char_width(c, font, size);
        if used > room {
            break;
        }
        out.push(c);
    }
    format!("{}...", out.trim_end())
}

/// `text` broken into lines at most `max` points wide: its own line breaks kept, words moved to the next
/// line, a word wider than a whole line cut where it must.
pub(super) fn wrap(text: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let joined = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if width(&joined, font, size) <= max {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                if !line.is_empty() && width(&line, font, size) + char_width(c, font, size) > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_letters_are_win_ansi_bytes_and_strings_are_escaped() {
        assert_eq!(win_ansi('ñ'), 0xF1);
        assert_eq!(win_ansi('Ñ'), 0xD1);
        assert_eq!(win_ansi('€'), 0x80);
        assert_eq!(win_ansi('\t'), b' ');
        assert_eq!(win_ansi('漢'), b'?');
        assert_eq!(literal("Año (1) \\ ¿Sí? ¡Ya! 20°"), r"(A\361o \(1\) \\ \277S\355? \241Ya! 20\260)");
        assert_eq!(literal("🙂"), "(?)");
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        // "$ 1.234,56": $ 556, space 278, six digits 556, '.' and ',' 278.
        let w = width("$ 1.234,56", Font::Regular, 10.0);
        assert!((w - (556.0 + 278.0 + 6.0 * 556.0 + 2.0 * 278.0) / 100.0).abs() < 0.001);
        assert_eq!(width("ñ", Font::Bold, 1000.0), width("n", Font::Bold, 1000.0));
        assert!(width("W", Font::Regular, 10.0) > width("i", Font::Regular, 10.0));
    }

    #[test]
    fn truncation_and_wrapping_respect_the_width() {
        let long = "Tornillo hexagonal galvanizado de acero inoxidable referencia 3/8 x 2 pulgadas";
        let cut = truncate(long, Font::Regular, 8.0, 100.0);
        assert!(cut.ends_with("...") && width(&cut, Font::Regular, 8.0) <= 100.0, "{cut}");
        assert_eq!(truncate("Corto", Font::Regular, 8.0, 100.0), "Corto");
        let lines = wrap(&format!("{long}\n\nSegundo párrafo {}", "x".repeat(80)), Font::Regular, 8.0, 120.0);
        assert!(lines.len() > 4);
        assert!(lines.iter().all(|l| width(l, Font::Regular, 8.0) <= 120.0), "{lines:?}");
        assert!(lines.iter().any(|l| l.is_empty()), "the blank line between paragraphs is kept");
    }
}
