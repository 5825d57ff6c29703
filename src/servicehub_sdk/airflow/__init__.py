"""An Airflow provider for servicehub-sdk (the `airflow` extra, Airflow 3).

- `hooks`: one hook per backend and connection type (`servicehub_<backend>`, as each
  backend's spec in `servicehub_sdk.backends` declares), each giving the SDK's sync or async
  client for its connection.
- `operators`: `SyncMasterDataOperator` and `LinkServiceCasesOperator`.
- `sensors`: `UnlinkedServiceCasesSensor` and `ServiceHubChangesSensor` (deferrable).
- `triggers`: `ServiceHubChangesTrigger`, waiting for a change feed with the async client.

The operators and the changes sensor declare Airflow assets `servicehub://<backend>/<resource>`
as outlets (`operators.servicehub_asset(backend, resource)` makes one).

Airflow finds the provider through the `apache_airflow_provider` entry point
(`get_provider_info`). Importing this package imports nothing of Airflow.
"""
