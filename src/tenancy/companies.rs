//! Creating, reading and changing companies, and their points of sale.

use super::model::{Company, Membership};
use super::service::active_membership;
use super::TenancyService;
use crate::catalog::model::Pdv;
use crate::identity::model::AuditEvent;
use crate::identity::Principal;
use crate::kernel::error::Checks;
use crate::kernel::{
    validate, Actor, CoreError, CoreResult, FieldError, MembershipId, PdvId, Permission, Role, TenantId,
};
use crate::ports::{in_global, in_tenant};

/// A new company, as received.
#[derive(Clone, Debug, Default)]
pub struct CompanyInput {
    pub name: String,
    pub description: Option<String>,
    pub address: Option<String>,
    pub phone_number: String,
    pub nit: String,
    /// Check digit; computed when absent, and must match when given.
    pub dv: Option<String>,
    pub economic_activity: Option<String>,
    pub quantity_employees: Option<String>,
    pub social_reason: Option<String>,
    pub unique_pdv: bool,
}

/// Company changes; `None` leaves a field as it is. The NIT never changes.
#[derive(Clone, Debug, Default)]
pub struct CompanyPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub phone_number: Option<String>,
    pub economic_activity: Option<String>,
    pub quantity_employees: Option<String>,
    pub social_reason: Option<String>,
}

/// A company as seen by one of its members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompanyDetail {
    pub company: Company,
    pub role: Role,
    pub pdvs: Vec<Pdv>,
}

fn check_dv(nit: &str, given: Option<&str>) -> Result<u8, FieldError> {
    let computed = validate::nit_check_digit(nit);
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(computed),
        Some(d) if d.parse::<u8>().ok() == Some(computed) => Ok(computed),
        Some(_) => Err(FieldError::new("dv", "invalid_dv", &format!("the check digit of this NIT is {computed}"))),
    }
}

fn optional(checks: &mut Checks, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    checks.take(validate::optional_text(field, value, max)).flatten()
}

impl TenancyService {
    /// Creates a company: the caller becomes its owner and its main PDV "Principal" is created, all
    /// in one transaction.
    pub async fn create_company(&self, principal: &Principal, input: CompanyInput) -> CoreResult<(Company, Pdv)> {
        let mut checks = Checks::new();
        let name = checks.take(validate::text("name", &input.name, 2, 100));
        let phone = checks.take(validate::phone("phone_number", &input.phone_number));
        let nit = checks.take(validate::nit_base("nit", &input.nit));
        let dv = nit.as_deref().and_then(|n| checks.take(check_dv(n, input.dv.as_deref())));
        let employees = checks.take(validate::employee_range(
            "quantity_employees",
            input.quantity_employees.as_deref().unwrap_or("1-10"),
        ));
        let description = optional(&mut checks, "description", input.description.as_deref(), 1000);
        let address = optional(&mut checks, "address", input.address.as_deref(), 255);
        let activity = optional(&mut checks, "economic_activity", input.economic_activity.as_deref(), 255);
        let social_reason = optional(&mut checks, "social_reason", input.social_reason.as_deref(), 255);
        checks.finish()?;
        let (Some(name), Some(phone), Some(nit), Some(dv), Some(employees)) = (name, phone, nit, dv, employees) else {
            return Err(CoreError::internal("validation passed without values"));
        };
        let now = self.ctx.now();
        let company = Company {
            id: TenantId::new(),
            name,
            description,
            address,
            phone_number: phone,
            nit,
            dv,
            economic_activity: activity,
            quantity_employees: employees,
            social_reason,
            logo_key: None,
            unique_pdv: input.unique_pdv,
            is_active: true,
            created_at: now,
            updated_at: now,
        };
        let membership = Membership {
            id: MembershipId::new(),
            user_id: principal.user,
            company_id: company.id,
            role: Role::Owner,
            is_active: true,
            joined_at: now,
            updated_at: now,
        };
        let pdv = Pdv {
            id: PdvId::new(),
            name: "Principal".into(),
            address: Some(company.address.clone().unwrap_or_else(|| "Dirección principal".into())),
            phone_number: Some(company.phone_number.clone()),
            is_main: true,
            is_active: true,
            department_id: None,
            city_id: None,
            created_at: now,
            updated_at: now,
        };
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                tx.companies().insert(&company).await?;
                tx.memberships().insert(&membership).await?;
                let event =
                    AuditEvent::new(now, Some(membership.user_id), Some(company.id), "company_created", &company.name);
                tx.audit().record(&event).await?;
                let tenant = tx.enter_tenant(company.id).await?;
                tenant.pdvs().insert(&pdv).await?;
                tenant.contacts().insert(&crate::contacts::final_consumer(membership.user_id, now)).await?;
                Ok((company, pdv))
            })
        })
        .await
    }

    /// The actor's company with the actor's role and its PDVs.
    pub async fn company_detail(&self, actor: &Actor) -> CoreResult<CompanyDetail> {
        actor.require(Permission::CompanyRead)?;
        let (user, tenant) = (actor.user, actor.tenant);
        let (membership, company) =
            in_global(self.ctx.store(), move |tx| Box::pin(async move { active_membership(tx, user, tenant).await }))
                .await?;
        let pdvs = in_tenant(self.ctx.store(), actor, |tx| Box::pin(async move { tx.pdvs().list().await })).await?;
        Ok(CompanyDetail { company, role: membership.role, pdvs })
    }

    /// Changes the actor's company (owner or admin). Name and phone stay globally unique (409).
    pub async fn update_company(&self, actor: &Actor, patch: CompanyPatch) -> CoreResult<Company> {
        actor.require(Permission::CompanyWrite)?;
        let mut checks = Checks::new();
        let name = patch.name.as_deref().map(|v| checks.take(validate::text("name", v, 2, 100)));
        let phone = patch.phone_number.as_deref().map(|v| checks.take(validate::phone("phone_number", v)));
        let employees =
            patch.quantity_employees.as_deref().map(|v| checks.take(validate::employee_range("quantity_employees", v)));
        let description = patch.description.as_deref().map(|v| optional(&mut checks, "description", Some(v), 1000));
        let address = patch.address.as_deref().map(|v| optional(&mut checks, "address", Some(v), 255));
        let activity =
            patch.economic_activity.as_deref().map(|v| optional(&mut checks, "economic_activity", Some(v), 255));
        let social = patch.social_reason.as_deref().map(|v| optional(&mut checks, "social_reason", Some(v), 255));
        checks.finish()?;
        let (tenant, user, now) = (actor.tenant, actor.user, self.ctx.now());
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let mut c = tx.companies().by_id(tenant).await?.ok_or(CoreError::NotFound { entity: "company" })?;
                if let Some(Some(v)) = name {
                    c.name = v;
                }
                if let Some(Some(v)) = phone {
                    c.phone_number = v;
                }
                if let Some(Some(v)) = employees {
                    c.quantity_employees = v;
                }
                if let Some(v) = description {
                    c.description = v;
                }
                if let Some(v) = address {
                    c.address = v;
                }
                if let Some(v) = activity {
                    c.economic_activity = v;
                }
                if let Some(v) = social {
                    c.social_reason = v;
                }
                c.updated_at = now;
                tx.companies().update(&c).await?;
                tx.audit().record(&AuditEvent::new(now, Some(user), Some(tenant), "company_updated", "")).await?;
                Ok(c)
            })
        })
        .await
    }

    /// The actor's points of sale.
    pub async fn pdvs(&self, actor: &Actor) -> CoreResult<Vec<Pdv>> {
        actor.require(Permission::PdvRead)?;
        in_tenant(self.ctx.store(), actor, |tx| Box::pin(async move { tx.pdvs().list().await })).await
    }
}
