"""The errata of the reference documents: formulas that are wrong, degenerate or misnamed, and
statements about a loss that its formula contradicts. Each quotes the document verbatim."""

from __future__ import annotations

from lossctl.examples.documented import DOC_000, DOC_001, DOC_002, DOC_003, DOC_004
from lossctl.examples.records import Erratum
from lossctl.losses import get_spec

ERRATA: tuple[Erratum, ...] = (
    Erratum(
        id="000-focal-pt-definition",
        source=DOC_000,
        section="3.3 focal loss",
        loss="focal",
        document_formula="$ p_t $表示第 $t$ 个样本被正确分类的预测概率",
        correct_formula="p_t = p if y = 1, 1 - p if y = 0 (the probability given to the true class)",
        explanation=(
            "t is not a sample index: p_t is the probability the model gives to the true class, which "
            "for a negative is 1 - p, the distinction the document's §4.3 then misses for e-mails 2 and 5."
        ),
    ),
    Erratum(
        id="001-losses-non-convex",
        source=DOC_001,
        section="2.3.如何选择损失函数？",
        loss="mse",
        document_formula="损失函数是一个非凸函数，即存在多个局部最小值点",
        correct_formula=r"\ell(\hat{y}) = (y - \hat{y})^2,\ -y\log\sigma(z) - (1-y)\log(1-\sigma(z)) \text{ are convex}",
        explanation=(
            "The common losses are convex in the prediction (MSE, MAE, Huber, hinge) or in the logit "
            "(cross-entropy); the local minima of deep learning come from the network, a non-convex "
            "function of its weights, not from the loss."
        ),
    ),
    Erratum(
        id="001-error-rate-as-loss",
        source=DOC_001,
        section="2.3.如何选择损失函数？",
        loss="bce",
        document_formula="对于二分类问题，通常选择分类误差率作为损失函数",
        correct_formula=r"\text{train on } -[y\log p + (1-y)\log(1-p)];\ \text{report } \frac{1}{n}\sum_i 1[\hat{y}_i \ne y_i]",
        explanation=(
            "The error rate (0-1 loss) is a step function of the predictions: its gradient is zero "
            "almost everywhere, so gradient descent cannot train on it; binary classifiers train on a "
            "convex surrogate (cross-entropy, hinge) and report the error rate. The same section's "
            "next paragraph asks for a differentiable loss."
        ),
    ),
    Erratum(
        id="001-bce-parenthesis",
        source=DOC_001,
        section="3.1.分类问题——交叉熵损失函数",
        loss="bce",
        document_formula=r"L=-\frac{1}{n}\sum_{i=1}^ny_ilog(p_i)+(1-y_ilog(1-p_i))",
        correct_formula=r"L=-\frac{1}{n}\sum_{i=1}^n\left[y_i\log(p_i)+(1-y_i)\log(1-p_i)\right]",
        explanation=(
            "The closing parenthesis is misplaced, giving (1 - y_i log(1-p_i)) for (1 - y_i) log(1 - p_i), "
            "and with no bracket the minus sign and the sum cover only the first term."
        ),
    ),
    Erratum(
        id="001-bce-product",
        source=DOC_001,
        section="3.1.分类问题——交叉熵损失函数",
        loss="bce",
        document_formula="它由Sigmoid函数和负对数似然函数组成，通过计算两者的乘积得到",
        correct_formula=r"\mathrm{bce}(z, y) = -[y\log\sigma(z) + (1-y)\log(1-\sigma(z))]",
        explanation=(
            "Cross-entropy on a logit z is the negative log-likelihood applied to the sigmoid's output, "
            "a composition of the two functions, not their product."
        ),
    ),
    Erratum(
        id="001-focal-sign",
        source=DOC_001,
        section="3.2.分类问题——Focal Loss损失函数",
        loss="focal",
        document_formula=r"FL=\alpha(1-p)^{\gamma}log(p)",
        correct_formula=r"FL=-\alpha_t(1-p_t)^{\gamma}\log(p_t)",
        explanation=(
            "The minus sign is missing, so the formula is never positive and minimizing it drives the "
            "true-class probability to 0; p must also be p_t, the probability of the true class."
        ),
    ),
    Erratum(
        id="001-focal-easy-hard",
        source=DOC_001,
        section="3.2.分类问题——Focal Loss损失函数",
        loss="focal",
        document_formula="可以限制易错样本的权重，降低它们的影响",
        correct_formula=r"(1-p_t)^{\gamma} \to 0 \text{ as } p_t \to 1",
        explanation=(
            "Focal loss does the opposite: the factor (1 - p_t)^gamma shrinks the well-classified (easy) "
            "examples and leaves the misclassified (hard) ones nearly their full cross-entropy."
        ),
    ),
    Erratum(
        id="001-huber-formula",
        source=DOC_001,
        section="3.4.回归问题——Huber损失函数",
        loss="huber",
        document_formula=(
            r"L=\frac{1}{n}\sum_{i=1}^n[h(x_i)-y_i]^{2}_{+}+\delta^2(\sqrt{\frac{|h(x_i)-y_i|}{\delta}}-1)"
        ),
        correct_formula=(
            r"L_\delta(e)=\begin{cases}\frac{1}{2}e^2 & |e|\le\delta\\ \delta(|e|-\frac{1}{2}\delta) & "
            r"|e|>\delta\end{cases},\quad e=h(x_i)-y_i"
        ),
        explanation=(
            "This is not Huber's loss: it adds the full square to delta^2 (sqrt(|e|/delta) - 1) for every "
            "sample with no switch at delta, so it grows like e^2 for outliers and is -delta^2 < 0 at e = 0; "
            "it garbles the pseudo-Huber loss delta^2 (sqrt(1 + (e/delta)^2) - 1)."
        ),
    ),
    Erratum(
        id="001-huber-outlier-sensitive",
        source=DOC_001,
        section="3.4.回归问题——Huber损失函数",
        loss="huber",
        document_formula="由于使用平方差函数，因此对异常值敏感，可能导致模型的泛化能力不够",
        correct_formula=r"|\partial L_\delta / \partial e| = \min(|e|, \delta)",
        explanation=(
            "The opposite is true: Huber squares only errors within delta and grows linearly beyond, "
            "so an outlier's gradient is capped at delta; that is why it is robust to outliers, as "
            "the same section's first advantage says."
        ),
    ),
    Erratum(
        id="001-smooth-l1-name",
        source=DOC_001,
        section="3.4.回归问题——Huber损失函数",
        loss="smooth-l1",
        document_formula="绝对损失函数（又称为Smooth L1损失）",
        correct_formula=r"\mathrm{smooth\_l1}_\beta(e)=\begin{cases}0.5e^2/\beta & |e|<\beta\\ |e|-0.5\beta & \text{otherwise}\end{cases}",
        explanation=(
            "The absolute loss |e| is L1; Smooth L1 is Huber(beta)/beta, quadratic near zero, which is "
            "the point of the 'smooth'."
        ),
    ),
    Erratum(
        id="002-mae-named-rmse",
        source=DOC_002,
        section="3.2 均方根误差（Mean Absolute Error，MAE）",
        loss="mae",
        document_formula="均方根误差（Mean Absolute Error，MAE）",
        correct_formula=(
            r"平均绝对误差 MAE = \frac{1}{n}\sum_i|y_i-\hat{y}_i|;\ "
            r"均方根误差 RMSE = \sqrt{\frac{1}{n}\sum_i(y_i-\hat{y}_i)^2}"
        ),
        explanation=(
            "均方根误差 is the root-mean-square error; the formula given under that name is the mean "
            "absolute error, 平均绝对误差."
        ),
    ),
    Erratum(
        id="002-mae-named-rmse-overview",
        source=DOC_002,
        section="2.核心概念与联系",
        loss="mae",
        document_formula="均方根误差（Mean Absolute Error，MAE）",
        correct_formula=r"平均绝对误差（Mean Absolute Error，MAE）",
        explanation=(
            "The overview names MAE 均方根误差 (root-mean-square error) too, before §3.2 does; the "
            "mean absolute error is 平均绝对误差."
        ),
    ),
    Erratum(
        id="002-bce-code-on-lists",
        source=DOC_002,
        section="3.3 交叉熵损失（Cross Entropy Loss）)",
        loss="bce",
        document_formula="loss = -np.sum(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)) / n",
        correct_formula="y_true = np.asarray(y_true, dtype=float); y_pred = np.asarray(y_pred, dtype=float)",
        explanation=(
            "Called with Python lists, as §3.1 and §3.2's loops invite, 1 - y_true raises TypeError: "
            "unsupported operand type(s) for -: 'int' and 'list'; the inputs must be arrays first."
        ),
    ),
    Erratum(
        id="002-differentiability",
        source=DOC_002,
        section="6.附录常见问题与解答",
        loss="mae",
        document_formula="是的，损失函数必须是可微分的",
        correct_formula=r"\partial|e| = \{\mathrm{sign}(e)\} \text{ for } e \ne 0,\ [-1, 1] \text{ at } e = 0",
        explanation=(
            "The MAE the same document teaches is not differentiable at y = y_hat (nor is the hinge "
            "loss at y s = 1); gradient descent uses a subgradient there."
        ),
    ),
    Erratum(
        id="002-bce-log-zero",
        source=DOC_002,
        section="3.3 交叉熵损失（Cross Entropy Loss）)",
        loss="bce",
        document_formula="loss = -np.sum(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)) / n",
        correct_formula="p = np.clip(y_pred, eps, 1 - eps) before the logs (or log-sigmoid of logits)",
        explanation=(
            "Without clipping, a prediction of exactly 0 or 1 makes the code return nan even when it is "
            "right (y = 0, p = 0 gives 0 * log(0) = 0 * -inf) and inf when it is wrong."
        ),
    ),
    Erratum(
        id="003-contrastive-identically-zero",
        source=DOC_003,
        section="4.1 数学模型构建",
        loss="contrastive",
        document_formula=(
            r"\mathcal{L}_{C} = -\sum_{i=1}^{N}\log\left(\frac{e^{\log(\hat{y}_i)}+e^{\log(1-\hat{y}_i)}}"
            r"{e^{\log(\hat{y}_i)}+e^{\log(1-\hat{y}_i)}}\right)"
        ),
        correct_formula=r"\mathcal{L}_{C} = \frac{1}{N}\sum_{i=1}^{N} y_i d_i^2 + (1-y_i)\max(0, m - d_i)^2",
        explanation=(
            "Numerator and denominator are the same, y_hat + (1 - y_hat) = 1, so every term is log(1) = 0 "
            "and the loss is identically zero; contrastive loss (Hadsell et al., 2006) needs a pair "
            "distance d, a similar/dissimilar label y and a margin m."
        ),
    ),
    Erratum(
        id="003-regularization-index",
        source=DOC_003,
        section="4.1 数学模型构建",
        loss="elastic-net",
        document_formula=r"\mathcal{L}_{R} = \lambda_1 \sum_{i=1}^{N}|w_i| + \lambda_2 \sum_{i=1}^{N}w_i^2",
        correct_formula=r"\mathcal{L}_{R} = \lambda_1 \sum_{j=1}^{P}|w_j| + \lambda_2 \sum_{j=1}^{P}w_j^2",
        explanation=(
            "The sums run over the P parameters of the model, not over the N samples that N counts in "
            "the section's other formulas."
        ),
    ),
    Erratum(
        id="003-kmeans-contrastive",
        source=DOC_003,
        section="3.4 算法应用领域",
        loss="contrastive",
        document_formula="如K-means聚类，使用对比损失函数",
        correct_formula=r"J = \sum_i \lVert x_i - \mu_{c(i)} \rVert^2",
        explanation=(
            "K-means minimizes the within-cluster sum of squared distances to the centroids; it uses no "
            "pair labels and no contrastive loss."
        ),
    ),
    Erratum(
        id="003-binary-network-is-10-class",
        source=DOC_003,
        section="5.2 源代码详细实现",
        loss="cross-entropy",
        document_formula="以下是使用PyTorch实现一个简单的二分类神经网络的代码示例",
        correct_formula=r"\mathcal{L} = -\frac{1}{N}\sum_i \log \mathrm{softmax}(z_i)_{y_i},\ y_i \in \{0, \dots, 9\}",
        explanation=(
            "The network (784-128-64-10, nn.CrossEntropyLoss on MNIST's ten digits) is a 10-class "
            "classifier: untrained, it scores about ln 10 = 2.303 (a binary one about ln 2 = 0.693). Its "
            "log does not show that: each line is running_loss / 100, the mean of 100 batches, and the "
            "first, 2.383, is above ln 10, which this recipe's mean over batches 1-100 falls far below "
            "(the example mnist-training-log)."
        ),
    ),
    Erratum(
        id="003-torchvision-not-imported",
        source=DOC_003,
        section="5.2 源代码详细实现",
        loss="cross-entropy",
        document_formula="torchvision.datasets.MNIST('data', train=True, download=True,",
        correct_formula="import torchvision  # beside import torch, torch.nn and torch.optim",
        explanation=(
            "The code imports torch, torch.nn and torch.optim but not torchvision, so it stops with "
            "NameError: name 'torchvision' is not defined before training starts."
        ),
    ),
    Erratum(
        id="004-medical-loss-count",
        source=DOC_004,
        section="3.3.4 自定义损失函数实践",
        loss="cost-sensitive-bce",
        document_formula="penalty = mask.float().sum() * self.ratio",
        correct_formula=(
            r"-\frac{1}{n}\sum_i[\rho\, y_i\log p_i + (1-y_i)\log(1-p_i)] "
            "(a weighted BCE, if the aim is to train away false negatives)"
        ),
        explanation=(
            "Not wrong as code, but the penalty is a count of false negatives (it grows with the batch, "
            "unlike the mean BCE it is added to) and a step function of pred with zero gradient, so it "
            "changes the reported loss without changing training; lossctl computes it as "
            "cost-sensitive-bce."
        ),
    ),
)


def errata(loss: str | None = None) -> list[Erratum]:
    """The errata, all of them or those of ``loss`` (a catalog name or alias)."""
    if loss is None:
        return list(ERRATA)
    name = get_spec(loss).name
    return [erratum for erratum in ERRATA if erratum.loss == name]
