-- 0010: fingerprints.kind may now be 'pdq': digest holds the 32 bytes of
-- an image's PDQ perceptual hash (lib/pdq.c), matched at a Hamming
-- distance of at most 31. No table changes: the version bump is there so
-- that an older ereje, which would read such rows as text fingerprints,
-- refuses this database instead of matching on them.
SELECT 1;
