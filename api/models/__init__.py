"""SQLModel tables and the Base/Create/Public models of each resource."""

from api.models.keys import ApiKey
from api.models.routing_jobs import RoutingJobRecord
from api.models.runs import ReplicationRecord, ResultTableRecord, RunRecord, RunReportRecord
from api.models.scenarios import ScenarioRecord
from api.models.sweeps import SweepRecord, SweepReplicationRecord

__all__ = [
    "ApiKey",
    "ReplicationRecord",
    "ResultTableRecord",
    "RoutingJobRecord",
    "RunRecord",
    "RunReportRecord",
    "ScenarioRecord",
    "SweepRecord",
    "SweepReplicationRecord",
]
