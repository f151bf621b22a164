"""Talent API documents (`/api/v1/talent…`), derived from the domain results ``moduai talent … --json`` prints."""

from __future__ import annotations

from moduai.talent.outcomes import OutcomesReport
from moduai.talent.preferences import MatchReport
from moduai.talent.retention import RetentionResult
from moduai.web.schemas.derive import public_model

OutcomesPublic = public_model(OutcomesReport)
MatchReportPublic = public_model(MatchReport)
RetentionPublic = public_model(RetentionResult)
