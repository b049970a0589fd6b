with

source as (

    select * from {{ source('breachwatch', 'breach_patterns') }}

),

renamed as (

    select
        {{ surrogate_key(['analysis_date', 'series', 'horizon']) }} as breach_pattern_id,
        analysis_date,
        series,
        freq,
        horizon,
        target_date,
        forecast,
        lower as forecast_lower,
        upper as forecast_upper,
        coverage,
        forecast_model,
        model_mae,
        baseline,
        baseline_mae,
        seasonal_naive_mae,
        ets_mae,
        winner,
        folds,
        is_anomaly,
        anomaly_direction,
        latest_value,
        trend,
        points,
        description,
        note,
        plot_path

    from source

)

select * from renamed
