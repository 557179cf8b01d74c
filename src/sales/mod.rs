//! Sales: numbering ranges, invoices (DRAFT → OPEN → PAID, or VOID), payments, credit notes, the invoice
//! PDF and its email, and the sales reports.

mod credit_notes;
pub mod document;
mod email;
mod input;
mod invoices;
mod lifecycle;
pub mod model;
mod payments;
pub mod pdf;
mod pdf_layout;
#[cfg(test)]
mod pdf_tests;
mod pdf_text;
pub mod pricing;
pub mod repo;
mod report_service;
pub mod reports;
mod service;
#[cfg(test)]
mod tests;

pub use credit_notes::{CreditLineInput, CreditNoteInput, CreditReceipt};
pub(crate) use email::deliver_invoice_email;
pub use email::SendInvoice;
pub use input::{InvoiceInput, InvoicePatch, LineInput, MAX_LINES};
pub use invoices::{InvoiceDetail, InvoiceList};
pub use payments::{PaymentInput, PaymentReceipt};
pub use report_service::{Bucket, Comparison, MonthlyStatus, Period, SalesSummary, MAX_REPORT_DAYS};
pub use service::{Idempotency, NextNumber, RangeInput, SalesService};
