//! Who is acting, in which company, with which role, and the one permission table.

use super::error::{CoreError, CoreResult};
use super::ids::{SessionId, TenantId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A member's role in a company. Roles are per (user, company).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Seller,
    Accountant,
    Viewer,
}

impl Role {
    /// Every role, strongest first.
    pub const ALL: [Role; 5] = [Role::Owner, Role::Admin, Role::Seller, Role::Accountant, Role::Viewer];

    /// The stored and serialised name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Seller => "seller",
            Role::Accountant => "accountant",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = CoreError;
    fn from_str(s: &str) -> CoreResult<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_ascii_lowercase()).ok_or_else(|| {
            CoreError::invalid("role", "invalid_role", "role must be one of owner, admin, seller, accountant, viewer")
        })
    }
}

/// Something a use case may require of its actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read the company profile.
    CompanyRead,
    /// Change the company profile.
    CompanyWrite,
    /// List members and invitations.
    MembersRead,
    /// Invite, revoke invitations, change roles, remove members.
    MembersManage,
    /// Grant or revoke the owner role.
    OwnersManage,
    /// Read points of sale.
    PdvRead,
    /// Create and change points of sale.
    PdvWrite,
    /// Read contacts and their lookups.
    ContactsRead,
    /// Create and change contacts, add attachments.
    ContactsWrite,
    /// Delete, restore, bulk (de)activate contacts, delete attachments, list deleted contacts.
    ContactsManage,
    /// The contacts summary.
    ContactsStats,
    /// Read the catalog: brands, categories, taxes, products, stock levels; use the tax calculator.
    CatalogRead,
    /// Create, change and delete catalog entries, their images, taxes and minimum stock.
    CatalogWrite,
    /// Post stock movements (IN, OUT, ADJUSTMENT) and transfers between points of sale.
    InventoryWrite,
    /// Change the company's inventory settings (negative stock).
    InventorySettings,
    /// Read invoices, their payments, credit notes, PDFs and the sales reports.
    SalesRead,
    /// Create, change and confirm invoices; preview the next number.
    SalesWrite,
    /// Void invoices and payments, issue credit notes, manage numbering ranges, override credit limits.
    SalesManage,
    /// Record payments and email invoices.
    InvoicePay,
}

/// The permission table: the only place that knows which role may do what.
pub fn role_allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match permission {
        CompanyRead | ContactsRead | CatalogRead | PdvRead | SalesRead => true,
        SalesWrite => matches!(role, Owner | Admin | Seller),
        SalesManage => matches!(role, Owner | Admin),
        InvoicePay => matches!(role, Owner | Admin | Seller | Accountant),
        ContactsWrite => matches!(role, Owner | Admin | Seller),
        ContactsManage => matches!(role, Owner | Admin),
        ContactsStats => matches!(role, Owner | Admin | Accountant | Viewer),
        CompanyWrite | MembersRead | MembersManage | PdvWrite | CatalogWrite | InventorySettings => {
            matches!(role, Owner | Admin)
        }
        InventoryWrite => matches!(role, Owner | Admin | Seller),
        OwnersManage => role == Owner,
    }
}

/// A signed-in user acting inside one company. Built only after the membership was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub user: UserId,
    /// The company (tenant) the user acts in.
    pub tenant: TenantId,
    /// The user's current role there.
    pub role: Role,
    /// The login session the request came from.
    pub session: SessionId,
}

impl Actor {
    /// Whether the actor's role grants the permission.
    pub fn can(&self, permission: Permission) -> bool {
        role_allows(self.role, permission)
    }

    /// 403 unless the actor's role grants the permission.
    pub fn require(&self, permission: Permission) -> CoreResult<()> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(CoreError::forbidden(
                "insufficient_role",
                format!("your role ({}) does not allow this action", self.role),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_table_matches_the_spec() {
        assert!(role_allows(Role::Owner, Permission::OwnersManage));
        assert!(!role_allows(Role::Admin, Permission::OwnersManage));
        assert!(role_allows(Role::Admin, Permission::MembersManage));
        assert!(!role_allows(Role::Seller, Permission::MembersManage));
        assert!(role_allows(Role::Accountant, Permission::PdvRead));
        assert!(role_allows(Role::Viewer, Permission::PdvRead));
        assert!(role_allows(Role::Viewer, Permission::CatalogRead));
        for role in [Role::Seller, Role::Accountant, Role::Viewer] {
            assert!(!role_allows(role, Permission::CatalogWrite), "{role}");
            assert!(!role_allows(role, Permission::PdvWrite), "{role}");
        }
        assert!(role_allows(Role::Admin, Permission::CatalogWrite));
        assert!(role_allows(Role::Viewer, Permission::CompanyRead));
        assert!(!role_allows(Role::Viewer, Permission::CompanyWrite));
    }

    #[test]
    fn roles_parse_case_insensitively_and_reject_others() {
        assert_eq!(" Admin ".parse::<Role>().unwrap(), Role::Admin);
        assert!("empleado".parse::<Role>().is_err());
        assert!("cashier".parse::<Role>().is_err());
    }
}
