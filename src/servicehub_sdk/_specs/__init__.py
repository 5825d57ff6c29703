"""The built-in backends' specs, one module each, registered through the
`servicehub_sdk.backends` entry points (pyproject.toml).

They live outside the backend packages so that reading them imports no client code: importing
anything under `servicehub_sdk.ssh` runs that package's `__init__`, which loads the client (and
needs the `ssh` extra), while the sandbox and the Airflow provider's metadata must not.
"""
