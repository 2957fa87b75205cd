"""The widget stays small: widget.js + widget.css under 16 kB gzipped together (each file gzipped
on its own, as they are served; level 6, the usual default of servers and proxies)."""
from __future__ import annotations

import gzip
from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "web"
BUDGET = 16_000


def test_widget_js_and_css_stay_under_16_kB_gzipped():
    sizes = {name: len(gzip.compress((WEB / name).read_bytes(), compresslevel=6)) for name in ("widget.js", "widget.css")}
    assert sum(sizes.values()) < BUDGET, f"{sizes}: {sum(sizes.values())} bytes gzipped, over {BUDGET}"
