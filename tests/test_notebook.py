"""examples/explore.ipynb runs top to bottom and shows what its text promises.

The notebook runs in a temporary directory and its executed copy is written there, never next
to the source; each tagged cell's outputs are checked against the sandbox's own data.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from servicehub_sdk.testing import Sandbox

NOTEBOOK = Path(__file__).parent.parent / "examples" / "explore.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """The outputs of each tagged cell after running the notebook once."""
    folder = tmp_path_factory.mktemp("notebook")
    before = sorted(NOTEBOOK.parent.iterdir())
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    nbformat.write(notebook, folder / "explore.executed.ipynb")  # to look at when this fails
    assert sorted(NOTEBOOK.parent.iterdir()) == before, "running the notebook wrote to examples/"
    outputs: dict[str, list[Any]] = {}
    for cell in notebook.cells:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, (
            f"{cell.source!r} raised {errors[0].get('ename')}: {errors[0].get('evalue')}"
        )
        for tag in cell.metadata.get("tags", []):
            outputs[tag] = cell.get("outputs", [])
    return outputs


@pytest.fixture(scope="module")
def sandbox_data() -> dict[str, Any]:
    """What the notebook's sandbox holds (same seed), read behind the API."""
    with Sandbox(["ssh"]) as sandbox:
        store = sandbox.emulator("ssh").state.store
        return {"customers": len(store.customers), "cases": len(store.cases)}


def result(outputs: list[Any], kind: str = "text/plain") -> str:
    values = [o["data"][kind] for o in outputs if o.get("output_type") == "execute_result"]
    assert values, f"no {kind} result among {outputs}"
    return str(values[0])


def test_a_record_shows_as_a_table(executed: dict[str, list[Any]]) -> None:
    shown = result(executed["record"], "text/html")
    assert shown.startswith("<table>") and "<b>Customer</b>" in shown
    assert "C-10001" in shown and "Zentral Nord GmbH" in shown
    assert result(executed["record"]).startswith("Customer\n  ")


def test_the_dataframe_holds_every_customer_with_flat_columns(
    executed: dict[str, list[Any]], sandbox_data: dict[str, Any]
) -> None:
    rows, columns = ast.literal_eval(result(executed["customers-shape"]))
    assert rows == sandbox_data["customers"] and columns >= 4
    head = result(executed["customers"])
    header = head.splitlines()[0].split()
    assert header == ["external_id", "name", "address.country", "service_organisation.name"]
    assert len(head.splitlines()) == 6  # header and five rows
    assert "<table" in result(executed["customers"], "text/html")


def test_the_progress_bar_renders_as_a_widget(
    executed: dict[str, list[Any]], sandbox_data: dict[str, Any]
) -> None:
    outputs = executed["progress"]
    widgets = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, f"no progress widget among {outputs}"
    warnings = [o["text"] for o in outputs if o.get("name") == "stderr"]
    assert not any("IProgress" in text for text in warnings), warnings
    assert result(outputs) == str(sandbox_data["cases"])  # every service case read


def test_the_async_client_runs_in_the_notebooks_loop(executed: dict[str, list[Any]]) -> None:
    ids = ast.literal_eval(result(executed["async"]))
    assert ids == ["C-10001", "C-10002", "C-10003", "C-10004", "C-10005"]
    assert len(ast.literal_eval(result(executed["gather"]))) == 5


def test_the_plot_is_drawn(executed: dict[str, list[Any]], sandbox_data: dict[str, Any]) -> None:
    outputs = executed["plot"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1 and len(images[0]["data"]["image/png"]) > 1000
    lines = [line for line in result(outputs).splitlines() if not line.startswith("Name:")]
    counts = [int(line.split()[-1]) for line in lines]
    assert sum(counts) == sandbox_data["cases"]


def test_open_tickets_by_status_compare_two_help_desks(executed: dict[str, list[Any]]) -> None:
    """The table counts what the help desks hold: the same listing, read again here from
    sandboxes with the same seed, closed tickets left out."""
    import pandas as pd

    from servicehub_sdk.helpdesk import HelpDesk

    rows = []
    with Sandbox(["supportcenter", "cecenter"]) as sandbox:
        for name in ("supportcenter", "cecenter"):
            with sandbox.client(name) as client:
                rows += [(t.status.value, name) for t in HelpDesk(client).tickets.list()]
    frame = pd.DataFrame(rows, columns=["status", "help_desk"])
    open_tickets = frame[frame["status"] != "closed"]
    expected = pd.crosstab(open_tickets["status"], open_tickets["help_desk"])
    assert result(executed["open_by_status"]) == repr(expected)
    assert "closed" not in expected.index
