-- The sources of the events query.sql selects: oldest publication first, then by document and offset.
SELECT
    s.event_id,
    s.document_id,
    s.document_title,
    s.source_uri,
    s.published,
    s.sentence,
    s.date_text
FROM v_event_sources s
WHERE s.event_id IN (SELECT t.event_id FROM v_timeline t WHERE {where})
ORDER BY s.event_id, CASE WHEN s.published IS NULL THEN 1 ELSE 0 END, s.published, s.document_id, s.char_start
