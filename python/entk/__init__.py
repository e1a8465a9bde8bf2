"""entk from Python: exact infinite-width NNGP/NTK kernels with neural-tangents' calling
convention. `entk.kernel_fn(spec)(x1, x2=None, get=("nngp", "ntk"))`; `entk.stax` builds specs."""

from ._kernel import EntkError, EntkNotFoundError, Kernel, find_binary, kernel_fn, load_spec
from . import stax

__all__ = ["EntkError", "EntkNotFoundError", "Kernel", "find_binary", "kernel_fn", "load_spec", "stax"]
__version__ = "0.1.0"
