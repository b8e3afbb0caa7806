"""The README's time-per-lecture table says what each notebook's title cell says."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _notebook_minutes() -> dict[str, list[int]]:
    out = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        title = "".join(json.loads(path.read_text())["cells"][0]["source"])
        line = re.search(r"\*\*Time[^\n]*", title)
        assert line, f"{path.name}: the title cell states no time"
        out[path.name[:2]] = [int(n) for n in re.findall(r"(\d+) min", line.group(0))]
    return out


def test_readme_time_table_matches_the_notebooks():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("Suggested time per lecture", 1)[1].split("\n\n", 2)[1]
    rows = {m.group(1): [int(n) for n in re.findall(r"(\d+)(?: min| lecture| exercises)",
                                                     m.group(2))]
            for m in re.finditer(r"^\| (\d\d) \|[^|]*\| ([^|]*) \|$", section, re.M)}
    notebooks = _notebook_minutes()
    assert set(rows) == set(notebooks), "one row per notebook"
    for number, minutes in notebooks.items():
        assert rows[number] == minutes, f"lecture {number}: README {rows[number]}, notebook {minutes}"
