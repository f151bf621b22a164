"""지역 AI 거점센터 operations: one ID per organisation and person from application to outcome.

Modules: ``models`` (tables), ``identity`` (사업자등록번호 check digit, keyed person identity, masking),
``service`` (the tenant-scoped domain API; every function takes a Principal), ``kpis`` + ``kpis.yaml``
(KPIs as data, computed never typed), ``survival`` (Kaplan–Meier), ``io`` (Korean CSV/XLSX templates,
imports, 성과 보고 export), ``demo`` (the documented 합성 generator).
"""
