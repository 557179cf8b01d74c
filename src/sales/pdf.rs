//! The invoice PDF, written by hand: PDF 1.4, A4 portrait, the standard Helvetica fonts in WinAnsi and
//! uncompressed content streams, so that the text (the number, the amounts) can be searched and extracted.
//!
//! Page 1 opens with the company (and its logo), the title, number, dates, PDV and status, the resolution
//! text and the customer; then come the lines, over as many pages as they need (each repeating the table
//! header), the tax summary beside the totals, and the notes. Every page ends with "Página i de n".

use super::document::{InvoiceDocument, TaxSummary};
use super::model::{InvoiceStatus, PaymentStatus};
use super::pdf_layout::{assemble, Canvas, Jpeg, PAGE_HEIGHT, PAGE_WIDTH};
use super::pdf_text::{wrap, Font};
use crate::kernel::Money;
use rust_decimal::{Decimal, RoundingStrategy};

const LEFT: f32 = 40.0;
const RIGHT: f32 = PAGE_WIDTH - 40.0;
const TOP: f32 = PAGE_HEIGHT - 40.0;
/// The lowest the body goes; the footer lives below.
const BOTTOM: f32 = 56.0;
const ROW: f32 = 14.0;
const TABLE_SIZE: f32 = 7.5;
/// Where the totals block starts (the tax summary takes the left part).
const TOTALS_X: f32 = 350.0;
/// More taxes than this on one invoice are not printed (the summary must fit on a page).
const MAX_TAX_ROWS: usize = 24;

/// The line table: label, left edge, width, right-aligned.
const COLUMNS: [(&str, f32, f32, bool); 8] = [
    ("Descripción", 40.0, 150.0, false),
    ("SKU", 190.0, 56.0, false),
    ("Cant.", 246.0, 36.0, true),
    ("Precio unit.", 282.0, 64.0, true),
    ("Desc.", 346.0, 34.0, true),
    ("Subtotal", 380.0, 60.0, true),
    ("Impuestos", 440.0, 56.0, true),
    ("Total", 496.0, 59.0, true),
];

/// Pesos the Colombian way: `$ 1.234.567,89` (thousands with '.', cents with ','), `-$ 5.000,00` when
/// negative.
pub fn format_cop(money: Money) -> String {
    let amount = money.amount().round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let digits = format!("{:.2}", amount.abs());
    let (int, cents) = digits.split_once('.').unwrap_or((&digits, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if amount.is_sign_negative() && !amount.is_zero() { "-" } else { "" };
    format!("{sign}$ {grouped},{cents}")
}

/// A quantity or percentage without trailing zeros: `2`, `1.5`.
fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}

/// The printed number: `No. F-000001`, or `BORRADOR` before the invoice is issued.
fn number_label(doc: &InvoiceDocument) -> String {
    match &doc.invoice.number {
        Some(n) if doc.invoice.status != InvoiceStatus::Draft => format!("No. {n}"),
        _ => "BORRADOR".to_string(),
    }
}

fn status_label(doc: &InvoiceDocument) -> &'static str {
    match (doc.invoice.status, doc.invoice.payment_status()) {
        (InvoiceStatus::Draft, _) => "Borrador",
        (InvoiceStatus::Open, PaymentStatus::Partial) => "Abierta (pago parcial)",
        (InvoiceStatus::Open, _) => "Abierta",
        (InvoiceStatus::Paid, _) => "Pagada",
        (InvoiceStatus::Void, _) => "Anulada",
    }
}

/// The invoice as a PDF file.
pub fn render(doc: &InvoiceDocument) -> Vec<u8> {
    let logo = doc.logo_jpeg.as_deref().and_then(Jpeg::parse);
    let mut pages = Pages { doc, done: Vec::new(), page: Canvas::default(), y: TOP };
    pages.header(logo.as_ref());
    pages.lines();
    pages.summary();
    pages.notes();
    let title = format!("Factura {}", number_label(doc).trim_start_matches("No. "));
    assemble(&title, &pages.finish(), logo.as_ref())
}

/// The pages laid out so far, the one being filled and its cursor (the top of the free space).
struct Pages<'a> {
    doc: &'a InvoiceDocument,
    done: Vec<Canvas>,
    page: Canvas,
    y: f32,
}

impl Pages<'_> {
    /// Makes room for `h` points below the cursor, starting a page (with the short header of the following
    /// pages) when this one is full; true when it did.
    fn room(&mut self, h: f32) -> bool {
        if self.y - h >= BOTTOM {
            return false;
        }
        self.done.push(std::mem::take(&mut self.page));
        let c = &mut self.page;
        c.text_fit(LEFT, TOP - 10.0, Font::Bold, 10.0, 300.0, &self.doc.company.name);
        c.text_right(RIGHT, TOP - 10.0, Font::Regular, 9.0, &format!("Factura {}", number_label(self.doc)));
        c.rule(LEFT, TOP - 18.0, RIGHT, TOP - 18.0);
        self.y = TOP - 28.0;
        true
    }

    /// Page 1: company and logo on the left, title and invoice facts on the right, the resolution, the
    /// customer.
    fn header(&mut self, logo: Option<&Jpeg>) {
        let (doc, c) = (self.doc, &mut self.page);
        let (mut x, mut bottom) = (LEFT, TOP);
        if let Some(jpeg) = logo {
            let scale = (100.0 / f32::from(jpeg.width)).min(60.0 / f32::from(jpeg.height));
            let (w, h) = (f32::from(jpeg.width) * scale, f32::from(jpeg.height) * scale);
            c.logo(LEFT, TOP - h, w, h);
            (x, bottom) = (LEFT + w + 10.0, TOP - h - 4.0);
        }
        let (max, company) = (330.0 - x, &doc.company);
        let mut y = TOP - 12.0;
        c.text_fit(x, y, Font::Bold, 13.0, max, &company.name);
        let phone = company.phone.as_ref().map(|p| format!("Tel. {p}"));
        for detail in
            [company.identification.as_ref(), company.address.as_ref(), phone.as_ref(), company.email.as_ref()]
                .into_iter()
                .flatten()
        {
            y -= 12.0;
            c.text_fit(x, y, Font::Regular, 9.0, max, detail);
        }
        bottom = bottom.min(y - 8.0);

        let inv = &doc.invoice;
        let mut y = TOP - 12.0;
        c.text_right(RIGHT, y, Font::Bold, 11.0, "FACTURA ELECTRÓNICA DE VENTA");
        y -= 18.0;
        c.text_right_fit(RIGHT, y, Font::Bold, 14.0, 210.0, &number_label(doc));
        let mut facts = vec![format!("Fecha de emisión: {}", inv.issue_date.format("%Y-%m-%d"))];
        if let Some(due) = inv.due_date {
            facts.push(format!("Fecha de vencimiento: {}", due.format("%Y-%m-%d")));
        }
        facts.push(format!("Punto de venta: {}", doc.pdv_name));
        facts.push(format!("Estado: {}", status_label(doc)));
        for fact in &facts {
            y -= 12.0;
            c.text_right_fit(RIGHT, y, Font::Regular, 9.0, 210.0, fact);
        }
        let mut y = bottom.min(y - 8.0);
        c.rule(LEFT, y, RIGHT, y);

        if let Some(resolution) = doc.resolution_text() {
            for line in wrap(&resolution, Font::Regular, 7.5, RIGHT - LEFT) {
                y -= 10.0;
                c.text(LEFT, y, Font::Regular, 7.5, &line);
            }
            y -= 4.0;
        }

        let customer = &doc.customer;
        y -= 14.0;
        c.text(LEFT, y, Font::Bold, 8.0, "CLIENTE");
        let address = customer.address.as_ref().map(|a| format!("Dirección: {a}"));
        let on_left: Vec<&String> =
            [customer.identification.as_ref(), address.as_ref()].into_iter().flatten().collect();
        let phone = customer.phone.as_ref().map(|p| format!("Teléfono: {p}"));
        let email = customer.email.as_ref().map(|e| format!("Correo: {e}"));
        let on_right: Vec<&String> = [phone.as_ref(), email.as_ref()].into_iter().flatten().collect();
        let height = 12.0 * (1 + on_left.len()).max(on_right.len()) as f32 + 8.0;
        y -= 4.0;
        c.frame(LEFT, y - height, RIGHT - LEFT, height);
        c.text_fit(LEFT + 6.0, y - 13.0, Font::Bold, 10.0, 270.0, &customer.name);
        for (i, line) in on_left.iter().enumerate() {
            c.text_fit(LEFT + 6.0, y - 25.0 - 12.0 * i as f32, Font::Regular, 9.0, 270.0, line);
        }
        for (i, line) in on_right.iter().enumerate() {
            c.text_fit(TOTALS_X - 20.0, y - 13.0 - 12.0 * i as f32, Font::Regular, 9.0, RIGHT - TOTALS_X + 14.0, line);
        }
        self.y = y - height - 12.0;
    }

    fn table_header(&mut self) {
        let y = self.y;
        self.page.fill(LEFT, y - 16.0, RIGHT - LEFT, 16.0, 0.85);
        for (label, x, w, right) in COLUMNS {
            if right {
                self.page.text_right(x + w - 3.0, y - 11.0, Font::Bold, TABLE_SIZE, label);
            } else {
                self.page.text(x + 3.0, y - 11.0, Font::Bold, TABLE_SIZE, label);
            }
        }
        self.y -= 16.0;
    }

    /// The line table, continued on new pages under a repeated header.
    fn lines(&mut self) {
        let doc = self.doc;
        self.room(16.0 + ROW);
        self.table_header();
        for (i, line) in doc.invoice.lines.iter().enumerate() {
            if self.room(ROW) {
                self.table_header();
            }
            let y = self.y;
            if i % 2 == 1 {
                self.page.fill(LEFT, y - ROW, RIGHT - LEFT, ROW, 0.95);
            }
            let a = &line.amounts;
            let cells = [
                line.name.clone(),
                line.sku.clone(),
                plain(line.quantity.value()),
                format_cop(line.unit_price),
                format!("{}%", plain(line.discount_pct)),
                format_cop(a.base),
                format_cop(a.taxes),
                format_cop(a.total),
            ];
            for ((_, x, w, right), cell) in COLUMNS.into_iter().zip(&cells) {
                if right {
                    self.page.figure(x + w - 3.0, y - 10.0, Font::Regular, TABLE_SIZE, w - 6.0, cell);
                } else {
                    self.page.text_fit(x + 3.0, y - 10.0, Font::Regular, TABLE_SIZE, w - 6.0, cell);
                }
            }
            self.y -= ROW;
        }
        if doc.invoice.lines.is_empty() {
            self.page.text(LEFT + 3.0, self.y - 10.0, Font::Regular, TABLE_SIZE, "Sin ítems");
            self.y -= ROW;
        }
        self.page.rule(LEFT, self.y, RIGHT, self.y);
    }

    /// The taxes by name and rate (withholdings apart, as "Retenciones") beside the totals.
    fn summary(&mut self) {
        let doc = self.doc;
        let inv = &doc.invoice;
        let (added, withheld): (Vec<&TaxSummary>, Vec<&TaxSummary>) =
            doc.taxes.iter().take(MAX_TAX_ROWS).partition(|t| !t.is_withholding);
        let withheld_h = if withheld.is_empty() { 0.0 } else { 14.0 + 11.0 * withheld.len() as f32 };
        let taxes_h = 28.0 + 11.0 * added.len().max(1) as f32 + withheld_h;
        let totals = [
            ("Subtotal", inv.totals.subtotal, false),
            ("Descuentos", inv.totals.discount, false),
            ("Impuestos", inv.totals.taxes, false),
            ("Total", inv.totals.total, true),
            ("Retenciones", inv.totals.withholdings, false),
            ("Total a pagar", inv.payable(), true),
            ("Pagado", inv.paid_amount, false),
            ("Notas crédito", inv.credited_amount, false),
            ("Saldo", doc.balance_due, true),
        ];
        let height = taxes_h.max(13.0 * totals.len() as f32);
        self.y -= 12.0;
        self.room(height);
        let (top, c) = (self.y, &mut self.page);

        let mut y = top - 10.0;
        c.text(LEFT, y, Font::Bold, 9.0, "Resumen de impuestos");
        y -= 14.0;
        c.text(LEFT, y, Font::Bold, TABLE_SIZE, "Impuesto");
        for (label, right) in [("Tarifa", 150.0), ("Base", 222.0), ("Valor", 290.0)] {
            c.text_right(LEFT + right, y, Font::Bold, TABLE_SIZE, label);
        }
        if doc.taxes.is_empty() {
            c.text(LEFT, y - 11.0, Font::Regular, TABLE_SIZE, "Sin impuestos");
        }
        for tax in &added {
            y -= 11.0;
            tax_row(c, y, tax);
        }
        if !withheld.is_empty() {
            y -= 14.0;
            c.text(LEFT, y, Font::Bold, 8.0, "Retenciones");
            for tax in &withheld {
                y -= 11.0;
                tax_row(c, y, tax);
            }
        }

        let mut y = top;
        for (label, amount, strong) in totals {
            let font = if strong { Font::Bold } else { Font::Regular };
            if strong {
                c.fill(TOTALS_X, y - 13.0, RIGHT - TOTALS_X, 13.0, 0.9);
            }
            c.text(TOTALS_X + 4.0, y - 9.5, font, 8.5, label);
            c.figure(RIGHT - 3.0, y - 9.5, font, 8.5, 120.0, &format_cop(amount));
            y -= 13.0;
        }
        self.y = top - height;
    }

    /// The notes, and the reason of a void invoice.
    fn notes(&mut self) {
        let doc = self.doc;
        let inv = &doc.invoice;
        let mut sections = Vec::new();
        if let Some(notes) = inv.notes.as_ref().filter(|n| !n.trim().is_empty()) {
            sections.push(("Notas", notes));
        }
        if let Some(reason) = inv.void_reason.as_ref().filter(|_| inv.status == InvoiceStatus::Void) {
            sections.push(("Motivo de anulación", reason));
        }
        for (title, text) in sections {
            self.y -= 10.0;
            self.room(14.0 + 11.0);
            self.page.text(LEFT, self.y - 10.0, Font::Bold, 9.0, title);
            self.y -= 14.0;
            for line in wrap(text, Font::Regular, 8.5, RIGHT - LEFT) {
                self.room(11.0);
                self.page.text(LEFT, self.y - 9.0, Font::Regular, 8.5, &line);
                self.y -= 11.0;
            }
        }
    }

    /// The finished pages, each with its footer.
    fn finish(mut self) -> Vec<Canvas> {
        self.done.push(std::mem::take(&mut self.page));
        let (count, label) = (self.done.len(), format!("Factura {}", number_label(self.doc)));
        for (i, page) in self.done.iter_mut().enumerate() {
            page.rule(LEFT, 44.0, RIGHT, 44.0);
            page.text(LEFT, 32.0, Font::Regular, 8.0, &label);
            page.text_right(RIGHT, 32.0, Font::Regular, 8.0, &format!("Página {} de {count}", i + 1));
        }
        self.done
    }
}

/// One tax of the summary: name, rate as a percentage, taxable base, amount.
fn tax_row(c: &mut Canvas, y: f32, tax: &TaxSummary) {
    c.text_fit(LEFT, y, Font::Regular, TABLE_SIZE, 100.0, &tax.name);
    c.text_right(LEFT + 150.0, y, Font::Regular, TABLE_SIZE, &format!("{}%", plain(tax.rate * Decimal::ONE_HUNDRED)));
    c.figure(LEFT + 222.0, y, Font::Regular, TABLE_SIZE, 66.0, &format_cop(tax.taxable));
    c.figure(LEFT + 290.0, y, Font::Regular, TABLE_SIZE, 64.0, &format_cop(tax.amount));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tax::TaxKind;
    use crate::kernel::*;
    use crate::sales::document::{tax_summary, PartyBlock};
    use crate::sales::model::*;
    use chrono::{NaiveDate, Utc};

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
            id: InvoiceId::new(),
            kind: InvoiceType::Sale,
            pdv_id: pdv,
            customer_id: ContactId::new(),
            seller_id: user,
            number: issued.then(|| "F-000001".to_string()),
            number_seq: issued.then_some(1),
            range_id: issued.then_some(range.id),
            status,
            issue_date: date(1, 15),
            due_date: Some(date(2, 14)),
            notes: Some("Gracias por su compra.\nConsignar a la cuenta de ahorros 123-456 (Bancolombia).".to_string()),
            currency: "COP".to_string(),
            totals: Totals::of(lines.iter().map(|l| &l.amounts)),
            paid_amount: Money::ZERO,
            credited_amount: Money::ZERO,
            refunded_amount: Money::ZERO,
            lines,
            created_by: user,
            confirmed_by: None,
            confirmed_at: None,
            voided_by: None,
            voided_at: None,
            void_reason: None,
            credit_override_by: None,
            updated_by: user,
            created_at: now,
            updated_at: now,
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
}
