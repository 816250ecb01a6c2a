"""The HTML of a self-contained page: inline CSS, images as ``data:`` URIs, no scripts, and a
Content-Security-Policy that forbids fetching anything, so the page looks the same offline,
as a CI artifact, years later."""

from __future__ import annotations

import base64
from html import escape

from lossctl.errors import readable

MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
p.meta, p.note, figcaption, caption { color: #57606a; font-size: 0.9rem; }
caption { text-align: left; caption-side: top; padding-bottom: 0.3rem; font-weight: 600; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.92rem; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.6rem; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.best { font-weight: 700; color: #1a7f37; }
ul.warnings li { color: #9a6700; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eaeef2; }
div.scroll { overflow-x: auto; }
div.tables { display: flex; flex-wrap: wrap; gap: 0 1.5rem; align-items: flex-start; }
"""


def data_uri(data: bytes, fmt: str) -> str:
    """``data`` (PNG or SVG bytes) as a ``data:`` URI."""
    return f"data:{MIME_TYPES[fmt]};base64,{base64.b64encode(data).decode('ascii')}"


def figure(uri: str, caption: str, *, width: int, height: int) -> str:
    text = escape(caption)
    return (
        f'<figure><img src="{uri}" alt="{text}" width="{width}" height="{height}">'
        f"<figcaption>{text}</figcaption></figure>"
    )


def cell(text: str, *, numeric: bool = False, classes: tuple[str, ...] = (), data: dict[str, str] | None = None) -> str:
    """A ``<td>``; ``data`` becomes ``data-*`` attributes."""
    names = ("num",) * numeric + classes
    attributes = f' class="{" ".join(names)}"' if names else ""
    attributes += "".join(f' data-{key}="{escape(value)}"' for key, value in (data or {}).items())
    return f"<td{attributes}>{escape(text)}</td>"


def table(
    headers: list[str], rows: list[list[str]], *, numeric: list[bool], caption: str = "", table_id: str = ""
) -> str:
    """A table of already rendered ``<td>`` cells under escaped headers."""
    head = "".join(f"<th{' class=num' if n else ''}>{escape(h)}</th>" for h, n in zip(headers, numeric, strict=True))
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    opening = f'<table id="{escape(table_id)}">' if table_id else "<table>"
    return (
        f'<div class="scroll">{opening}<caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


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
