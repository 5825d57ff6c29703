"""OpenLineage datasets of the operators' inputs and outputs. The OpenLineage provider
(`apache-airflow-providers-openlineage`) is imported only when lineage is asked for; without
it there is no lineage (`None`) and the operators run as before."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._assets import SCHEME

__all__ = ["file_dataset", "operator_lineage", "servicehub_dataset"]

Dataset = tuple[str, str]
"""`(namespace, name)` of an OpenLineage dataset."""


def servicehub_dataset(backend: str, resource: str) -> Dataset:
    """The dataset of an asset `servicehub://<backend>/<resource>`: namespace
    `servicehub://<backend>`, name `<resource>`."""
    return f"{SCHEME}://{backend}", resource


def file_dataset(source: str) -> Dataset:
    """The dataset of a file: a URI's `scheme://authority` and path (`s3://bucket`,
    `key.csv`), or `file` and the absolute path of a local file."""
    if "://" not in source:
        return "file", str(Path(source).resolve())
    parsed = urlsplit(source)
    if parsed.scheme == "file":
        return "file", parsed.path
    return f"{parsed.scheme}://{parsed.netloc}", parsed.path.lstrip("/")


def operator_lineage(inputs: Iterable[Dataset], outputs: Iterable[Dataset]) -> Any:
    """OpenLineage's `OperatorLineage` of `inputs` and `outputs`, or `None` without the
    OpenLineage provider."""
    try:
        from airflow.providers.common.compat.openlineage.facet import (
            Dataset as OpenLineageDataset,
        )
        from airflow.providers.openlineage.extractors import OperatorLineage
    except ImportError:
        return None
    return OperatorLineage(
        inputs=[OpenLineageDataset(namespace=ns, name=name) for ns, name in inputs],
        outputs=[OpenLineageDataset(namespace=ns, name=name) for ns, name in outputs],
    )
