"""Imported first by the package: without the `ssh` extra, say so at import."""

from ..core._extras import require_extra

require_extra("ssh", "graphql", "gql", feature="servicehub_sdk.ssh")
