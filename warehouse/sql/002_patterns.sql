-- Analytics tables: weekly trend forecasts, and a snapshot of the operational alerts for dbt.

-- One row per (analysis date, series, forecast step); the breach_pattern_analysis asset replaces
-- every row of an analysis date at once, so a re-run never duplicates.
create table if not exists breach_patterns (
    analysis_date date not null,
    series varchar not null,             -- e.g. 'breach_events/severity=CRITICAL'
    freq varchar not null,               -- W normally; D when a series has too few complete weeks
    horizon integer not null,            -- forecast step, 1 = the next period
    target_date date not null,           -- start of the forecast period
    forecast double not null,
    lower double not null,
    upper double not null,
    coverage double not null,            -- nominal coverage of [lower, upper]
    forecast_model varchar not null,     -- lstm | gru | seasonal_naive | ets: what was published
    model_mae double,                    -- backtest MAE of the network; null when too short
    baseline varchar not null,           -- the better baseline
    baseline_mae double,
    seasonal_naive_mae double,
    ets_mae double,
    winner varchar,                      -- backtest winner; null when too short to backtest
    folds integer not null,
    is_anomaly boolean not null,         -- the latest observation left its interval
    anomaly_direction varchar,           -- above | below
    latest_value double not null,
    trend varchar not null,              -- rising | falling | flat
    points integer not null,             -- periods of history the analysis saw
    description varchar not null,
    note varchar not null,
    plot_path varchar,                   -- PNG under <data_dir>/reports/<analysis_date>/
    primary key (analysis_date, series, horizon)
);

-- The operational store's alerts with their publish time, copied whole by the alerts_export
-- asset: DuckDB cannot attach SQLite/Postgres here, and publish times change after the alerting
-- run (the outbox sweep), so a snapshot taken before dbt runs is the honest source.
create table if not exists alerts_export (
    alert_id bigint primary key,
    user_id bigint not null,
    breach_event_id varchar not null,
    credential_id bigint,
    severity varchar not null,
    confidence double not null,
    similarity double not null,
    source_name varchar,
    detected_at timestamptz not null,    -- the event's first-seen time
    created_at timestamptz not null,     -- committed to the store
    published_at timestamptz,            -- first publish to Redis; null while unpublished
    publish_attempts integer not null,
    is_read boolean not null,
    is_resolved boolean not null,
    exported_at timestamptz not null
);
