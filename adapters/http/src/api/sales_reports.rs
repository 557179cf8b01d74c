//! Sales reports (`/invoices/reports/...`): OPEN and PAID invoices net of credit notes, business days.

use super::catalog_dto::cents;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::{ApiError, ApiResult};
use ally360::sales::reports::{DaySales, ProductSales};
use ally360::sales::{Bucket, MonthlyStatus, SalesSummary};
use ally360::App;
use chrono::NaiveDate;
use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use uuid::Uuid;

pub struct SalesReportsApi {
    pub app: App,
}

/// Net sales of one day.
#[derive(Object)]
pub struct DayOut {
    pub date: NaiveDate,
    pub invoices: u64,
    pub amount: String,
    pub taxes: String,
}

impl From<&DaySales> for DayOut {
    fn from(d: &DaySales) -> Self {
        DayOut { date: d.date, invoices: d.invoices, amount: cents(d.amount), taxes: cents(d.taxes) }
    }
}

/// A product's net sales.
#[derive(Object)]
pub struct ProductSalesOut {
    pub product_id: Uuid,
    pub product_name: String,
    pub sku: String,
    pub total_quantity: Decimal,
    pub total_amount: String,
}

impl From<&ProductSales> for ProductSalesOut {
    fn from(p: &ProductSales) -> Self {
        ProductSalesOut {
            product_id: p.product_id.as_uuid(),
            product_name: p.name.clone(),
            sku: p.sku.clone(),
            total_quantity: p.quantity.value().normalize(),
            total_amount: cents(p.amount),
        }
    }
}

/// The summary of a period.
#[derive(Object)]
pub struct SummaryOut {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub total_invoices: u64,
    pub total_amount: String,
    pub total_tax: String,
    /// Σ balance due of OPEN invoices.
    pub pending_amount: String,
    pub paid_amount: String,
    pub cancelled_amount: String,
    pub top_products: Vec<ProductSalesOut>,
    pub daily_sales: Vec<DayOut>,
}

impl From<&SalesSummary> for SummaryOut {
    fn from(s: &SalesSummary) -> Self {
        SummaryOut {
            period_start: s.from,
            period_end: s.to,
            total_invoices: s.invoices,
            total_amount: cents(s.amount),
            total_tax: cents(s.taxes),
            pending_amount: cents(s.pending),
            paid_amount: cents(s.paid),
            cancelled_amount: cents(s.cancelled),
            top_products: s.top_products.iter().map(Into::into).collect(),
            daily_sales: s.daily.iter().map(Into::into).collect(),
        }
    }
}

/// Invoices of one status in a month.
#[derive(Object)]
pub struct BucketOut {
    pub count: u64,
    /// Σ total amount (invoiced, not collected).
    pub recaudado: String,
}

impl From<&Bucket> for BucketOut {
    fn from(b: &Bucket) -> Self {
        BucketOut { count: b.count, recaudado: cents(b.amount) }
    }
}

/// A month by status.
#[derive(Object)]
pub struct MonthlyOut {
    pub year: i32,
    pub month: u32,
    pub total: BucketOut,
    pub draft: BucketOut,
    pub open: BucketOut,
    pub paid: BucketOut,
    pub void: BucketOut,
    /// Σ payments dated in the month.
    pub collected: String,
}

impl From<&MonthlyStatus> for MonthlyOut {
    fn from(m: &MonthlyStatus) -> Self {
        MonthlyOut {
            year: m.year,
            month: m.month,
            total: (&m.total).into(),
            draft: (&m.draft).into(),
            open: (&m.open).into(),
            paid: (&m.paid).into(),
            void: (&m.void).into(),
            collected: cents(m.collected),
        }
    }
}

/// The best-selling products of a period.
#[derive(Object)]
pub struct TopProductsOut {
    pub products: Vec<ProductSalesOut>,
    pub period: String,
}

/// One day's total.
#[derive(Object)]
pub struct DayTotalOut {
    pub date: NaiveDate,
    pub total: String,
}

/// Today against yesterday.
#[derive(Object)]
pub struct ComparisonOut {
    pub today: DayTotalOut,
    pub yesterday: DayTotalOut,
    pub percentage_change: f64,
    pub amount_change: String,
}

/// One point of sale's net sales.
#[derive(Object)]
pub struct PdvSalesOut {
    pub pdv_id: Uuid,
    pub pdv_name: String,
    pub total_sales: String,
    pub total_invoices: u64,
}

/// Net sales per point of sale.
#[derive(Object)]
pub struct SalesByPdvOut {
    pub sales_by_pdv: Vec<PdvSalesOut>,
    pub period: String,
    pub total_amount: String,
}

#[OpenApi(tag = "ApiTags::SalesReports")]
impl SalesReportsApi {
    /// Invoices, amounts and taxes of a period (inclusive, at most 366 days), by day, zero-filled, with
    /// amounts per status and the top five products (every role).
    #[oai(path = "/invoices/reports/summary", method = "get", operation_id = "sales_summary")]
    async fn summary(
        &self,
        auth: BearerAuth,
        req: &Request,
        start_date: Query<NaiveDate>,
        end_date: Query<NaiveDate>,
        pdv_id: Query<Option<Uuid>>,
    ) -> ApiResult<Json<SummaryOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let s = self.app.sales.summary(&actor, start_date.0, end_date.0, pdv_id.0.map(Into::into)).await?;
        Ok(Json((&s).into()))
    }

    /// Invoices issued in a month per status, and the money collected in it (every role).
    #[oai(path = "/invoices/reports/monthly-status", method = "get", operation_id = "sales_monthly_status")]
    async fn monthly_status(
        &self,
        auth: BearerAuth,
        req: &Request,
        year: Query<i32>,
        month: Query<u32>,
        pdv_id: Query<Option<Uuid>>,
    ) -> ApiResult<Json<MonthlyOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let m = self.app.sales.monthly_status(&actor, year.0, month.0, pdv_id.0.map(Into::into)).await?;
        Ok(Json((&m).into()))
    }

    /// The best-selling products of `period` (day, week, month) or of `start_date`..`end_date` (every role).
    #[oai(path = "/invoices/reports/top-products", method = "get", operation_id = "sales_top_products")]
    #[allow(clippy::too_many_arguments)]
    async fn top_products(
        &self,
        auth: BearerAuth,
        req: &Request,
        period: Query<Option<String>>,
        start_date: Query<Option<NaiveDate>>,
        end_date: Query<Option<NaiveDate>>,
        limit: Query<Option<u32>>,
        pdv_id: Query<Option<Uuid>>,
    ) -> ApiResult<Json<TopProductsOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let limit = limit.0.unwrap_or(10);
        if !(1..=100).contains(&limit) {
            return Err(ApiError::invalid("limit", "out_of_range", "1 to 100"));
        }
        let p = self.app.sales.period(period.0.as_deref(), start_date.0, end_date.0)?;
        let rows = self.app.sales.top_products(&actor, &p, pdv_id.0.map(Into::into), limit).await?;
        Ok(Json(TopProductsOut { products: rows.iter().map(Into::into).collect(), period: p.label }))
    }

    /// Net sales today against yesterday (every role).
    #[oai(path = "/invoices/reports/comparison", method = "get", operation_id = "sales_comparison")]
    async fn comparison(
        &self,
        auth: BearerAuth,
        req: &Request,
        pdv_id: Query<Option<Uuid>>,
    ) -> ApiResult<Json<ComparisonOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let c = self.app.sales.comparison(&actor, pdv_id.0.map(Into::into)).await?;
        let (today, yesterday) = (c.today.1.amount(), c.yesterday.1.amount());
        let change = if !yesterday.is_zero() {
            ((today - yesterday) / yesterday * Decimal::ONE_HUNDRED).round_dp(2).to_f64().unwrap_or(0.0)
        } else if today > Decimal::ZERO {
            100.0
        } else {
            0.0
        };
        Ok(Json(ComparisonOut {
            today: DayTotalOut { date: c.today.0, total: cents(c.today.1) },
            yesterday: DayTotalOut { date: c.yesterday.0, total: cents(c.yesterday.1) },
            percentage_change: change,
            amount_change: cents(c.today.1 - c.yesterday.1),
        }))
    }

    /// Net sales per point of sale in `period` (day, week, month) or `start_date`..`end_date` (every role).
    #[oai(path = "/invoices/reports/sales-by-pdv", method = "get", operation_id = "sales_by_pdv")]
    async fn sales_by_pdv(
        &self,
        auth: BearerAuth,
        req: &Request,
        period: Query<Option<String>>,
        start_date: Query<Option<NaiveDate>>,
        end_date: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<SalesByPdvOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let p = self.app.sales.period(period.0.as_deref(), start_date.0, end_date.0)?;
        let rows = self.app.sales.sales_by_pdv(&actor, &p).await?;
        Ok(Json(SalesByPdvOut {
            total_amount: cents(rows.iter().map(|r| r.amount).sum()),
            sales_by_pdv: rows
                .iter()
                .map(|r| PdvSalesOut {
                    pdv_id: r.pdv_id.as_uuid(),
                    pdv_name: r.name.clone(),
                    total_sales: cents(r.amount),
                    total_invoices: r.invoices,
                })
                .collect(),
            period: p.label,
        }))
    }
}
