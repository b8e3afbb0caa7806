"""helpers.nbtidy: a reader without a kernel sees one clear line, never a widget's repr."""

import json

import nbformat

from helpers import nbtidy


def _notebook_with_widget():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("perceptron.playground(X, y)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        nbtidy.WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0},
        "text/plain": "VBox(children=(HTML(value='<b>Move w and b</b>'),))"})]
    nb.cells = [cell, nbformat.v4.new_code_cell("print(1)")]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return json.loads(nbformat.writes(nb))


def test_tidy_replaces_the_repr_drops_state_and_fixes_the_kernelspec():
    nb = nbtidy.tidy(_notebook_with_widget())
    data = nb["cells"][0]["outputs"][0]["data"]
    assert data["text/plain"] == nbtidy.RUN_LINE and nbtidy.WIDGET_VIEW in data
    assert "widgets" not in nb["metadata"]
    assert nb["metadata"]["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    assert "".join(nb["cells"][1]["source"]) == "print(1)"


def test_tidy_file_is_idempotent(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(_notebook_with_widget()))
    assert nbtidy.tidy_file(path) is True
    assert nbtidy.tidy_file(path) is False
    assert "VBox(" not in path.read_text()
