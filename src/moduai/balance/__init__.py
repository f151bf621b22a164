"""지역균형 모니터: indicators (as data), disparity (Gini, Theil decomposed by 5극3특/시도, CV, Williamson),
the composite balance index and saved scenarios.

Public API::

    indicators() / get_indicator(id) / indicator_values(id, year, level) / region_indicators(code)
    measure_disparity(id, year, by='5극3특', variant='official') / disparity_change / disparity_trend
    group_values(id, by, variant)
    validate_spec(weights, method, year, directions) / composite_index(spec)
"""

from moduai.balance.composite import CompositeSpec, composite_index, validate_spec
from moduai.balance.disparity import disparity_change, disparity_trend, measure_disparity
from moduai.balance.groups import group_values
from moduai.balance.indicators import get_indicator, indicator_values, indicators, region_indicators

__all__ = [
    "CompositeSpec", "composite_index", "disparity_change", "disparity_trend", "get_indicator", "group_values",
    "indicator_values", "indicators", "measure_disparity", "region_indicators", "validate_spec",
]
