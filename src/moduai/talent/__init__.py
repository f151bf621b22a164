"""AI 인재: where K-Digital Training leads to jobs, and placing trainees in regional slots.

Modules: ``kdt`` (the course-run file), ``outcomes`` (funnel, concentration, institution ranking),
``matching`` (deferred acceptance; Kamada–Kojima flexible DA with regional caps and floors),
``preferences`` (lists from weights, Korean templates), ``synthetic`` (합성 cohort), ``retention``.
"""
