-- Events involving the actor (by name or alias) within the filters, with the actor's roles.
WITH chosen AS (
    SELECT a.id FROM actors a
    WHERE {caseless a.name = :actor}
       OR a.id IN (SELECT al.actor_id FROM actor_aliases al WHERE {caseless al.alias = :actor})
),
involved AS (
    SELECT ea.event_id, MIN(ea.role) AS role
    FROM event_actors ea
    WHERE ea.actor_id IN (SELECT id FROM chosen)
    GROUP BY ea.event_id
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
    i.role
FROM v_timeline t
JOIN involved i ON i.event_id = t.event_id
WHERE {where}
ORDER BY CASE WHEN t.date_start IS NULL THEN 1 ELSE 0 END, t.date_start, t.date_end, t.event_id
