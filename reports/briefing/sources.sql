-- The sources of the events query.sql selected: oldest publication first, then by document and offset.
-- {events.event_id} is the event_id values of those rows (bound), so the filters are not run twice.
-- Only the columns the templates show: every value fetched is a Python object made per source.
SELECT
    s.event_id,
    s.document_title,
    s.source_uri,
    s.published,
    s.sentence
FROM v_event_sources s
WHERE s.event_id IN {events.event_id}
ORDER BY s.event_id, CASE WHEN s.published IS NULL THEN 1 ELSE 0 END, s.published, s.document_id, s.char_start
