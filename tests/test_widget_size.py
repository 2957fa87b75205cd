"""The widget stays small: widget.js + widget.css under 17 kB gzipped together (each file gzipped
on its own, as they are served; level 6, the usual default of servers and proxies). The budget
was 16 kB (15.8 kB used) until the feedback thumbs and card-click frames of the conversation log
came in (16.8 kB measured with them)."""
from __future__ import annotations

import gzip
from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "web"
BUDGET = 17_000


def test_widget_js_and_css_stay_under_17_kB_gzipped():
    sizes = {name: len(gzip.compress((WEB / name).read_bytes(), compresslevel=6)) for name in ("widget.js", "widget.css")}
    assert sum(sizes.values()) < BUDGET, f"{sizes}: {sum(sizes.values())} bytes gzipped, over {BUDGET}"
