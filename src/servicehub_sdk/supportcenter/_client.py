"""`SupportCenterClient` and `AsyncSupportCenterClient`: ManageEngine SupportCenter Plus REST v3."""

from __future__ import annotations

from typing import Literal

import httpx
from pydantic import SecretStr

from ..core._auth import APIKeyHeader
from ..core._client import (
    Async,
    AsyncClient,
    ClientBase,
    M,
    Sync,
    SyncClient,
)
from ..core._errors import ConfigurationError
from ..core._limits import check_max_response_bytes
from ..core._ratelimit import RateLimit
from ._admin import Admin
from ._auth import KeyInQuery
from ._context import RequestPaths, SupportCenterContext
from ._custom_modules import CustomModule, CustomRecord
from ._envelope import decode_envelope_error
from ._requesters import Requesters
from ._requests import Requests
from ._support_reps import SupportReps

__all__ = ["DEFAULT_ACCEPT", "AsyncSupportCenterClient", "CustomRecord", "SupportCenterClient"]

DEFAULT_ACCEPT = "application/vnd.manageengine.v3+json"


class _SupportCenterClientBase(ClientBase[M]):
    """ManageEngine SupportCenter Plus REST API v3.

    Args:
        base_url: `http(s)://<server>:<port>` (with or without `/api/v3`).
        api_key: the support rep's API key; its role limits what the key may do.
        auth_header: the header carrying the key: `authtoken` (default) or, on older
            installations, `TECHNICIAN_KEY`.
        key_in: `"header"` (default) or `"query"`: legacy installations read the key from
            the URL's query (the document's key "sent along with the url").
        key_param: the query parameter carrying the key when `key_in="query"`
            (`TECHNICIAN_KEY`); it is redacted from every URL the SDK logs or reports.
        accept: the `Accept` header (`application/vnd.manageengine.v3+json`).
        close_path, delete_mode, upload_path: paths that differ between builds
            (`close`/`_close`, `DELETE`/`move_to_trash`, `upload`).
        technicians_path: the module of support reps (`technicians`).
        note_key: the wrapper notes are sent in: `note` (default) or `request_note`, as
            ServiceDesk-Plus-family servers take them; answers are read under either.
        max_upload_bytes: attachments larger than this are refused before upload (10 MiB).
        max_download_bytes: attachments larger than this are refused while downloading
            (`ResponseTooLargeError`, 256 MiB), whatever `max_response_bytes` says.
        auth, max_retries, timeout, http_client: as for every client.
        max_response_bytes: the largest answer read (64 MiB); a larger one raises
            `ResponseTooLargeError`.
        rate_limit: at most this many requests per second (`RateLimit(10, burst=5)`, or
            `"10/5"`), shared by every thread, task and `with_options` copy; off by default.
            Rate-limit answers slow the client down whether or not it is set.
        allow_insecure_http: allow plain http to hosts other than this machine (credentials
            then cross the network in clear); without it every URL must be https.
    """

    env_prefix = "SERVICEHUB_SUPPORTCENTER_"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | SecretStr | None = None,
        auth_header: str = "authtoken",
        key_in: Literal["header", "query"] = "header",
        key_param: str = "TECHNICIAN_KEY",
        accept: str = DEFAULT_ACCEPT,
        close_path: str = "close",
        delete_mode: str = "DELETE",
        upload_path: str = "upload",
        technicians_path: str = "technicians",
        note_key: Literal["note", "request_note"] = "note",
        max_upload_bytes: int = 10 * 1024 * 1024,
        max_download_bytes: int = 256 * 1024 * 1024,
        auth: httpx.Auth | None = None,
        max_retries: int | None = None,
        max_response_bytes: int | None = None,
        rate_limit: RateLimit | str | None = None,
        allow_insecure_http: bool = False,
        timeout: float | httpx.Timeout | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        if not base_url:
            raise ConfigurationError("SupportCenter Plus needs base_url (http(s)://server:port)")
        if auth is None:
            if not api_key:
                raise ConfigurationError("SupportCenter Plus needs api_key (or auth=...)")
            if key_in == "query":
                auth = KeyInQuery(key_param, api_key)
            elif key_in == "header":
                auth = APIKeyHeader(auth_header, api_key)
            else:
                raise ConfigurationError("key_in is 'header' or 'query'")
        root = base_url.rstrip("/")
        if not root.endswith("/api/v3"):
            root += "/api/v3"
        try:
            paths = RequestPaths(
                close=close_path, delete=delete_mode, upload=upload_path, note_key=note_key
            )
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        engine = self._open_engine(
            base_url=root + "/",
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            max_response_bytes=max_response_bytes,
            rate_limit=rate_limit,
            allow_insecure_http=allow_insecure_http,
            headers={"Accept": accept},
            error_decoder=decode_envelope_error,
        )
        self._context: SupportCenterContext = SupportCenterContext(
            engine=engine,
            client_name=type(self).__name__,
            paths=paths,
            max_upload_bytes=max_upload_bytes,
            technicians_path=technicians_path,
            max_download_bytes=check_max_response_bytes(max_download_bytes),
        )
        context = self._context
        self.requests: Requests[M] = Requests(context)
        self.support_reps: SupportReps[M] = SupportReps(context)
        self.requesters: Requesters[M] = Requesters(context)
        self.admin: Admin[M] = Admin(context)

    def custom_module(self, api_name: str, *, key: str | None = None) -> CustomModule[M]:
        """A custom module (`/api/v3/<api_name>`): `list/get/create/update/delete`.

        Records are wrapped as `{"<key>": {...}}`, `key` defaulting to `api_name`.
        """
        return CustomModule(self._context, api_name, key)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"


class SupportCenterClient(_SupportCenterClientBase[Sync], SyncClient):
    __doc__ = _SupportCenterClientBase.__doc__


class AsyncSupportCenterClient(_SupportCenterClientBase[Async], AsyncClient):
    __doc__ = _SupportCenterClientBase.__doc__
