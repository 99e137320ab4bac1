"""/api/v1/audit: who changed what and when."""

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_unrestricted, require_write
from ..db import get_db
from ..repositories import audit
from ..schemas.access import AuditListSchema, AuditQuerySchema
from .common import envelope

blp = Blueprint("audit", __name__, description="The audit trail of every change")


@blp.route("/audit")
class AuditTrail(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditListSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query):
        """Read the audit trail, newest first, optionally for one entity (tokens for all organizations only)"""
        require_unrestricted(require_write())  # the trail holds every organization's internal events
        items, total = audit.list_entries(get_db(), query.get("entity"), query.get("entity_id"),
                                          query["limit"], query["offset"])
        return envelope(items, total, query)
