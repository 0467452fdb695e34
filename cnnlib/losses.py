"""Softmax and the cross-entropy loss of a classifier, with its gradient.

A classifier's last layer returns one score (a *logit*) per class. Softmax turns
the scores into probabilities; cross-entropy is minus the log-probability of the
right class, averaged over the batch. Its gradient with respect to the logits is
famously simple: (probabilities - one-hot labels) / N.
"""

import numpy as np

from ._validate import as_float_array

__all__ = ["softmax", "softmax_cross_entropy"]


def softmax(logits):
    """Return exp(z) / sum(exp(z)) along the last axis, without overflow.

    Subtracting each row's maximum first changes nothing mathematically
    (the factor exp(-max) cancels) but keeps every exponent <= 0, so
    ``softmax([1000, 1000])`` is [0.5, 0.5] instead of nan.

    Parameters
    ----------
    logits : ndarray of shape (..., K)
        Scores for K classes.

    Returns
    -------
    ndarray of shape (..., K)
        Probabilities: non-negative, summing to 1 along the last axis.

    Examples
    --------
    >>> softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]
    >>> softmax([1000.0, 1000.0]).tolist()
    [0.5, 0.5]
    """
    z = as_float_array("logits", logits)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _check_labels(labels, n, k):
    """Return ``labels`` as an int array of shape (n,) with values in [0, k)."""
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class indices, got dtype {labels.dtype}; e.g. np.array([3, 0, 7])")
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one class index per row of logits, got shape {labels.shape}")
    if labels.min() < 0 or labels.max() >= k:
        bad = labels[(labels < 0) | (labels >= k)][0]
        raise ValueError(f"labels must lie in 0..{k - 1} (logits have {k} columns), got label {bad}")
    return labels


def softmax_cross_entropy(logits, labels):
    """Return ``(loss, grad_logits)``: the mean cross-entropy of softmax(logits) and its gradient.

    loss = -(1/N) sum_n log softmax(logits[n])[labels[n]], computed as
    log-sum-exp(z) - z[label] so that it stays finite for large logits;
    grad_logits = (softmax(logits) - onehot(labels)) / N.

    Parameters
    ----------
    logits : ndarray of shape (N, K)
        Scores of N examples for K classes.
    labels : ndarray of int, shape (N,)
        The right class of each example, in 0..K-1.

    Returns
    -------
    loss : float
    grad_logits : ndarray of shape (N, K)

    References
    ----------
    Goodfellow, Bengio & Courville, *Deep Learning* (2016), sec. 6.2.2.3.

    Examples
    --------
    >>> loss, grad = softmax_cross_entropy(np.zeros((1, 4)), np.array([2]))
    >>> round(loss, 4)                     # log 4: four equally likely classes
    1.3863
    >>> grad.tolist()
    [[0.25, 0.25, -0.75, 0.25]]
    """
    z = as_float_array("logits", logits, ndim=2, layout="(N, K)")
    labels = _check_labels(labels, *z.shape)
    shifted = z - z.max(axis=1, keepdims=True)
    log_sum_exp = np.log(np.exp(shifted).sum(axis=1))
    rows = np.arange(z.shape[0])
    loss = float(np.mean(log_sum_exp - shifted[rows, labels]))
    grad = np.exp(shifted - log_sum_exp[:, np.newaxis])
    grad[rows, labels] -= 1.0
    return loss, grad / z.shape[0]
