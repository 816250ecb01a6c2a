"""The HTML of a self-contained page: inline CSS, figures as inline SVG, no scripts, and a
Content-Security-Policy that forbids fetching anything, so the page looks the same offline,
as a CI artifact, years later. The layout follows the window's width: figures and tables
flow into as many columns as fit, and nothing is wider than the window."""

from __future__ import annotations

from html import escape

from lossctl.errors import readable

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem auto;
       max-width: 1600px; padding: 0 1.5rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
nav { font-size: 0.9rem; }
nav a { color: #0969da; text-decoration: none; }
p.meta, p.note, ul.note, figcaption, caption { color: #57606a; font-size: 0.9rem; }
caption { text-align: left; caption-side: top; padding-bottom: 0.3rem; font-weight: 600; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.55rem; }
th { background: #f6f8fa; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.best { font-weight: 700; color: #1a7f37; }
ul.warnings li { color: #9a6700; }
figure { margin: 0.8rem 0; min-width: 0; }
svg { display: block; width: 100%; height: auto; }
div.scroll { overflow-x: auto; max-width: 100%; }
div.tables { display: flex; flex-wrap: wrap; gap: 0 1.2rem; align-items: flex-start; }
div.tables table { font-size: 0.82rem; margin: 0.3rem 0 0.6rem; }
div.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 0.8rem; }
div.card { border: 1px solid #eaeef2; border-radius: 4px; padding: 2px; min-width: 0; }
div.pair { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
div.pair figure { flex: 1 1 380px; max-width: 560px; }
div.pair figure.wide { flex: 3 1 560px; max-width: 860px; }
div.pair div.aside { flex: 1 1 300px; }
p.key span.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin: 0 0.35em 0 1em;
                    vertical-align: -0.1em; border-radius: 2px; }
p.key span.swatch:first-child { margin-left: 0; }
"""


def cell(text: str, *, numeric: bool = False, classes: tuple[str, ...] = (), data: dict[str, str] | None = None) -> str:
    """A ``<td>``; ``data`` becomes ``data-*`` attributes."""
    names = ("num",) * numeric + classes
    attributes = f' class="{" ".join(names)}"' if names else ""
    attributes += "".join(f' data-{key}="{escape(value)}"' for key, value in (data or {}).items())
    return f"<td{attributes}>{escape(text)}</td>"


def breakable(text: str) -> str:
    """``text`` escaped, with a line-break opportunity after each ``/`` (a header that is a
    path wraps at its directories first, then anywhere: see the style of ``th``)."""
    return escape(text).replace("/", "/<wbr>")


def table(
    headers: list[str],
    rows: list[list[str]],
    *,
    numeric: list[bool],
    caption: str = "",
    table_id: str = "",
    scroll: bool = True,
) -> str:
    """A table of already rendered ``<td>`` cells under escaped headers; with ``scroll``, in a
    box that scrolls sideways rather than widen the page (if it is ever wider than the window)."""
    head = "".join(f"<th{' class=num' if n else ''}>{breakable(h)}</th>" for h, n in zip(headers, numeric, strict=True))
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    opening = f'<table id="{escape(table_id)}">' if table_id else "<table>"
    html = f"{opening}<caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{html}</div>' if scroll else html


def document(title: str, body: list[str]) -> str:
    """The whole page, UTF-8 whatever the file names (see `readable`)."""
    return readable(
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
