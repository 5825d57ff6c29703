"""Partner records as real answers carry them, the `Offset` parameter, sub-resource handles,
and `update` (merge) vs `replace` (whole record). Sync and async."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from servicehub_sdk.core import NotFoundError, RequestValidationError
from servicehub_sdk.fsm import Partner, PartnerUpdate
from servicehub_sdk.testing import EmulatorServer, FSMEmulator
from servicehub_sdk.testing._fsm import PREFIX
from tests.helpers import collect, resolve

# A listing entry as SAP's partner portal test data and real answers show it.
REAL_ENTRY = {
    "id": "a1",
    "name": "Test Partner",
    "remarks": "",
    "inactive": False,
    "syncStatus": "IN_CLOUD",
    "contact": {"id": "c1", "firstName": "Jane", "role": "PARTNER_ADMIN"},
    "address": {"number": "12b", "zipCode": "01067", "city": "Dresden"},
    "serviceArea": {
        "latitude": 14545454,
        "longitude": -2000.5,
        "radius": {"unit": "furlong", "value": "5"},
    },
}


def test_real_partner_entries_are_read_as_sent() -> None:
    partner = Partner.model_validate(REAL_ENTRY)
    assert partner.service_areas[0].latitude == 14545454
    assert partner.service_areas[0].radius.unit == "furlong"  # type: ignore[union-attr]
    assert partner.contact is not None and partner.contacts == [partner.contact]
    assert partner.address.number == "12b"  # type: ignore[union-attr]
    assert partner.sync_status == "IN_CLOUD" and partner.inactive is False
    assert Partner.model_validate({**REAL_ENTRY, "serviceArea": None}).service_areas == []
    assert Partner.model_validate({**REAL_ENTRY, "future": 1}).model_extra == {"future": 1}


async def test_the_listing_reads_sap_test_coordinates_and_variants(
    fsm: Any, emulator: FSMEmulator
) -> None:
    partners = await collect(fsm.partners.list(size=50))
    assert len(partners) == 120
    by_id = {p.id: p for p in partners}
    first = by_id[next(iter(emulator.partners))]
    assert first.service_areas[0].latitude == 14545454  # SAP's partner-portal test data
    assert any(p.service_areas == [] for p in partners)  # serviceArea: null
    assert any(p.contact is not None for p in partners)
    assert any(isinstance(p.address.number, str) for p in partners)
    assert all(p.sync_status == "IN_CLOUD" for p in partners)


async def test_offset_is_sent_and_honoured(
    fsm: Any, emulator: FSMEmulator, server: EmulatorServer
) -> None:
    partners = await collect(fsm.partners.list(size=10, offset=115))
    assert [p.id for p in partners] == list(emulator.partners)[115:]
    with pytest.raises(RequestValidationError):
        fsm.partners.list(offset=-1)


async def test_sub_resource_handles_send_nothing_until_listed(
    fsm: Any, emulator: FSMEmulator, server: EmulatorServer
) -> None:
    partner_id = next(iter(emulator.partners))
    handle = fsm.partners.service_areas(partner_id)
    assert handle.partner_id == partner_id and server.requests() == 0
    areas = await collect(handle.list())
    assert areas[0].latitude == 14545454
    with pytest.raises(RequestValidationError):
        fsm.partners.addresses("")


async def test_sub_resource_ids_stay_in_their_segment(fsm: Any, server: EmulatorServer) -> None:
    with pytest.raises(NotFoundError):
        await collect(fsm.partners.contacts("../secure-hash?x=").list())
    assert server.requests("GET", PREFIX + "partners/secure-hash") == 0


async def test_update_changes_only_what_is_given(fsm: Any, emulator: FSMEmulator) -> None:
    partner_id = next(iter(emulator.partners))  # the one with SAP's test coordinates
    before = copy.deepcopy(emulator.partners[partner_id])
    updated = await resolve(fsm.partners.update(partner_id, {"name": "Renamed"}))
    after = emulator.partners[partner_id]
    assert updated.name == "Renamed" and after["name"] == "Renamed"
    assert after["address"] == before["address"]
    assert after["contacts"] == before["contacts"]
    assert after["serviceAreas"] == before["serviceAreas"]
    assert after["remarks"] == before["remarks"] and after["inactive"] == before["inactive"]


async def test_update_merges_the_address_and_replaces_given_lists(
    fsm: Any, emulator: FSMEmulator
) -> None:
    partner_id = list(emulator.partners)[7]
    before = copy.deepcopy(emulator.partners[partner_id])
    await resolve(
        fsm.partners.update(
            partner_id,
            PartnerUpdate(address={"city": "Bonn"}, contacts=[], inactive=True),  # type: ignore[arg-type]
        )
    )
    after = emulator.partners[partner_id]
    assert after["address"] == {**before["address"], "city": "Bonn"}
    assert after["contacts"] == [] and after["inactive"] is True
    assert after["name"] == before["name"] and after["serviceAreas"] == before["serviceAreas"]


async def test_update_validates_changes_and_finds_no_stranger(
    fsm: Any, emulator: FSMEmulator, server: EmulatorServer
) -> None:
    with pytest.raises(RequestValidationError):
        await resolve(fsm.partners.update("x", {"name": ""}))
    with pytest.raises(RequestValidationError):
        await resolve(fsm.partners.update("x", {"serviceArea": {"latitude": 91}}))
    assert server.requests() == 0
    with pytest.raises(NotFoundError, match="not in the partner list"):
        await resolve(fsm.partners.update("no-such-partner", {"name": "x"}))
    assert emulator.writes["update"] == 0


async def test_replace_removes_what_the_record_leaves_out(fsm: Any, emulator: FSMEmulator) -> None:
    partner_id = list(emulator.partners)[3]
    await resolve(fsm.partners.replace(partner_id, {"name": "Bare"}))
    assert "address" not in emulator.partners[partner_id]
    assert emulator.partners[partner_id]["serviceAreas"] == []
