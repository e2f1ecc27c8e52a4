"""Python operator overloads shared by Tensor and Variable, named as TF1 names them.

`x + y` makes an op named "add", `x * y` "mul", `x @ y` "matmul", `x & y` "and", `-x` "Neg",
`x[1:]` "strided_slice", as TF1's `_OverloadAllOperators` does. The op library installs them
on `Tensor` when it is imported (as TF1's `math_ops` does); `Variable` inherits them.
"""
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.ops import array_ops
from tfvars_jax.ops import math_ops


def _binary(fn_name, op_name):
    fn = getattr(math_ops, fn_name)

    def forward(self, other):
        return fn(self, other, name=op_name)

    def reverse(self, other):
        return fn(other, self, name=op_name)
    return forward, reverse


class TensorOperators:
    """Mixin: arithmetic, comparison, logical and indexing operators building graph ops."""

    __array_priority__ = 100

    __add__, __radd__ = _binary("add", "add")
    __sub__, __rsub__ = _binary("subtract", "sub")
    __mul__, __rmul__ = _binary("multiply", "mul")
    __truediv__, __rtruediv__ = _binary("truediv", "truediv")
    __floordiv__, __rfloordiv__ = _binary("floordiv", "floordiv")
    __mod__, __rmod__ = _binary("floormod", "mod")
    __pow__, __rpow__ = _binary("pow", "pow")
    __and__, __rand__ = _binary("logical_and", "and")
    __or__, __ror__ = _binary("logical_or", "or")
    __xor__, __rxor__ = _binary("logical_xor", "xor")
    __lt__, _ = _binary("less", "Less")
    __le__, _ = _binary("less_equal", "LessEqual")
    __gt__, _ = _binary("greater", "Greater")
    __ge__, _ = _binary("greater_equal", "GreaterEqual")

    def __matmul__(self, other):
        return math_ops.matmul(self, other, name="matmul")

    def __rmatmul__(self, other):
        return math_ops.matmul(other, self, name="matmul")

    def __neg__(self):
        return math_ops.negative(self, name="Neg")

    def __abs__(self):
        return math_ops.abs(self, name="Abs")

    def __invert__(self):
        return math_ops.logical_not(self, name="LogicalNot")

    def __getitem__(self, key):
        return array_ops.strided_slice_from_key(self, key)


def _iterate(tensor):
    """`iter(t)`: the slices along the first dimension, when that dimension is known (TF1)."""
    shape = tensor.shape
    if shape.ndims is None or shape.ndims == 0 or shape[0].value is None:
        raise TypeError("Tensor objects are only iterable when eager execution is enabled, or when "
                        "their first dimension is known. To iterate over this tensor use tf.map_fn "
                        "or tf.unstack.")
    return iter(array_ops.unstack(tensor))


def _install(cls):
    for name, member in vars(TensorOperators).items():
        if name.startswith("__") and name not in ("__module__", "__qualname__", "__doc__",
                                                  "__dict__", "__weakref__"):
            setattr(cls, name, member)
    cls.__iter__ = _iterate


_install(ops_lib.Tensor)
