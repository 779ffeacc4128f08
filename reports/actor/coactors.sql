-- Actors that share events with the actor, most shared events first.
WITH chosen AS (
    SELECT a.id FROM actors a
    WHERE {caseless a.name = :actor}
       OR a.id IN (SELECT al.actor_id FROM actor_aliases al WHERE {caseless al.alias = :actor})
),
shared AS (
    SELECT DISTINCT ea.event_id
    FROM event_actors ea
    JOIN v_timeline t ON t.event_id = ea.event_id
    WHERE ea.actor_id IN (SELECT id FROM chosen) AND {where}
)
SELECT
    a.name AS actor,
    a.kind AS actor_kind,
    COUNT(DISTINCT other.event_id) AS shared_events,
    MIN(e.date_start) AS first_date,
    MAX(e.date_end) AS last_date
FROM event_actors other
JOIN shared s ON s.event_id = other.event_id
JOIN actors a ON a.id = other.actor_id
JOIN events e ON e.id = other.event_id
WHERE other.actor_id NOT IN (SELECT id FROM chosen)
GROUP BY a.id, a.name, a.kind
ORDER BY shared_events DESC, a.name, a.id
