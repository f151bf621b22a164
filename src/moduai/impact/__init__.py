"""성과 추적: who received support (concentration) and what changed because of it (effects).

Public API::

    read_awards(file) / concentration(awards) -> Concentration
    twfe(panel, …) / event_study(panel, …) / callaway_santanna(panel, …)
    decline_study(outcome=…, control=…) -> DeclineStudy   (인구감소지역 지정 2021, shipped data)
    survival(frame, …) -> SurvivalResult                  (Kaplan–Meier, log-rank)
"""

from moduai.impact.concentration import Concentration, concentration, read_awards
from moduai.impact.did import DidEstimate, EventStudy, callaway_santanna, event_study, twfe
from moduai.impact.study import DeclineStudy, decline_study
from moduai.impact.survival import SurvivalResult, survival

__all__ = ["Concentration", "DeclineStudy", "DidEstimate", "EventStudy", "SurvivalResult", "callaway_santanna",
           "concentration", "decline_study", "event_study", "read_awards", "survival", "twfe"]
