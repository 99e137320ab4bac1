"""Give every scope a public twin ("public:<scope>"), moved only by changes anonymous readers can see.

The twins start at the full versions and change times, so public ETags and Last-Modified stay
as they were across the upgrade.
"""


def migrate(db):
    """Copy each scope's version and change time to its public twin."""
    db.execute(
        "insert or ignore into feed_versions (scope, version, changed_at) "
        "select 'public:' || scope, version, changed_at from feed_versions where scope not like 'public:%'")
