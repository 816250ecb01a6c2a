"""The worked examples of the reference documents, as the documents give them.

Every example with numbers in the five documents is here; so is one example per loss the
documents teach without numbers (002's noisy line, 004's MedicalLoss, 003's regularization),
with illustrative data marked as such, and the comparison 000 sets up but never computes (Huber
on its house prices); the variants the documents name are worked in ``variants.py``. 003 §5.4's training log (``[1, 100] loss: 2.383``, ...) is read against
ln 10, the loss of a uniform guess, which its first line should not exceed; the recipe re-run
that shows why is ``sample_data/rerun_003_training.py``. What is not here, and why:

- 003 §4.3 works cross-entropy for one sample ``x_1, y_1`` symbolically, with no numbers.
- 001 and 004 give formulas and code only; their slips are errata (see ``errata.py``).
"""

from __future__ import annotations

import math

import numpy as np

import lossctl.losses as core
from lossctl.examples.records import Example

DOC_000 = "000_df442fc687e6d5ab.txt"
DOC_001 = "001_5b7b918ba99182c7.txt"
DOC_002 = "002_d36e9898ab39264f.txt"
DOC_003 = "003_ba9c4ddc52bb80ff.txt"
DOC_004 = "004_09bec8b8b10838f2.txt"

NOISY_LINE_SEED = 0
"""002 draws its noise with an unseeded ``np.random.normal``; lossctl fixes the seed."""

# The e-mails of 000 §4.2, reused by §4.3.
SPAM_LABELS = np.array([1, 0, 1, 1, 0])
SPAM_PROBABILITIES = np.array([0.8, 0.2, 0.6, 0.9, 0.1])


def noisy_line() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, y, line)``: 002's x = -10..10, y = 2x + 3 + eps with eps ~ N(0, 1) drawn by
    ``numpy.random.default_rng(NOISY_LINE_SEED)``, and the true line 2x + 3."""
    x = np.arange(-10, 11)
    eps = np.random.default_rng(NOISY_LINE_SEED).normal(0.0, 1.0, size=x.size)
    line = 2.0 * x + 3.0
    return x, line + eps, line


def least_squares_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(slope, intercept)`` of the least-squares line through the points, in closed form:
    slope = sum (x - mean x)(y - mean y) / sum (x - mean x)^2, intercept = mean y - slope mean x."""
    dx = x - x.mean()
    slope = float(np.dot(dx, y - y.mean()) / np.dot(dx, dx))
    return slope, float(y.mean() - slope * x.mean())


HOUSE_TRUE = np.array([260000, 315000, 385000, 400000, 275000])
HOUSE_PREDICTED = np.array([250000, 320000, 370000, 410000, 280000])
"""000 §4.1's prices; its table lists 预测价格 (predicted) before 真实价格 (true)."""

TRAINING_LOG = ("[1, 100] loss: 2.383", "[1, 200] loss: 1.979", "[1, 300] loss: 1.586", "[1, 400] loss: 1.473")
"""003 §5.4's log: each line the mean loss of the 100 batches before it (running_loss / 100)."""


def _examples() -> tuple[Example, ...]:
    x, noisy_y, line = noisy_line()
    slope, intercept = least_squares_line(x, noisy_y)
    true_line_mse = core.compute("mse", noisy_y, line)
    n = x.size
    curvature = 2.0 * float(np.mean(x * x))  # the MSE's second derivative in the slope
    return (
        Example(
            id="house-prices-mse",
            title="House prices and mean squared error",
            source=DOC_000,
            section="4.1 均方误差损失函数示例",
            loss="mse",
            data_file="house_prices.csv",
            y_true=HOUSE_TRUE,
            y_pred=HOUSE_PREDICTED,
            documented=95000000.0,
            tolerance=0,
            documented_terms=(100000000.0, 25000000.0, 225000000.0, 100000000.0, 25000000.0),
            documented_expressions=(
                "(250000 - 260000)^2 = 100000000",
                "(320000 - 315000)^2 = 25000000",
                "(370000 - 385000)^2 = 225000000",
                "(410000 - 400000)^2 = 100000000",
                "(280000 - 275000)^2 = 25000000",
            ),
            documented_formula=r"\mathcal{L}_{MSE} = \frac{1}{N}\sum_{i=1}^{N}(\hat{y}_i - y_i)^2",
            remarks=(
                "The document is right that sample 3 dominates: its error of 15000 gives 225000000 "
                "of the 475000000 sum (47%).",
            ),
        ),
        Example(
            id="spam-bce",
            title="Spam e-mails and binary cross-entropy",
            source=DOC_000,
            section="4.2 交叉熵损失函数示例",
            loss="bce",
            data_file="spam.csv",
            y_true=SPAM_LABELS,
            y_pred=SPAM_PROBABILITIES,
            documented=1.031,
            tolerance=3,
            documented_terms=(0.223, 1.609, 0.916, 2.303, 0.105),
            documented_expressions=(
                "log(0.8) = -0.223",
                "log(0.8) = -1.609",
                "log(0.4) = -0.916",
                "log(0.1) = -2.303",
                "log(0.9) = -0.105",
            ),
            documented_formula=(
                r"\mathcal{L}_{CE} = -\frac{1}{N}\sum_{i=1}^{N}[y_i\log(\hat{y}_i) + (1 - y_i)\log(1 - \hat{y}_i)]"
            ),
            comment=(
                "The bracket needs log(p_t) = log(0.8), log(0.8), log(0.6), log(0.9), log(0.9), but the "
                "document uses -1.609 = log(0.2) for sample 2 (y=0, p=0.2), although it wrote log(0.8) "
                "there, log(0.4) = -0.916 for sample 3 (y=1, p=0.6) where log(0.6) = -0.511 is right, and "
                "log(0.1) = -2.303 for sample 4 (y=1, p=0.9) where log(0.9) = -0.105 is right, so its "
                "bracket sums to -5.156 instead of -1.168 and its loss is 1.031 instead of 0.234."
            ),
            remarks=(
                "The symbolic line and the numeric line of the document disagree for sample 2: "
                "log(0.8) is written, log(0.2) = -1.609 is used.",
                "The document says samples 4 and 5 have small predicted probabilities and are penalized "
                "most; with p_t = 0.9 they are the best-classified e-mails and have the smallest terms "
                "(0.105 each).",
            ),
        ),
        Example(
            id="spam-focal",
            title="The same e-mails under focal loss (gamma = 2)",
            source=DOC_000,
            section="4.3 Focal loss示例",
            loss="focal:gamma=2",
            params={"gamma": 2.0},
            data_file="spam.csv",
            y_true=SPAM_LABELS,
            y_pred=SPAM_PROBABILITIES,
            documented=1.486,
            tolerance=3,
            documented_terms=(0.04 * 0.223, 0.64 * 1.609, 0.16 * 0.916, 0.01 * 2.303, 0.81 * 0.105),
            documented_expressions=(
                "(1 - 0.8)^2 log(0.8) = 0.04 × (-0.223)",
                "(1 - 0.2)^2 log(0.2) = 0.64 × (-1.609)",
                "(1 - 0.6)^2 log(0.6) = 0.16 × (-0.916)",
                "(1 - 0.9)^2 log(0.9) = 0.01 × (-2.303)",
                "(1 - 0.1)^2 log(0.1) = 0.81 × (-0.105)",
            ),
            documented_formula=r"\mathcal{L}_{FL}(p_t) = -(1 - p_t)^\gamma \log(p_t)",
            comment=(
                "The document puts p where focal loss needs p_t for the two negatives, writing "
                "(1 - 0.2)^2 log(0.2) for sample 2 and (1 - 0.1)^2 log(0.1) for sample 5 where y=0 makes "
                "p_t = 0.8 and 0.9, then takes -0.916 = log(0.4) for log(0.6) in sample 3 and "
                "-2.303 = log(0.1) for log(0.9) in sample 4, so the loss is 0.0203, not 1.486, a value "
                "its own products (summing to -1.293, hence 0.259) do not give either."
            ),
            remarks=(
                "p_t is the probability given to the true class: p for y = 1, 1 - p for y = 0; the "
                "document's §3.3 calls it the probability of 'the t-th sample', and here takes p for all.",
                "The document's five log values are those of its §4.2 numeric line, slips included.",
                "No focal loss with gamma > 0 exceeds the cross-entropy of the same predictions (each "
                "term is a cross-entropy term times (1 - p_t)^gamma <= 1), yet 1.486 > 1.031.",
                "The document says focal loss weights samples 4 and 5 more; their factor "
                "(1 - 0.9)^2 = 0.01 is the smallest of the five.",
            ),
        ),
        Example(
            id="house-prices-huber",
            title="The same house prices under Huber loss (delta = 1)",
            source=DOC_000,
            section="3.4 Huber loss",
            loss="huber:delta=1",
            params={"delta": 1.0},
            data_file="house_prices.csv",
            y_true=HOUSE_TRUE,
            y_pred=HOUSE_PREDICTED,
            documented_formula=(
                r"\mathcal{L}_{Huber}(y, \hat{y}) = \begin{cases}\frac{1}{2}(y - \hat{y})^2, & "
                r"|y - \hat{y}| \leq \delta \\ \delta|y - \hat{y}| - \frac{1}{2}\delta^2, & "
                r"\text{otherwise}\end{cases}"
            ),
            comment=(
                "The document sets Huber between MSE and MAE (§3.4) and computes MSE on these prices (§4.1), "
                "but never Huber; lossctl computes it at delta = 1, where every error (5000 to 15000) lies "
                "beyond delta, so Huber is the MAE minus delta/2: 8999.5 against 9000."
            ),
            remarks=(
                "Huber is quadratic only for errors within delta: delta must be on the residuals' scale "
                "(here thousands), or Huber is MAE under another name; the derivation shows it at the "
                "median absolute error.",
            ),
        ),
        Example(
            id="noisy-line-mse",
            title="A noisy line y = 2x + 3 and the MSE of the line fitted to it",
            source=DOC_002,
            section="4.具体代码实例和详细解释说明",
            loss="mse",
            data_file="noisy_line.csv",
            features={"x": x, "line": line},
            y_true=noisy_y,
            y_pred=slope * x + intercept,
            documented_formula=r"MSE = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat{y}_i)^2",
            comment=(
                f"The document draws its noise with an unseeded np.random.normal(0, 1) and prints no value; "
                f"its code fits y = w x + b with SGD and prints model.evaluate, the fitted line's training "
                f"MSE. Gradient descent converges to the least-squares line, so lossctl draws the noise with "
                f"numpy.random.default_rng({NOISY_LINE_SEED}) and scores that line (y_pred); the true line "
                f"2x + 3 is the column 'line'."
            ),
            remarks=(
                f"The least-squares line: slope = sum (x - mean x)(y - mean y) / sum (x - mean x)^2 = "
                f"{slope:.7g}, intercept = mean y - slope mean x = {intercept:.7g} (mean x = 0).",
                f"Why the training ends there: optimizer='sgd' (learning rate 0.01) with Keras's default "
                f"batch of 32 over {n} points makes each step a full gradient step; with mean x = 0 the MSE's curvature is {curvature:.6g} in the slope and 2 in the "
                f"intercept, so a step at learning rate 0.01 keeps {abs(1 - 0.01 * curvature):.4g} of the "
                f"slope's error and 0.98 of the intercept's, and 0.98^1000 = {0.98**1000:.2g} of it is left "
                f"after 1000 epochs (a float32 run differs in the 7th digit).",
                f"The true line 2x + 3 scores {true_line_mse:.7g} on the same points ("
                f"lossctl compute -l mse --y-pred line sample_data/noisy_line.csv): the mean squared noise. In expectation the true line scores sigma^2 = 1 and "
                f"the fitted one sigma^2 (n - 2)/n = {(n - 2) / n:.4g}: the fit absorbs two degrees of freedom "
                f"of the noise, and on its own points it never scores more than the true line.",
            ),
        ),
        Example(
            id="mnist-training-log",
            title="003's MNIST training log against ln 10, the loss of a uniform guess",
            source=DOC_003,
            section="5.4 运行结果展示",
            loss="cross-entropy:from_logits=true",
            params={"from_logits": True},
            data_file="uniform_guess.csv",
            # Ten rows, one per class, of all-zero logits: a network that knows nothing.
            y_true=np.arange(10),
            y_pred=np.zeros((10, 10)),
            documented=2.383,
            tolerance=3,
            ceiling=True,
            documented_expressions=TRAINING_LOG,
            documented_formula="print('[%d, %5d] loss: %.3f' % (epoch + 1, i + 1, running_loss / 100))",
            comment=(
                f"Each logged line is the mean loss of the 100 batches before it, and the first batch of "
                f"this network already scores about ln 10 = {math.log(10):.4f} (small initial logits, a "
                f"near-uniform guess over 10 classes); under Adam at 1e-3 the mean of batches 1-100 falls "
                f"far below that, so a first line of 2.383, above ln 10, is implausible for the stated model "
                f"and optimizer."
            ),
            remarks=(
                "The same recipe re-run on scikit-learn's 8x8 digits (python sample_data/rerun_003_training.py, "
                "about a second) starts near 2.31 and logs 1.06 to 1.18 for batches 1-100 over five seeds.",
            ),
        ),
        Example(
            id="medical-cost-sensitive-bce",
            title="A cost-sensitive medical loss (MedicalLoss, penalty_ratio = 5)",
            source=DOC_004,
            section="3.3.4 自定义损失函数实践",
            loss="cost-sensitive-bce:penalty_ratio=5",
            params={"penalty_ratio": 5.0},
            data_file="medical.csv",
            y_true=np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]),
            y_pred=np.array([0.92, 0.65, 0.45, 0.3, 0.4, 0.1, 0.05, 0.2, 0.55, 0.15]),
            documented_formula=(
                "base_loss = F.binary_cross_entropy(pred, target); "
                "penalty = mask.float().sum() * self.ratio; return base_loss + penalty"
            ),
            comment=(
                "The document gives the MedicalLoss code but no numbers, so lossctl scores ten illustrative "
                "patients, two of them missed positives (p = 0.45 and 0.3 for y = 1)."
            ),
            remarks=(
                "The penalty is a count, not a mean: 5 per missed positive, whatever the batch size, so it "
                "dwarfs the mean cross-entropy here and grows with the data.",
                "The penalty is a step function of pred: its gradient is zero, so it changes the reported "
                "value but not training; a weighted BCE (lossctl bce:pos_weight=5) does push missed "
                "positives up.",
            ),
        ),
        Example(
            id="regularization-elastic-net",
            title="Regularization loss: L1 plus L2 penalties on the weights",
            source=DOC_003,
            section="4.1 数学模型构建",
            loss="elastic-net:lambda1=0.01,lambda2=0.001",
            params={"lambda1": 0.01, "lambda2": 0.001},
            data_file="regularization_weights.csv",
            weights=np.array([0.5, -1.2, 0.0, 2.0, -0.3, 0.8]),
            documented_formula=r"\mathcal{L}_{R} = \lambda_1 \sum_{i=1}^{N}|w_i| + \lambda_2 \sum_{i=1}^{N}w_i^2",
            comment=(
                "The document gives the formula but no numbers, so lossctl scores six illustrative weights "
                "with lambda1 = 0.01 and lambda2 = 0.001."
            ),
            remarks=(
                "The sums run over the model's parameters (six here), not over the N samples the "
                "document's index suggests; the penalty is a sum, not a mean.",
            ),
        ),
    )


DOCUMENTED: tuple[Example, ...] = _examples()
