//! Row-level security, checked in SQL as the service role.

use crate::harness::{app_pool, database_url, Backend, TestApp};
use sqlx::Row;

/// Every table with a `tenant_id` column.
async fn tenant_tables(pool: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_role_without_tenant_reads_nothing() {
    if database_url().is_none() {
        return;
    }
    // Make sure tenant rows exist.
    let t = TestApp::new(Backend::Postgres).await;
    let a = t.owner().await;
    let pool = app_pool().await;
    let tables = tenant_tables(&pool).await;
    assert!(tables.contains(&"pdvs".to_string()));
    for table in &tables {
        let flags = sqlx::query(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = $1 AND relkind = 'r'",
        )
        .bind(table)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(flags.get::<bool, _>(0) && flags.get::<bool, _>(1), "{table} must ENABLE and FORCE row level security");
        // Rows without a tenant (the system taxes) are shared reference data, readable by all.
        let sql = format!("SELECT count(*) FROM {table} WHERE tenant_id IS NOT NULL");
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&pool).await.unwrap();
        assert_eq!(n, 0, "{table} leaks rows without app.tenant_id");
    }
    // Bound to one tenant, only its rows are visible, and rows of another tenant cannot be written.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)").bind(&a.company).execute(&mut *tx).await.unwrap();
    let own: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT tenant_id FROM pdvs").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(own, vec![a.company.parse::<uuid::Uuid>().unwrap()]);
    let other = sqlx::query("INSERT INTO pdvs (tenant_id, id, name, sort_name) VALUES ($1, $2, 'Intrusa', 'intrusa')")
        .bind(uuid::Uuid::now_v7())
        .bind(uuid::Uuid::now_v7())
        .execute(&mut *tx)
        .await;
    assert!(other.is_err(), "WITH CHECK refuses rows of another tenant");
    tx.rollback().await.unwrap();
    // The same insert for its own tenant succeeds (the refusal above is the policy, not the SQL).
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)").bind(&a.company).execute(&mut *tx).await.unwrap();
    sqlx::query("INSERT INTO pdvs (tenant_id, id, name, sort_name) VALUES ($1, $2, 'Propia', 'propia')")
        .bind(a.company.parse::<uuid::Uuid>().unwrap())
        .bind(uuid::Uuid::now_v7())
        .execute(&mut *tx)
        .await
        .expect("own rows are writable");
    // System taxes are read by every tenant and written by none.
    let system: i64 =
        sqlx::query_scalar("SELECT count(*) FROM taxes WHERE tenant_id IS NULL").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(system, 5);
    let changed = sqlx::query("UPDATE taxes SET rate = 0.5 WHERE tenant_id IS NULL").execute(&mut *tx).await.unwrap();
    assert_eq!(changed.rows_affected(), 0, "a tenant cannot change a system tax");
    let forged = sqlx::query(
        "INSERT INTO taxes (id, tenant_id, name, sort_name, code, rate, kind, is_editable) \
         VALUES ($1, NULL, 'Falso', 'falso', '01', 0.1, 'VAT', false)",
    )
    .bind(uuid::Uuid::now_v7())
    .execute(&mut *tx)
    .await;
    assert!(forged.is_err(), "a tenant cannot add a system tax");
    tx.rollback().await.unwrap();
    // Searches may use indexes under RLS: case-insensitive LIKE is marked leakproof by the migrations.
    let leakproof: bool = sqlx::query_scalar("SELECT proleakproof FROM pg_proc WHERE oid = 'texticlike'::regproc")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(leakproof, "ILIKE must be leakproof or product search reads the whole catalog");
    // The service role is not privileged.
    let role = sqlx::query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!role.get::<bool, _>(0) && !role.get::<bool, _>(1));
    let owns: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(owns, 0, "the service role owns no table");
}
