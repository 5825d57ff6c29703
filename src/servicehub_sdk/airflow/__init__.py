"""An Airflow provider for servicehub-sdk (the `airflow` extra, Airflow 3).

- `hooks`: one hook per backend and connection type (`servicehub_<backend>`, as each
  backend's spec in `servicehub_sdk.backends` declares), each giving the SDK's sync or async
  client for its connection.
- `operators`: `SyncMasterDataOperator` and `LinkServiceCasesOperator`.
- `sensors`: `UnlinkedServiceCasesSensor`.

Airflow finds the provider through the `apache_airflow_provider` entry point
(`get_provider_info`). Importing this package imports nothing of Airflow.
"""
