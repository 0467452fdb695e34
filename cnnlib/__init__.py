"""cnnlib: the small numpy library behind the course on convolutional networks.

Conventions, everywhere: arrays are NCHW (batch, channels, height, width); a
kernel bank is (out_channels, in_channels, kh, kw); "convolution layer" means
cross-correlation, as in every framework; dilation 1 means none; stride
defaults to 1 for convolutions and to the window for pooling; output sizes are
floored, o = floor((i + 2p - d(k-1) - 1) / s) + 1.

Modules: :mod:`~cnnlib.shapes` (sizes and parameter counts),
:mod:`~cnnlib.ops` (padding, correlation, convolution), :mod:`~cnnlib.pooling`,
:mod:`~cnnlib.activations`, :mod:`~cnnlib.receptive` (receptive fields),
:mod:`~cnnlib.figures` (drawing), :mod:`~cnnlib.widgets` (sliders that work on
the static site) and :mod:`~cnnlib.checks` (exercise feedback).
"""

from .activations import *  # noqa: F401,F403
from .ops import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .receptive import *  # noqa: F401,F403
from .shapes import *  # noqa: F401,F403
from .backward import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from .constants import *  # noqa: F401,F403

__version__ = "0.1.0"
