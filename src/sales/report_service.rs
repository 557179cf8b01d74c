//! The sales reports' use cases: periods in business days, zero-filled series, and the few queries each
//! report needs (R1: OPEN and PAID invoices net of credit notes; R2: every role reads them).

use super::model::InvoiceStatus;
use super::reports::*;
use super::service::SalesService;
use crate::kernel::*;
use crate::ports::in_tenant;
use chrono::{Datelike, Days, NaiveDate};

/// Longest period a daily report covers.
pub const MAX_REPORT_DAYS: i64 = 366;

/// Totals of one status in a month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    pub count: u64,
    /// Σ total amount (the original's `recaudado`).
    pub amount: Money,
}

/// The summary report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalesSummary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub invoices: u64,
    pub amount: Money,
    pub taxes: Money,
    /// Σ balance due of OPEN invoices issued in the period.
    pub pending: Money,
    /// Σ totals of PAID invoices.
    pub paid: Money,
    /// Σ totals of VOID invoices.
    pub cancelled: Money,
    pub top_products: Vec<ProductSales>,
    /// One entry per day of the period, zero-filled.
    pub daily: Vec<DaySales>,
}

/// The monthly status report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyStatus {
    pub year: i32,
    pub month: u32,
    /// Every status, DRAFT included.
    pub total: Bucket,
    pub draft: Bucket,
    pub open: Bucket,
    pub paid: Bucket,
    pub void: Bucket,
    /// Σ payments dated in the month.
    pub collected: Money,
}

/// Today against yesterday.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub today: (NaiveDate, Money),
    pub yesterday: (NaiveDate, Money),
}

/// A period named `day`, `week` or `month` (anything else is a month), or explicit dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
}

fn check_range(from: NaiveDate, to: NaiveDate) -> CoreResult<()> {
    if to < from {
        return Err(CoreError::invalid("end_date", "before_start_date", "must not be before start_date"));
    }
    if (to - from).num_days() >= MAX_REPORT_DAYS {
        return Err(CoreError::invalid("end_date", "out_of_range", "a period of at most 366 days"));
    }
    Ok(())
}

impl SalesService {
    /// The period of a report as of today in business time.
    pub fn period(&self, name: Option<&str>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> CoreResult<Period> {
        if let (Some(from), Some(to)) = (from, to) {
            check_range(from, to)?;
            return Ok(Period { from, to, label: format!("{from} to {to}") });
        }
        let today = self.today();
        let (from, label) = match name.unwrap_or("month") {
            "day" => (today, "day"),
            "week" => (today - Days::new(today.weekday().num_days_from_monday() as u64), "week"),
            _ => (today.with_day(1).unwrap_or(today), "month"),
        };
        Ok(Period { from, to: today, label: label.into() })
    }

    /// Invoices, amounts and taxes of a period, by day, with statuses and the top five products.
    pub async fn summary(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
    ) -> CoreResult<SalesSummary> {
        actor.require(Permission::SalesRead)?;
        check_range(from, to)?;
        let (days, buckets, top) = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let days = tx.sales().daily_sales(from, to, pdv).await?;
                let buckets = tx.sales().status_buckets(from, to, pdv).await?;
                let top = tx.sales().top_products(from, to, pdv, 5).await?;
                Ok((days, buckets, top))
            })
        })
        .await?;
        let bucket = |s: InvoiceStatus| buckets.iter().find(|b| b.status == s);
        let daily: Vec<DaySales> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|date| {
                days.iter().find(|d| d.date == date).cloned().unwrap_or(DaySales {
                    date,
                    invoices: 0,
                    amount: Money::ZERO,
                    taxes: Money::ZERO,
                })
            })
            .collect();
        Ok(SalesSummary {
            from,
            to,
            invoices: daily.iter().map(|d| d.invoices).sum(),
            amount: daily.iter().map(|d| d.amount).sum(),
            taxes: daily.iter().map(|d| d.taxes).sum(),
            pending: bucket(InvoiceStatus::Open).map_or(Money::ZERO, |b| b.balance),
            paid: bucket(InvoiceStatus::Paid).map_or(Money::ZERO, |b| b.amount),
            cancelled: bucket(InvoiceStatus::Void).map_or(Money::ZERO, |b| b.amount),
            top_products: top,
            daily,
        })
    }

    /// Counts and amounts per status of the invoices issued in a month, and the money collected in it.
    pub async fn monthly_status(
        &self,
        actor: &Actor,
        year: i32,
        month: u32,
        pdv: Option<PdvId>,
    ) -> CoreResult<MonthlyStatus> {
        actor.require(Permission::SalesRead)?;
        if !(2000..=2100).contains(&year) {
            return Err(CoreError::invalid("year", "out_of_range", "2000 to 2100"));
        }
        let from = NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or_else(|| CoreError::invalid("month", "out_of_range", "1 to 12"))?;
        let to = from.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(from);
        let (buckets, collected) = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let buckets = tx.sales().status_buckets(from, to, pdv).await?;
                let collected = tx.sales().collected(from, to, pdv).await?;
                Ok((buckets, collected))
            })
        })
        .await?;
        let of = |s: InvoiceStatus| {
            buckets
                .iter()
                .find(|b| b.status == s)
                .map_or(Bucket::default(), |b| Bucket { count: b.count, amount: b.amount })
        };
        let total =
            Bucket { count: buckets.iter().map(|b| b.count).sum(), amount: buckets.iter().map(|b| b.amount).sum() };
        Ok(MonthlyStatus {
            year,
            month,
            total,
            draft: of(InvoiceStatus::Draft),
            open: of(InvoiceStatus::Open),
            paid: of(InvoiceStatus::Paid),
            void: of(InvoiceStatus::Void),
            collected,
        })
    }

    /// The best-selling products of a period, net of credit notes.
    pub async fn top_products(
        &self,
        actor: &Actor,
        period: &Period,
        pdv: Option<PdvId>,
        limit: u32,
    ) -> CoreResult<Vec<ProductSales>> {
        actor.require(Permission::SalesRead)?;
        let (from, to) = (period.from, period.to);
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move { tx.sales().top_products(from, to, pdv, limit).await })
        })
        .await
    }

    /// Net sales today and yesterday.
    pub async fn comparison(&self, actor: &Actor, pdv: Option<PdvId>) -> CoreResult<Comparison> {
        actor.require(Permission::SalesRead)?;
        let today = self.today();
        let yesterday = today.pred_opt().unwrap_or(today);
        let days = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move { tx.sales().daily_sales(yesterday, today, pdv).await })
        })
        .await?;
        let of = |d: NaiveDate| days.iter().find(|x| x.date == d).map_or(Money::ZERO, |x| x.amount);
        Ok(Comparison { today: (today, of(today)), yesterday: (yesterday, of(yesterday)) })
    }

    /// Net sales per point of sale in a period: every active PDV, and inactive ones with sales.
    pub async fn sales_by_pdv(&self, actor: &Actor, period: &Period) -> CoreResult<Vec<PdvSales>> {
        actor.require(Permission::SalesRead)?;
        let (from, to) = (period.from, period.to);
        in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { tx.sales().sales_by_pdv(from, to).await }))
            .await
    }
}
