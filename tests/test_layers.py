"""Softmax cross-entropy, the layers, a whole model's gradient, SGD and deterministic training."""

import numpy as np
import pytest
import scipy.special
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from cnnlib.layers import (
    SGD,
    Activation,
    AvgPool2d,
    Conv2d,
    Dense,
    Flatten,
    MaxPool2d,
    Sequential,
    accuracy,
    fit,
    gradient_check,
    shift_images,
    shift_of_feature_map,
    train_epoch,
)
from cnnlib.losses import softmax, softmax_cross_entropy

# Tiny tensors: one thread is many times faster than torch's pool on a shared 2-core machine.

TOLERANCE = 1e-6


def central_differences(f, x, eps=1e-6):
    """d f / d x entry by entry, (f(x + eps) - f(x - eps)) / 2 eps; modifies x in place and restores it."""
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        saved = x[index]
        x[index] = saved + eps
        plus = f()
        x[index] = saved - eps
        minus = f()
        x[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def rel_err(a, b):
    return np.abs(a - b).max() / max(np.abs(a).max() + np.abs(b).max(), 1e-12)


def small_cnn(seed, channels=3):
    """The chapter's architecture, shrunk: conv 3x3 (padding 1) -> ReLU -> max-pool 2 -> dense."""
    rng = np.random.default_rng(seed)
    return Sequential(Conv2d(1, channels, 3, padding=1, rng=rng), Activation("relu"), MaxPool2d(2), Flatten(),
                      Dense(channels * 4 * 4, 10, rng=rng, init="glorot"))


# ---------------------------------------------------------------------------
# softmax and cross-entropy
# ---------------------------------------------------------------------------


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4), k=st.integers(2, 6))
def test_softmax_matches_scipy(seed, n, k):
    z = np.random.default_rng(seed).normal(scale=5, size=(n, k))
    np.testing.assert_allclose(softmax(z), scipy.special.softmax(z, axis=-1), rtol=1e-12)


def test_softmax_is_stable_for_huge_logits():
    np.testing.assert_allclose(softmax([[1000.0, 1000.0, -1000.0]]), [[0.5, 0.5, 0.0]])


def test_cross_entropy_of_uniform_logits_is_log_k():
    # K equal scores: every class has probability 1/K, so the loss is -log(1/K) = log K.
    loss, grad = softmax_cross_entropy(np.zeros((2, 10)), np.array([3, 7]))
    assert loss == pytest.approx(np.log(10))
    expected = np.full((2, 10), 0.1)
    expected[0, 3] = expected[1, 7] = -0.9
    np.testing.assert_allclose(grad, expected / 2)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4), k=st.integers(2, 6))
def test_cross_entropy_gradient_matches_finite_differences(seed, n, k):
    rng = np.random.default_rng(seed)
    # Moderate logits: with very confident ones the gradient is ~1e-6 and the finite
    # difference's rounding error (~1e-10) alone exceeds the relative tolerance.
    z, labels = rng.normal(size=(n, k)), rng.integers(0, k, size=n)
    _, grad = softmax_cross_entropy(z, labels)
    assert rel_err(grad, central_differences(lambda: softmax_cross_entropy(z, labels)[0], z)) < TOLERANCE


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4), k=st.integers(2, 6))
def test_cross_entropy_matches_torch(seed, n, k):
    rng = np.random.default_rng(seed)
    z, labels = rng.normal(scale=3, size=(n, k)), rng.integers(0, k, size=n)
    tz = torch.tensor(z, requires_grad=True)
    loss = F.cross_entropy(tz, torch.tensor(labels))
    loss.backward()
    ours, grad = softmax_cross_entropy(z, labels)
    assert ours == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad, tz.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_cross_entropy_stays_finite_for_huge_logits():
    loss, grad = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    assert loss == pytest.approx(1000.0) and np.isfinite(grad).all()


def test_cross_entropy_explains_bad_labels():
    with pytest.raises(ValueError, match=r"labels must lie in 0..2 \(logits have 3 columns\), got label 3"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(TypeError, match="integer class indices"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))


# ---------------------------------------------------------------------------
# Each layer's backward pass against finite differences
# ---------------------------------------------------------------------------


def layer_gradients_agree(layer, x, seed=0):
    """True if backward's input and parameter gradients match central differences of sum(G * forward)."""
    g = np.random.default_rng(seed).normal(size=layer.forward(x).shape)
    grad_x = layer.backward(g)
    loss = lambda: float(np.sum(g * layer.forward(x)))  # noqa: E731
    errors = [rel_err(grad_x, central_differences(loss, x))]
    for name, value in layer.params.items():
        errors.append(rel_err(layer.grads[name], central_differences(loss, value)))
    return max(errors) < TOLERANCE


@pytest.mark.parametrize("make", [
    lambda rng: Conv2d(2, 3, 3, rng=rng),
    lambda rng: Conv2d(2, 3, (2, 3), stride=2, padding=1, dilation=(1, 2), rng=rng),
    lambda rng: Dense(2 * 5 * 5, 4, rng=rng),
    lambda rng: MaxPool2d(2),
    lambda rng: AvgPool2d(3, stride=1, padding=1),
    lambda rng: Flatten(),
    lambda rng: Activation("relu"),
    lambda rng: Activation("tanh"),
    lambda rng: Activation("gelu"),
], ids=["conv", "conv-strided-dilated", "dense", "maxpool", "avgpool", "flatten", "relu", "tanh", "gelu"])
def test_layer_backward_matches_finite_differences(make):
    rng = np.random.default_rng(3)
    layer = make(rng)
    x = rng.normal(size=(2, 2, 5, 5))
    if isinstance(layer, Dense):
        x = x.reshape(2, -1)
    assert layer_gradients_agree(layer, x)


def test_whole_model_gradient_matches_finite_differences():
    model = small_cnn(seed=4)
    rng = np.random.default_rng(5)
    x, labels = rng.normal(size=(3, 1, 8, 8)), rng.integers(0, 10, size=3)
    loss, grad_logits = softmax_cross_entropy(model.forward(x), labels)
    grad_x = model.backward(grad_logits)
    loss_fn = lambda: softmax_cross_entropy(model.forward(x), labels)[0]  # noqa: E731
    for name, value in model.parameters().items():
        assert rel_err(model.gradients()[name], central_differences(loss_fn, value)) < TOLERANCE, name
    assert rel_err(grad_x, central_differences(loss_fn, x)) < TOLERANCE


def test_whole_model_gradient_matches_torch_autograd():
    model = small_cnn(seed=6)
    rng = np.random.default_rng(7)
    x, labels = rng.normal(size=(4, 1, 8, 8)), rng.integers(0, 10, size=4)
    _, grad_logits = softmax_cross_entropy(model.forward(x), labels)
    model.backward(grad_logits)
    params = {k: torch.tensor(v, requires_grad=True) for k, v in model.parameters().items()}
    h = F.max_pool2d(torch.relu(F.conv2d(torch.tensor(x), params["0.weight"], params["0.bias"], padding=1)), 2)
    logits = h.flatten(1) @ params["4.weight"].T + params["4.bias"]
    F.cross_entropy(logits, torch.tensor(labels)).backward()
    for name, tensor in params.items():
        np.testing.assert_allclose(model.gradients()[name], tensor.grad.numpy(), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------
# Initialisation, parameter counts, SGD and training
# ---------------------------------------------------------------------------


def test_parameter_counts_by_hand():
    # conv: 8 filters of 1*3*3 weights plus 8 biases = 80; dense: 128 inputs -> 10 with bias = 1290.
    model = small_cnn(seed=0, channels=8)
    assert model.n_params == 80 + 1290
    assert {k: v.shape for k, v in model.parameters().items()} == {
        "0.weight": (8, 1, 3, 3), "0.bias": (8,), "4.weight": (10, 128), "4.bias": (10,)}
    assert "total" in model.summary((1, 1, 8, 8)) and "1,370" in model.summary((1, 1, 8, 8))


def test_he_initialisation_has_the_right_spread():
    layer = Dense(200, 300, rng=np.random.default_rng(0))
    assert layer.params["weight"].std() == pytest.approx(np.sqrt(2 / 200), rel=0.02)
    glorot = Dense(200, 300, rng=np.random.default_rng(0), init="glorot")
    assert glorot.params["weight"].std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)


def test_layers_explain_bad_arguments():
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        Dense(3, 2, rng=0)
    with pytest.raises(ValueError, match="unknown name='relux'"):
        Activation("relux")
    with pytest.raises(ValueError, match="unknown init='xavier'"):
        Conv2d(1, 2, 3, rng=np.random.default_rng(0), init="xavier")
    with pytest.raises(TypeError, match="layer 1"):
        Sequential(Flatten(), "dense")


def test_sgd_with_momentum_matches_torch():
    rng = np.random.default_rng(8)
    start, grads = rng.normal(size=(2, 3)), [rng.normal(size=(2, 3)) for _ in range(4)]
    params = {"w": start.copy()}
    ours = SGD(params, lr=0.1, momentum=0.9)
    tw = torch.tensor(start, requires_grad=True)
    theirs = torch.optim.SGD([tw], lr=0.1, momentum=0.9)
    for g in grads:
        ours.step({"w": g})
        tw.grad = torch.tensor(g)
        theirs.step()
    np.testing.assert_allclose(params["w"], tw.detach().numpy(), rtol=1e-12)


def test_sgd_updates_the_model_in_place():
    model = small_cnn(seed=1)
    weight = model.parameters()["0.weight"]
    before = weight.copy()
    SGD(model.parameters(), lr=1.0).step({k: np.ones_like(v) for k, v in model.parameters().items()})
    np.testing.assert_allclose(weight, before - 1.0)
    assert model.layers[0].params["weight"] is weight  # the optimizer changed the layer's own array


def test_sgd_names_mismatched_keys():
    with pytest.raises(ValueError, match="grads has keys"):
        SGD({"w": np.zeros(2)}, lr=0.1).step({"v": np.zeros(2)})


def _train(seed, x, y, epochs=2):
    rng = np.random.default_rng(seed)
    model = small_cnn(seed)
    optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = [train_epoch(model, optimizer, x, y, batch_size=8, rng=rng) for _ in range(epochs)]
    return model, losses


def _toy_data():
    """Two classes a CNN can tell apart: a bright bar in the top half or in the bottom half."""
    rng = np.random.default_rng(9)
    x = rng.normal(scale=0.1, size=(40, 1, 8, 8))
    y = np.arange(40) % 2
    x[y == 0, 0, 1:3, 2:6] += 1.0
    x[y == 1, 0, 5:7, 2:6] += 1.0
    return x, y


def test_training_is_deterministic_for_a_fixed_seed():
    x, y = _toy_data()
    (a, losses_a), (b, losses_b) = _train(0, x, y), _train(0, x, y)
    assert losses_a == losses_b
    for name, value in a.parameters().items():
        np.testing.assert_array_equal(value, b.parameters()[name])
    c, _ = _train(1, x, y)
    assert not np.array_equal(a.parameters()["0.weight"], c.parameters()["0.weight"])


def test_training_lowers_the_loss_and_learns_the_toy_task():
    x, y = _toy_data()
    model, losses = _train(0, x, y, epochs=4)
    assert losses[-1] < losses[0]
    assert accuracy(model, x, y) == 1.0


# ---------------------------------------------------------------------------
# shift_images
# ---------------------------------------------------------------------------


def _shift_by_hand(image, dy, dx):
    """Move each pixel (r, c) to (r + dy, c + dx) if it stays inside; zeros elsewhere."""
    out = np.zeros_like(image)
    h, w = image.shape
    for r in range(h):
        for c in range(w):
            if 0 <= r + dy < h and 0 <= c + dx < w:
                out[r + dy, c + dx] = image[r, c]
    return out


@pytest.mark.parametrize("dy, dx", [(0, 0), (0, 1), (1, 0), (-2, 1), (2, -2), (0, -3), (5, 0), (0, 9)])
def test_shift_images_moves_pixels_and_fills_zeros(dy, dx):
    image = np.arange(1.0, 31.0).reshape(5, 6)
    np.testing.assert_array_equal(shift_images(image, dy, dx), _shift_by_hand(image, dy, dx))


def test_shift_images_works_on_batches():
    batch = np.arange(2 * 1 * 4 * 4, dtype=float).reshape(2, 1, 4, 4)
    out = shift_images(batch, 1, -1)
    np.testing.assert_array_equal(out[1, 0], _shift_by_hand(batch[1, 0], 1, -1))


# ---------------------------------------------------------------------------
# fit and gradient_check
# ---------------------------------------------------------------------------


def test_fit_records_one_entry_per_epoch_plus_the_start():
    x, y = _toy_data()
    model = small_cnn(seed=2)
    start = model.parameters()["0.weight"].copy()
    history = fit(model, x, y, epochs=3, lr=0.05, rng=np.random.default_rng(2), batch_size=8, x_test=x, y_test=y,
                  record=lambda m: m.parameters()["0.weight"].copy())
    assert len(history["loss"]) == len(history["test_accuracy"]) == len(history["snapshots"]) == 4
    np.testing.assert_array_equal(history["snapshots"][0], start)
    np.testing.assert_array_equal(history["snapshots"][-1], model.parameters()["0.weight"])
    # The first entry is the loss of the untrained model on the whole training set.
    assert history["loss"][0] == pytest.approx(softmax_cross_entropy(small_cnn(seed=2).forward(x), y)[0])
    assert history["loss"][-1] < history["loss"][0]


def test_fit_lets_the_learning_rate_fall_linearly(monkeypatch):
    seen = []
    monkeypatch.setattr("cnnlib.layers.train_epoch", lambda model, opt, *args: seen.append(opt.lr) or 0.0)
    x, y = _toy_data()
    fit(small_cnn(seed=0), x, y, epochs=4, lr=0.08, rng=np.random.default_rng(0))
    np.testing.assert_allclose(seen, [0.08, 0.06, 0.04, 0.02])


def test_gradient_check_passes_a_correct_model_and_restores_its_weights():
    model = small_cnn(seed=3)
    before = {k: v.copy() for k, v in model.parameters().items()}
    rng = np.random.default_rng(4)
    errors = gradient_check(model, rng.normal(size=(2, 1, 8, 8)), np.array([1, 7]))
    assert set(errors) == set(before) and max(errors.values()) < TOLERANCE
    for name, value in model.parameters().items():
        np.testing.assert_array_equal(value, before[name])


def test_gradient_check_catches_a_wrong_backward_pass():
    class DoubledReLU(Activation):
        def backward(self, grad_output):
            return 2 * super().backward(grad_output)  # a bug: twice the true gradient

    rng = np.random.default_rng(5)
    model = Sequential(Flatten(), Dense(16, 8, rng=rng), DoubledReLU("relu"), Dense(8, 3, rng=rng))
    errors = gradient_check(model, rng.normal(size=(3, 1, 4, 4)), np.array([0, 1, 2]))
    assert errors["1.weight"] > 0.1 and errors["3.weight"] < TOLERANCE


@pytest.mark.parametrize("shift", [0, 1, 2, 3])
def test_shift_of_feature_map_finds_a_move_made_by_hand(shift):
    before = np.zeros((4, 8))
    before[1:3, 2] = 1.0
    before[2, 3] = 0.5
    after = np.zeros_like(before)
    after[:, shift:] = before[:, : 8 - shift]  # moved right, zeros coming in on the left
    assert shift_of_feature_map(before, after) == shift


def test_shift_of_feature_map_ignores_what_enters_at_the_border():
    before = np.zeros((2, 6))
    before[:, 1] = 1.0
    after = np.zeros_like(before)
    after[:, 3] = 1.0   # moved 2 columns right ...
    after[:, :2] = 9.0  # ... and something new came in, in columns that before has no match for
    assert shift_of_feature_map(before, after) == 2


# --- chapter 11, second edition: how much a filter kept of its start ----------------------------

def test_filter_similarity_matches_torch_cosine_and_the_ratio_of_norms():
    from cnnlib.layers import filter_similarity

    rng = np.random.default_rng(8)
    before, after = rng.normal(size=(8, 1, 3, 3)), rng.normal(size=(8, 1, 3, 3))
    cosine, growth = filter_similarity(before, after)
    expected = torch.nn.functional.cosine_similarity(torch.tensor(before).reshape(8, -1),
                                                     torch.tensor(after).reshape(8, -1), dim=1).numpy()
    np.testing.assert_allclose(cosine, expected, atol=1e-12)
    np.testing.assert_allclose(growth, [np.linalg.norm(a) / np.linalg.norm(b) for a, b in zip(after, before)])


def test_filter_similarity_of_a_scaled_filter_is_1_and_of_its_negative_minus_1():
    from cnnlib.layers import filter_similarity

    f = np.array([[[[1.0, -2.0], [0.5, 3.0]]]])
    assert np.allclose(filter_similarity(f, 2.5 * f), ([1.0], [2.5]))
    assert np.allclose(filter_similarity(f, -f), ([-1.0], [1.0]))


def test_filter_similarity_refuses_banks_of_different_shapes():
    from cnnlib.layers import filter_similarity

    with pytest.raises(ValueError, match="same shape"):
        filter_similarity(np.ones((8, 1, 3, 3)), np.ones((8, 1, 5, 5)))
