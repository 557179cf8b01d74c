-- Foundation: the service role, identity, companies and tenancy, the outbox, and the first tenant
-- table (points of sale) with row-level security.

-- The service connects as this role: it owns no table and cannot bypass row-level security.
-- Its password (if any) is set outside migrations.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ally360_app') THEN
        CREATE ROLE ally360_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO ally360_app;

-- The tenant of the current transaction, or NULL (an unset or reset setting reads as '').
CREATE FUNCTION app_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TYPE member_role AS ENUM ('owner', 'admin', 'seller', 'accountant', 'viewer');

CREATE TABLE users (
    id                uuid PRIMARY KEY,
    email             text NOT NULL CONSTRAINT users_email_key UNIQUE CONSTRAINT users_email_lower CHECK (email = lower(email)),
    password_hash     text NOT NULL,
    is_active         boolean NOT NULL DEFAULT false,
    email_verified    boolean NOT NULL DEFAULT false,
    email_verified_at timestamptz,
    last_login        timestamptz,
    first_login       boolean NOT NULL DEFAULT true,
    first_name        text NOT NULL,
    last_name         text NOT NULL,
    phone_number      text,
    dni               text,
    avatar_key        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    deleted_at        timestamptz
);

CREATE TABLE one_time_tokens (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash text NOT NULL CONSTRAINT one_time_tokens_hash_key UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose, created_at);

CREATE TABLE sessions (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX sessions_live_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    token_hash text NOT NULL CONSTRAINT refresh_tokens_hash_key UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE companies (
    id                 uuid PRIMARY KEY,
    name               text NOT NULL CHECK (length(btrim(name)) >= 2),
    description        text,
    address            text,
    phone_number       text NOT NULL CONSTRAINT companies_phone_key UNIQUE,
    nit                varchar(50) NOT NULL CONSTRAINT companies_nit_key UNIQUE,
    dv                 smallint NOT NULL CHECK (dv BETWEEN 0 AND 9),
    economic_activity  text,
    quantity_employees text NOT NULL DEFAULT '1-10',
    social_reason      text,
    logo_key           text,
    unique_pdv         boolean NOT NULL DEFAULT false,
    is_active          boolean NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    deleted_at         timestamptz
);
CREATE UNIQUE INDEX companies_name_key ON companies (lower(name));

CREATE TABLE memberships (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    company_id uuid NOT NULL REFERENCES companies (id),
    role       member_role NOT NULL,
    is_active  boolean NOT NULL DEFAULT true,
    joined_at  timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memberships_user_company_key UNIQUE (user_id, company_id)
);
CREATE INDEX memberships_company_idx ON memberships (company_id, joined_at DESC);

CREATE TABLE invitations (
    id            uuid PRIMARY KEY,
    company_id    uuid NOT NULL REFERENCES companies (id),
    invited_by    uuid NOT NULL REFERENCES users (id),
    invitee_email text NOT NULL CHECK (invitee_email = lower(invitee_email)),
    role          member_role NOT NULL,
    token_hash    text NOT NULL CONSTRAINT invitations_hash_key UNIQUE,
    expires_at    timestamptz NOT NULL,
    accepted_at   timestamptz,
    revoked_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- At most one open (pending or expired) invitation per company and email; history is kept.
CREATE UNIQUE INDEX invitations_open_key ON invitations (company_id, invitee_email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_company_idx ON invitations (company_id, created_at DESC);

CREATE TABLE audit_events (
    id         uuid PRIMARY KEY,
    at         timestamptz NOT NULL,
    user_id    uuid,
    company_id uuid,
    action     text NOT NULL,
    detail     text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_user_idx ON audit_events (user_id, at DESC);

-- Jobs written in the same transaction as the change that caused them; a relay moves them on.
CREATE TABLE outbox (
    id         uuid PRIMARY KEY,
    task       jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    relayed_at timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL;

-- Tenant data: keyed (tenant_id, id), isolated by row-level security.
CREATE TABLE pdvs (
    tenant_id     uuid NOT NULL REFERENCES companies (id),
    id            uuid NOT NULL,
    name          text NOT NULL,
    address       text,
    phone_number  text,
    is_main       boolean NOT NULL DEFAULT false,
    is_active     boolean NOT NULL DEFAULT true,
    department_id integer,
    city_id       integer,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX pdvs_name_key ON pdvs (tenant_id, lower(name));
CREATE UNIQUE INDEX pdvs_main_key ON pdvs (tenant_id) WHERE is_main;
ALTER TABLE pdvs ENABLE ROW LEVEL SECURITY;
ALTER TABLE pdvs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON pdvs
    USING (tenant_id = app_tenant())
    WITH CHECK (tenant_id = app_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ally360_app;
REVOKE ALL ON _sqlx_migrations FROM ally360_app;
