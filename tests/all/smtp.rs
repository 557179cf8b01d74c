//! The SMTP mailer against a real SMTP sink (aiosmtpd, started by `scripts/smtp-sink.sh`).

use crate::harness::{test_ports, unique, TestApp};
use ally360::ports::{Email, EmailAttachment, Mailer};
use ally360_smtp::SmtpMailer;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

fn sink() -> Option<(String, String)> {
    let url = std::env::var("ALLY_TEST_SMTP_URL").ok().filter(|u| !u.is_empty());
    let Some(url) = url else {
        assert!(
            std::env::var("ALLY_REQUIRE_BACKENDS").as_deref() != Ok("1"),
            "ALLY_REQUIRE_BACKENDS=1 but ALLY_TEST_SMTP_URL is not set"
        );
        eprintln!("skipped: SMTP run (ALLY_TEST_SMTP_URL is not set)");
        return None;
    };
    Some((url, std::env::var("ALLY_TEST_SMTP_MAILDIR").expect("ALLY_TEST_SMTP_MAILDIR")))
}

/// The raw message delivered to `to`, waiting up to five seconds.
async fn delivered(maildir: &str, to: &str) -> Option<String> {
    for _ in 0..50 {
        if let Ok(entries) = std::fs::read_dir(format!("{maildir}/new")) {
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                if text.contains(to) {
                    return Some(text);
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_mailer_delivers_both_parts() {
    let Some((url, maildir)) = sink() else { return };
    let mailer = SmtpMailer::new(&url, "Ally360 <no-reply@ally360.test>").unwrap();
    let to = format!("smtp-{}@example.com", unique());
    let email = Email {
        to: to.clone(),
        subject: "Prueba de envio".into(),
        html: "<p>Hola <b>Ana</b></p>".into(),
        text: "Hola Ana".into(),
        ..Default::default()
    };
    mailer.send(&email).await.unwrap();
    let raw = delivered(&maildir, &to).await.expect("message in the sink");
    assert!(raw.contains("Subject: Prueba de envio"));
    assert!(raw.contains("From: Ally360 <no-reply@ally360.test>"));
    assert!(raw.contains("multipart/alternative"));
    assert!(raw.contains("text/plain") && raw.contains("Hola Ana"));
    assert!(raw.contains("text/html") && raw.contains("<b>Ana</b>"));
    // An unreachable server is an error (the job is retried), never a silent success.
    let nowhere = SmtpMailer::new("smtp://127.0.0.1:1", "Ally360 <no-reply@ally360.test>").unwrap();
    assert!(nowhere.send(&email).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_sends_the_verification_email_through_smtp() {
    let Some((url, maildir)) = sink() else { return };
    let smtp: Arc<dyn Mailer> = Arc::new(SmtpMailer::new(&url, "Ally360 <no-reply@ally360.test>").unwrap());
    let log = Arc::new(ally360_memory::LogMailer::new());
    let t = TestApp::on(ally360::AppPorts { mailer: smtp, ..test_ports() }, log);
    let email = format!("smtp-register-{}@example.com", unique());
    let body =
        json!({"email": email, "password": "secret-pass-1", "profile": {"first_name": "Ana", "last_name": "Gómez"}});
    t.post("/auth/register", None, body).await.expect(202);
    let report = t.app.jobs.drain("worker").await.unwrap();
    assert_eq!(report.succeeded, 1);
    let raw = delivered(&maildir, &email).await.expect("verification email in the sink");
    assert!(raw.contains("Subject: Verifica tu cuenta en Ally360"));
    assert!(raw.contains("verify-email?token="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_mailer_attaches_files() {
    let Some((url, maildir)) = sink() else { return };
    let mailer = SmtpMailer::new(&url, "Ally360 <no-reply@ally360.test>").unwrap();
    let to = format!("smtp-{}@example.com", unique());
    // Binary content, as a PDF's is: it travels base64-encoded.
    let mut pdf = b"%PDF-1.4\n%".to_vec();
    pdf.extend((0..=255u8).rev());
    let email = Email {
        to: to.clone(),
        subject: "Factura F-000001".into(),
        html: "<p>Adjunta</p>".into(),
        text: "Adjunta".into(),
        attachments: vec![EmailAttachment {
            filename: "factura_F-000001.pdf".into(),
            content_type: "application/pdf".into(),
            content: pdf.clone(),
        }],
    };
    mailer.send(&email).await.unwrap();
    let raw = delivered(&maildir, &to).await.expect("message in the sink");
    assert!(raw.contains("multipart/mixed"), "text and attachment travel in a mixed part");
    assert!(raw.contains("Content-Type: application/pdf"));
    assert!(raw.contains("filename=\"factura_F-000001.pdf\""));
    // The body is base64 folded over lines; compare without the breaks.
    let unfolded = raw.replace("\r\n", "").replace('\n', "");
    assert!(unfolded.contains(&base64_of(&pdf)), "the PDF bytes are in the message");
}

fn base64_of(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
