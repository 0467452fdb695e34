"""Activation functions and their derivatives, and the gradient's flow through a deep stack.

Each ``f`` has a partner ``f_grad`` returning df/dx elementwise, with the same
extra arguments. :data:`ACTIVATIONS` maps a name to the pair, for figures and pickers.
:func:`gradient_through_stack` measures what an activation does to the gradient
through many layers, and :func:`predicted_gradient_ratio` predicts it (chapter 9).
"""

import functools

import numpy as np

from ._validate import as_float_array, one_of

__all__ = [
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "softplus",
    "softplus_grad",
    "ACTIVATIONS",
    "random_stack",
    "backprop_norms",
    "gradient_through_stack",
    "predicted_gradient_ratio",
    "gradient_table",
]


def _real(name, value):
    """Check that a parameter such as ``alpha`` is a real number, not a string or an array."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {name}={value!r}; e.g. {name}=0.1")
    return float(value)


def relu(x):
    """Return max(0, x) elementwise.

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, float64

    Examples
    --------
    >>> relu([-2, 0, 3]).tolist()
    [0.0, 0.0, 3.0]
    """
    return np.maximum(as_float_array("x", x), 0.0)


def relu_grad(x):
    """Return the derivative of ReLU: 1 where x > 0, else 0.

    ReLU has no derivative at 0; by convention (the one PyTorch uses) we return 0 there.

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, float64

    Examples
    --------
    >>> relu_grad([-2, 0, 3]).tolist()
    [0.0, 0.0, 1.0]
    """
    return (as_float_array("x", x) > 0).astype(np.float64)


def leaky_relu(x, negative_slope=0.01):
    """Return x where x > 0 and negative_slope * x elsewhere.

    Parameters
    ----------
    x : ndarray of any shape
    negative_slope : float, default 0.01
        Slope for negative inputs, so that they still pass a gradient.

    Returns
    -------
    ndarray of the same shape as x, float64

    References
    ----------
    Maas, Hannun & Ng, "Rectifier nonlinearities improve neural network acoustic models" (2013).

    Examples
    --------
    >>> leaky_relu([-2, 0, 3], negative_slope=0.5).tolist()
    [-1.0, 0.0, 3.0]
    """
    x, slope = as_float_array("x", x), _real("negative_slope", negative_slope)
    return np.where(x > 0, x, slope * x)


def leaky_relu_grad(x, negative_slope=0.01):
    """Return the derivative of leaky ReLU: 1 where x > 0, else negative_slope (also at 0, by convention).

    Examples
    --------
    >>> leaky_relu_grad([-2, 0, 3], negative_slope=0.5).tolist()
    [0.5, 0.5, 1.0]
    """
    x, slope = as_float_array("x", x), _real("negative_slope", negative_slope)
    return np.where(x > 0, 1.0, slope)


def sigmoid(x):
    """Return the logistic function 1 / (1 + exp(-x)), without overflow for large ``abs(x)``.

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, values in [0, 1], float64

    Examples
    --------
    >>> sigmoid([0]).tolist()
    [0.5]
    >>> sigmoid([-1000, 1000]).tolist()
    [0.0, 1.0]
    """
    x = as_float_array("x", x)
    # exp(-|x|) never overflows; for x < 0 use the equal form exp(x) / (1 + exp(x)).
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x):
    """Return the derivative of the sigmoid, g(x)(1 - g(x)), which is at most 1/4 (at x = 0).

    Examples
    --------
    >>> sigmoid_grad([0]).tolist()
    [0.25]
    """
    g = sigmoid(x)
    return g * (1.0 - g)


def tanh(x):
    """Return the hyperbolic tangent of x elementwise, values in (-1, 1).

    Examples
    --------
    >>> tanh([0]).tolist()
    [0.0]
    """
    return np.tanh(as_float_array("x", x))


def tanh_grad(x):
    """Return the derivative of tanh, 1 - tanh(x)**2, which is at most 1 (at x = 0).

    Examples
    --------
    >>> tanh_grad([0]).tolist()
    [1.0]
    """
    return 1.0 - tanh(x) ** 2


def elu(x, alpha=1.0):
    """Return x where x > 0 and alpha * (exp(x) - 1) elsewhere.

    Parameters
    ----------
    x : ndarray of any shape
    alpha : float, default 1.0
        The value the function approaches as x -> -infinity is -alpha.

    Returns
    -------
    ndarray of the same shape as x, float64

    References
    ----------
    Clevert, Unterthiner & Hochreiter, "Fast and accurate deep network learning by
    exponential linear units (ELUs)" (2016).

    Examples
    --------
    >>> elu([0, 2]).tolist()
    [0.0, 2.0]
    >>> round(float(elu([-50])[0]), 6)
    -1.0
    """
    x, alpha = as_float_array("x", x), _real("alpha", alpha)
    # expm1 of min(x, 0): accurate near 0 and no overflow warning for large positive x.
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x, alpha=1.0):
    """Return the derivative of ELU: 1 where x > 0, else alpha * exp(x).

    Examples
    --------
    >>> elu_grad([0, 2]).tolist()
    [1.0, 1.0]
    """
    x, alpha = as_float_array("x", x), _real("alpha", alpha)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def gelu(x):
    """Return x * Phi(x), with Phi the standard normal CDF (the exact erf form, not the tanh approximation).

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, float64

    References
    ----------
    Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)" (2016).

    Examples
    --------
    >>> gelu([0]).tolist()
    [0.0]
    >>> round(float(gelu([1])[0]), 4)
    0.8413
    """
    x = as_float_array("x", x)
    return x * _normal_cdf(x)


def gelu_grad(x):
    """Return the derivative of GELU, Phi(x) + x * phi(x), with phi the standard normal density.

    Examples
    --------
    >>> gelu_grad([0]).tolist()
    [0.5]
    """
    x = as_float_array("x", x)
    density = np.exp(-0.5 * x**2) / np.sqrt(2.0 * np.pi)
    return _normal_cdf(x) + x * density


def _normal_cdf(x):
    """Standard normal cumulative distribution function, Phi(x) = (1 + erf(x / sqrt 2)) / 2."""
    from scipy.special import erf  # imported when GELU is used: `import cnnlib` stays numpy only

    return 0.5 * (1.0 + erf(x / np.sqrt(2.0)))


def softplus(x):
    """Return log(1 + exp(x)), a smooth ReLU, without overflow for large x.

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, positive, float64

    Examples
    --------
    >>> round(float(softplus([0])[0]), 4)
    0.6931
    >>> softplus([1000]).tolist()
    [1000.0]
    """
    x = as_float_array("x", x)
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): the exponent is never positive.
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def softplus_grad(x):
    """Return the derivative of softplus, which is the sigmoid.

    Examples
    --------
    >>> softplus_grad([0]).tolist()
    [0.5]
    """
    return sigmoid(x)


#: name -> (function, derivative), for figures and activation pickers.
ACTIVATIONS = {
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "elu": (elu, elu_grad),
    "gelu": (gelu, gelu_grad),
    "softplus": (softplus, softplus_grad),
}


# ---------------------------------------------------------------------------
# The gradient through a deep stack (chapter 9)
# ---------------------------------------------------------------------------


def random_stack(name, depth, *, width=128, batch=16, seed=0, gain=2.0):
    """Return ``(weights, pre_activations)``: the forward pass of a random dense stack.

    Layer l computes ``z_l = a_{l-1} @ W_l.T`` and ``a_l = f(z_l)`` (a 1x1
    convolution does exactly this at every pixel), with ``a_0`` standard normal
    and weights of variance ``gain / width``, all from
    ``np.random.default_rng(seed)``: ``gain=2`` is He initialisation, ``gain=1``
    Xavier (Glorot) initialisation.

    Returns
    -------
    weights : list of ``depth`` ndarrays of shape (width, width)
        ``weights[l]`` is the matrix of layer ``l + 1``.
    pre_activations : list of ``depth`` ndarrays of shape (batch, width)
        ``pre_activations[l]`` is ``z_{l+1}``, one row per example.

    References
    ----------
    He, Zhang, Ren & Sun, "Delving deep into rectifiers" (2015).

    Examples
    --------
    >>> weights, pre = random_stack("relu", 3, width=4, batch=2)
    >>> [w.shape for w in weights], [z.shape for z in pre]
    ([(4, 4), (4, 4), (4, 4)], [(2, 4), (2, 4), (2, 4)])
    """
    f, _ = ACTIVATIONS[one_of("name", name, tuple(ACTIVATIONS))]
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((batch, width))
    weights, pre = [], []
    for _ in range(depth):
        weights.append(rng.standard_normal((width, width)) * np.sqrt(gain / width))
        pre.append(a @ weights[-1].T)
        a = f(pre[-1])
    return weights, pre


def backprop_norms(weights, pre_activations, grad, delta_top):
    """Return the norm of the gradient with respect to every layer's pre-activations, layer 1 first.

    Backpropagation through ``z_l = a_{l-1} @ W_l.T``, ``a_l = f(z_l)`` takes
    ``delta_l`` (the gradient with respect to ``z_l``, one row per example) to
    ``delta_{l-1} = f'(z_{l-1}) * (delta_l @ W_l)``.

    Parameters
    ----------
    weights : list of L ndarrays, ``weights[l]`` of shape (n_{l+1}, n_l)
    pre_activations : list of L ndarrays, ``pre_activations[l]`` of shape (batch, n_{l+1})
    grad : callable
        The activation's derivative f', applied elementwise.
    delta_top : ndarray of shape (batch, n_L)
        The gradient with respect to the top layer's pre-activations.

    Returns
    -------
    ndarray of shape (L,)
        The Frobenius norms of ``delta_1``, ..., ``delta_L``.

    Examples
    --------
    >>> w = [np.eye(2), 3 * np.eye(2)]
    >>> z = [np.ones((1, 2)), np.ones((1, 2))]
    >>> backprop_norms(w, z, lambda z: np.full_like(z, 0.5), np.array([[3.0, 4.0]])).tolist()
    [7.5, 5.0]
    """
    delta = np.asarray(delta_top, dtype=float)
    norms = [np.linalg.norm(delta)]
    for w, z in zip(weights[:0:-1], pre_activations[-2::-1]):  # W_L .. W_2 with z_{L-1} .. z_1
        delta = grad(z) * (delta @ w)
        norms.append(np.linalg.norm(delta))
    return np.array(norms[::-1])


def gradient_through_stack(name, depth, *, width=128, batch=16, seed=0, gain=2.0):
    """Return the gradient's norm at each layer of a :func:`random_stack`, relative to the top layer's.

    A random gradient (standard normal, from ``np.random.default_rng([seed, 1])``)
    arrives at the top layer's activations; :func:`backprop_norms` carries it down.

    Returns
    -------
    ndarray of shape (depth,)
        Entry ``l`` is the norm of the gradient with respect to layer ``l+1``'s
        pre-activations, divided by the top layer's (so the last entry is 1).

    Examples
    --------
    >>> ratios = gradient_through_stack("sigmoid", 10)
    >>> ratios.shape, float(ratios[-1]), bool(ratios[0] < 1e-3)
    ((10,), 1.0, True)
    """
    one_of("name", name, tuple(ACTIVATIONS))
    return np.array(_stack_ratios(name, depth, width, batch, seed, gain))


@functools.lru_cache(maxsize=256)
def _stack_ratios(name, depth, width, batch, seed, gain):
    """The computation of :func:`gradient_through_stack`, cached: a figure asks for it once per frame."""
    weights, pre = random_stack(name, depth, width=width, batch=batch, seed=seed, gain=gain)
    grad = ACTIVATIONS[name][1]
    upstream = np.random.default_rng([seed, 1]).standard_normal(pre[-1].shape)
    norms = backprop_norms(weights, pre, grad, grad(pre[-1]) * upstream)
    return tuple(norms / norms[-1])


def predicted_gradient_ratio(name, depth, *, width=128, batch=16, seed=0, gain=2.0):
    """Return the gain rule's estimate of ``gradient_through_stack(...)[0]``, for the same stack.

    Each step down multiplies the squared gradient by about ``gain`` (the
    weights' variance times ``width``) times the mean of f'(z)^2 over the
    layer's pre-activations z: the estimate is the product, over layers 1 to
    depth - 1, of ``sqrt(gain * mean(f'(z_l)**2))``.

    References
    ----------
    Glorot & Bengio, "Understanding the difficulty of training deep feedforward
    neural networks" (2010); He, Zhang, Ren & Sun, "Delving deep into rectifiers" (2015).

    Examples
    --------
    >>> round(predicted_gradient_ratio("relu", 30, gain=1.0) / 2 ** -14.5, 1)
    1.0
    """
    _, pre = random_stack(name, depth, width=width, batch=batch, seed=seed, gain=gain)
    grad = ACTIVATIONS[name][1]
    return float(np.prod([np.sqrt(gain * np.mean(grad(z) ** 2)) for z in pre[:-1]]))


def gradient_table(depths, draws=8, gains=(1.0, 2.0)):
    """Return ``{(name, depth, gain): ratios}`` for every activation, each of ``depths`` and each of ``gains``.

    ``ratios`` has shape (draws, depth): row ``seed`` is
    :func:`gradient_through_stack` of the stack drawn with that seed, 0 to
    draws - 1, and weights of variance ``gain / width`` (1: Xavier, 2: He).

    Examples
    --------
    >>> table = gradient_table([5], draws=2)
    >>> len(table), table["relu", 5, 2].shape
    (14, (2, 5))
    """
    return {(name, depth, gain): np.array([gradient_through_stack(name, depth, seed=seed, gain=gain)
                                           for seed in range(draws)])
            for name in ACTIVATIONS for depth in depths for gain in gains}
