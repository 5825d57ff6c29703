"""The provider's hooks, operators and sensors need Airflow (the `airflow` extra)."""

from ..core._extras import require_extra

require_extra("airflow", "airflow", feature="The servicehub-sdk Airflow provider")
