"""Chapter 11 checks: each passes a right answer and explains a wrong, raising or missing one."""

import numpy as np
import torch
import torch.nn.functional as F

from cnnlib import checks
from cnnlib.checks.small_cnn import measured_map_shifts

# Tiny tensors: one thread is many times faster than torch's pool on a shared 2-core machine.


def _not_implemented(*args):
    raise NotImplementedError("write your code here")


def _text(result):
    return str(result)


# Independent solutions, written without cnnlib.

def _relu_backward_by_hand(grad_output, x):
    return np.where(np.asarray(x) > 0, grad_output, 0.0)


def _relu_backward_torch(grad_output, x):
    t = torch.tensor(np.asarray(x, dtype=float), requires_grad=True)
    torch.relu(t).backward(torch.tensor(np.asarray(grad_output, dtype=float)))
    return t.grad.numpy()


def _max_pool_backward_by_hand(grad_output, x):
    """One 2x2 window at a time: the window's gradient goes to its first maximum."""
    grad = np.zeros_like(x, dtype=float)
    for i in range(x.shape[0] // 2):
        for j in range(x.shape[1] // 2):
            window = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            a, b = divmod(int(np.argmax(window)), 2)
            grad[2 * i + a, 2 * j + b] += grad_output[i, j]
    return grad


def _max_pool_backward_torch(grad_output, x):
    t = torch.tensor(np.asarray(x, dtype=float)[None, None], requires_grad=True)
    F.max_pool2d(t, 2).backward(torch.tensor(np.asarray(grad_output, dtype=float)[None, None]))
    return t.grad.numpy()[0, 0]


# --- parameter count by hand -------------------------------------------------------------------

def test_param_count_passes_the_hand_worked_number():
    # conv: 16 filters of 1*5*5 weights + 16 biases = 416; dense: (16*4*4 + 1) * 10 = 2570.
    assert checks.check_param_count_by_hand(416 + 2570).passed


def test_param_count_without_the_dense_biases_fails_with_a_hint_not_the_answer():
    result = checks.check_param_count_by_hand(416 + 2560)
    assert not result.passed and result.attempted
    assert "your answer 2,976 is not right" in _text(result) and "16*4*4 inputs" in _text(result)
    assert "2986" not in _text(result)


def test_param_count_with_unpooled_maps_fails():
    assert not checks.check_param_count_by_hand(416 + (16 * 8 * 8 + 1) * 10).passed


def test_param_count_not_attempted():
    assert "not attempted" in _text(checks.check_param_count_by_hand(...))


# --- prediction: how far the maps move ---------------------------------------------------------------

def test_shift_prediction_passes_the_equivariance_answer():
    # Conv moves with the input (2 columns); the 2x2 pool halves that (1 column).
    assert checks.check_shift_prediction([2, 1]).passed


def test_shift_prediction_measurement_agrees_with_the_reasoning():
    assert measured_map_shifts(2) == [2, 1]


def test_shift_prediction_rejects_invariance():
    result = checks.check_shift_prediction([0, 0])  # "CNNs are shift-invariant": the seed notes' mistake
    assert not result.passed and "equivariant" in _text(result)


def test_shift_prediction_names_a_wrong_shape():
    result = checks.check_shift_prediction(2)
    assert not result.passed and "expected shape (2,)" in _text(result)


def test_shift_prediction_not_attempted():
    assert not checks.check_shift_prediction(...).attempted


# --- ReLU backward ---------------------------------------------------------------------------

def test_relu_backward_passes_an_independent_solution():
    result = checks.check_relu_backward(_relu_backward_by_hand)
    assert result.passed, result
    assert "(against cnnlib)" in _text(result) and "(against finite differences)" in _text(result)


def test_relu_backward_passes_torch_autograd():
    assert checks.check_relu_backward(_relu_backward_torch).passed


def test_relu_backward_that_forgets_grad_output_names_the_case():
    text = _text(checks.check_relu_backward(lambda g, x: (np.asarray(x) > 0).astype(float)))
    # x = [[1, 1], [-1, 3]] with grad_output [[2, -3], [0.5, 7]]: expected 2 at (0, 0), the mask gives 1.
    assert 'case "incoming gradient not all ones (does it multiply by grad_output?)"' in text
    assert "first at index (0, 0): expected 2, got 1" in text
    assert "finite differences give" in text  # the numerical referee disagrees too


def test_relu_backward_with_derivative_1_at_zero_fails_only_the_convention_case():
    text = _text(checks.check_relu_backward(lambda g, x: np.where(np.asarray(x) >= 0, g, 0.0)))
    assert 'case "x exactly 0 (convention: the derivative there is 0)"' in text
    assert "expected 0, got 5" in text and "4 of 5 cases passed (against cnnlib)" in text
    assert "all 2 cases pass (against finite differences)" in text


def test_relu_backward_that_raises_is_reported():
    text = _text(checks.check_relu_backward(lambda g, x: g @ np.ones((7, 7))))
    assert "your function raised ValueError" in text


def test_relu_backward_not_implemented_is_not_attempted():
    result = checks.check_relu_backward(_not_implemented)
    assert not result.attempted and "not attempted yet" in _text(result)


# --- max-pool backward ------------------------------------------------------------------------

def test_max_pool_backward_passes_an_independent_loop():
    result = checks.check_max_pool_backward(_max_pool_backward_by_hand)
    assert result.passed, result


def test_max_pool_backward_passes_torch_autograd():
    assert checks.check_max_pool_backward(_max_pool_backward_torch).passed


def test_max_pool_backward_spreading_like_average_pooling_fails_by_case():
    def spread(grad_output, x):
        return np.kron(grad_output, np.ones((2, 2))) / 4
    text = _text(checks.check_max_pool_backward(spread))
    # In the 4x4 example the first window's maximum is x[1, 1] = 4: x[0, 0] should get 0, not 10/4.
    assert 'case "the 4x4 example of the chapter"' in text and "expected 0, got 2.5" in text


def test_max_pool_backward_with_max_starting_at_zero_fails_the_negative_case():
    def starts_at_zero(grad_output, x):
        grad = np.zeros_like(x)
        for i in range(x.shape[0] // 2):
            for j in range(x.shape[1] // 2):
                best, where = 0.0, None
                for a in range(2):
                    for b in range(2):
                        if x[2 * i + a, 2 * j + b] > best:
                            best, where = x[2 * i + a, 2 * j + b], (2 * i + a, 2 * j + b)
                if where is not None:
                    grad[where] += grad_output[i, j]
        return grad
    text = _text(checks.check_max_pool_backward(starts_at_zero))
    assert 'case "all values negative (a max that starts at 0 never finds them)"' in text
    assert 'case "the 4x4 example of the chapter"' not in text


def test_max_pool_backward_that_raises_is_reported():
    def broken(grad_output, x):
        return x[100]
    text = _text(checks.check_max_pool_backward(broken))
    assert "your function raised IndexError" in text and "0 of 5 cases passed" in text


def test_max_pool_backward_not_implemented_is_not_attempted():
    assert not checks.check_max_pool_backward(_not_implemented).attempted
