"""현장 AI: a farm's or a small factory's own sensor log → profile, anomalies, forecasts, alerts, explained in Korean.

Modules: :mod:`~moduai.fieldai.ingest` (read and profile a CSV/XLSX), :mod:`~moduai.fieldai.anomalies`,
:mod:`~moduai.fieldai.forecast`, :mod:`~moduai.fieldai.alerts` (rules as YAML), :mod:`~moduai.fieldai.quality`
(pass/fail labels), :mod:`~moduai.fieldai.generator` (합성 greenhouse logs) and :mod:`~moduai.fieldai.nab`
(the NAB scoring rules).
"""
