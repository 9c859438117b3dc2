-- Insights, flushed with the counters in the same transaction and batch id (docs/insights.md).

-- Failed messages by provider error code; the description is the first one the provider sent for the code.
create table daily_failures (
    provider_id text not null references providers (id) on delete cascade,
    day date not null,
    code text not null,
    failed bigint not null default 0,
    description text,
    primary key (provider_id, day, code)
);

-- Sent, delivered and failed messages by destination country (ISO 3166-1 alpha-2, or 'unknown').
create table daily_countries (
    provider_id text not null references providers (id) on delete cascade,
    day date not null,
    country text not null,
    sent bigint not null default 0,
    delivered bigint not null default 0,
    failed bigint not null default 0,
    primary key (provider_id, day, country)
);

-- Times to deliver by fixed bucket (0 to 16; LatencyBuckets.cs), on the delivered event's day.
create table daily_latency (
    provider_id text not null references providers (id) on delete cascade,
    day date not null,
    bucket smallint not null check (bucket between 0 and 16),
    messages bigint not null default 0,
    primary key (provider_id, day, bucket)
);
