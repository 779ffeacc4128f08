-- All sources of the events query.sql selects; new_source is 1 for those ingested since :since.
SELECT
    s.event_id,
    s.document_title,
    s.source_uri,
    s.published,
    s.sentence,
    CASE WHEN d.ingested_at >= :since THEN 1 ELSE 0 END AS new_source
FROM v_event_sources s
JOIN documents d ON d.id = s.document_id
WHERE s.event_id IN (
    SELECT es.event_id FROM event_sources es JOIN documents rd ON rd.id = es.document_id
    WHERE rd.ingested_at >= :since)
  AND s.event_id IN (SELECT t.event_id FROM v_timeline t WHERE {where})
ORDER BY s.event_id, CASE WHEN s.published IS NULL THEN 1 ELSE 0 END, s.published, s.document_id, s.char_start
