"""Impact API documents (`/api/v1/impact…`), derived from the domain results ``moduai impact … --json`` prints."""

from __future__ import annotations

from moduai.impact.concentration import Concentration
from moduai.impact.did import PanelAnalysis
from moduai.impact.study import DeclineStudy
from moduai.web.schemas.derive import public_model

DeclineStudyPublic = public_model(DeclineStudy)
ConcentrationPublic = public_model(Concentration)
PanelAnalysisPublic = public_model(PanelAnalysis)
