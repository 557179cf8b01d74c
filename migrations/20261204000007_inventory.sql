-- Inventory: the company's settings (the negative-stock rule) and the index of movement lists.

CREATE TABLE inventory_settings (
    tenant_id        uuid PRIMARY KEY REFERENCES companies (id),
    sell_in_negative boolean NOT NULL DEFAULT false,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE inventory_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON inventory_settings USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON inventory_settings TO ally360_app;

CREATE INDEX inventory_movements_time_idx ON inventory_movements (tenant_id, created_at, id);
CREATE INDEX inventory_movements_document_idx ON inventory_movements (tenant_id, document_id) WHERE document_id IS NOT NULL;
