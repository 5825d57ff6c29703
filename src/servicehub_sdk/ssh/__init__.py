"""symmedia Secure Service Hub (GraphQL): customers, machines and service cases.

```python
from servicehub_sdk.ssh import SSHClient

with SSHClient(api_key=..., client_id=..., client_secret=...) as hub:
    hub.customers.upsert({"name": "ACME", "externalId": "C-1",
                          "serviceOrganisation": org_id, "address": {"country": "DE"}})
```
"""

from . import _extra  # noqa: F401  (first: names a missing extra before gql is needed)
from ._batch import BatchResult, BatchResults
from ._client import (
    ENVIRONMENTS,
    AsyncSSHClient,
    Environment,
    SSHClient,
)
from ._customer_machines import MachineShape
from ._models import (
    Address,
    AddressInput,
    ClosingReport,
    Customer,
    CustomerInput,
    CustomerMachine,
    CustomerMachineInput,
    CustomerUpdate,
    CustomField,
    CustomFieldDefinition,
    MachineModel,
    MachineModelInput,
    Person,
    ServiceCase,
    ServiceCaseState,
    ServiceCaseView,
    ServiceOrganisation,
    Severity,
    UpsertResult,
)
from ._schemas import SchemaReport

__all__ = [
    "ENVIRONMENTS",
    "Address",
    "AddressInput",
    "AsyncSSHClient",
    "BatchResult",
    "BatchResults",
    "ClosingReport",
    "CustomField",
    "CustomFieldDefinition",
    "Customer",
    "CustomerInput",
    "CustomerMachine",
    "CustomerMachineInput",
    "CustomerUpdate",
    "Environment",
    "MachineModel",
    "MachineModelInput",
    "MachineShape",
    "Person",
    "SSHClient",
    "SchemaReport",
    "ServiceCase",
    "ServiceCaseState",
    "ServiceCaseView",
    "ServiceOrganisation",
    "Severity",
    "UpsertResult",
]
