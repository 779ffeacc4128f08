-- Events of the period and filters, chronological, undated last.
-- {where} is the filters' condition over v_timeline aliased t; its values are bound parameters.
SELECT
    t.event_id,
    t.date_start,
    t.date_end,
    t.date_precision,
    t.date_approximate,
    t.event_type,
    t.title,
    t.summary,
    t.place,
    t.country,
    t.actors,
    t.source_count
FROM v_timeline t
WHERE {where}
ORDER BY CASE WHEN t.date_start IS NULL THEN 1 ELSE 0 END, t.date_start, t.date_end, t.event_id
