-- Aliases of the actor(s) whose name or alias is :actor.
SELECT al.actor_id, al.alias
FROM actor_aliases al
WHERE al.actor_id IN (
    SELECT a.id FROM actors a
    WHERE {caseless a.name = :actor}
       OR a.id IN (SELECT x.actor_id FROM actor_aliases x WHERE {caseless x.alias = :actor}))
ORDER BY al.actor_id, al.alias
