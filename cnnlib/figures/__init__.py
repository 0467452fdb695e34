"""Drawing functions for the course's figures: drawing only.

Every function here is pure: it takes the figure's parameters and returns a
new :class:`matplotlib.figure.Figure`, which a notebook displays. Figures are
created without pyplot, so drawing many frames neither leaks memory nor needs a
display. The numbers a figure shows come from cnnlib's maths modules (a check or
a notebook that needs them calls those); a chapter's interactive figures are
declared beside their drawing functions as :class:`~cnnlib.sliders.Interactive`
objects (``cnnlib.figures.padding.PADDING_GRID``), which
:func:`cnnlib.widgets.interactive_figure` shows.

Shared conventions, so that every chapter looks the same and reads for
colour-blind readers, in greyscale and in the site's dark mode (figures are
drawn on white):

- values on a grid use :data:`SEQUENTIAL` (``cividis``) and are written in the
  cells where they fit, so no reading depends on colour alone;
- signed values (kernels, gradients) use :data:`DIVERGING` (``PuOr``: negative
  orange, zero white, positive purple), with :func:`add_sign_key` to say so;
- highlights use the Okabe-Ito palette :data:`COLORS`.
"""

from ..sliders import Interactive, Slider
from ._common import (COLORS, DIVERGING, SEQUENTIAL, add_sign_key, draw_cells, draw_grid, fixed_margins, grid_lines,
                      hide_axes, new_figure, outline, plural, show_image)

__all__ = ["COLORS", "DIVERGING", "SEQUENTIAL", "Interactive", "Slider", "add_sign_key", "draw_cells", "draw_grid",
           "fixed_margins", "grid_lines", "hide_axes", "new_figure", "outline", "plural", "show_image"]

# One module per chapter; use them as ``cnnlib.figures.padding.draw_...``.
from . import (activation, channels, correlation, dilation, padding, pooling,  # noqa: E402,F401
               receptive_fields, small_cnn, stride, weight_sharing, why)
