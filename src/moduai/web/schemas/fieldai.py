"""현장 AI API documents (`/api/v1/fieldai…`), derived from the domain results ``moduai fieldai … --json`` prints."""

from __future__ import annotations

from moduai.fieldai.alerts import AlertResult, RuleSet
from moduai.fieldai.analysis import FieldAnalysis
from moduai.fieldai.anomalies import DetectionResult
from moduai.fieldai.forecast import ForecastResult
from moduai.fieldai.ingest import FieldProfile
from moduai.web.schemas.derive import public_model

FieldProfilePublic = public_model(FieldProfile)
DetectionPublic = public_model(DetectionResult)
ForecastPublic = public_model(ForecastResult)
AlertsPublic = public_model(AlertResult)
RuleSetPublic = public_model(RuleSet)
FieldAnalysisPublic = public_model(FieldAnalysis)
