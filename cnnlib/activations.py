"""Activation functions and their derivatives.

Each ``f`` has a partner ``f_grad`` returning df/dx elementwise, with the same
extra arguments. :data:`ACTIVATIONS` maps a name to the pair, for figures and pickers.
"""

import numpy as np
from scipy.special import erf

from ._validate import as_float_array

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
