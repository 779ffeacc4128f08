-- Sources of the actor's events.
SELECT
    s.event_id,
    s.document_title,
    s.source_uri,
    s.published,
    s.sentence
FROM v_event_sources s
WHERE s.event_id IN (
    SELECT ea.event_id FROM event_actors ea JOIN v_timeline t ON t.event_id = ea.event_id
    WHERE {where} AND ea.actor_id IN (
        SELECT a.id FROM actors a
        WHERE lower(a.name) = lower(:actor)
           OR a.id IN (SELECT al.actor_id FROM actor_aliases al WHERE lower(al.alias) = lower(:actor))))
ORDER BY s.event_id, CASE WHEN s.published IS NULL THEN 1 ELSE 0 END, s.published, s.document_id, s.char_start
