"""The course's named constants: its kernels, its worked inputs and its photograph.

Each has one home, here: the chapters, the figures and the checks all import it
from this module, so that a kernel called "Sobel x" is the same array wherever a
learner meets it.
"""

from __future__ import annotations

import functools
import types

import numpy as np

__all__ = ["SOBEL_X", "SOBEL_Y", "RUNNING_SIGNAL", "RUNNING_KERNEL", "WORKED_INPUT", "WORKED_KERNEL",
           "CLASSIC_FILTERS", "sample_photo", "sample_photo_rgb", "zone_plate",
           "shift_scene", "SHIFT_MAP", "photo_edge_map", "photo_feature_map", "BLUR_KERNEL",
           "ONE_SIDED_KERNELS", "FLIP_TEST_IMAGES"]

#: Sobel's horizontal-gradient kernel, in correlation form (as conv layers apply it).
#: ``correlate2d(image, SOBEL_X)`` is positive where the image gets brighter to the right,
#: so it responds to vertical edges. Image-processing texts often print it flipped,
#: ``[[1, 0, -1], ...]``, for use as a convolution (Sobel & Feldman 1968).
SOBEL_X = np.array([[-1.0, 0.0, 1.0],
                    [-2.0, 0.0, 2.0],
                    [-1.0, 0.0, 1.0]])

#: Sobel's vertical-gradient kernel, in correlation form. It is positive where the image
#: gets brighter downwards, so it responds to horizontal edges; ``SOBEL_Y == SOBEL_X.T``.
SOBEL_Y = SOBEL_X.T.copy()

#: Chapter 1's running 1-D example, a signal of 8 samples and an asymmetric kernel of 3.
RUNNING_SIGNAL = np.array([1, 3, 0, 2, 4, 1, 0, 2])
RUNNING_KERNEL = np.array([2, 1, -1])

#: Chapter 2's worked example. Its cross-correlation with ``WORKED_KERNEL`` (no padding,
#: stride 1) is [[12, 12, 17], [10, 17, 19], [9, 6, 14]].
WORKED_INPUT = np.array([[3, 3, 2, 1, 0],
                         [0, 0, 1, 3, 1],
                         [3, 1, 2, 2, 3],
                         [2, 0, 0, 2, 2],
                         [2, 0, 0, 0, 1]])
WORKED_KERNEL = np.array([[0, 1, 2],
                          [2, 2, 0],
                          [0, 1, 2]])


def _one_weight(row, col, value=1.0, size=5):
    kernel = np.zeros((size, size))
    kernel[row, col] = value
    return kernel


#: Chapter 2's 5x5 kernels that are neither symmetric nor antisymmetric under a rotation by 180
#: degrees, so that convolving with them differs from correlating by more than a sign. Their centre
#: is (2, 2). They hold a lone weight 2 columns right of it (a shift), one 2 rows above and 2 columns
#: right, a streak of three weights from the centre rightwards (a one-sided motion blur), and the
#: centre plus a half-weight echo 2 rows below and 2 columns right.
ONE_SIDED_KERNELS = types.MappingProxyType({
    "weight right of centre": _one_weight(2, 4),
    "weight up and right": _one_weight(0, 4),
    "streak to the right": _one_weight(2, 2, 1 / 3) + _one_weight(2, 3, 1 / 3) + _one_weight(2, 4, 1 / 3),
    "echo down and right": _one_weight(2, 2) + _one_weight(4, 4, 0.5),
})

#: Chapter 2's 15x15 test images for those kernels, by name. The letter F is 7 rows by 5 columns
#: of ones at rows 4-10 and columns 5-9, clear of the border by more than a kernel's reach; the
#: single point is a 1 at the centre (7, 7), and its convolution with a kernel is a copy of the kernel.
FLIP_TEST_IMAGES = types.MappingProxyType({
    "letter F": np.pad(np.array([[1.0, 1, 1, 1, 1],
                                 [1, 0, 0, 0, 0],
                                 [1, 0, 0, 0, 0],
                                 [1, 1, 1, 1, 0],
                                 [1, 0, 0, 0, 0],
                                 [1, 0, 0, 0, 0],
                                 [1, 0, 0, 0, 0]]), ((4, 4), (5, 5))),
    "single point": _one_weight(7, 7, size=15),
})

for _constant in (*ONE_SIDED_KERNELS.values(), *FLIP_TEST_IMAGES.values()):
    _constant.flags.writeable = False

#: Chapter 6's bank of classic hand-made 3x3 filters, by name. The blurs and the identity
#: have weights summing to 1 (they keep the brightness), Sobel's edge detectors and the
#: Laplacian sum to 0 (flat regions give 0); then a sharpener and an emboss.
CLASSIC_FILTERS = types.MappingProxyType({
    "identity": np.array([[0.0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box blur": np.full((3, 3), 1 / 9),
    "Gaussian blur": np.array([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
    "sharpen": np.array([[0.0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "Sobel x": SOBEL_X,
    "Sobel y": SOBEL_Y,
    "Laplacian": np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "emboss": np.array([[-2.0, -1, 0], [-1, 1, 1], [0, 1, 2]]),
})

for _constant in (SOBEL_X, SOBEL_Y, RUNNING_SIGNAL, RUNNING_KERNEL, WORKED_INPUT, WORKED_KERNEL,
                  *CLASSIC_FILTERS.values()):
    _constant.flags.writeable = False  # a learner's `x[0] = 9` must not change the course's example


@functools.lru_cache(maxsize=4)
def _photo(size, mode="L"):
    import matplotlib.cbook as cbook  # matplotlib only when the photograph is asked for
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        image = Image.open(f).convert(mode)
        if size is not None:
            image = image.resize((size, int(round(size * image.height / image.width))),
                                 Image.Resampling.LANCZOS)
        pixels = np.asarray(image, dtype=float) / 255.0
        return pixels if mode == "L" else pixels.transpose(2, 0, 1)  # colour: channels first


def sample_photo(size: int | None = 128) -> np.ndarray:
    """Return the photograph that ships with matplotlib, in greyscale, values in [0, 1].

    It is Grace Hopper's portrait (``grace_hopper.jpg``), resized to ``size``
    pixels wide (``None`` keeps the original 512 x 600). Nothing is downloaded.

    Examples
    --------
    >>> photo = sample_photo(64)
    >>> photo.shape, float(photo.min()) >= 0.0, float(photo.max()) <= 1.0
    ((75, 64), True, True)
    """
    return _photo(size).copy()


def sample_photo_rgb(size: int | None = 96) -> np.ndarray:
    """Return the photograph of :func:`sample_photo` in colour: shape (3, H, W), channels first, values in [0, 1].

    Examples
    --------
    >>> sample_photo_rgb(64).shape
    (3, 75, 64)
    """
    return _photo(size, "RGB").copy()


def zone_plate(size: int = 96) -> np.ndarray:
    """Return a ``size`` x ``size`` zone plate: rings whose frequency grows from 0 at the centre.

    The value is 0.5 + 0.5 cos(pi r^2 / L) at distance r from the centre, with
    L = size * sqrt(2), so the rings have r / L cycles per pixel at radius r.
    They reach the finest pattern a pixel grid holds (0.5 cycles per pixel) only
    in the corners, so the plate itself is free of aliasing, and subsampling by
    s aliases the rings beyond radius L / (2s): the test image of chapter 4.

    Examples
    --------
    >>> z = zone_plate(64)
    >>> z.shape, float(z[32, 32]), float(z.min()) >= 0.0
    ((64, 64), 1.0, True)
    """
    r2 = (np.arange(size)[:, None] - size / 2) ** 2 + (np.arange(size)[None, :] - size / 2) ** 2
    return 0.5 + 0.5 * np.cos(np.pi * r2 / (size * np.sqrt(2)))


def shift_scene(shift: int, height: int = 40, width: int = 48) -> np.ndarray:
    """Return a dark image holding the photograph's head and shoulders, moved ``shift`` columns right.

    The object, 36 x 32 pixels of :func:`sample_photo` at 48 pixels wide, starts
    at column ``4 + shift``: for shifts up to ``width - 40`` it stays clear of the
    borders, so a "same"-padded layer's map of it moves with it exactly (chapter 8).

    Returns
    -------
    ndarray of shape (height, width), values in [0, 1]

    Examples
    --------
    >>> scene = shift_scene(3)
    >>> scene.shape, bool(scene[:, :7].any()), bool(scene[:, 7].any())
    ((40, 48), False, True)
    """
    face = _photo(48)[2:38, 8:40]
    scene = np.zeros((height, width))
    top = (height - face.shape[0]) // 2
    scene[top:top + face.shape[0], 4 + shift:4 + shift + face.shape[1]] = face
    return scene


#: Chapter 10's feature map for shifting under pooling windows, 8 rows by 16 columns, with three
#: strokes of strength 0..9 (a vertical one, a diagonal, and one entering from the right).
#: :func:`cnnlib.pooling.pooled_after_shift` reads 12 columns of it, from column ``shift`` on, so that
#: shifts up to 4 bring new columns in from the right, as a real shift would.
SHIFT_MAP = np.array([
    [0, 0, 1, 2, 1, 0, 0, 0, 0, 0, 1, 3, 2, 0, 0, 0],
    [0, 1, 4, 7, 3, 0, 0, 0, 0, 1, 5, 8, 3, 0, 1, 0],
    [0, 1, 5, 9, 4, 0, 0, 0, 1, 6, 9, 4, 1, 0, 4, 2],
    [0, 1, 4, 8, 3, 0, 0, 1, 6, 8, 3, 0, 0, 0, 7, 3],
    [0, 0, 3, 6, 2, 0, 1, 5, 9, 3, 0, 0, 0, 0, 9, 4],
    [0, 0, 2, 5, 2, 1, 6, 8, 2, 0, 0, 0, 0, 0, 6, 3],
    [0, 0, 1, 3, 1, 0, 4, 3, 0, 0, 0, 0, 0, 0, 2, 1],
    [0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]], float)
SHIFT_MAP.flags.writeable = False


@functools.lru_cache(maxsize=4)
def _edges(width):
    from .activations import relu  # imported here: the maths modules may import this one
    from .ops import correlate2d, pad2d

    return relu(correlate2d(pad2d(_photo(width), 1, mode="reflect"), SOBEL_X))


def photo_edge_map(width: int = 128) -> np.ndarray:
    """Return a conv -> ReLU feature map of the photograph: the ReLU of its :data:`SOBEL_X` response.

    The photograph (:func:`sample_photo` at ``width`` pixels) is padded by
    reflection, so that its border makes no edge of its own, and correlated with
    :data:`SOBEL_X`; the ReLU keeps the vertical edges where the photograph gets
    brighter to the right, and zeroes the others.

    Returns
    -------
    ndarray of the photograph's shape (H, width), values >= 0

    Examples
    --------
    >>> edges = photo_edge_map(64)
    >>> edges.shape, bool(edges.min() >= 0)
    ((75, 64), True)
    """
    return _edges(width).copy()


def photo_feature_map(rows: int = 6, cols: int = 6, top: int = 33, left: int = 10,
                      width: int = 64, levels: int = 9) -> np.ndarray:
    """Return a ``rows`` x ``cols`` crop of :func:`photo_edge_map` as whole numbers 0..``levels``.

    The crop (by default where the dark flag meets the lighter wall) is scaled
    so that its largest value is ``levels`` and rounded, so that a learner can
    pool it by hand (chapter 10).

    Examples
    --------
    >>> fmap = photo_feature_map()
    >>> fmap.shape, int(fmap.max())
    ((6, 6), 9)
    """
    crop = _edges(width)[top:top + rows, left:left + cols]
    return np.round(crop / crop.max() * levels)


#: Chapter 10's blur before subsampling, the 3x3 binomial filter (Zhang 2019's "Tri-3"), the
#: outer product of [1, 2, 1] / 4 with itself, so that its nine weights sum to 1.
BLUR_KERNEL = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0]) / 16
BLUR_KERNEL.flags.writeable = False


def sinusoid(length: int, frequency: float) -> np.ndarray:
    """Return cos(2 pi f n) for n = 0 .. length-1: a pattern of ``frequency`` cycles per pixel.

    A pattern of f cycles per pixel repeats every 1/f pixels; the finest a row
    of pixels holds is 0.5 (light, dark, light, ...). Chapter 4's simplest
    picture of aliasing subsamples one.

    Examples
    --------
    >>> sinusoid(5, 0.5).round(12).tolist()
    [1.0, -1.0, 1.0, -1.0, 1.0]
    """
    return np.cos(2 * np.pi * frequency * np.arange(length))


#: Chapter 6's multi-channel example, a 3-channel 5x5 input (C, H, W). With the bank of two
#: 3x3x3 filters (F, C, kh, kw) and the biases below, the chapter's figure runs it at
#: padding 1 and stride 2.
MULTICHANNEL_INPUT = np.array([[[1, 1, 2, 0, 0],
                                [0, 1, 0, 0, 2],
                                [0, 1, 0, 2, 1],
                                [0, 2, 2, 0, 2],
                                [0, 0, 2, 2, 2]],
                               [[1, 1, 2, 1, 2],
                                [0, 2, 2, 0, 1],
                                [2, 1, 1, 2, 1],
                                [1, 2, 2, 1, 0],
                                [0, 1, 1, 2, 0]],
                               [[2, 1, 0, 1, 2],
                                [2, 0, 0, 2, 0],
                                [1, 0, 1, 1, 0],
                                [1, 0, 1, 0, 1],
                                [2, 1, 2, 0, 1]]])
MULTICHANNEL_WEIGHT = np.array([[[[1, 1, -1], [-1, -1, 1], [1, 0, 1]],
                                 [[1, -1, -1], [1, -1, 0], [-1, 1, 0]],
                                 [[1, -1, 0], [1, 0, -1], [-1, 1, -1]]],
                                [[[0, 1, 1], [1, 1, 1], [1, -1, -1]],
                                 [[1, 1, 0], [-1, -1, 0], [0, 0, -1]],
                                 [[-1, -1, -1], [1, 0, 1], [1, -1, -1]]]])
MULTICHANNEL_BIAS = np.array([1, 0])
for _constant in (MULTICHANNEL_INPUT, MULTICHANNEL_WEIGHT, MULTICHANNEL_BIAS):
    _constant.flags.writeable = False

__all__ += ["sinusoid", "MULTICHANNEL_INPUT", "MULTICHANNEL_WEIGHT", "MULTICHANNEL_BIAS"]


#: Chapter 7's named stacks of layers, (kernel size, stride, padding) or with a dilation
#: (k, s, p, d), input first: "3x3" is a 3x3 convolution with padding 1, "pool" a 2x2
#: max-pool with stride 2. The first is the chapter's worked example, the second the stack
#: of its prediction exercise.
RECEPTIVE_STACKS = types.MappingProxyType({
    "3x3, 3x3, pool": ((3, 1, 1), (3, 1, 1), (2, 2, 0)),
    "3x3, 3x3, pool, 3x3": ((3, 1, 1), (3, 1, 1), (2, 2, 0), (3, 1, 1)),
    "5x5 s2, 3x3": ((5, 2, 2), (3, 1, 1)),
    "3x3, 3x3 d2, pool": ((3, 1, 1, 1), (3, 1, 2, 2), (2, 2, 0)),
})

__all__ += ["RECEPTIVE_STACKS"]
