"""Drawing functions for the course's figures.

Every function here is pure: it takes the figure's parameters and returns a
new :class:`matplotlib.figure.Figure`, which a notebook displays or hands to
:func:`cnnlib.widgets.interactive_figure`. Figures are created without pyplot,
so drawing many frames neither leaks memory nor needs a display.

Shared conventions, so that every chapter looks the same and reads for
colour-blind readers, in greyscale and in the site's dark mode (figures are
drawn on white):

- values on a grid use :data:`SEQUENTIAL` (``cividis``) and are written in the
  cells where they fit, so no reading depends on colour alone;
- signed values (kernels, gradients) use :data:`DIVERGING` (``PuOr``: negative
  orange, zero white, positive purple), with :func:`add_sign_key` to say so;
- highlights use the Okabe-Ito palette :data:`COLORS`.
"""

from ._common import (COLORS, DIVERGING, SEQUENTIAL, add_sign_key, close, draw_cells, draw_grid, grid_lines,
                      new_figure, outline, sample_photo, show_image)

__all__ = ["COLORS", "DIVERGING", "SEQUENTIAL", "add_sign_key", "close", "draw_cells", "draw_grid", "grid_lines",
           "new_figure", "outline", "sample_photo", "show_image"]

# One module per chapter; use them as ``cnnlib.figures.padding.draw_...``.
from . import (activation, channels, correlation, dilation, padding, pooling,  # noqa: E402,F401
               receptive_fields, small_cnn, stride, weight_sharing, why)
