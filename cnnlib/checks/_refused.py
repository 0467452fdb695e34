"""What implement exercises refuse: the calls that would do an exercise for the learner."""

from ..backward import conv2d_backward, conv2d_backward_naive
from ..ops import (conv2d, conv2d_naive, conv_matrix, convolve1d, convolve1d_naive, convolve2d, convolve2d_naive,
                   correlate1d, correlate1d_naive, correlate2d, correlate2d_naive)

#: Every call that computes a correlation or a convolution: cnnlib's, 1-D and 2-D (a row of
#: an image is a 1-D signal), the layer and its matrix, and the weight gradient of a layer
#: (a correlation of its input with the output's gradient); and SciPy's.
CONVOLUTIONS = [correlate1d, correlate1d_naive, convolve1d, convolve1d_naive, correlate2d, correlate2d_naive,
                convolve2d, convolve2d_naive, conv2d, conv2d_naive, conv_matrix, conv2d_backward,
                conv2d_backward_naive, "scipy.signal", "scipy.ndimage"]
