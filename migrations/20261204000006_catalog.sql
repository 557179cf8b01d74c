-- The catalog: brands, categories, taxes (system and per tenant), products, variants, images, product
-- taxes; and the inventory tables products start with: stock levels and movements. Every tenant table
-- has tenant_id, keys (tenant_id, id), composite foreign keys and FORCE row-level security.

-- The service role is cluster-wide and may predate this database: make sure of its attributes.
ALTER ROLE ally360_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Under row-level security the planner puts a condition into an index scan only when its function is
-- leakproof. Case-insensitive LIKE raises no error that depends on a row's value (only on the pattern,
-- which is the searcher's own), so it is marked leakproof: product search can then use the trigram
-- indexes instead of reading the whole catalog. It needs a superuser; without one the search still works,
-- only slower.
DO $$
BEGIN
    ALTER FUNCTION texticlike(text, text) LEAKPROOF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'texticlike stays not leakproof: product search will not use its trigram indexes';
END $$;

-- PDVs: names unique ignoring case (already), the location must exist; list order by lower-case name.
ALTER TABLE pdvs ADD COLUMN sort_name text COLLATE "C";
UPDATE pdvs SET sort_name = lower(name);
ALTER TABLE pdvs ALTER COLUMN sort_name SET NOT NULL;
ALTER TABLE pdvs ADD FOREIGN KEY (department_id) REFERENCES departments (id);
ALTER TABLE pdvs ADD FOREIGN KEY (city_id) REFERENCES cities (id);
CREATE INDEX pdvs_sort_idx ON pdvs (tenant_id, sort_name, id);

CREATE TABLE brands (
    tenant_id   uuid NOT NULL REFERENCES companies (id),
    id          uuid NOT NULL,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    sort_name   text COLLATE "C" NOT NULL,
    description text,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX brands_name_key ON brands (tenant_id, lower(name));
CREATE INDEX brands_sort_idx ON brands (tenant_id, sort_name, id);

CREATE TABLE categories (LIKE brands INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (tenant_id, id));
ALTER TABLE categories ADD FOREIGN KEY (tenant_id) REFERENCES companies (id);
CREATE UNIQUE INDEX categories_name_key ON categories (tenant_id, lower(name));
CREATE INDEX categories_sort_idx ON categories (tenant_id, sort_name, id);

-- Taxes: tenant_id NULL = a system (DIAN) tax every tenant reads and none can write.
CREATE TABLE taxes (
    id          uuid PRIMARY KEY,
    tenant_id   uuid REFERENCES companies (id),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    sort_name   text COLLATE "C" NOT NULL,
    code        text NOT NULL CHECK (length(btrim(code)) BETWEEN 1 AND 10),
    -- A fraction; 6 places so per-thousand rates (ReteICA 9.66 ‰ = 0.00966) fit.
    rate        numeric(9, 6) NOT NULL CHECK (rate >= 0 AND rate <= 1),
    kind        text NOT NULL CHECK (kind IN ('VAT', 'INC', 'OTHER', 'WITHHOLDING', 'MUNICIPAL')),
    is_editable boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((tenant_id IS NULL) = (NOT is_editable))
);
CREATE UNIQUE INDEX taxes_name_key ON taxes (tenant_id, lower(name)) WHERE tenant_id IS NOT NULL;
CREATE UNIQUE INDEX taxes_system_name_key ON taxes (lower(name)) WHERE tenant_id IS NULL;
CREATE INDEX taxes_sort_idx ON taxes (tenant_id, sort_name, id);
INSERT INTO taxes (id, tenant_id, name, sort_name, code, rate, kind, is_editable) VALUES
    ('01900000-0000-7000-8000-000000000019', NULL, 'IVA 19%', 'iva 19%', '01', 0.19, 'VAT', false),
    ('01900000-0000-7000-8000-000000000005', NULL, 'IVA 5%', 'iva 5%', '01', 0.05, 'VAT', false),
    ('01900000-0000-7000-8000-000000000000', NULL, 'IVA 0%', 'iva 0%', '01', 0.00, 'VAT', false),
    ('01900000-0000-7000-8000-000000000108', NULL, 'INC 8%', 'inc 8%', '04', 0.08, 'INC', false),
    ('01900000-0000-7000-8000-000000000116', NULL, 'INC 16%', 'inc 16%', '04', 0.16, 'INC', false);

CREATE TABLE products (
    tenant_id        uuid NOT NULL REFERENCES companies (id),
    id               uuid NOT NULL,
    name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    sort_name        text COLLATE "C" NOT NULL,
    sku              text NOT NULL CHECK (length(sku) BETWEEN 1 AND 50),
    description      text,
    barcode          text,
    kind             text NOT NULL CHECK (kind IN ('product', 'service')),
    unit             text NOT NULL,
    price            numeric(15, 2) NOT NULL CHECK (price >= 0),
    cost             numeric(15, 2) NOT NULL CHECK (cost >= 0),
    sell_in_negative boolean NOT NULL DEFAULT false,
    brand_id         uuid,
    category_id      uuid,
    has_variants     boolean NOT NULL DEFAULT false,
    is_active        boolean NOT NULL DEFAULT true,
    deleted_at       timestamptz,
    created_by       uuid NOT NULL,
    updated_by       uuid NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, brand_id) REFERENCES brands (tenant_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id)
);
-- One live product per sku and per barcode; an archived product frees them.
CREATE UNIQUE INDEX products_sku_key ON products (tenant_id, lower(sku)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX products_barcode_key ON products (tenant_id, barcode) WHERE deleted_at IS NULL AND barcode IS NOT NULL;
CREATE INDEX products_sort_idx ON products (tenant_id, sort_name, id) WHERE deleted_at IS NULL;
CREATE INDEX products_created_idx ON products (tenant_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_brand_idx ON products (tenant_id, brand_id);
CREATE INDEX products_category_idx ON products (tenant_id, category_id);
CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops);
CREATE INDEX products_sku_trgm ON products USING gin (sku gin_trgm_ops);

CREATE TABLE product_variants (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL,
    product_id uuid NOT NULL,
    sku        text NOT NULL CHECK (length(sku) BETWEEN 1 AND 50),
    barcode    text,
    attributes jsonb NOT NULL DEFAULT '{}',
    price      numeric(15, 2) CHECK (price >= 0),
    is_active  boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, product_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX product_variants_sku_key ON product_variants (tenant_id, lower(sku));
CREATE UNIQUE INDEX product_variants_barcode_key ON product_variants (tenant_id, barcode) WHERE barcode IS NOT NULL;
CREATE INDEX product_variants_product_idx ON product_variants (tenant_id, product_id);
CREATE INDEX product_variants_sku_trgm ON product_variants USING gin (sku gin_trgm_ops);

CREATE TABLE product_images (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    product_id   uuid NOT NULL,
    object_key   text NOT NULL,
    file_name    text NOT NULL,
    file_size    bigint NOT NULL CHECK (file_size >= 0),
    content_type text NOT NULL,
    is_primary   boolean NOT NULL DEFAULT false,
    sort_order   integer NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (tenant_id, product_id, sort_order) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (tenant_id, object_key)
);
CREATE UNIQUE INDEX product_images_primary_key ON product_images (tenant_id, product_id) WHERE is_primary;

CREATE TABLE product_taxes (
    tenant_id  uuid NOT NULL,
    product_id uuid NOT NULL,
    tax_id     uuid NOT NULL REFERENCES taxes (id),
    PRIMARY KEY (tenant_id, product_id, tax_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_taxes_tax_idx ON product_taxes (tax_id);

-- Stock of one item (the product, or one of its variants) at one PDV. item_id is never NULL, so the
-- unique key (tenant, pdv, item) admits exactly one row per (product, variant, PDV).
CREATE TABLE stocks (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    product_id   uuid NOT NULL,
    variant_id   uuid,
    item_id      uuid NOT NULL GENERATED ALWAYS AS (COALESCE(variant_id, product_id)) STORED,
    pdv_id       uuid NOT NULL,
    quantity     numeric(15, 3) NOT NULL DEFAULT 0,
    min_quantity numeric(15, 3) NOT NULL DEFAULT 0 CHECK (min_quantity >= 0),
    avg_cost     numeric(15, 2) NOT NULL DEFAULT 0 CHECK (avg_cost >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, pdv_id, item_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id, variant_id) REFERENCES product_variants (tenant_id, product_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, pdv_id) REFERENCES pdvs (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX stocks_product_idx ON stocks (tenant_id, product_id);
CREATE INDEX stocks_low_idx ON stocks (tenant_id, pdv_id) WHERE min_quantity > 0 AND quantity < min_quantity;

-- The kardex: every change of stock, signed, with the balance it left.
CREATE TABLE inventory_movements (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    product_id      uuid NOT NULL,
    variant_id      uuid,
    pdv_id          uuid NOT NULL,
    movement_type   text NOT NULL CHECK (movement_type IN ('INITIAL', 'IN', 'OUT', 'ADJUSTMENT', 'TRANSFER_OUT',
                        'TRANSFER_IN', 'SALE', 'SALE_RETURN', 'PURCHASE', 'PURCHASE_RETURN')),
    quantity        numeric(15, 3) NOT NULL CHECK (quantity <> 0),
    unit_cost       numeric(15, 2),
    balance_after   numeric(15, 3) NOT NULL,
    document_type   text,
    document_id     uuid,
    document_number text,
    notes           text,
    created_by      uuid NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, pdv_id) REFERENCES pdvs (tenant_id, id)
);
CREATE INDEX inventory_movements_product_idx ON inventory_movements (tenant_id, product_id, created_at, id);
CREATE INDEX inventory_movements_pdv_idx ON inventory_movements (tenant_id, pdv_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['brands', 'categories', 'products', 'product_variants', 'product_images',
                             'product_taxes', 'stocks', 'inventory_movements'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant()) '
                       'WITH CHECK (tenant_id = app_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ally360_app', t);
    END LOOP;
END $$;

-- Taxes: every tenant reads the system rows and its own; it writes only its own.
ALTER TABLE taxes ENABLE ROW LEVEL SECURITY;
ALTER TABLE taxes FORCE ROW LEVEL SECURITY;
CREATE POLICY tax_read ON taxes FOR SELECT USING (tenant_id IS NULL OR tenant_id = app_tenant());
CREATE POLICY tax_insert ON taxes FOR INSERT WITH CHECK (tenant_id = app_tenant());
CREATE POLICY tax_update ON taxes FOR UPDATE USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());
CREATE POLICY tax_delete ON taxes FOR DELETE USING (tenant_id = app_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON taxes TO ally360_app;
