"""Exercise checks: each runs a learner's answer against cnnlib and reports.

Usage in a notebook::

    from cnnlib.checks import check_conv_output_size
    check_conv_output_size(my_conv_output_size)

Each check returns a :class:`CheckResult`; its display says whether every
case passed, or which case failed and how.
"""

from ._core import Case, CheckResult, check_answer, check_function
from .why import *  # noqa: F401,F403
from .correlation import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .stride import *  # noqa: F401,F403
from .dilation import *  # noqa: F401,F403
from .channels import *  # noqa: F401,F403
from .receptive_fields import *  # noqa: F401,F403
from .weight_sharing import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .small_cnn import *  # noqa: F401,F403
