-- Contacts (clients and providers) and their attachments: tenant data under row-level security.

CREATE TABLE contacts (
    tenant_id               uuid NOT NULL REFERENCES companies (id),
    id                      uuid NOT NULL,
    name                    text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- The list order: the name lower-cased by the service, compared byte by byte, so the service's
    -- keyset cursors and the database agree whatever the server's collation.
    sort_name               text COLLATE "C" NOT NULL,
    types                   text[] NOT NULL CHECK (cardinality(types) >= 1 AND types <@ ARRAY['client', 'provider']),
    email                   text,
    phone_primary           text,
    phone_secondary         text,
    mobile                  text,
    id_type                 text CHECK (id_type IN ('CC', 'NIT', 'CE', 'PASSPORT')),
    id_number               text,
    dv                      smallint CHECK (dv BETWEEN 0 AND 9),
    person_type             text NOT NULL CHECK (person_type IN ('natural', 'juridica')),
    fiscal_responsibilities text[] NOT NULL DEFAULT '{}',
    payment_terms_days      integer NOT NULL DEFAULT 0 CHECK (payment_terms_days BETWEEN 0 AND 365),
    credit_limit            numeric(15, 2) CHECK (credit_limit >= 0),
    seller_id               uuid,
    billing_address         jsonb,
    shipping_address        jsonb,
    notes                   text,
    is_active               boolean NOT NULL DEFAULT true,
    is_final_consumer       boolean NOT NULL DEFAULT false,
    deleted_at              timestamptz,
    created_by              uuid,
    updated_by              uuid,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK ((id_type = 'NIT') = (dv IS NOT NULL))
);
-- One live contact per identification number: concurrent creates cannot both succeed.
CREATE UNIQUE INDEX contacts_id_number_key ON contacts (tenant_id, id_number)
    WHERE deleted_at IS NULL AND id_number IS NOT NULL;
CREATE INDEX contacts_sort_idx ON contacts (tenant_id, sort_name, id);
ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contacts USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());

CREATE TABLE contact_attachments (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    contact_id   uuid NOT NULL,
    object_key   text NOT NULL,
    file_name    text NOT NULL,
    file_size    bigint NOT NULL CHECK (file_size >= 0),
    content_type text NOT NULL,
    description  text,
    uploaded_by  uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (tenant_id, object_key)
);
CREATE INDEX contact_attachments_contact_idx ON contact_attachments (tenant_id, contact_id, created_at);
ALTER TABLE contact_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contact_attachments USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON contacts, contact_attachments TO ally360_app;
