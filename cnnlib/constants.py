"""The course's named constants: its kernels, its worked inputs and its photograph.

Each has one home, here: the chapters, the figures and the checks all import it
from this module, so that a kernel called "Sobel x" is the same array wherever a
learner meets it.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["SOBEL_X", "SOBEL_Y", "RUNNING_SIGNAL", "RUNNING_KERNEL", "WORKED_INPUT", "WORKED_KERNEL",
           "sample_photo"]

#: Sobel's horizontal-gradient kernel, in correlation form (as conv layers apply it):
#: ``correlate2d(image, SOBEL_X)`` is positive where the image gets brighter to the right,
#: so it responds to vertical edges. Image-processing texts often print it flipped,
#: ``[[1, 0, -1], ...]``, for use as a convolution (Sobel & Feldman 1968).
SOBEL_X = np.array([[-1.0, 0.0, 1.0],
                    [-2.0, 0.0, 2.0],
                    [-1.0, 0.0, 1.0]])

#: Sobel's vertical-gradient kernel, in correlation form: positive where the image gets
#: brighter downwards, so it responds to horizontal edges. ``SOBEL_Y == SOBEL_X.T``.
SOBEL_Y = SOBEL_X.T.copy()

#: Chapter 1's running 1-D example: a signal of 8 samples and an asymmetric kernel of 3.
RUNNING_SIGNAL = np.array([1, 3, 0, 2, 4, 1, 0, 2])
RUNNING_KERNEL = np.array([2, 1, -1])

#: Chapter 2's worked example (no padding, stride 1): its cross-correlation with
#: :data:`WORKED_KERNEL` is [[12, 12, 17], [10, 17, 19], [9, 6, 14]].
WORKED_INPUT = np.array([[3, 3, 2, 1, 0],
                         [0, 0, 1, 3, 1],
                         [3, 1, 2, 2, 3],
                         [2, 0, 0, 2, 2],
                         [2, 0, 0, 0, 1]])
WORKED_KERNEL = np.array([[0, 1, 2],
                          [2, 2, 0],
                          [0, 1, 2]])

for _constant in (SOBEL_X, SOBEL_Y, RUNNING_SIGNAL, RUNNING_KERNEL, WORKED_INPUT, WORKED_KERNEL):
    _constant.flags.writeable = False  # a learner's `x[0] = 9` must not change the course's example


@functools.lru_cache(maxsize=4)
def _photo(size):
    import matplotlib.cbook as cbook  # matplotlib only when the photograph is asked for
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        image = Image.open(f).convert("L")
        if size is not None:
            image = image.resize((size, int(round(size * image.height / image.width))),
                                 Image.Resampling.LANCZOS)
        return np.asarray(image, dtype=float) / 255.0


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
