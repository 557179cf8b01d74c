#!/usr/bin/env python3
"""Seed a running Ally360 (on PostgreSQL) with one company holding N products, for bench/products.sh.

The user and company go through the API (as a client would); the products are written straight
into the bench database (as the service would write them: sort_name, one IVA each, stock at the main
PDV with a minimum) because 100 000 API calls would measure the seeding, not the reads. Prints shell
variable assignments: TOKEN, FIRST, DEEP (the page after half the rows, by cursor), ONE (a product) and
searches by a product's whole name, sku and barcode, and by a word a tenth of the products share.
"""
import argparse
import subprocess
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from http_bench import connect, request, seed  # noqa: E402

import json  # noqa: E402
import urllib.parse  # noqa: E402


def psql(db, sql):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:8090")
    p.add_argument("--db", default="ally360_bench")
    p.add_argument("--products", type=int, default=100_000)
    p.add_argument("--log", default="/tmp/ally360-bench.log")
    a = p.parse_args()
    token, _ = seed(a.base, 0, a.log)
    conn = connect(a.base)
    _, data = request(conn, "GET", "/company/me", token)
    company = json.loads(data)["id"]
    words = "ARRAY['arroz','aceite','azúcar','café','leche','queso','jabón','camiseta','pantalón','zapato']"
    psql(a.db, f"""
        INSERT INTO brands (tenant_id, id, name, sort_name)
            SELECT '{company}', gen_random_uuid(), 'Marca ' || g, 'marca ' || g FROM generate_series(1, 20) g;
        INSERT INTO categories (tenant_id, id, name, sort_name)
            SELECT '{company}', gen_random_uuid(), 'Categoría ' || g, 'categoría ' || g FROM generate_series(1, 20) g;
        WITH b AS (SELECT array_agg(id) ids FROM brands WHERE tenant_id = '{company}'),
             c AS (SELECT array_agg(id) ids FROM categories WHERE tenant_id = '{company}')
        INSERT INTO products (tenant_id, id, name, sort_name, sku, barcode, kind, unit, price, cost, brand_id,
                              category_id, created_by, updated_by, created_at, updated_at)
            SELECT '{company}', gen_random_uuid(),
                   initcap(({words})[1 + g % 10]) || ' ' || lpad(g::text, 6, '0'),
                   ({words})[1 + g % 10] || ' ' || lpad(g::text, 6, '0'),
                   'SKU-' || lpad(g::text, 6, '0'), '770' || lpad(g::text, 10, '0'), 'product', 'unit',
                   1000 + g % 5000, 600 + g % 3000, b.ids[1 + g % 20], c.ids[1 + g % 20],
                   gen_random_uuid(), gen_random_uuid(), now() - (g || ' seconds')::interval, now()
            FROM generate_series(1, {a.products}) g, b, c;
        INSERT INTO product_taxes (tenant_id, product_id, tax_id)
            SELECT tenant_id, id, '01900000-0000-7000-8000-000000000019' FROM products WHERE tenant_id = '{company}';
        INSERT INTO stocks (tenant_id, id, product_id, pdv_id, quantity, min_quantity, avg_cost)
            SELECT p.tenant_id, gen_random_uuid(), p.id, d.id, (abs(hashtext(p.sku)) % 50)::numeric, 5, p.cost
            FROM products p JOIN pdvs d ON d.tenant_id = p.tenant_id AND d.is_main WHERE p.tenant_id = '{company}';
        ANALYZE;
    """)
    row = psql(a.db, f"SELECT sort_name || '|' || id FROM products WHERE tenant_id = '{company}' "
                     f"ORDER BY sort_name COLLATE \"C\", id OFFSET {a.products // 2 - 1} LIMIT 1")
    key, last = row.split("|")
    cursor = key.encode().hex() + "." + last.replace("-", "")
    one, name, sku, barcode = psql(a.db, f"SELECT id || '|' || name || '|' || sku || '|' || barcode FROM products "
                                         f"WHERE tenant_id = '{company}' ORDER BY random() LIMIT 1").split("|")
    print(f"TOKEN={token}")
    print(f"FIRST=/products?limit=20")
    print(f"DEEP='/products?limit=20&cursor={cursor}'")
    print(f"ONE=/products/{one}")
    quote = urllib.parse.quote
    print(f"BY_NAME='/products?limit=20&search={quote(name)}'")
    print(f"BY_SKU='/products?limit=20&search={quote(sku)}'")
    print(f"BY_BARCODE='/products?limit=20&search={barcode}'")
    print(f"BY_WORD='/products?limit=20&search=arroz'")


if __name__ == "__main__":
    main()
