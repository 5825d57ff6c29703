"""symmedia Secure Service Hub (GraphQL): customers, machines and service cases.

```python
from servicehub_sdk.ssh import SecureServiceHub

with SecureServiceHub(api_key=..., client_id=..., client_secret=...) as hub:
    hub.customers.upsert({"name": "ACME", "externalId": "C-1",
                          "serviceOrganisation": org_id, "address": {"country": "DE"}})
```
"""

from . import _extra  # noqa: F401  (first: names a missing extra before gql is needed)
from .batch import BatchResult, BatchResults
from .client import ENVIRONMENTS, AsyncSecureServiceHub, Environment, SecureServiceHub
from .customer_machines import MachineShape
from .models import (
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
from .schemas import SchemaReport

__all__ = [
    "ENVIRONMENTS",
    "Address",
    "AddressInput",
    "AsyncSecureServiceHub",
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
    "SchemaReport",
    "SecureServiceHub",
    "ServiceCase",
    "ServiceCaseState",
    "ServiceCaseView",
    "ServiceOrganisation",
    "Severity",
    "UpsertResult",
]
