"""Writes cassettes/documented_examples.yaml from the vendor document's own examples.

The requests are the document's queries and mutations verbatim (plus the pagination options
the public tooling shows); the answers are what those documents select. Run it to regenerate;
the test suite only replays the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

GRAPHQL = "https://api.secure-service-hub.com/graphql"
TOKEN = (
    "https://symcloudplatformb2cprod.b2clogin.com/symcloudplatformb2cprod.onmicrosoft.com"
    "/B2C_1A_SIGNIN/oauth2/v2.0/token"
)
SCOPE = "https://symcloudplatformb2cprod.onmicrosoft.com/public-api/.default"

ORG = {"id": "8f14e45f-ceea-467f-a0e6-1b5a9e6c1a11", "name": "Service DACH", "description": "DACH"}

EXAMPLES: list[tuple[str, dict[str, object]]] = [
    (
        """{
  serviceOrganisationsPaginated(options: {pagination: {page: 0, pageSize: 100}}) {
    data {
      id
      name
      description
    }
  }
}""",
        {"serviceOrganisationsPaginated": {"data": [ORG]}},
    ),
    (
        """{
    customer(externalId: "Unique Customer ID from SAP/ERP") {
        id
        name
        status
        externalId
        serviceOrganisation {
            id
            name
            description
        }
        address {
            country
            state
            city
            postalCode
            street
            street2
        }
    }
}""",
        {
            "customer": {
                "id": "c0ffee00-0000-4000-8000-000000000001",
                "name": "Name of the Customer",
                "status": "ACTIVE",
                "externalId": "Unique Customer ID from SAP/ERP",
                "serviceOrganisation": ORG,
                "address": {
                    "country": "DE",
                    "state": None,
                    "city": "Dresden",
                    "postalCode": "01067",
                    "street": None,
                    "street2": None,
                },
            }
        },
    ),
    (
        """mutation CreateCustomer {
    createCustomer(
        customer: {
          name: "Name of the Customer"
          externalId: "Unique Customer ID from SAP/ERP"
          serviceOrganisation: "ID of Service Org"
          address: {country: "DE"}
          }
    ) {
        id
        name
        status
        externalId
    }
}""",
        {
            "createCustomer": {
                "id": "c0ffee00-0000-4000-8000-000000000002",
                "name": "Name of the Customer",
                "status": "INVITED",
                "externalId": "Unique Customer ID from SAP/ERP",
            }
        },
    ),
    (
        """mutation {
  updateCustomer(
    customer: {
      externalId: "Unique Customer ID from SAP/ERP"
      name: "Name of Customer"
      serviceOrganisation: "ID of Service Org"
      address: {country: "DE"}
    }
  ) {
    id
    externalId
    name
    status
  }
}""",
        {
            "updateCustomer": {
                "id": "c0ffee00-0000-4000-8000-000000000002",
                "externalId": "Unique Customer ID from SAP/ERP",
                "name": "Name of Customer",
                "status": "ACTIVE",
            }
        },
    ),
    (
        """mutation {
    createMachineModel(
        machineModel: {modelName: "Model Name"
        technology: "Technology"
        brand: "Brand"
        externalId: "Unique SAP ID - Material no"}
    ) {
        id
    }
}""",
        {"createMachineModel": {"id": "m0de1000-0000-4000-8000-000000000001"}},
    ),
    (
        """mutation {
    createCustomerMachine(
        customerMachine: {
          customer: {customerExternalId: "Unique Customer ID from SAP/ERP"},
          serialNumber: "Serial Number of the Machine",
          machineModel: {machineModelExternalId: "Unique SAP Machine Model ID - Material no"},
          externalId: "Unique SAP ID of the Machine",
          edgeDeviceSerialNumber: "if not available, it can be removed",
          isSp1Migration: true}
    ) {
        id
        serialNumber
        externalId
        status
        isSp1Migration
        edgeDeviceSerialNumber
    }
}""",
        {
            "createCustomerMachine": {
                "id": "ma000000-0000-4000-8000-000000000001",
                "serialNumber": "Serial Number of the Machine",
                "externalId": "Unique SAP ID of the Machine",
                "status": "NOT_CONNECTED",
                "isSp1Migration": True,
                "edgeDeviceSerialNumber": "if not available, it can be removed",
            }
        },
    ),
    (
        """mutation {
  createCustomerMachine(
    machineModel: {machineModelExternalId: "Unique SAP Machine Model ID - Material no"}
    customer: {customerExternalId: "Unique Customer ID from SAP/ERP"}
    externalId: "Unique SAP ID"
    serialNumber: "Serial Number"
    edgeDeviceSerialNumber: "if not available, it can be removed"
    isSp1Migration: true
  ) {
    id
    externalId
    serialNumber
    status
    edgeDeviceSerialNumber
    isSp1Migration
  }
}""",
        {
            "createCustomerMachine": {
                "id": "ma000000-0000-4000-8000-000000000002",
                "externalId": "Unique SAP ID",
                "serialNumber": "Serial Number",
                "status": "NOT_CONNECTED",
                "edgeDeviceSerialNumber": "if not available, it can be removed",
                "isSp1Migration": True,
            }
        },
    ),
    (
        """{
  serviceCasesPaginated(options: {view: SERVICE_PROVIDER, pagination: {page: 0, pageSize: 100}}) {
    data {
      id
      displayId
      externalId
      title
      description
      priority
      severity
      createdAt
      updatedAt
      closedAt
      state {
        name
      }
      creator {
        name
      }
      assignee {
        name
      }
      customerMachine {
        id
        externalId
        serialNumber
      }
      customFields {
        key
        value
      }
      closingReport {
        isSolved
        notes
      }
    }
  }
}""",
        {
            "serviceCasesPaginated": {
                "data": [
                    {
                        "id": "SCID",
                        "displayId": "SC-1001",
                        "externalId": None,
                        "title": "Spindle noise",
                        "description": "Loud noise on axis X",
                        "priority": "HIGH",
                        "severity": "PRODUCTION_IMPAIRED",
                        "createdAt": "2024-03-01T08:15:00.000Z",
                        "updatedAt": "2024-03-01T09:00:00.000Z",
                        "closedAt": None,
                        "state": {"name": "Open"},
                        "creator": {"name": "Anna Schmidt"},
                        "assignee": {"name": None},
                        "customerMachine": {
                            "id": "ma000000-0000-4000-8000-000000000001",
                            "externalId": "Unique SAP ID of the Machine",
                            "serialNumber": "Serial Number of the Machine",
                        },
                        "customFields": [{"key": "errorCode", "value": "E123"}],
                        "closingReport": None,
                    }
                ]
            }
        },
    ),
    (
        """mutation {
  updateServiceCaseExternalId(
    serviceCaseId: "SCID"
    externalId: "External ID from SAP/ERP"
  ) {
    id
    externalId
    displayId
  }
}""",
        {
            "updateServiceCaseExternalId": {
                "id": "SCID",
                "externalId": "External ID from SAP/ERP",
                "displayId": "SC-1001",
            }
        },
    ),
]


def interaction(
    method: str, uri: str, body: str, headers: dict[str, list[str]], answer: object
) -> dict[str, object]:
    return {
        "request": {"method": method, "uri": uri, "body": body, "headers": headers},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json; charset=utf-8"]},
            "body": {"string": json.dumps(answer)},
        },
    }


def main() -> None:
    token = interaction(
        "POST",
        TOKEN,
        f"grant_type=client_credentials&scope={SCOPE}&client_id=example-client-id&client_secret=REDACTED",
        {"Content-Type": ["application/x-www-form-urlencoded"]},
        {
            "access_token": "REDACTED",
            "token_type": "Bearer",
            "not_before": 1700000000,
            "expires_in": 3600,
            "expires_on": 1700003600,
            "resource": "public-api",
        },
    )
    api_headers = {
        "api-key": ["REDACTED"],
        "Authorization": ["Bearer REDACTED"],
        "Content-Type": ["application/json"],
    }
    interactions = [token] + [
        interaction("POST", GRAPHQL, json.dumps({"query": query}), api_headers, {"data": data})
        for query, data in EXAMPLES
    ]
    path = Path(__file__).with_name("cassettes") / "documented_examples.yaml"
    path.write_text(
        yaml.safe_dump(
            {"interactions": interactions, "version": 1}, sort_keys=False, allow_unicode=True
        )
    )


if __name__ == "__main__":
    main()
