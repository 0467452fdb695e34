"""Chapter 2 checks: each passes a right answer and explains a wrong, raising or missing one.

Correct answers are hand-worked; correct functions are written here with plain
loops, independently of cnnlib. SciPy only confirms hand-worked numbers: the
implement exercises refuse it.
"""

import numpy as np
import pytest
import scipy.signal

from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-correlation-correlate2d": ("check_my_correlate2d", "correlate2d",
                                   "def my_correlate2d(image, kernel):\n    return {f}(image, kernel)"),
}
FORBIDDEN = {
    "ex-correlation-correlate2d": [
        "import scipy.signal\n"
        "def my_correlate2d(image, kernel):\n"
        "    return scipy.signal.correlate2d(image, kernel, mode='valid')",
        "import scipy.ndimage\n"
        "def my_correlate2d(image, kernel):\n"
        "    kh, kw = np.shape(kernel)  # the origin that puts S(i, j) at [i, j]\n"
        "    shifted = scipy.ndimage.correlate(np.asarray(image, float), kernel, mode='constant',\n"
        "                                      origin=(-(kh // 2), -(kw // 2)))\n"
        "    return shifted[:len(image) - kh + 1, :np.shape(image)[1] - kw + 1]",
        # one 1-D correlation per kernel row, summed
        "def my_correlate2d(image, kernel):\n"
        "    image, kernel = np.asarray(image, float), np.asarray(kernel, float)\n"
        "    rows = range(len(image) - len(kernel) + 1)\n"
        "    return np.array([sum(np.correlate(image[i + m], kernel[m], mode='valid')\n"
        "                         for m in range(len(kernel))) for i in rows])",
    ],
}
REAL_ANSWERS = {
    "ex-correlation-predict": ("check_convolution_prediction", 9),  # (0 + 1 + 0) + (0 + 4 + 4) + 0
    "ex-correlation-by-hand": ("check_correlation_by_hand",
                               ([[4, -1], [1, 6]], [[0, 3], [5, 2]])),  # K as is; K rotated
    # K stamped at each weight of K rotated: -1*K at (0, 0), 2*K at (1, 0), 1*K at (1, 1)
    "ex-correlation-conv-then-corr": ("check_convolve_then_correlate",
                                      [[-1, -2, 0], [2, 6, 2], [0, -2, -1]]),
}


def _loop_correlate2d(image, kernel):
    """S(i, j) = sum_m sum_n I(i+m, j+n) K(m, n), written independently of cnnlib."""
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i, j in np.ndindex(out.shape):
        out[i, j] = sum(image[i + m, j + n] * kernel[m, n] for m in range(kh) for n in range(kw))
    return out


def _not_implemented(*args):
    raise NotImplementedError("write your code here")


# --- predict C(1, 1), the convolution numbered from zero ----------------------------------

def test_prediction_passes_the_hand_worked_value():
    # Window I[1:4, 1:4] = [[0,1,3],[1,2,2],[0,0,2]] times K rotated, [[2,1,0],[0,2,2],[2,1,0]]:
    # 0 + 1 + 0 + 0 + 4 + 4 + 0 + 0 + 0 = 9.
    assert checks.check_convolution_prediction(9).passed


def test_prediction_of_the_correlation_value_fails_with_a_hint():
    text = str(checks.check_convolution_prediction(17))  # the cross-correlation at (1, 1)
    assert "your answer 17 is not right" in text and "rotate K by 180 degrees" in text
    assert " 9" not in text


def test_prediction_not_attempted():
    assert not checks.check_convolution_prediction(...).attempted


# --- correlation and convolution by hand ------------------------------------------------------

HAND_S = [[1 * 1 + 2 * 2 + 0 * 0 + 1 * -1, 2 * 1 + 0 * 2 + 1 * 0 + 3 * -1],
          [0 * 1 + 1 * 2 + 2 * 0 + 1 * -1, 1 * 1 + 3 * 2 + 1 * 0 + 1 * -1]]   # [[4, -1], [1, 6]]
HAND_C = [[1 * -1 + 2 * 0 + 0 * 2 + 1 * 1, 2 * -1 + 0 * 0 + 1 * 2 + 3 * 1],
          [0 * -1 + 1 * 0 + 2 * 2 + 1 * 1, 1 * -1 + 3 * 0 + 1 * 2 + 1 * 1]]   # [[0, 3], [5, 2]]


def test_by_hand_passes_the_hand_worked_grids():
    assert np.array_equal(scipy.signal.convolve2d(checks.SMALL_INPUT, checks.SMALL_KERNEL, mode="valid"), HAND_C)
    result = checks.check_correlation_by_hand((HAND_S, HAND_C))
    assert result.passed, result


def test_by_hand_names_the_wrong_grid_only():
    text = str(checks.check_correlation_by_hand((HAND_S, HAND_S)))  # forgot to flip for the convolution
    assert "S is right; C is not" in text and "expected" not in text


def test_by_hand_accepts_numpy_grids():
    assert checks.check_correlation_by_hand((np.array(HAND_S), np.array(HAND_C, dtype=float))).passed


def test_by_hand_with_one_grid_reports_the_shapes():
    text = str(checks.check_correlation_by_hand(HAND_S))
    assert "S: expected shape (2, 2), got shape (2,)" in text


def test_by_hand_not_attempted():
    assert not checks.check_correlation_by_hand(...).attempted


# --- my_correlate2d ---------------------------------------------------------------------------

def test_correlate2d_passes_an_independent_loop():
    result = checks.check_my_correlate2d(_loop_correlate2d)
    assert result.passed, result


def test_a_call_to_scipy_or_numpy_is_told_to_write_it():
    check = checks.check_my_correlate2d
    import scipy.ndimage

    for borrowed, name in [(lambda x, k: scipy.signal.correlate2d(x, k, mode="valid"), "scipy.signal.correlate2d"),
                           (lambda x, k: scipy.signal.convolve2d(x, k, mode="valid"), "scipy.signal.convolve2d"),
                           (lambda x, k: scipy.ndimage.correlate(x, k), "scipy.ndimage.correlate"),
                           (lambda x, k: np.correlate(x[0], k[0]), "np.correlate"),
                           (lambda x, k: np.convolve(x[0], k[0]), "np.convolve")]:
        result = check(borrowed)
        assert result.attempted and not result.passed
        assert f"your function calls {name}, which this exercise asks you to do without" in str(result)


def test_correlate2d_that_convolves_names_the_failing_case():
    text = str(checks.check_my_correlate2d(lambda x, k: _loop_correlate2d(x, np.flip(k))))
    # The worked example at (0, 0): correlation 12, convolution 18.
    assert 'case "the worked example (5x5 input, 3x3 kernel)"' in text and "expected 12, got 18" in text
    assert 'case "1x1 kernel (scales the input)"' not in text   # a 1x1 kernel cannot tell them apart


def test_correlate2d_with_transposed_loops_reports_the_shape():
    def swapped(x, k):  # loops over the wrong axes: only right for square shapes
        return _loop_correlate2d(np.asarray(x).T, np.asarray(k).T)
    text = str(checks.check_my_correlate2d(swapped))
    assert "non-square: 4x6 input, 2x3 kernel" in text and "expected shape (3, 4), got shape (4, 3)" in text


def test_correlate2d_that_raises_is_reported():
    def broken(x, k):
        return x @ k @ np.ones((7, 7))
    text = str(checks.check_my_correlate2d(broken))
    assert "your function raised ValueError" in text


@pytest.mark.parametrize("call", ["correlate2d", "convolve2d", "conv2d", "correlate1d", "conv2d_backward"])
def test_correlate2d_that_calls_cnnlib_is_told_to_write_it(call):
    import cnnlib

    def borrowed(x, k):
        x, k = np.asarray(x, float), np.asarray(k, float)
        if call == "convolve2d":
            return cnnlib.convolve2d(x, np.flip(k))
        if call == "conv2d":
            return cnnlib.conv2d(x[None, None], k[None, None])[0, 0]
        if call == "correlate1d":  # row by row
            rows = range(len(x) - len(k) + 1)
            return np.array([sum(cnnlib.correlate1d(x[i + m], k[m]) for m in range(len(k))) for i in rows])
        if call == "conv2d_backward":  # the weight gradient is the input correlated with grad_output
            out_shape = (1, 1, x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1)
            return cnnlib.conv2d_backward(k[None, None], x[None, None], np.zeros(out_shape))[1][0, 0]
        return cnnlib.correlate2d(x, k)
    result = checks.check_my_correlate2d(borrowed)
    assert not result.passed and f"calls cnnlib.{call}" in str(result)


def test_correlate2d_not_implemented():
    assert not checks.check_my_correlate2d(_not_implemented).attempted


# --- convolve, then correlate with the same kernel ------------------------------------------------

# K = [[1, 2], [0, -1]], rotated [[-1, 0], [2, 1]]. Stamp K times each weight of the rotated K at that
# weight's place: -1*K at (0, 0), 0 at (0, 1), 2*K at (1, 0), 1*K at (1, 1).
HAND_J = [[-1, -2, 0],
          [2, 6, 2],
          [0, -2, -1]]
# The slip: two correlation layers with K, K stamped at each weight of K itself.
HAND_K_K = [[1, 4, 4],
            [0, -2, -4],
            [0, 0, 1]]


def _loop_convolve2d(image, kernel):
    """C(i, j) = sum_m sum_n I(i + kh-1 - m, j + kw-1 - n) K(m, n), written independently of cnnlib."""
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i, j in np.ndindex(out.shape):
        out[i, j] = sum(image[i + kh - 1 - m, j + kw - 1 - n] * kernel[m, n] for m in range(kh) for n in range(kw))
    return out


def test_j_is_what_the_two_layers_compute_in_either_order():
    k = checks.SMALL_KERNEL
    assert k.tolist() == [[1, 2], [0, -1]]
    rng = np.random.default_rng(0)
    for shape in [(5, 5), (4, 7), (3, 3)]:
        image = rng.normal(size=shape)
        one = _loop_correlate2d(image, HAND_J)
        assert np.allclose(_loop_correlate2d(_loop_convolve2d(image, k), k), one)
        assert np.allclose(_loop_convolve2d(_loop_correlate2d(image, k), k), one)   # layers swapped
        assert np.allclose(_loop_convolve2d(image, HAND_J), one)                    # J is its own flip


def test_j_equals_its_rotation_and_its_centre_is_the_sum_of_squares():
    assert np.array_equal(np.rot90(HAND_J, 2), HAND_J) and HAND_J[1][1] == 1 + 4 + 0 + 1


def test_conv_then_corr_check_passes_the_hand_worked_kernel():
    assert checks.check_convolve_then_correlate(HAND_J).passed
    assert checks.check_convolve_then_correlate(np.array(HAND_J, dtype=float)).passed


def test_conv_then_corr_check_names_the_two_correlations_slip():
    text = str(checks.check_convolve_then_correlate(HAND_K_K))
    assert "not right" in text and "two correlation layers with K; the first layer convolves" in text
    assert "full cross-correlation" not in text


def test_conv_then_corr_check_names_the_full_correlation_of_the_kernels():
    rotated = np.rot90(checks.SMALL_KERNEL, 2)
    wrong = scipy.signal.correlate2d(rotated, checks.SMALL_KERNEL)   # [[1, 0, 0], [-4, -2, 0], [4, 4, 1]]
    assert wrong.tolist() == [[1, 0, 0], [-4, -2, 0], [4, 4, 1]]
    text = str(checks.check_convolve_then_correlate(wrong))
    assert "full cross-correlation of the two layers' kernels" in text and "two correlation layers with K" not in text


def test_conv_then_corr_check_gives_a_hint_but_not_the_answer():
    text = str(checks.check_convolve_then_correlate([[0, 0, 0], [0, 6, 0], [0, 0, 0]]))
    assert "stamp a copy of K" in text and "-2" not in text


def test_conv_then_corr_check_asks_for_a_3x3_grid():
    text = str(checks.check_convolve_then_correlate([[1, 2], [3, 4]]))
    assert "expected shape (3, 3), got shape (2, 2)" in text


def test_conv_then_corr_check_not_attempted():
    assert not checks.check_convolve_then_correlate(...).attempted


def test_function_checks_left_as_ellipsis_are_not_attempted():
    for check in (checks.check_my_correlate2d,):
        result = check(...)
        assert not result.attempted and "replace `...`" in str(result)


def test_by_hand_checks_never_raise_on_odd_answers():
    for answer in ("twelve", [[1, 2], [3]], ([[1, 2], [3, 4]], [[1], [2, 3]]), {"a": 1}):
        assert not checks.check_convolution_prediction(answer).passed
        assert not checks.check_correlation_by_hand(answer).passed
        assert not checks.check_convolve_then_correlate(answer).passed




def test_the_conv2d_backward_shortcut_would_be_right():
    import cnnlib

    x, k = np.arange(20.0).reshape(4, 5), np.array([[1.0, -2], [0.5, 3], [2, 0]])
    grads = cnnlib.conv2d_backward(k[None, None], x[None, None], np.zeros((1, 1, 2, 4)))
    assert np.allclose(grads[1][0, 0], _loop_correlate2d(x, k))
