{# Small cross-adapter helpers: DuckDB in development, Postgres in production. #}

{% macro surrogate_key(columns) -%}
    md5(
        {%- for column in columns %}
        coalesce(cast({{ column }} as varchar), '_null_')
        {%- if not loop.last %} || '|' || {% endif -%}
        {%- endfor %}
    )
{%- endmacro %}

{% macro list_length(column) -%}
    {{ return(adapter.dispatch('list_length', 'breachwatch')(column)) }}
{%- endmacro %}

{% macro default__list_length(column) -%}
    coalesce(cardinality({{ column }}), 0)
{%- endmacro %}

{% macro duckdb__list_length(column) -%}
    coalesce(len({{ column }}), 0)
{%- endmacro %}

{% macro seconds_between(start_column, end_column) -%}
    extract(epoch from ({{ end_column }} - {{ start_column }}))
{%- endmacro %}
