"""Dataset catalog API documents (`/api/v1/datasets…`)."""

from __future__ import annotations

from moduai.data.catalog import Dataset, DatasetList
from moduai.web.schemas.derive import public_model

DatasetPublic = public_model(Dataset)
DatasetListPublic = public_model(DatasetList)
