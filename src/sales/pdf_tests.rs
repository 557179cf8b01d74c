//! Unit tests of the invoice PDF: structure, pages, text, escaping and the logo.

use super::pdf::*;
use crate::catalog::tax::TaxKind;
use crate::kernel::*;
use crate::sales::document::{tax_summary, InvoiceDocument, PartyBlock};
use crate::sales::model::*;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;

fn money(units: i64) -> Money {
    Money::new(Decimal::from(units))
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn tax(id: u128, name: &str, kind: TaxKind, rate: Decimal, amount: i64) -> LineTax {
    let tax_id = TaxId::from_uuid(uuid::Uuid::from_u128(id));
    LineTax { tax_id, name: name.to_string(), code: "01".to_string(), kind, rate, amount: money(amount) }
}

/// 2 × $ 50.000 with 19 % IVA and 2.5 % retención: base 100.000, IVA 19.000, total 119.000.
fn line(position: i32, name: &str) -> InvoiceLine {
    InvoiceLine {
        id: InvoiceLineId::new(),
        position,
        product_id: ProductId::new(),
        variant_id: None,
        name: name.to_string(),
        sku: format!("SKU-{position:03}"),
        stocked: true,
        quantity: Quantity::new(Decimal::TWO),
        unit_price: money(50_000),
        discount_pct: Decimal::ZERO,
        amounts: LineAmounts {
            gross: money(100_000),
            discount: Money::ZERO,
            base: money(100_000),
            taxes: money(19_000),
            withholdings: money(2_500),
            total: money(119_000),
        },
        taxes: vec![
            tax(1, "IVA 19%", TaxKind::Vat, Decimal::new(19, 2), 19_000),
            tax(2, "Retención en la fuente", TaxKind::Withholding, Decimal::new(25, 3), 2_500),
        ],
        credited_quantity: Quantity::ZERO,
    }
}

fn document(status: InvoiceStatus, lines: usize) -> InvoiceDocument {
    let lines: Vec<InvoiceLine> = (1..=lines).map(|i| line(i as i32, &format!("Café de Nariño {i}"))).collect();
    let (now, user, pdv) = (Utc::now(), UserId::new(), PdvId::new());
    let issued = status != InvoiceStatus::Draft;
    let range = NumberingRange {
        id: NumberingRangeId::new(),
        pdv_id: pdv,
        kind: DocumentKind::Invoice,
        resolution_number: "18760000001".to_string(),
        prefix: "F-".to_string(),
        range_from: 1,
        range_to: 5000,
        next_number: 2,
        valid_from: date(1, 1),
        valid_to: date(12, 31),
        is_active: true,
        created_by: user,
        created_at: now,
        updated_at: now,
    };
    let invoice = Invoice {
        pdv_id: pdv,
        number_seq: issued.then_some(1),
        range_id: issued.then_some(range.id),
        issue_date: date(1, 15),
        due_date: Some(date(2, 14)),
        notes: Some("Gracias por su compra.\nConsignar a la cuenta de ahorros 123-456 (Bancolombia).".to_string()),
        ..super::tests::invoice(status, lines)
    };
    InvoiceDocument {
        company: PartyBlock {
            name: "Distribuidora Ñandú S.A.S.".to_string(),
            identification: Some("NIT 900123456-7".to_string()),
            address: Some("Calle 10 # 20-30, Medellín".to_string()),
            phone: Some("+57 604 123 4567".to_string()),
            email: Some("ventas@nandu.co".to_string()),
        },
        logo_jpeg: None,
        customer: PartyBlock {
            name: "José Peña (Sucursal) \\ Norte".to_string(),
            identification: Some("CC 1020304050".to_string()),
            address: Some("Carrera 7 # 8-9, Bogotá".to_string()),
            phone: None,
            email: Some("jose@example.com".to_string()),
        },
        pdv_name: "Tienda principal".to_string(),
        taxes: tax_summary(&invoice),
        balance_due: invoice.balance_due(),
        range: issued.then_some(range),
        invoice,
    }
}

/// Leaves the file in `$ALLY360_PDF_SAMPLES` (when set) for a look with a real viewer.
fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("ALLY360_PDF_SAMPLES") {
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
}

fn find(pdf: &[u8], needle: &[u8]) -> Option<usize> {
    pdf.windows(needle.len()).position(|w| w == needle)
}

fn has(pdf: &[u8], needle: &str) -> bool {
    find(pdf, needle.as_bytes()).is_some()
}

fn count(pdf: &[u8], needle: &str) -> usize {
    pdf.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count()
}

fn number_at(pdf: &[u8], at: usize) -> usize {
    let digits: String = pdf[at..].iter().take_while(|b| b.is_ascii_digit()).map(|b| *b as char).collect();
    digits.parse().unwrap()
}

/// Checks the file's frame (header, xref, trailer, end marker, stream lengths); returns the page count.
fn check_structure(pdf: &[u8]) -> usize {
    assert!(pdf.starts_with(b"%PDF-1.4\n"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    let xref = number_at(pdf, find_last(pdf, b"startxref\n") + b"startxref\n".len());
    assert!(pdf[..xref].ends_with(b"endobj\n"), "startxref points at the xref table");
    assert!(pdf[xref..].starts_with(b"xref\n0 "));
    let size = number_at(pdf, xref + 7);
    let entries = xref + 7 + size.to_string().len() + 1;
    assert_eq!(&pdf[entries..entries + 20], b"0000000000 65535 f \n");
    for n in 1..size {
        let entry = &pdf[entries + 20 * n..entries + 20 * (n + 1)];
        assert!(entry.ends_with(b" 00000 n \n"), "entry {n} is 20 bytes");
        let offset = number_at(entry, 0);
        assert!(pdf[offset..].starts_with(format!("{n} 0 obj\n").as_bytes()), "object {n} at {offset}");
    }
    let trailer = entries + 20 * size;
    assert!(pdf[trailer..].starts_with(format!("trailer\n<< /Size {size} /Root 1 0 R").as_bytes()));
    let mut from = 0;
    while let Some(at) = find(&pdf[from..], b">>\nstream\n") {
        let start = from + at + b">>\nstream\n".len();
        let dict = &pdf[..from + at];
        let length = number_at(pdf, find_last(dict, b"/Length ") + b"/Length ".len());
        assert!(pdf[start + length..].starts_with(b"\nendstream\nendobj\n"), "exact /Length");
        from = start + length;
    }
    let pages = count(pdf, "/Type /Page ");
    assert!(has(pdf, &format!("/Count {pages} >>")));
    pages
}

fn find_last(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).rposition(|w| w == needle).unwrap()
}

#[test]
fn an_open_invoice_is_a_valid_searchable_pdf() {
    let pdf = render(&document(InvoiceStatus::Open, 1));
    keep("open.pdf", &pdf);
    assert_eq!(check_structure(&pdf), 1);
    assert!(has(&pdf, "/BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding"));
    assert!(!has(&pdf, "/FlateDecode"));
    for text in [
        "(FACTURA ELECTR\\323NICA DE VENTA) Tj",
        "(No. F-000001) Tj",
        "(Distribuidora \\321and\\372 S.A.S.) Tj",
        "(NIT 900123456-7) Tj",
        "(Fecha de emisi\\363n: 2026-01-15) Tj",
        "(Fecha de vencimiento: 2026-02-14) Tj",
        "(Punto de venta: Tienda principal) Tj",
        "(Estado: Abierta) Tj",
        "(Resoluci\\363n DIAN 18760000001 del 2026-01-01, numeraci\\363n F-000001 a F-005000, vigente",
        "(Caf\\351 de Nari\\361o 1) Tj",
        "(SKU-001) Tj",
        "(2) Tj",
        "($ 50.000,00) Tj",
        "(0%) Tj",
        "($ 100.000,00) Tj",
        "($ 119.000,00) Tj",
        "(19%) Tj",
        "(Retenciones) Tj",
        "(2.5%) Tj",
        "(Total a pagar) Tj",
        "($ 116.500,00) Tj",
        "(Notas cr\\351dito) Tj",
        "(Consignar a la cuenta de ahorros 123-456 \\(Bancolombia\\).) Tj",
        "(P\\341gina 1 de 1) Tj",
    ] {
        assert!(has(&pdf, text), "{text} is in the content");
    }
    assert!(!has(&pdf, "BORRADOR"));
}

#[test]
fn a_draft_says_borrador_and_has_no_resolution() {
    let pdf = render(&document(InvoiceStatus::Draft, 3));
    keep("draft.pdf", &pdf);
    assert_eq!(check_structure(&pdf), 1);
    assert!(has(&pdf, "(BORRADOR) Tj") && has(&pdf, "(Estado: Borrador) Tj"));
    assert!(!has(&pdf, "F-000001") && !has(&pdf, "Resoluci"));
    assert!(has(&pdf, "($ 357.000,00) Tj"), "3 × 119.000");
    assert!(has(&pdf, "/Title (Factura BORRADOR)"));
}

#[test]
fn sixty_lines_take_several_pages_with_the_header_repeated() {
    let pdf = render(&document(InvoiceStatus::Open, 60));
    keep("sixty.pdf", &pdf);
    let pages = check_structure(&pdf);
    assert!(pages >= 2, "{pages} pages");
    assert_eq!(count(&pdf, "(Descripci\\363n) Tj"), pages, "the table header on every page");
    for page in 1..=pages {
        assert!(has(&pdf, &format!("(P\\341gina {page} de {pages}) Tj")));
    }
    assert!(has(&pdf, "(Caf\\351 de Nari\\361o 60) Tj"));
    assert!(has(&pdf, "($ 7.140.000,00) Tj"), "60 × 119.000");
    // Every row stays above the footer.
    let content = String::from_utf8_lossy(&pdf);
    for op in content.lines().filter(|l| l.starts_with("BT /F1 7.5 Tf")) {
        let y: f32 = op.split(' ').nth(5).unwrap().parse().unwrap();
        assert!(y > 44.0, "{op}");
    }
}

#[test]
fn strings_are_win_ansi_with_parentheses_and_backslash_escaped() {
    let mut doc = document(InvoiceStatus::Open, 1);
    doc.invoice.lines[0].name = "Té ☕ 漢".to_string();
    let pdf = render(&doc);
    check_structure(&pdf);
    assert!(has(&pdf, r"(Jos\351 Pe\361a \(Sucursal\) \\ Norte) Tj"));
    assert!(has(&pdf, r"(T\351 ? ?) Tj"), "characters outside WinAnsi become ?");
}

#[test]
fn long_descriptions_are_cut_to_their_column() {
    let mut doc = document(InvoiceStatus::Open, 1);
    doc.invoice.lines[0].name = "Tornillo ".repeat(30);
    let pdf = render(&doc);
    assert!(has(&pdf, "(Tornillo Tornillo"));
    assert!(has(&pdf, "...) Tj"));
    assert!(!has(&pdf, &"Tornillo ".repeat(10)));
}

#[test]
fn the_logo_is_embedded_when_it_is_a_jpeg() {
    // SOI, an APP0 segment, SOF0 (8 bits, 20 × 40, 3 components), then EOI: enough for the header.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
    jpeg.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x14, 0x00, 0x28, 0x03]);
    jpeg.extend_from_slice(&[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    let mut doc = document(InvoiceStatus::Paid, 2);
    doc.logo_jpeg = Some(jpeg.clone());
    let pdf = render(&doc);
    keep("logo.pdf", &pdf);
    check_structure(&pdf);
    assert!(has(&pdf, "/Subtype /Image /Width 40 /Height 20 /ColorSpace /DeviceRGB /BitsPerComponent 8"));
    assert!(has(&pdf, &format!("/Filter /DCTDecode /Length {} >>", jpeg.len())));
    assert!(has(&pdf, "/XObject << /Im1 6 0 R >>") && has(&pdf, "/Im1 Do"));
    assert!(has(&pdf, "(Estado: Pagada) Tj"));

    // Progressive and greyscale, with a table segment and fill bytes before the frame header.
    let grey = [0xFF, 0xD8, 0xFF, 0xDB, 0, 3, 0, 0xFF, 0xFF, 0xC2, 0, 11, 8, 0, 16, 0, 32, 1, 1, 0x11, 0];
    doc.logo_jpeg = Some(grey.to_vec());
    let pdf = render(&doc);
    check_structure(&pdf);
    assert!(has(&pdf, "/Width 32 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode"));

    for bad in [b"\x89PNG\r\n\x1a\n".to_vec(), vec![0xFF, 0xD8, 0xFF, 0xDA, 0, 2], vec![0xFF, 0xD8, 0xFF]] {
        doc.logo_jpeg = Some(bad);
        let pdf = render(&doc);
        check_structure(&pdf);
        assert!(!has(&pdf, "/Image") && !has(&pdf, "/Im1"));
    }
}

#[test]
fn pesos_are_formatted_the_colombian_way() {
    let cop = |s: &str| format_cop(Money::new(s.parse().unwrap()));
    assert_eq!(cop("1234567.89"), "$ 1.234.567,89");
    assert_eq!(cop("119000"), "$ 119.000,00");
    assert_eq!(cop("999.5"), "$ 999,50");
    assert_eq!(cop("1000"), "$ 1.000,00");
    assert_eq!(cop("0"), "$ 0,00");
    assert_eq!(cop("-2500"), "-$ 2.500,00");
    assert_eq!(cop("123456789012.345"), "$ 123.456.789.012,35");
    assert_eq!(plain(Decimal::new(1500, 3)), "1.5");
    assert_eq!(plain(Decimal::new(2000, 3)), "2");
}
