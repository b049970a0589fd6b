-- The key and digests of a leaked credential as bytes, not hex text.
--
-- Hex spelled every digest in twice its bytes, and DuckDB spent most of an insert into this
-- table trying to compress those random characters (dictionary + FSST, which gets them back to
-- about their bytes): 2.0 s of CPU for a day of 1.8M credentials, against 0.8 s for the same
-- rows with the digests as uncompressed BLOBs, in about the same space (142 MB against 154 MB).
-- Random bytes do not compress; the column is told so instead of finding out on every
-- checkpoint. Existing rows are carried over (unhex); readers that want text use lower(hex(x)).
create table leaked_credentials_binary (
    partition_date date not null,
    doc_id varchar not null,
    line_no integer not null,
    email_key blob using compression uncompressed not null,  -- HMAC-SHA256(pepper, canonical e-mail), 32 bytes
    email_domain varchar not null,
    masked_email varchar not null,
    password_kind varchar not null,      -- plaintext | hash | none
    hash_type varchar,
    password_sha1 blob using compression uncompressed,       -- 20 bytes, plaintext passwords only (range index)
    password_ntlm blob using compression uncompressed        -- 16 bytes, MD4 of the UTF-16LE password
);

insert into leaked_credentials_binary
select partition_date, doc_id, line_no, unhex(email_key), email_domain, masked_email,
       password_kind, hash_type, unhex(password_sha1), unhex(password_ntlm)
from leaked_credentials;

drop table leaked_credentials;
alter table leaked_credentials_binary rename to leaked_credentials;
