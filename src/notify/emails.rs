//! Rendering of transactional emails. Links are built from the configured frontend URL.

use crate::ports::Email;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

pub(crate) fn layout(to: &str, subject: &str, paragraphs: &[String], action: Option<(&str, &str)>) -> Email {
    let mut html = String::from(
        "<!doctype html><html lang=\"es-CO\"><body style=\"font-family:Arial,sans-serif;color:#1f2937\">\
         <div style=\"background:#1d4ed8;color:#fff;padding:16px\"><strong>Ally360</strong></div>\
         <div style=\"padding:16px\">",
    );
    let mut text = String::new();
    for p in paragraphs {
        html.push_str(&format!("<p>{}</p>", escape(p)));
        text.push_str(p);
        text.push_str("\n\n");
    }
    if let Some((label, url)) = action {
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"background:#1d4ed8;color:#fff;padding:10px 16px;text-decoration:none\">{}</a></p>",
            escape(url),
            escape(label)
        ));
        text.push_str(&format!("{label}: {url}\n\n"));
    }
    html.push_str(
        "</div><div style=\"background:#f3f4f6;padding:12px;font-size:12px\">Ally360 · Colombia</div></body></html>",
    );
    text.push_str("— Ally360\n");
    Email { to: to.into(), subject: subject.into(), html, text, attachments: Vec::new() }
}

fn link(frontend: &str, path: &str, token: &str) -> String {
    format!("{}/{path}?token={token}", frontend.trim_end_matches('/'))
}

/// "Verify your account", with the 24 h link.
pub fn verification(frontend: &str, to: &str, name: &str, token: &str) -> Email {
    let url = format!("{}&auto_login=true", link(frontend, "verify-email", token));
    layout(
        to,
        "Verifica tu cuenta en Ally360",
        &[
            format!("Hola {name},"),
            "Gracias por registrarte en Ally360. Confirma tu correo para activar tu cuenta.".into(),
            "El enlace vence en 24 horas. Si no creaste esta cuenta, ignora este mensaje.".into(),
        ],
        Some(("Verificar mi cuenta", &url)),
    )
}

/// Someone tried to register an address that already has an account.
pub fn account_exists(frontend: &str, to: &str, name: &str) -> Email {
    let url = format!("{}/login", frontend.trim_end_matches('/'));
    layout(
        to,
        "Ya tienes una cuenta en Ally360",
        &[
            format!("Hola {name},"),
            "Alguien intentó registrarse en Ally360 con este correo, que ya tiene una cuenta.".into(),
            "Si fuiste tú, inicia sesión o restablece tu contraseña. Si no, ignora este mensaje.".into(),
        ],
        Some(("Iniciar sesión", &url)),
    )
}

/// The password reset link, valid for one hour.
pub fn password_reset(frontend: &str, to: &str, name: &str, token: &str) -> Email {
    layout(
        to,
        "Restablece tu contraseña en Ally360",
        &[
            format!("Hola {name},"),
            "Recibimos una solicitud para restablecer tu contraseña.".into(),
            "El enlace vence en 1 hora y sirve una sola vez. Si no lo pediste, ignora este mensaje.".into(),
        ],
        Some(("Restablecer contraseña", &link(frontend, "reset-password", token))),
    )
}

/// Notice that the password changed (sessions elsewhere were closed).
pub fn password_changed(to: &str, name: &str) -> Email {
    layout(
        to,
        "Tu contraseña de Ally360 cambió",
        &[
            format!("Hola {name},"),
            "Tu contraseña se cambió y cerramos las demás sesiones abiertas.".into(),
            "Si no fuiste tú, restablece tu contraseña de inmediato y contáctanos.".into(),
        ],
        None,
    )
}

/// An invitation to join a company, valid for seven days.
pub fn invitation(frontend: &str, to: &str, inviter: &str, company: &str, role: &str, token: &str) -> Email {
    layout(
        to,
        &format!("Te han invitado a {company} en Ally360"),
        &[
            format!("{inviter} te invitó a unirte a {company} en Ally360 con el rol {role}."),
            "La invitación vence en 7 días.".into(),
        ],
        Some(("Aceptar invitación", &link(frontend, "accept-invitation", token))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_escape_html_and_carry_both_parts() {
        let e = invitation("http://app/", "a@b.co", "<b>Ana</b>", "Tienda & Cía", "admin", "tok");
        assert!(e.html.contains("&lt;b&gt;Ana&lt;/b&gt;"));
        assert!(e.html.contains("Tienda &amp; Cía"));
        assert!(e.text.contains("http://app/accept-invitation?token=tok"));
        assert_eq!(e.subject, "Te han invitado a Tienda & Cía en Ally360");
        let v = verification("http://app", "a@b.co", "Ana", "t1");
        assert!(v.text.contains("http://app/verify-email?token=t1&auto_login=true"));
        assert!(password_reset("http://app", "a@b.co", "Ana", "t2").text.contains("1 hora"));
    }
}
