-- Sales: DIAN numbering ranges per PDV, invoices and their lines, payments, credit notes, idempotency
-- keys and the invoice email log. Every table carries tenant_id, composite keys and RLS.

CREATE TABLE numbering_ranges (
    tenant_id         uuid NOT NULL REFERENCES companies (id),
    id                uuid NOT NULL,
    pdv_id            uuid NOT NULL,
    document_kind     text NOT NULL CHECK (document_kind IN ('invoice', 'credit_note')),
    resolution_number text NOT NULL,
    prefix            text NOT NULL,
    range_from        bigint NOT NULL CHECK (range_from >= 1),
    range_to          bigint NOT NULL,
    next_number       bigint NOT NULL,
    valid_from        date NOT NULL,
    valid_to          date NOT NULL,
    is_active         boolean NOT NULL DEFAULT true,
    created_by        uuid NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, pdv_id) REFERENCES pdvs (tenant_id, id),
    CHECK (range_to >= range_from),
    CHECK (next_number BETWEEN range_from AND range_to + 1),
    CHECK (valid_to >= valid_from)
);
CREATE UNIQUE INDEX numbering_ranges_active_key ON numbering_ranges (tenant_id, pdv_id, document_kind) WHERE is_active;

CREATE TABLE invoices (
    tenant_id          uuid NOT NULL REFERENCES companies (id),
    id                 uuid NOT NULL,
    invoice_type       text NOT NULL CHECK (invoice_type IN ('SALE', 'POS')),
    pdv_id             uuid NOT NULL,
    customer_id        uuid NOT NULL,
    seller_id          uuid NOT NULL,
    number             text,
    number_seq         bigint,
    range_id           uuid,
    status             text NOT NULL CHECK (status IN ('DRAFT', 'OPEN', 'PAID', 'VOID')),
    issue_date         date NOT NULL,
    due_date           date CHECK (due_date >= issue_date),
    notes              text,
    currency           char(3) NOT NULL DEFAULT 'COP',
    subtotal           numeric(15, 2) NOT NULL,
    discount_total     numeric(15, 2) NOT NULL,
    taxes_total        numeric(15, 2) NOT NULL,
    withholdings_total numeric(15, 2) NOT NULL,
    total_amount       numeric(15, 2) NOT NULL,
    paid_amount        numeric(15, 2) NOT NULL DEFAULT 0,
    credited_amount    numeric(15, 2) NOT NULL DEFAULT 0,
    refunded_amount    numeric(15, 2) NOT NULL DEFAULT 0,
    created_by         uuid NOT NULL,
    updated_by         uuid NOT NULL,
    confirmed_by       uuid,
    confirmed_at       timestamptz,
    voided_by          uuid,
    voided_at          timestamptz,
    void_reason        text,
    credit_override_by uuid,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, pdv_id) REFERENCES pdvs (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES contacts (tenant_id, id),
    FOREIGN KEY (tenant_id, range_id) REFERENCES numbering_ranges (tenant_id, id),
    -- Drafts have no number. A confirmed invoice is saved, then numbered in the same transaction (the
    -- range row is locked last), so "OPEN has a number" holds at commit and is kept by the service.
    CHECK (status <> 'DRAFT' OR number IS NULL),
    CHECK (paid_amount + credited_amount <= total_amount - withholdings_total)
);
CREATE UNIQUE INDEX invoices_number_key ON invoices (tenant_id, pdv_id, number) WHERE number IS NOT NULL;
CREATE UNIQUE INDEX invoices_range_seq_key ON invoices (tenant_id, range_id, number_seq) WHERE range_id IS NOT NULL;
CREATE INDEX invoices_created_idx ON invoices (tenant_id, created_at DESC, id DESC);
CREATE INDEX invoices_customer_idx ON invoices (tenant_id, customer_id, status);
CREATE INDEX invoices_issue_idx ON invoices (tenant_id, issue_date);

CREATE TABLE invoice_lines (
    tenant_id         uuid NOT NULL REFERENCES companies (id),
    id                uuid NOT NULL,
    invoice_id        uuid NOT NULL,
    position          integer NOT NULL,
    product_id        uuid NOT NULL,
    variant_id        uuid,
    name              text NOT NULL,
    sku               text NOT NULL,
    stocked           boolean NOT NULL,
    quantity          numeric(15, 3) NOT NULL CHECK (quantity > 0),
    unit_price        numeric(15, 2) NOT NULL CHECK (unit_price >= 0),
    discount_pct      numeric(5, 2) NOT NULL CHECK (discount_pct BETWEEN 0 AND 100),
    gross             numeric(15, 2) NOT NULL,
    discount          numeric(15, 2) NOT NULL,
    base              numeric(15, 2) NOT NULL,
    taxes_total       numeric(15, 2) NOT NULL,
    withholdings      numeric(15, 2) NOT NULL,
    total             numeric(15, 2) NOT NULL,
    -- [{tax_id, name, code, kind, rate, amount}] as priced.
    taxes             jsonb NOT NULL,
    credited_quantity numeric(15, 3) NOT NULL DEFAULT 0 CHECK (credited_quantity BETWEEN 0 AND quantity),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    UNIQUE (tenant_id, invoice_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX invoice_lines_product_idx ON invoice_lines (tenant_id, product_id);

CREATE TABLE invoice_payments (
    tenant_id    uuid NOT NULL REFERENCES companies (id),
    id           uuid NOT NULL,
    invoice_id   uuid NOT NULL,
    amount       numeric(15, 2) NOT NULL CHECK (amount > 0),
    method       text NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'qr', 'other')),
    reference    text,
    payment_date date NOT NULL,
    notes        text,
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL,
    voided_by    uuid,
    voided_at    timestamptz,
    void_reason  text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);
CREATE INDEX invoice_payments_invoice_idx ON invoice_payments (tenant_id, invoice_id, created_at);
CREATE INDEX invoice_payments_date_idx ON invoice_payments (tenant_id, payment_date);

CREATE TABLE credit_notes (
    tenant_id          uuid NOT NULL REFERENCES companies (id),
    id                 uuid NOT NULL,
    invoice_id         uuid NOT NULL,
    pdv_id             uuid NOT NULL,
    number             text NOT NULL,
    number_seq         bigint NOT NULL,
    range_id           uuid NOT NULL,
    issue_date         date NOT NULL,
    reason             text NOT NULL,
    restock            boolean NOT NULL,
    subtotal           numeric(15, 2) NOT NULL,
    discount_total     numeric(15, 2) NOT NULL,
    taxes_total        numeric(15, 2) NOT NULL,
    withholdings_total numeric(15, 2) NOT NULL,
    total_amount       numeric(15, 2) NOT NULL,
    applied_amount     numeric(15, 2) NOT NULL,
    refund_amount      numeric(15, 2) NOT NULL,
    refund_method      text CHECK (refund_method IN ('cash', 'card', 'transfer', 'qr', 'other')),
    created_by         uuid NOT NULL,
    created_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id),
    FOREIGN KEY (tenant_id, range_id) REFERENCES numbering_ranges (tenant_id, id),
    UNIQUE (tenant_id, range_id, number_seq),
    CHECK (applied_amount + refund_amount = total_amount - withholdings_total)
);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (tenant_id, invoice_id, created_at);
CREATE INDEX credit_notes_issue_idx ON credit_notes (tenant_id, issue_date);

CREATE TABLE credit_note_lines (
    tenant_id       uuid NOT NULL REFERENCES companies (id),
    id              uuid NOT NULL,
    credit_note_id  uuid NOT NULL,
    position        integer NOT NULL,
    invoice_line_id uuid NOT NULL,
    product_id      uuid NOT NULL,
    variant_id      uuid,
    name            text NOT NULL,
    quantity        numeric(15, 3) NOT NULL CHECK (quantity > 0),
    unit_price      numeric(15, 2) NOT NULL,
    gross           numeric(15, 2) NOT NULL,
    discount        numeric(15, 2) NOT NULL,
    base            numeric(15, 2) NOT NULL,
    taxes_total     numeric(15, 2) NOT NULL,
    withholdings    numeric(15, 2) NOT NULL,
    total           numeric(15, 2) NOT NULL,
    taxes           jsonb NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, credit_note_id) REFERENCES credit_notes (tenant_id, id),
    FOREIGN KEY (tenant_id, invoice_line_id) REFERENCES invoice_lines (tenant_id, id)
);
CREATE INDEX credit_note_lines_note_idx ON credit_note_lines (tenant_id, credit_note_id, position);
-- What was credited of an invoice line (reports; the foreign key check when draft lines are replaced).
CREATE INDEX credit_note_lines_line_idx ON credit_note_lines (tenant_id, invoice_line_id);

-- One row per (scope, key): the first request's fingerprint and the document it produced.
CREATE TABLE idempotency_keys (
    tenant_id   uuid NOT NULL REFERENCES companies (id),
    scope       text NOT NULL,
    key         text NOT NULL,
    fingerprint text NOT NULL,
    result_id   uuid,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, scope, key)
);

CREATE TABLE invoice_emails (
    tenant_id  uuid NOT NULL REFERENCES companies (id),
    id         uuid NOT NULL,
    invoice_id uuid NOT NULL,
    job_id     uuid NOT NULL,
    to_email   text NOT NULL,
    subject    text NOT NULL,
    message    text,
    status     text NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);
CREATE INDEX invoice_emails_invoice_idx ON invoice_emails (tenant_id, invoice_id, created_at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['numbering_ranges', 'invoices', 'invoice_lines', 'invoice_payments', 'credit_notes',
                             'credit_note_lines', 'idempotency_keys', 'invoice_emails'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant()) '
                       'WITH CHECK (tenant_id = app_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ally360_app', t);
    END LOOP;
END $$;
