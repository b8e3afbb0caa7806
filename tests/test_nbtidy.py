"""helpers.nbtidy: a reader without a kernel sees one clear line (and the widget's picture) for an
interactive widget, what a progress bar or an HTML widget showed at the end, never a repr."""

import json

import nbformat
import pytest

from helpers import nbtidy

PNG = "iVBORw0KGgo="


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


def _view(model_id, text):
    return {"output_type": "display_data", "metadata": {}, "data": {
        nbtidy.WIDGET_VIEW: {"model_id": model_id, "version_major": 2, "version_minor": 0},
        "text/plain": text}}


def _tqdm_state(model_id, desc, n, total, bar_model="FloatProgressModel"):
    """The widget state nbconvert saves for a finished tqdm.auto bar (as measured)."""
    m = {"model_name": "HTMLModel", "state": {"value": f"{desc}:\u2007100%"}}
    p = {"model_name": bar_model, "state": {"value": float(n), "max": float(total),
                                             "bar_style": "success"}}
    r = {"model_name": "HTMLModel",
         "state": {"value": f"\u2007{n}/{total}\u2007[00:03&lt;00:00,\u2007\u20074.61it/s]"}}
    box = {"model_name": "HBoxModel", "state": {"children": [
        f"IPY_MODEL_{model_id}l", f"IPY_MODEL_{model_id}p", f"IPY_MODEL_{model_id}r"]}}
    return {model_id: box, f"{model_id}l": m, f"{model_id}p": p, f"{model_id}r": r}


def test_tidy_replaces_the_repr_drops_state_and_fixes_the_kernelspec():
    nb = nbtidy.tidy(_notebook_with_widget())
    data = nb["cells"][0]["outputs"][0]["data"]
    assert data["text/plain"] == nbtidy.RUN_LINE and nbtidy.WIDGET_VIEW in data
    assert "widgets" not in nb["metadata"]
    assert nb["metadata"]["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    assert "".join(nb["cells"][1]["source"]) == "print(1)"


def test_an_interactive_widget_keeps_its_picture():
    nb = _notebook_with_widget()
    nb["cells"][0]["outputs"][0]["data"]["image/png"] = PNG
    data = nbtidy.tidy(nb)["cells"][0]["outputs"][0]["data"]
    assert data["image/png"] == PNG and nbtidy.WIDGET_VIEW in data
    assert data["text/plain"] == nbtidy.RUN_LINE


def test_a_finished_progress_bar_becomes_its_final_text():
    nb = _notebook_with_widget()
    nb["cells"][0]["outputs"] = [_view("bar1", "training:   0%|          | 0/16 [00:00<?, ?it/s]")]
    state = _tqdm_state("bar1", "training", 16, 16)
    state.update(_tqdm_state("bar2", "sweep", 3, 6, bar_model="IntProgressModel"))
    nb["cells"][1]["outputs"] = [_view("bar2", "sweep:   0%|          | 0/6")]
    nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"] = state
    nb = nbtidy.tidy(nb)
    first = nb["cells"][0]["outputs"][0]["data"]
    assert first == {"text/plain": "training: 100%|██████████| 16/16"}  # no timings, no view
    assert nb["cells"][1]["outputs"][0]["data"] == {"text/plain": "sweep:  50%|█████     | 3/6"}


def test_a_progress_bar_without_saved_state_keeps_the_text_tqdm_stored():
    nb = _notebook_with_widget()
    text = "training:  25%|██▌       | 4/16 [00:01<00:03,  3.9it/s]"
    nb["cells"][0]["outputs"] = [_view("gone", text)]
    assert nbtidy.tidy(nb)["cells"][0]["outputs"][0]["data"] == {"text/plain": text}


def test_an_html_widget_becomes_its_html_and_other_boxes_stay_widgets():
    nb = _notebook_with_widget()
    nb["cells"][0]["outputs"] = [_view("h", "HTML(value='<b>done</b>')"),
                                 _view("box", "HBox(children=(IntSlider(value=1),))")]
    nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"] = {
        "h": {"model_name": "HTMLModel", "state": {"value": "<b>done</b>"}},
        "box": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_s"]}},
        "s": {"model_name": "IntSliderModel", "state": {"value": 1}}}
    outs = nbtidy.tidy(nb)["cells"][0]["outputs"]
    assert outs[0]["data"] == {"text/html": "<b>done</b>", "text/plain": "done"}
    assert outs[1]["data"]["text/plain"] == nbtidy.RUN_LINE and nbtidy.WIDGET_VIEW in outs[1]["data"]


def test_tidy_file_is_idempotent(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(_notebook_with_widget()))
    assert nbtidy.tidy_file(path) is True
    assert nbtidy.tidy_file(path) is False
    assert "VBox(" not in path.read_text()


def test_bad_arguments_are_refused_naming_them(tmp_path):
    with pytest.raises(TypeError, match=r"\bnb\b"):
        nbtidy.tidy(None)
    with pytest.raises(TypeError, match=r"\bmodel_id\b"):
        nbtidy.static_output(["abc"], {})
    with pytest.raises(TypeError, match=r"\bstate\b"):
        nbtidy.static_output("abc", None)
    assert nbtidy.static_output("abc", {"abc": {"model_name": "HBoxModel",
                                                "state": {"children": [["x"]]}}}) is None
    with pytest.raises(TypeError, match=r"\bpath\b"):
        nbtidy.tidy_file(1)  # not taken as a file descriptor
    with pytest.raises(FileNotFoundError, match="nowhere.ipynb"):
        nbtidy.tidy_file(tmp_path / "nowhere.ipynb")
    with pytest.raises(ValueError, match=r"\bpath\b"):
        nbtidy.tidy_file(tmp_path)
