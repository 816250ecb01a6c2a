"""Regenerate ``tests/reference/forecast_fixtures.npz``: reference values of the forecast scores.

Run from the repository root with a Python that has properscoring and torch (the tests need
neither)::

    .venv/bin/pip install properscoring   # torch: the one these machines install
    .venv/bin/python tests/reference/make_forecast_fixtures.py

From seeded inputs (``y``, ``mu``, ``sigma``, ``members``: 200 rows, 7 members; ``variance``
with a few values below PyTorch's eps, so that its clamp is exercised), the file holds:

- ``crps_gaussian``: ``properscoring.crps_gaussian(y, mu, sigma)``, per row;
- ``crps_ensemble``: ``properscoring.crps_ensemble(y, members)`` (the standard estimator), per row;
- ``gaussian_nll`` and ``gaussian_nll_full``: ``torch.nn.GaussianNLLLoss(full=..., eps=1e-6,
  reduction='mean')`` on float64 tensors of ``mu``, ``y``, ``variance``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import properscoring
import torch

OUT = Path(__file__).with_name("forecast_fixtures.npz")
SEED = 20261204
ROWS, MEMBERS = 200, 7


def main() -> None:
    rng = np.random.default_rng(SEED)
    y = rng.normal(0.0, 2.0, ROWS)
    mu = y + rng.normal(0.0, 1.0, ROWS)
    sigma = rng.uniform(0.1, 3.0, ROWS)
    members = mu[:, None] + rng.normal(0.0, 1.5, (ROWS, MEMBERS))
    variance = sigma**2
    variance[:5] = [0.0, 1e-9, 5e-7, 1e-6, 2e-6]  # below, at and above eps = 1e-6
    arrays = {"y": y, "mu": mu, "sigma": sigma, "members": members, "variance": variance}
    arrays["crps_gaussian"] = properscoring.crps_gaussian(y, mu, sigma)
    arrays["crps_ensemble"] = properscoring.crps_ensemble(y, members)
    t = {name: torch.tensor(arrays[name], dtype=torch.float64) for name in ("y", "mu", "variance")}
    for key, full in (("gaussian_nll", False), ("gaussian_nll_full", True)):
        loss = torch.nn.GaussianNLLLoss(full=full, eps=1e-6, reduction="mean")
        arrays[key] = np.array(loss(t["mu"], t["y"], t["variance"]).item())
    np.savez_compressed(OUT, **arrays, torch_version=np.array(torch.__version__))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
