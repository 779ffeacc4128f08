-- The actor(s) whose name or alias is :actor.
SELECT
    a.id AS actor_id,
    a.name,
    a.kind,
    a.title,
    (SELECT COUNT(DISTINCT ea.event_id) FROM event_actors ea WHERE ea.actor_id = a.id) AS event_count
FROM actors a
WHERE {caseless a.name = :actor}
   OR a.id IN (SELECT al.actor_id FROM actor_aliases al WHERE {caseless al.alias = :actor})
ORDER BY a.name, a.id
