-- The actor(s) whose name or alias is :actor.
SELECT
    a.id AS actor_id,
    a.name,
    a.kind,
    a.title,
    (SELECT COUNT(DISTINCT ea.event_id) FROM event_actors ea WHERE ea.actor_id = a.id) AS event_count
FROM actors a
WHERE lower(a.name) = lower(:actor)
   OR a.id IN (SELECT al.actor_id FROM actor_aliases al WHERE lower(al.alias) = lower(:actor))
ORDER BY a.name, a.id
