//! The PDF file itself: a canvas that writes one page's content stream, the reader of a JPEG's frame header
//! (for the logo), and the writer that numbers the objects and builds the cross-reference table.

use super::pdf_text::{literal, truncate, width, Font};
use std::fmt::Write;

/// A4 portrait, in points.
pub(super) const PAGE_WIDTH: f32 = 595.0;
pub(super) const PAGE_HEIGHT: f32 = 842.0;

/// A number as PDF operators want it: at most 2 decimals, no trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// One page's content stream. It stays ASCII: strings go through [`literal`].
#[derive(Default)]
pub(super) struct Canvas {
    ops: String,
    uses_logo: bool,
}

impl Canvas {
    /// Text with its baseline starting at (x, y).
    pub(super) fn text(&mut self, x: f32, y: f32, font: Font, size: f32, s: &str) {
        let (res, size, x, y) = (font.resource(), num(size), num(x), num(y));
        let _ = writeln!(self.ops, "BT /{res} {size} Tf {x} {y} Td {} Tj ET", literal(s));
    }

    /// Text ending at `right`.
    pub(super) fn text_right(&mut self, right: f32, y: f32, font: Font, size: f32, s: &str) {
        self.text(right - width(s, font, size), y, font, size, s);
    }

    /// Text cut with "..." to `max` points.
    pub(super) fn text_fit(&mut self, x: f32, y: f32, font: Font, size: f32, max: f32, s: &str) {
        self.text(x, y, font, size, &truncate(s, font, size, max));
    }

    /// Text ending at `right`, cut with "..." to `max` points.
    pub(super) fn text_right_fit(&mut self, right: f32, y: f32, font: Font, size: f32, max: f32, s: &str) {
        self.text_right(right, y, font, size, &truncate(s, font, size, max));
    }

    /// A figure ending at `right`, in a smaller size (5 pt at least) when it is wider than `max` points:
    /// amounts are never cut.
    pub(super) fn figure(&mut self, right: f32, y: f32, font: Font, size: f32, max: f32, s: &str) {
        let w = width(s, font, size);
        let size = if w > max { (size * max / w).max(5.0) } else { size };
        self.text_right(right, y, font, size, s);
    }

    /// A filled rectangle in a shade of grey (0 black, 1 white).
    pub(super) fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, grey: f32) {
        let _ = writeln!(self.ops, "{} g {} {} {} {} re f 0 g", num(grey), num(x), num(y), num(w), num(h));
    }

    /// A thin grey rule.
    pub(super) fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let _ = writeln!(self.ops, "0.5 w 0.6 G {} {} m {} {} l S 0 G", num(x1), num(y1), num(x2), num(y2));
    }

    /// A thin grey frame.
    pub(super) fn frame(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let _ = writeln!(self.ops, "0.5 w 0.6 G {} {} {} {} re S 0 G", num(x), num(y), num(w), num(h));
    }

    /// The logo (`/Im1`) scaled into the box with its lower-left corner at (x, y).
    pub(super) fn logo(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let _ = writeln!(self.ops, "q {} 0 0 {} {} {} cm /Im1 Do Q", num(w), num(h), num(x), num(y));
        self.uses_logo = true;
    }
}

/// A baseline JPEG or progressive JPEG, embedded as it is (`/DCTDecode`).
pub(super) struct Jpeg<'a> {
    data: &'a [u8],
    pub(super) width: u16,
    pub(super) height: u16,
    components: u8,
}

impl<'a> Jpeg<'a> {
    /// Reads the frame header (SOF0, SOF1 or SOF2); None when the bytes are not a JPEG a reader can show.
    pub(super) fn parse(data: &'a [u8]) -> Option<Self> {
        if data.get(..2)? != [0xFF, 0xD8] {
            return None;
        }
        let mut i = 2;
        loop {
            if *data.get(i)? != 0xFF {
                return None;
            }
            while *data.get(i)? == 0xFF {
                i += 1;
            }
            let marker = data[i];
            i += 1;
            match marker {
                0x01 | 0xD0..=0xD7 => continue,
                // Image data or the end before any frame header; lossless, hierarchical, arithmetic coding.
                0xD9 | 0xDA | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
                _ => {}
            }
            let len = usize::from(u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?]));
            if len < 2 {
                return None;
            }
            let segment = data.get(i + 2..i + len)?;
            if matches!(marker, 0xC0..=0xC2) {
                let &[8, h1, h0, w1, w0, components, ..] = segment else { return None };
                let (height, width) = (u16::from_be_bytes([h1, h0]), u16::from_be_bytes([w1, w0]));
                let ok = height > 0 && width > 0 && matches!(components, 1 | 3 | 4);
                return ok.then_some(Jpeg { data, width, height, components });
            }
            i += len;
        }
    }

    fn dict_entries(&self) -> String {
        let (space, decode) = match self.components {
            1 => ("DeviceGray", ""),
            3 => ("DeviceRGB", ""),
            // Adobe writes CMYK JPEGs inverted.
            _ => ("DeviceCMYK", " /Decode [1 0 1 0 1 0 1 0]"),
        };
        format!(
            "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /{space} /BitsPerComponent 8{decode} \
             /Filter /DCTDecode ",
            self.width, self.height
        )
    }
}

/// The file being written: the bytes so far and the offset of each object (object `n` at index `n - 1`).
struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    /// Writes the next object; objects are written in the order of their numbers.
    fn object(&mut self, body: &[u8]) {
        self.offsets.push(self.out.len());
        self.out.extend_from_slice(format!("{} 0 obj\n", self.offsets.len()).as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    /// Writes the next object as a stream of `data`, its dictionary holding `entries` and the exact /Length.
    fn stream(&mut self, entries: &str, data: &[u8]) {
        let mut body = format!("<< {entries}/Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.object(&body);
    }

    /// The cross-reference table (20-byte entries), the trailer and the end-of-file marker.
    fn finish(mut self) -> Vec<u8> {
        let (start, size) = (self.out.len(), self.offsets.len() + 1);
        let mut tail = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for offset in &self.offsets {
            let _ = writeln!(tail, "{offset:010} 00000 n ");
        }
        let _ = write!(tail, "trailer\n<< /Size {size} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{start}\n%%EOF\n");
        self.out.extend_from_slice(tail.as_bytes());
        self.out
    }
}

/// The PDF 1.4 file of `pages`: 1 catalog, 2 page tree, 3-4 fonts, 5 info, 6 the logo when there is one,
/// then each page followed by its content stream.
pub(super) fn assemble(title: &str, pages: &[Canvas], logo: Option<&Jpeg>) -> Vec<u8> {
    let mut w = Writer { out: b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec(), offsets: Vec::new() };
    let first_page = if logo.is_some() { 7 } else { 6 };
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    w.object(b"<< /Type /Catalog /Pages 2 0 R >>");
    w.object(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).as_bytes());
    for name in ["Helvetica", "Helvetica-Bold"] {
        w.object(format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>").as_bytes());
    }
    w.object(format!("<< /Title {} /Producer (Ally360) >>", literal(title)).as_bytes());
    if let Some(jpeg) = logo {
        w.stream(&jpeg.dict_entries(), jpeg.data);
    }
    for (i, page) in pages.iter().enumerate() {
        let xobject = if page.uses_logo && logo.is_some() { " /XObject << /Im1 6 0 R >>" } else { "" };
        let contents = first_page + 2 * i + 1;
        w.object(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >>\
                 {xobject} >> /Contents {contents} 0 R >>",
                num(PAGE_WIDTH),
                num(PAGE_HEIGHT)
            )
            .as_bytes(),
        );
        w.stream("", page.ops.as_bytes());
    }
    w.finish()
}
