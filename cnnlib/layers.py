"""Layers, a Sequential model and SGD: just enough to train a small CNN in numpy.

Every layer has the same three parts:

- ``forward(x)`` computes the output and remembers what its backward pass will need;
- ``backward(grad_output)`` takes dL/d(output), stores dL/d(parameters) in ``grads``
  and returns dL/d(input) for the layer before it;
- ``params`` and ``grads``: dicts of arrays with the same keys (empty for layers
  without weights). An optimizer updates ``params`` in place.

Random initial weights come from a numpy Generator the caller passes in, so a
fixed seed gives the same model, and the same training run, every time.
"""

import numpy as np

from ._validate import one_of, pair, positive_int
from .activations import ACTIVATIONS
from .backward import avg_pool2d_backward, conv2d_backward, max_pool2d_backward, numerical_gradient, relative_error
from .losses import softmax_cross_entropy
from .ops import conv2d
from .pooling import avg_pool2d, max_pool2d

__all__ = [
    "Conv2d",
    "Activation",
    "MaxPool2d",
    "AvgPool2d",
    "Flatten",
    "Dense",
    "Sequential",
    "SGD",
    "train_epoch",
    "fit",
    "accuracy",
    "gradient_check",
    "shift_images",
    "shift_of_feature_map",
    "filter_similarity",
]


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, e.g. rng=np.random.default_rng(0), got {rng!r}")
    return rng


def _init_std(init, fan_in, fan_out):
    """He (for ReLU layers) or Glorot standard deviation of the initial weights."""
    one_of("init", init, ("he", "glorot"))
    return np.sqrt(2.0 / fan_in) if init == "he" else np.sqrt(2.0 / (fan_in + fan_out))


class Layer:
    """Base class: a layer without parameters whose backward pass is not written yet."""

    params: dict
    grads: dict

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_output):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class Conv2d(Layer):
    """A convolution layer: F filters of shape (C, kh, kw) and F biases, He-initialised.

    Examples
    --------
    >>> layer = Conv2d(1, 4, 3, padding=1, rng=np.random.default_rng(0))
    >>> layer.forward(np.ones((2, 1, 8, 8))).shape
    (2, 4, 8, 8)
    >>> layer.params["weight"].shape, layer.params["bias"].shape
    ((4, 1, 3, 3), (4,))
    """

    def __init__(self, in_channels, out_channels, kernel_size, *, rng, stride=1, padding=0, dilation=1, init="he"):
        super().__init__()
        c, f = positive_int("in_channels", in_channels), positive_int("out_channels", out_channels)
        kh, kw = pair("kernel_size", kernel_size)
        std = _init_std(init, c * kh * kw, f * kh * kw)
        self.params = {"weight": _check_rng(rng).normal(0.0, std, (f, c, kh, kw)), "bias": np.zeros(f)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.settings = {"stride": stride, "padding": padding, "dilation": dilation}

    def forward(self, x):
        self.x = x
        return conv2d(x, self.params["weight"], self.params["bias"], **self.settings)

    def backward(self, grad_output):
        grad_x, self.grads["weight"], self.grads["bias"] = conv2d_backward(
            grad_output, self.x, self.params["weight"], **self.settings)
        return grad_x

    def __repr__(self):
        f, c, kh, kw = self.params["weight"].shape
        settings = "".join(f", {k}={v}" for k, v in self.settings.items() if v != {"padding": 0}.get(k, 1))
        return f"Conv2d({c} -> {f}, {kh}x{kw}{settings})"


class Activation(Layer):
    """An elementwise non-linearity from ``cnnlib.ACTIVATIONS``, e.g. ``Activation("relu")``.

    Its backward pass multiplies the incoming gradient by the derivative at the
    forward input: dL/dx = dL/dy * f'(x).

    Examples
    --------
    >>> act = Activation("relu")
    >>> act.forward(np.array([-1.0, 2.0])).tolist(), act.backward(np.array([5.0, 5.0])).tolist()
    ([0.0, 2.0], [0.0, 5.0])
    """

    def __init__(self, name):
        super().__init__()
        self.name = one_of("name", name, tuple(ACTIVATIONS))
        self.function, self.derivative = ACTIVATIONS[name]

    def forward(self, x):
        self.x = x
        return self.function(x)

    def backward(self, grad_output):
        return grad_output * self.derivative(self.x)

    def __repr__(self):
        return f"Activation({self.name!r})"


class MaxPool2d(Layer):
    """Max pooling; stride defaults to the window size.

    Examples
    --------
    >>> MaxPool2d(2).forward(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """

    _pool, _pool_backward = staticmethod(max_pool2d), staticmethod(max_pool2d_backward)

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.settings = {"kernel_size": kernel_size, "stride": stride, "padding": padding}

    def forward(self, x):
        self.x = x
        return self._pool(x, **self.settings)

    def backward(self, grad_output):
        return self._pool_backward(grad_output, self.x, **self.settings)

    def __repr__(self):
        stride, padding = self.settings["stride"], self.settings["padding"]
        extra = (f", stride={stride}" if stride is not None else "") + (f", padding={padding}" if padding else "")
        return f"{type(self).__name__}({self.settings['kernel_size']}{extra})"


class AvgPool2d(MaxPool2d):
    """Average pooling (padding zeros count in the mean); stride defaults to the window size.

    Examples
    --------
    >>> AvgPool2d(2).forward(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """

    _pool, _pool_backward = staticmethod(avg_pool2d), staticmethod(avg_pool2d_backward)


class Flatten(Layer):
    """Reshape (N, C, H, W) feature maps into (N, C*H*W) rows for a dense layer.

    Examples
    --------
    >>> Flatten().forward(np.zeros((2, 3, 4, 4))).shape
    (2, 48)
    """

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output):
        return grad_output.reshape(self.shape)


class Dense(Layer):
    """A fully connected layer y = x W^T + b, with W of shape (n_out, n_in) as in PyTorch.

    Examples
    --------
    >>> layer = Dense(3, 2, rng=np.random.default_rng(0))
    >>> layer.forward(np.ones((5, 3))).shape
    (5, 2)
    """

    def __init__(self, n_in, n_out, *, rng, init="he"):
        super().__init__()
        n_in, n_out = positive_int("n_in", n_in), positive_int("n_out", n_out)
        std = _init_std(init, n_in, n_out)
        self.params = {"weight": _check_rng(rng).normal(0.0, std, (n_out, n_in)), "bias": np.zeros(n_out)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}

    def forward(self, x):
        self.x = x
        return x @ self.params["weight"].T + self.params["bias"]

    def backward(self, grad_output):
        self.grads["weight"] = grad_output.T @ self.x  # sum over the batch of outer products
        self.grads["bias"] = grad_output.sum(axis=0)
        return grad_output @ self.params["weight"]

    def __repr__(self):
        n_out, n_in = self.params["weight"].shape
        return f"Dense({n_in} -> {n_out})"


class Sequential:
    """Layers applied one after another; backward runs them in reverse (the chain rule).

    Parameter names are ``"<layer index>.<name>"``, e.g. ``"0.weight"``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Conv2d(1, 2, 3, rng=rng), Activation("relu"), Flatten(), Dense(2 * 6 * 6, 10, rng=rng))
    >>> model.forward(np.zeros((4, 1, 8, 8))).shape
    (4, 10)
    >>> model.n_params, sorted(model.parameters())
    (750, ['0.bias', '0.weight', '3.bias', '3.weight'])
    """

    def __init__(self, *layers):
        for index, layer in enumerate(layers):
            if not hasattr(layer, "forward") or not hasattr(layer, "backward"):
                raise TypeError(f"layer {index} ({layer!r}) has no forward/backward methods; pass layer objects")
        self.layers = list(layers)

    def forward(self, x):
        """Return the output (logits) of the last layer for the batch ``x``."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, grad_output):
        """Fill every layer's ``grads`` from dL/d(output); return dL/d(input)."""
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output

    def parameters(self):
        """Return {name: array} of every learnable array (the arrays themselves, not copies)."""
        return {f"{i}.{name}": value for i, layer in enumerate(self.layers) for name, value in layer.params.items()}

    def gradients(self):
        """Return {name: dL/d(array)} from the last backward pass, with the keys of :meth:`parameters`."""
        return {f"{i}.{name}": value for i, layer in enumerate(self.layers) for name, value in layer.grads.items()}

    @property
    def n_params(self):
        """The number of learnable numbers in the model."""
        return sum(value.size for value in self.parameters().values())

    def predict(self, x):
        """Return the predicted class of each example (the largest logit)."""
        return self.forward(x).argmax(axis=1)

    def summary(self, input_shape):
        """Return a table of each layer's output shape and parameter count for inputs of ``input_shape``."""
        x = np.zeros(input_shape)
        lines = [f"{'layer':<32}{'output shape':<16}{'parameters':>10}"]
        for layer in self.layers:
            x = layer.forward(x)
            count = sum(value.size for value in layer.params.values())
            lines.append(f"{layer!r:<32}{str(x.shape):<16}{count:>10,}")
        lines.append(f"{'total':<48}{self.n_params:>10,}")
        return "\n".join(lines)

    def __repr__(self):
        return "Sequential(\n" + "".join(f"  {layer!r},\n" for layer in self.layers) + ")"


class SGD:
    """Stochastic gradient descent with momentum, PyTorch's rule: v = momentum*v + g; p -= lr*v.

    Examples
    --------
    >>> params = {"w": np.array([1.0])}
    >>> opt = SGD(params, lr=0.1)
    >>> opt.step({"w": np.array([2.0])})
    >>> params["w"].tolist()
    [0.8]
    """

    def __init__(self, params, lr, momentum=0.0):
        if not isinstance(params, dict) or not params:
            raise TypeError(f"params must be a non-empty dict of arrays, e.g. model.parameters(), got {params!r}")
        if not lr > 0 or not 0 <= momentum < 1:
            raise ValueError(f"need lr > 0 and 0 <= momentum < 1, got lr={lr!r}, momentum={momentum!r}")
        self.params, self.lr, self.momentum = params, float(lr), float(momentum)
        self.velocity = {name: np.zeros_like(value) for name, value in params.items()}

    def step(self, grads):
        """Move every parameter a small step against its gradient (in place)."""
        if grads.keys() != self.params.keys():
            raise ValueError(f"grads has keys {sorted(grads)}, but the parameters are {sorted(self.params)}")
        for name, value in self.params.items():
            self.velocity[name] = self.momentum * self.velocity[name] + grads[name]
            value -= self.lr * self.velocity[name]


def train_epoch(model, optimizer, x, y, batch_size, rng):
    """Train ``model`` for one pass over ``(x, y)`` in shuffled mini-batches; return the mean loss.

    Each step is the whole of training: forward, loss, backward, update.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Flatten(), Dense(4, 2, rng=rng))
    >>> x, y = rng.normal(size=(8, 1, 2, 2)), np.array([0, 1] * 4)
    >>> loss = train_epoch(model, SGD(model.parameters(), lr=0.1), x, y, batch_size=4, rng=rng)
    >>> loss > 0
    True
    """
    batch_size = positive_int("batch_size", batch_size)
    order = _check_rng(rng).permutation(len(x))
    total = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        loss, grad_logits = softmax_cross_entropy(model.forward(x[batch]), y[batch])
        model.backward(grad_logits)
        optimizer.step(model.gradients())
        total += loss * len(batch)
    return total / len(x)


def fit(model, x, y, *, epochs, lr, rng, momentum=0.9, batch_size=32, x_test=None, y_test=None, record=None):
    """Train ``model`` with SGD for ``epochs`` epochs; return the history of loss, accuracy and snapshots.

    The learning rate falls linearly from ``lr`` (first epoch) to ``lr / epochs`` (last epoch):
    large steps early, small steps late, so the final weights settle instead of jittering.

    Parameters
    ----------
    model : Sequential
    x, y : ndarray
        Training inputs (N, ...) and integer labels (N,).
    epochs : int
    lr : float
        Initial learning rate.
    rng : numpy.random.Generator
        Shuffles the mini-batches; a fixed seed makes training repeatable.
    momentum : float, default 0.9
    batch_size : int, default 32
    x_test, y_test : ndarray, optional
        Held-out examples whose accuracy is recorded after each epoch.
    record : callable, optional
        ``record(model)`` is stored after each epoch (and before the first), e.g. a copy of the filters.

    Returns
    -------
    dict
        ``"loss"`` (epochs + 1 values: the training loss before training, then each epoch's mean),
        ``"test_accuracy"`` (epochs + 1 values, if x_test is given) and ``"snapshots"`` (if record is given).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Flatten(), Dense(4, 2, rng=rng))
    >>> x, y = rng.normal(size=(8, 1, 2, 2)), np.array([0, 1] * 4)
    >>> history = fit(model, x, y, epochs=3, lr=0.1, rng=rng)
    >>> len(history["loss"])
    4
    """
    epochs = positive_int("epochs", epochs)
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    history = {"loss": [softmax_cross_entropy(model.forward(x), y)[0]], "test_accuracy": [], "snapshots": []}

    def log():
        if x_test is not None:
            history["test_accuracy"].append(accuracy(model, x_test, y_test))
        if record is not None:
            history["snapshots"].append(record(model))

    log()
    for epoch in range(epochs):
        optimizer.lr = lr * (1 - epoch / epochs)
        history["loss"].append(train_epoch(model, optimizer, x, y, batch_size, rng))
        log()
    return history


def accuracy(model, x, y):
    """Return the fraction of examples whose predicted class is the label.

    Examples
    --------
    >>> model = Sequential(Flatten())
    >>> accuracy(model, np.array([[[[1.0, 0.0]]], [[[0.0, 1.0]]]]), np.array([0, 0]))
    0.5
    """
    return float(np.mean(model.predict(x) == np.asarray(y)))


def gradient_check(model, x, y, eps=1e-6):
    """Return {parameter name: relative error} between backprop's gradient and central differences.

    The loss is the softmax cross-entropy of ``model(x)`` against ``y``. Each entry of each
    parameter is nudged by +-eps in turn (two forward passes per entry), so keep the batch
    and the model small. Errors below 1e-7 mean the backward passes are right (away from
    kinks: see :func:`~cnnlib.backward.relative_error`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Flatten(), Dense(4, 3, rng=rng))
    >>> errors = gradient_check(model, rng.normal(size=(2, 1, 2, 2)), np.array([0, 2]))
    >>> max(errors.values()) < 1e-7
    True
    """
    _, grad_logits = softmax_cross_entropy(model.forward(x), y)
    model.backward(grad_logits)
    analytic = {name: grad.copy() for name, grad in model.gradients().items()}
    errors = {}
    for name, param in model.parameters().items():
        saved = param.copy()

        def loss(value):
            param[...] = value  # the model reads its own array, so write the nudged values into it
            return softmax_cross_entropy(model.forward(x), y)[0]

        errors[name] = relative_error(analytic[name], numerical_gradient(loss, saved, eps))
        param[...] = saved
    return errors


def shift_images(images, dy, dx):
    """Return ``images`` moved down by ``dy`` and right by ``dx`` pixels (negative: up/left), zeros filling in.

    Pixels pushed past the border are lost (no wrap-around).

    Examples
    --------
    >>> shift_images(np.arange(1.0, 5.0).reshape(2, 2), 0, 1).tolist()
    [[0.0, 1.0], [0.0, 3.0]]
    """
    images = np.asarray(images, dtype=float)
    dy, dx = int(dy), int(dx)
    out = np.zeros_like(images)
    h, w = images.shape[-2:]
    if abs(dy) >= h or abs(dx) >= w:
        return out
    src_rows, dst_rows = slice(max(0, -dy), h - max(0, dy)), slice(max(0, dy), h - max(0, -dy))
    src_cols, dst_cols = slice(max(0, -dx), w - max(0, dx)), slice(max(0, dx), w - max(0, -dx))
    out[..., dst_rows, dst_cols] = images[..., src_rows, src_cols]
    return out


def shift_of_feature_map(before, after, max_shift=3):
    """Return the shift s (0 to ``max_shift`` columns) for which ``after`` best matches ``before`` moved s columns right.

    How far a feature map moved when its input moved: the mean absolute difference
    over the columns both maps hold (``after[..., s:]`` against ``before[..., :W - s]``)
    is smallest at the true move, and the columns that entered or left at the border
    do not count.

    Parameters
    ----------
    before, after : ndarray of shape (..., H, W)
        The same map before and after its input moved.
    max_shift : int, default 3
        The largest move considered, less than W.

    Returns
    -------
    int
        The move in columns; the smallest one on a tie.

    Examples
    --------
    >>> a = np.zeros((3, 6)); a[:, 1] = 1
    >>> shift_of_feature_map(a, shift_images(a, 0, 2))
    2
    """
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    width = before.shape[-1]
    errors = [np.abs(after[..., s:] - before[..., : width - s]).mean() for s in range(max_shift + 1)]
    return int(np.argmin(errors))


def filter_similarity(before, after):
    """Return ``(cosine, growth)``, one number per filter each: how much each filter kept its pattern, and its size.

    ``cosine[f]`` is the cosine of the angle between filter f before and
    after (training, say), its weights taken as one vector: 1 when the
    pattern is the same, only scaled; 0 when the two are unrelated; -1 when
    one is the negative of the other. ``growth[f]`` is the ratio of their
    lengths, after over before. To compare filter f after with another
    filter g before, pass ``before[g:g + 1]`` and ``after[f:f + 1]``.

    Parameters
    ----------
    before, after : ndarray of shape (F, ...)
        Filter banks of the same shape, e.g. (F, C, kh, kw).

    Returns
    -------
    cosine, growth : ndarray of shape (F,)

    Examples
    --------
    >>> before = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [3.0, 4.0]]])
    >>> cosine, growth = filter_similarity(before, [2 * before[0], -before[1]])
    >>> cosine.round(6).tolist(), growth.tolist()
    ([1.0, -1.0], [2.0, 1.0])
    """
    before = np.asarray(before, dtype=float).reshape(len(before), -1)
    after = np.asarray(after, dtype=float).reshape(len(after), -1)
    if before.shape != after.shape:
        raise ValueError(f"before and after must be filter banks of the same shape, got {before.shape} "
                         f"and {after.shape} (flattened per filter)")
    lengths = np.linalg.norm(before, axis=1), np.linalg.norm(after, axis=1)
    return np.sum(before * after, axis=1) / (lengths[0] * lengths[1]), lengths[1] / lengths[0]
