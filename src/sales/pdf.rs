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
pub(super) fn plain(value: Decimal) -> String {
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
