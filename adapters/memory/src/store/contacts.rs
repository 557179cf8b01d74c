//! A tenant's contacts in memory.

use super::MemTx;
use ally360::contacts::model::{Attachment, Contact, ContactStats, ContactType};
use ally360::contacts::repo::{ContactQuery, ContactRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

fn clash(existing: &Contact, c: &Contact) -> bool {
    existing.id != c.id
        && existing.deleted_at.is_none()
        && c.deleted_at.is_none()
        && c.id_number.is_some()
        && existing.id_number == c.id_number
}

fn taken() -> CoreError {
    CoreError::conflict_on("contact_exists", "id_number", "another contact has this identification")
}

fn matches(c: &Contact, q: &ContactQuery) -> bool {
    let text = q.search.as_ref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    let hay =
        |v: &Option<String>| v.as_ref().is_some_and(|x| text.as_ref().is_some_and(|t| x.to_lowercase().contains(t)));
    // A number typed with dots or dashes still finds the canonical (digits only) value.
    let digits = text
        .as_ref()
        .map(|t| t.chars().filter(|c| !matches!(c, '.' | '-' | ' ')).collect::<String>())
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
    let number_hit = digits.is_some_and(|d| c.id_number.as_ref().is_some_and(|n| n.contains(&d)));
    (c.deleted_at.is_some() == q.deleted)
        && q.kind.is_none_or(|k| c.is(k))
        && q.is_active.is_none_or(|a| c.is_active == a)
        && q.seller.is_none_or(|s| c.seller_id == Some(s))
        && (text.is_none()
            || hay(&Some(c.name.clone()))
            || hay(&c.email)
            || hay(&c.id_number)
            || number_hit
            || hay(&c.phone_primary)
            || hay(&c.phone_secondary)
            || hay(&c.mobile))
        && q.after.as_ref().is_none_or(|(name, id)| (c.name.to_lowercase(), c.id) > (name.clone(), *id))
}

#[async_trait]
impl ContactRepo for MemTx {
    async fn insert(&mut self, c: &Contact) -> CoreResult<()> {
        let data = self.tenant_data()?;
        if data.contacts.values().any(|e| clash(e, c)) {
            return Err(taken());
        }
        data.contacts.insert(c.id, c.clone());
        Ok(())
    }
    async fn update(&mut self, c: &Contact) -> CoreResult<()> {
        self.insert(c).await
    }
    async fn by_id(&mut self, id: ContactId) -> CoreResult<Option<Contact>> {
        Ok(self.tenant_data()?.contacts.get(&id).cloned())
    }
    async fn lock(&mut self, id: ContactId) -> CoreResult<Option<Contact>> {
        // The whole unit of work already holds the store's lock.
        self.by_id(id).await
    }
    async fn by_ids(&mut self, ids: &[ContactId]) -> CoreResult<Vec<Contact>> {
        let data = self.tenant_data()?;
        Ok(ids.iter().filter_map(|id| data.contacts.get(id).cloned()).collect())
    }
    async fn by_id_number(&mut self, number: &str) -> CoreResult<Option<Contact>> {
        let data = self.tenant_data()?;
        Ok(data.contacts.values().find(|c| c.deleted_at.is_none() && c.id_number.as_deref() == Some(number)).cloned())
    }
    async fn list(&mut self, q: &ContactQuery) -> CoreResult<Vec<Contact>> {
        let mut rows: Vec<Contact> = self.tenant_data()?.contacts.values().filter(|c| matches(c, q)).cloned().collect();
        rows.sort_by_key(|c| (c.name.to_lowercase(), c.id));
        rows.truncate(q.limit as usize);
        Ok(rows)
    }
    async fn stats(&mut self) -> CoreResult<ContactStats> {
        let mut s = ContactStats::default();
        for c in self.tenant_data()?.contacts.values() {
            if c.deleted_at.is_some() {
                s.deleted_contacts += 1;
                continue;
            }
            s.total_contacts += 1;
            s.active_contacts += u64::from(c.is_active);
            let (client, provider) = (c.is(ContactType::Client), c.is(ContactType::Provider));
            s.clients += u64::from(client);
            s.providers += u64::from(provider);
            s.mixed += u64::from(client && provider);
        }
        Ok(s)
    }
    async fn set_active(&mut self, ids: &[ContactId], active: bool, by: UserId, at: DateTime<Utc>) -> CoreResult<()> {
        let data = self.tenant_data()?;
        for id in ids {
            if let Some(c) = data.contacts.get_mut(id).filter(|c| c.deleted_at.is_none()) {
                c.is_active = active;
                c.updated_by = Some(by);
                c.updated_at = at;
            }
        }
        Ok(())
    }
    async fn insert_attachment(&mut self, a: &Attachment) -> CoreResult<()> {
        let data = self.tenant_data()?;
        if data.attachments.values().any(|o| o.object_key == a.object_key) {
            return Err(CoreError::conflict("already_attached", "this upload is already attached"));
        }
        data.attachments.insert(a.id, a.clone());
        Ok(())
    }
    async fn attachments(&mut self, contact: ContactId) -> CoreResult<Vec<Attachment>> {
        let mut rows: Vec<Attachment> =
            self.tenant_data()?.attachments.values().filter(|a| a.contact_id == contact).cloned().collect();
        rows.sort_by_key(|a| (a.created_at, a.id));
        Ok(rows)
    }
    async fn attachment(&mut self, id: AttachmentId) -> CoreResult<Option<Attachment>> {
        Ok(self.tenant_data()?.attachments.get(&id).cloned())
    }
    async fn delete_attachment(&mut self, id: AttachmentId) -> CoreResult<()> {
        self.tenant_data()?.attachments.remove(&id);
        Ok(())
    }
}
