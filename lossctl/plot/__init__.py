"""Pictures of losses: curves, per-sample distributions, and a self-contained HTML report.

Like ``report/``, this is a rendering layer: ``curves`` and ``samples`` compute the numbers
(pure NumPy, calling the loss core); ``terminal`` draws them with Unicode braille and block
characters (no extra dependency); ``images`` draws PNG and SVG with matplotlib, imported only
when an image is asked for (``pip install 'lossctl[plot]'``); ``html_report`` builds the HTML
report from the HTML pieces of ``page`` and the inline SVG of ``svg_figures`` (written by
``svg``, no dependency).
"""
