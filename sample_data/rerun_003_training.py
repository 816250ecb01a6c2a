"""Re-run 003 §5.2's training recipe on scikit-learn's 8x8 digits, to read its §5.4 log.

    python sample_data/rerun_003_training.py            # needs numpy and scikit-learn; ~1 s

003 §5.2 trains ``Linear(784, 128) - ReLU - Linear(128, 64) - ReLU - Linear(64, 10)`` on
MNIST normalized to [-1, 1], with ``nn.CrossEntropyLoss``, ``Adam(lr=0.001)`` and batches of
64, and prints ``running_loss / 100`` every 100 batches: the mean loss of batches 1-100, then
of 101-200, and so on. §5.4 shows ``[1, 100] loss: 2.383`` first.

This is the same recipe in NumPy on the 1797 8x8 digits (64 pixels instead of 784, so the
first layer is ``Linear(64, 128)``; an epoch is 29 batches, so batches are counted across
epochs): PyTorch's default initialization (weights and biases uniform in +-1/sqrt(fan_in)),
the same normalization, cross-entropy and Adam with PyTorch's defaults (betas 0.9, 0.999,
eps 1e-8). The first batch scores near ln 10 = 2.303, the loss of a uniform guess over ten
classes, as any small-logit initialization does; Adam at 1e-3 then brings the mean of
batches 1-100 far below it, for every seed. A first logged mean of 2.383, above ln 10, is
what an untrained (or diverging) network prints, not this recipe.
"""

from __future__ import annotations

import math

import numpy as np

LAYERS = (64, 128, 64, 10)
BATCH = 64
LEARNING_RATE = 1e-3
BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits, pixels 0..16 scaled to [0, 1] then normalized as
    ``Normalize((0.5,), (0.5,))`` does: ``(x - 0.5) / 0.5``."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data / 16.0 - 0.5) / 0.5, data.target


def initial_parameters(rng: np.random.Generator) -> list[np.ndarray]:
    """Weights and biases as ``nn.Linear`` draws them: uniform in +-1/sqrt(fan_in)."""
    parameters = []
    for fan_in, fan_out in zip(LAYERS[:-1], LAYERS[1:], strict=True):
        bound = 1.0 / math.sqrt(fan_in)
        parameters += [rng.uniform(-bound, bound, (fan_in, fan_out)), rng.uniform(-bound, bound, fan_out)]
    return parameters


def loss_and_gradients(parameters: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> tuple[float, list]:
    """Mean cross-entropy of the batch (log-softmax of the logits) and its gradients."""
    activations = [x]
    for k in range(0, len(parameters) - 2, 2):
        activations.append(np.maximum(activations[-1] @ parameters[k] + parameters[k + 1], 0.0))
    logits = activations[-1] @ parameters[-2] + parameters[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    loss = -log_softmax[rows, y].mean()
    delta = np.exp(log_softmax)
    delta[rows, y] -= 1.0
    delta /= len(y)
    gradients: list[np.ndarray] = [np.empty(0)] * len(parameters)
    for k in range(len(parameters) - 2, -1, -2):
        gradients[k] = activations[k // 2].T @ delta
        gradients[k + 1] = delta.sum(axis=0)
        if k:
            delta = (delta @ parameters[k].T) * (activations[k // 2] > 0)
    return float(loss), gradients


def train(seed: int, batches: int) -> np.ndarray:
    """The loss of each of the first ``batches`` batches of one training run."""
    x, y = digits()
    rng = np.random.default_rng(seed)
    parameters = initial_parameters(rng)
    first = [np.zeros_like(p) for p in parameters]
    second = [np.zeros_like(p) for p in parameters]
    losses = []
    order = np.empty(0, dtype=int)
    for step in range(1, batches + 1):
        if order.size == 0:  # a new epoch, reshuffled (shuffle=True)
            order = rng.permutation(len(y))
        batch, order = order[:BATCH], order[BATCH:]
        loss, gradients = loss_and_gradients(parameters, x[batch], y[batch])
        losses.append(loss)
        for p, g, m, v in zip(parameters, gradients, first, second, strict=True):
            m *= BETAS[0]
            m += (1 - BETAS[0]) * g
            v *= BETAS[1]
            v += (1 - BETAS[1]) * g * g
            m_hat = m / (1 - BETAS[0] ** step)
            v_hat = v / (1 - BETAS[1] ** step)
            p -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + ADAM_EPS)
    return np.array(losses)


def main(seeds: range = range(5), batches: int = 400) -> None:
    print(f"ln 10 = {math.log(10):.3f}, the loss of a uniform guess over 10 classes")
    print("document (003 §5.4): [1, 100] 2.383  [1, 200] 1.979  [1, 300] 1.586  [1, 400] 1.473")
    for seed in seeds:
        losses = train(seed, batches)
        means = "  ".join(f"[{end}] {losses[end - 100 : end].mean():.3f}" for end in range(100, batches + 1, 100))
        print(f"seed {seed}: first batch {losses[0]:.3f}  {means}")


if __name__ == "__main__":
    main()
