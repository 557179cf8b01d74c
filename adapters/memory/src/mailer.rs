//! The development mailer: logs each email (with its links) and keeps them for inspection.

use ally360::kernel::CoreResult;
use ally360::ports::{Email, Mailer};
use std::sync::Mutex;

/// Logs emails instead of sending them, and keeps every one in an inspectable outbox.
#[derive(Default)]
pub struct LogMailer {
    sent: Mutex<Vec<Email>>,
}

impl LogMailer {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
    }
    /// Every email "sent" so far, oldest first.
    pub fn sent(&self) -> Vec<Email> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
    /// The emails sent to `to`, oldest first.
    pub fn sent_to(&self, to: &str) -> Vec<Email> {
        self.sent().into_iter().filter(|e| e.to == to).collect()
    }
}

#[async_trait::async_trait]
impl Mailer for LogMailer {
    async fn send(&self, email: &Email) -> CoreResult<()> {
        tracing::info!(to = %email.to, subject = %email.subject, body = %email.text, "email (log mailer)");
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(email.clone());
        }
        Ok(())
    }
}
