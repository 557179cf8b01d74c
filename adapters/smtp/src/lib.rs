//! The SMTP mailer (lettre). The TLS mode comes from the URL:
//! `smtp://host:25` (plain, for local sinks), `smtp://user:pass@host:587?tls=required` (STARTTLS),
//! `smtps://user:pass@host:465` (implicit TLS).

use ally360::kernel::{CoreError, CoreResult};
use ally360::ports::{Email, Mailer};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Sends email through an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for `url`, sending as `from` (`Ally360 <no-reply@example.com>`). The URL holds the
    /// credentials: it is never logged.
    pub fn new(url: &str, from: &str) -> CoreResult<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| CoreError::internal("SMTP_URL is not a valid smtp:// or smtps:// URL"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|_| CoreError::internal("EMAIL_FROM is not a valid mailbox"))?;
        Ok(Self { transport, from })
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> CoreResult<()> {
        let to: Mailbox = email.to.parse().map_err(|_| CoreError::invalid("to", "invalid_email", "bad recipient"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .multipart(body(email)?)
            .map_err(CoreError::internal)?;
        self.transport.send(message).await.map_err(|e| {
            tracing::warn!(error = %e, "smtp send failed");
            CoreError::Unavailable("the mail server refused or is unreachable".into())
        })?;
        Ok(())
    }
}

/// The text and HTML parts, in a mixed part with the attachments when there are any.
fn body(email: &Email) -> CoreResult<MultiPart> {
    let text = MultiPart::alternative_plain_html(email.text.clone(), email.html.clone());
    if email.attachments.is_empty() {
        return Ok(text);
    }
    let mut mixed = MultiPart::mixed().multipart(text);
    for a in &email.attachments {
        let kind =
            ContentType::parse(&a.content_type).map_err(|_| CoreError::internal("bad attachment content type"))?;
        mixed = mixed.singlepart(Attachment::new(a.filename.clone()).body(a.content.clone(), kind));
    }
    Ok(mixed)
}
