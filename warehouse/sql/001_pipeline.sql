-- Analytical tables written by the Dagster assets; one partition = one UTC day (partition_date).
create table if not exists raw_documents (
    doc_id varchar primary key,          -- sha256 of the content: the dedupe key
    partition_date date not null,
    source_name varchar not null,
    url varchar,
    title varchar,
    posted_at timestamptz not null,
    fetched_at timestamptz not null,
    content_type varchar,
    size_bytes bigint not null,
    storage_path varchar,                -- encrypted blob under data/raw; null once purged
    purged_at timestamptz
);

create table if not exists scrape_log (
    partition_date date not null,
    source_name varchar not null,
    status varchar not null,
    documents_found integer not null,
    documents_new integer not null,
    duplicates integer not null,
    bytes_fetched bigint not null,
    error_count integer not null,
    errors varchar not null,             -- JSON array of short messages
    started_at timestamptz not null,
    finished_at timestamptz not null,
    primary key (partition_date, source_name)
);

create table if not exists document_classifications (
    doc_id varchar primary key,
    partition_date date not null,
    is_breach boolean not null,
    breach_probability double not null,
    label varchar not null,
    stage varchar not null,
    model_version varchar not null,
    classified_at timestamptz not null
);

create table if not exists document_entities (
    doc_id varchar primary key,
    partition_date date not null,
    data_classes varchar[] not null,
    organisations varchar[] not null,
    victim_domains varchar[] not null,
    record_count_claim bigint,
    credential_count integer not null
);

create table if not exists leaked_credentials (
    partition_date date not null,
    doc_id varchar not null,
    line_no integer not null,
    email_key varchar not null,          -- HMAC-SHA256(pepper, canonical e-mail)
    email_domain varchar not null,
    masked_email varchar not null,
    password_kind varchar not null,      -- plaintext | hash | none
    hash_type varchar,
    password_sha1 varchar,               -- only for plaintext passwords (range index)
    password_ntlm varchar
);

create table if not exists breach_events (
    event_id varchar primary key,
    partition_date date not null,
    title varchar not null,
    victim_domain varchar,
    victim_org varchar,
    data_classes varchar[] not null,
    record_count bigint not null,
    severity varchar not null,
    confidence double not null,
    first_seen timestamptz not null,
    source_names varchar[] not null,
    doc_ids varchar[] not null
);

create table if not exists credential_matches (
    partition_date date not null,
    event_id varchar not null,
    doc_id varchar not null,
    email_key varchar not null,
    credential_id bigint not null,
    user_id bigint not null,
    masked_email varchar not null,
    similarity double not null,
    variant_reason varchar not null
);
