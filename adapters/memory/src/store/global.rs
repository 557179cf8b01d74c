//! Users, credentials, audit and outbox in memory.

use super::MemTx;
use ally360::identity::model::{AuditEvent, OneTimeToken, RefreshToken, Session, TokenPurpose, User};
use ally360::identity::repo::{AuditRepo, CredentialRepo, UserRepo};
use ally360::jobs::repo::OutboxRepo;
use ally360::kernel::*;
use ally360::ports::Job;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl UserRepo for MemTx {
    async fn insert(&mut self, user: &User) -> CoreResult<()> {
        if self.world.user_by_email.contains_key(&user.email) {
            return Err(CoreError::conflict_on("email_taken", "email", "this email is already registered"));
        }
        self.world.user_by_email.insert(user.email.clone(), user.id);
        self.world.users.insert(user.id, user.clone());
        Ok(())
    }
    async fn update(&mut self, user: &User) -> CoreResult<()> {
        let old = self.world.users.get(&user.id).cloned().ok_or(CoreError::NotFound { entity: "user" })?;
        if old.email != user.email {
            if self.world.user_by_email.contains_key(&user.email) {
                return Err(CoreError::conflict_on("email_taken", "email", "this email is already registered"));
            }
            self.world.user_by_email.remove(&old.email);
            self.world.user_by_email.insert(user.email.clone(), user.id);
        }
        self.world.users.insert(user.id, user.clone());
        Ok(())
    }
    async fn by_id(&mut self, id: UserId) -> CoreResult<Option<User>> {
        Ok(self.world.users.get(&id).cloned())
    }
    async fn by_email(&mut self, email: &str) -> CoreResult<Option<User>> {
        Ok(self.world.user_by_email.get(email).and_then(|id| self.world.users.get(id)).cloned())
    }
    async fn by_ids(&mut self, ids: &[UserId]) -> CoreResult<Vec<User>> {
        Ok(ids.iter().filter_map(|id| self.world.users.get(id).cloned()).collect())
    }
}

#[async_trait]
impl CredentialRepo for MemTx {
    async fn insert_one_time(&mut self, token: &OneTimeToken) -> CoreResult<()> {
        self.world.one_time_by_hash.insert(token.token_hash.clone(), token.id);
        self.world.one_time.insert(token.id, token.clone());
        Ok(())
    }
    async fn one_time_by_hash(&mut self, purpose: TokenPurpose, hash: &str) -> CoreResult<Option<OneTimeToken>> {
        let found = self.world.one_time_by_hash.get(hash).and_then(|id| self.world.one_time.get(id));
        Ok(found.filter(|t| t.purpose == purpose).cloned())
    }
    async fn use_one_time(&mut self, id: OneTimeTokenId, at: DateTime<Utc>) -> CoreResult<bool> {
        match self.world.one_time.get_mut(&id) {
            Some(t) if t.used_at.is_none() => {
                t.used_at = Some(at);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
    async fn retire_one_time(&mut self, user: UserId, purpose: TokenPurpose, at: DateTime<Utc>) -> CoreResult<()> {
        for (_, t) in self.world.one_time.iter_mut() {
            if t.user_id == user && t.purpose == purpose && t.used_at.is_none() {
                t.used_at = Some(at);
            }
        }
        Ok(())
    }
    async fn count_one_time_since(
        &mut self,
        user: UserId,
        purpose: TokenPurpose,
        since: DateTime<Utc>,
    ) -> CoreResult<u64> {
        let n =
            self.world.one_time.values().filter(|t| t.user_id == user && t.purpose == purpose && t.created_at > since);
        Ok(n.count() as u64)
    }
    async fn insert_session(&mut self, session: &Session) -> CoreResult<()> {
        self.world.sessions.insert(session.id, session.clone());
        Ok(())
    }
    async fn session(&mut self, id: SessionId) -> CoreResult<Option<Session>> {
        Ok(self.world.sessions.get(&id).cloned())
    }
    async fn revoke_session(&mut self, id: SessionId, at: DateTime<Utc>) -> CoreResult<()> {
        if let Some(s) = self.world.sessions.get_mut(&id) {
            s.revoked_at.get_or_insert(at);
        }
        Ok(())
    }
    async fn revoke_user_sessions(
        &mut self,
        user: UserId,
        except: Option<SessionId>,
        at: DateTime<Utc>,
    ) -> CoreResult<u64> {
        let mut n = 0;
        for (_, s) in self.world.sessions.iter_mut() {
            if s.user_id == user && s.revoked_at.is_none() && Some(s.id) != except {
                s.revoked_at = Some(at);
                n += 1;
            }
        }
        Ok(n)
    }
    async fn insert_refresh(&mut self, token: &RefreshToken) -> CoreResult<()> {
        self.world.refresh_by_hash.insert(token.token_hash.clone(), token.id);
        self.world.refresh.insert(token.id, token.clone());
        Ok(())
    }
    async fn refresh_by_hash(&mut self, hash: &str) -> CoreResult<Option<RefreshToken>> {
        Ok(self.world.refresh_by_hash.get(hash).and_then(|id| self.world.refresh.get(id)).cloned())
    }
    async fn use_refresh(&mut self, id: RefreshTokenId, at: DateTime<Utc>) -> CoreResult<bool> {
        match self.world.refresh.get_mut(&id) {
            Some(t) if t.used_at.is_none() => {
                t.used_at = Some(at);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[async_trait]
impl AuditRepo for MemTx {
    async fn record(&mut self, event: &AuditEvent) -> CoreResult<()> {
        self.world.audit.push_back(event.clone());
        Ok(())
    }
    async fn of_user(&mut self, user: UserId, limit: u32) -> CoreResult<Vec<AuditEvent>> {
        let rows = self.world.audit.iter().rev().filter(|e| e.user_id == Some(user)).take(limit as usize);
        Ok(rows.cloned().collect())
    }
}

#[async_trait]
impl OutboxRepo for MemTx {
    async fn add(&mut self, job: &Job) -> CoreResult<()> {
        self.world.outbox.insert(job.id, (job.clone(), None));
        Ok(())
    }
    async fn pending(&mut self, limit: u32, stale_before: DateTime<Utc>) -> CoreResult<Vec<Job>> {
        let due = self.world.outbox.values().filter(|(_, relayed)| relayed.is_none_or(|at| at < stale_before));
        Ok(due.take(limit as usize).map(|(job, _)| job.clone()).collect())
    }
    async fn mark_relayed(&mut self, ids: &[JobId], at: DateTime<Utc>) -> CoreResult<()> {
        for id in ids {
            if let Some(entry) = self.world.outbox.get_mut(id) {
                entry.1 = Some(at);
            }
        }
        Ok(())
    }
    async fn mark_done(&mut self, id: JobId, _at: DateTime<Utc>) -> CoreResult<()> {
        // Nothing reads finished jobs back in memory: drop them instead of keeping history.
        self.world.outbox.remove(&id);
        Ok(())
    }
    async fn depth(&mut self) -> CoreResult<u64> {
        Ok(self.world.outbox.values().filter(|(_, relayed)| relayed.is_none()).count() as u64)
    }
}
