-- A day and severity never holds more breach documents than documents.

select
    partition_date,
    severity,
    documents,
    breach_documents

from {{ ref('mart_daily_exposure') }}
where breach_documents > documents
