"""Operators of the servicehub-sdk Airflow provider."""

from .. import _extra  # noqa: F401  (Airflow is installed)
from .._assets import asset_uri, servicehub_asset
from ._link_cases import LinkServiceCasesOperator
from ._master_data import SyncMasterDataOperator

__all__ = ["LinkServiceCasesOperator", "SyncMasterDataOperator", "asset_uri", "servicehub_asset"]
