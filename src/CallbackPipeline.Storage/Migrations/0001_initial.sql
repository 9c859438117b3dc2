create table accounts (
    id text primary key,
    name text not null,
    time_zone text not null,
    created_at timestamptz not null default now()
);

create table api_keys (
    id text primary key,
    account_id text not null references accounts (id) on delete cascade,
    name text not null,
    role text not null check (role in ('admin', 'read')),
    key_hash bytea not null unique,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
create index api_keys_account on api_keys (account_id, created_at);

create table providers (
    id text primary key,
    account_id text not null references accounts (id) on delete cascade,
    name text not null,
    kind text not null,
    status text not null default 'active' check (status in ('active', 'archived')),
    is_default boolean not null default false,
    delivery_callbacks boolean not null default true,
    settings jsonb not null,
    secrets bytea not null,
    previous_token bytea,
    previous_token_expires_at timestamptz,
    created_at timestamptz not null default now(),
    archived_at timestamptz,
    check (not is_default or status = 'active')
);
-- The database itself guarantees "at most one default per account", whatever the application does.
create unique index providers_one_default on providers (account_id) where is_default;
create index providers_account on providers (account_id, created_at);

create table daily_stats (
    provider_id text not null references providers (id) on delete cascade,
    day date not null,
    sent bigint not null default 0,
    delivered bigint not null default 0,
    failed bigint not null default 0,
    clicks bigint not null default 0,
    clicked bigint not null default 0,
    replies bigint not null default 0,
    primary key (provider_id, day)
);

-- A flush batch recorded here has been added to daily_stats; applying it again is a no-op.
create table flush_batches (
    provider_id text not null references providers (id) on delete cascade,
    batch_id uuid not null,
    applied_at timestamptz not null default now(),
    primary key (provider_id, batch_id)
);
create index flush_batches_applied on flush_batches (applied_at);

-- Deleted providers whose Redis data may still need removing.
create table deleted_providers (
    provider_id text primary key,
    deleted_at timestamptz not null default now(),
    redis_cleaned_at timestamptz
);

create table data_protection_keys (
    id bigserial primary key,
    friendly_name text not null,
    xml text not null
);
