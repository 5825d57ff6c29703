"""Imported first by the package: without the `ssh` extra, say so at import."""

from ..core.extras import require_extra

require_extra("ssh", "graphql", "gql", feature="servicehub_sdk.ssh")
