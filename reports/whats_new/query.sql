-- Events with at least one source from a document ingested on or after :since, within the filters.
-- is_new is 1 when every source of the event arrived since then (a new event, not a new source).
WITH recent AS (
    SELECT es.event_id, MIN(d.ingested_at) AS first_ingested
    FROM documents d
    JOIN event_sources es ON es.document_id = d.id
    WHERE d.ingested_at >= :since
    GROUP BY es.event_id
)
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
    t.source_count,
    CASE WHEN NOT EXISTS (
        SELECT 1 FROM event_sources old JOIN documents od ON od.id = old.document_id
        WHERE old.event_id = t.event_id AND od.ingested_at < :since) THEN 1 ELSE 0 END AS is_new
FROM v_timeline t
JOIN recent r ON r.event_id = t.event_id
WHERE {where}
ORDER BY CASE WHEN t.date_start IS NULL THEN 1 ELSE 0 END, t.date_start, t.date_end, t.event_id
