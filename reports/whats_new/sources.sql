-- All sources of the events query.sql selected ({events.event_id}: the event_id values of its rows);
-- new_source is 1 for those ingested since :since.
SELECT
    s.event_id,
    s.document_title,
    s.source_uri,
    s.published,
    s.sentence,
    CASE WHEN d.ingested_at >= :since THEN 1 ELSE 0 END AS new_source
FROM v_event_sources s
JOIN documents d ON d.id = s.document_id
WHERE s.event_id IN {events.event_id}
ORDER BY s.event_id, CASE WHEN s.published IS NULL THEN 1 ELSE 0 END, s.published, s.document_id, s.char_start
