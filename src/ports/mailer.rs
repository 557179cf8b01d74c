//! Outgoing email.

use crate::kernel::CoreResult;
use serde::{Deserialize, Serialize};

/// A file sent with an email.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAttachment {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A rendered email with an HTML and a plain-text part, and optional attachments.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// HTML body.
    pub html: String,
    /// Plain-text body.
    pub text: String,
    /// Files attached (invoice PDFs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<EmailAttachment>,
}

/// Delivers email. Contract: `Ok` means the message was accepted for delivery by the transport;
/// a refused recipient or an unreachable server is an `Err` (the job is then retried).
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one message.
    async fn send(&self, email: &Email) -> CoreResult<()>;
}
