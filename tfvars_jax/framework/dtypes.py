"""TF1's `tf.DType` and the dtype constants (`tf.float32`, `tf.string`, ...).

A DType wraps a NumPy dtype (bfloat16 comes from `ml_dtypes`, as in JAX). As in TF1, a
ref-variable's `.dtype` is the `_ref` variant (`float32_ref`) whose `base_dtype` is `float32`.
"""
import builtins

import ml_dtypes
import numpy as np

# name, numpy dtype, TF DataType enum value (types.proto).
_SPECS = [
    ("float16", np.float16, 19), ("float32", np.float32, 1), ("float64", np.float64, 2),
    ("bfloat16", ml_dtypes.bfloat16, 14),
    ("int8", np.int8, 6), ("int16", np.int16, 5), ("int32", np.int32, 3), ("int64", np.int64, 9),
    ("uint8", np.uint8, 4), ("uint16", np.uint16, 17), ("uint32", np.uint32, 22),
    ("uint64", np.uint64, 23), ("bool", np.bool_, 10), ("complex64", np.complex64, 8),
    ("complex128", np.complex128, 18), ("string", object, 7),
]
_REF_OFFSET = 100


class DType:
    """A TensorFlow element type. Compare with `==` against DTypes, NumPy dtypes or names."""

    __slots__ = ("_name", "_np", "_enum", "_is_ref")

    def __init__(self, name, np_dtype, enum, is_ref=False):
        self._name, self._np, self._enum, self._is_ref = name, np_dtype, enum, is_ref

    @property
    def name(self):
        return self._name + ("_ref" if self._is_ref else "")

    @property
    def as_numpy_dtype(self):
        """The NumPy scalar type (`np.float32`; the Python type `object` for strings, as TF1)."""
        return self._np

    @property
    def as_datatype_enum(self):
        """The `DataType` enum value TensorFlow uses in protos and checkpoints."""
        return self._enum + (_REF_OFFSET if self._is_ref else 0)

    @property
    def base_dtype(self):
        return _BY_NAME[self._name]

    @property
    def real_dtype(self):
        return {"complex64": float32, "complex128": float64}.get(self._name, self.base_dtype)

    @property
    def _as_ref(self):
        return _REFS[self._name]

    @property
    def is_floating(self):
        return self._name in ("float16", "float32", "float64", "bfloat16")

    @property
    def is_integer(self):
        return self._name.startswith(("int", "uint"))

    @property
    def is_unsigned(self):
        return self._name.startswith("uint") or self._name == "bool"

    @property
    def is_complex(self):
        return self._name.startswith("complex")

    @property
    def is_bool(self):
        return self._name == "bool"

    @property
    def is_numpy_compatible(self):
        return True

    @property
    def size(self):
        return 1 if self._name == "string" else np.dtype(self._np).itemsize

    @property
    def min(self):
        return self._limits()[0]

    @property
    def max(self):
        return self._limits()[1]

    def _limits(self):
        if self.is_floating:
            info = ml_dtypes.finfo(self._np) if self._name == "bfloat16" else np.finfo(self._np)
            return info.min, info.max
        if self.is_integer:
            info = np.iinfo(self._np)
            return info.min, info.max
        if self.is_bool:
            return False, True
        raise TypeError(f"Cannot find minimum or maximum value of {self.name}.")

    def is_compatible_with(self, other):
        """Whether a value of dtype `other` can be used where this dtype is requested, as TF1:
        `float32` accepts `float32` and `float32_ref`; `float32_ref` accepts only `float32_ref`."""
        other = as_dtype(other)
        return self == other or self == other.base_dtype

    def __eq__(self, other):
        if isinstance(other, DType):
            return self._name == other._name and self._is_ref == other._is_ref
        if other is None:
            return False
        try:
            other = as_dtype(other)
        except TypeError:
            return NotImplemented
        return self._name == other._name and self._is_ref == other._is_ref

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash((self._name, self._is_ref))

    def __str__(self):
        return f"<dtype: '{self.name}'>"

    def __repr__(self):
        """`tf.float32`, as TF1's repr (its str is `<dtype: 'float32'>`)."""
        return f"tf.{self.name}"

    def __reduce__(self):
        return as_dtype, (self.name,)


_BY_NAME = {name: DType(name, np_t, enum) for name, np_t, enum in _SPECS}
_REFS = {name: DType(name, np_t, enum, is_ref=True) for name, np_t, enum in _SPECS}
# TF1's `tf.resource`: the dtype of a resource variable's handle (`v.handle`); no values of it
# are computed (a handle names a variable, whose value lives in the Session).
_BY_NAME["resource"] = DType("resource", object, 20)
_BY_ENUM = {d.as_datatype_enum: d for d in list(_BY_NAME.values()) + list(_REFS.values())}
_BY_NP = {np.dtype(np_t): _BY_NAME[name] for name, np_t, _ in _SPECS}
_ALIASES = {"half": "float16", "float": "float32", "double": "float64"}

float16, float32, float64, bfloat16 = (_BY_NAME[n] for n in ("float16", "float32", "float64",
                                                             "bfloat16"))
half, double = float16, float64
int8, int16, int32, int64 = (_BY_NAME[n] for n in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (_BY_NAME[n] for n in ("uint8", "uint16", "uint32", "uint64"))
bool = _BY_NAME["bool"]  # noqa: A001 - TF1's public name
complex64, complex128, string = _BY_NAME["complex64"], _BY_NAME["complex128"], _BY_NAME["string"]
resource = _BY_NAME["resource"]
float32_ref, float64_ref, int32_ref, int64_ref = (_REFS[n] for n in ("float32", "float64", "int32",
                                                                     "int64"))


_PYTHON_TYPES = {builtins.float: _BY_NAME["float32"], builtins.bool: _BY_NAME["bool"]}


def as_dtype(type_value):
    """Converts a DType, NumPy dtype, type name, Python type or DataType enum to a DType.

    Raises:
      TypeError: if the value names no TensorFlow type.
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, np.dtype) and type_value in _BY_NP:
        return _BY_NP[type_value]
    if isinstance(type_value, str):
        name = _ALIASES.get(type_value, type_value)
        if name.endswith("_ref") and name[:-4] in _REFS:
            return _REFS[name[:-4]]
        if name in _BY_NAME:
            return _BY_NAME[name]
    elif isinstance(type_value, int) and not isinstance(type_value, type(True)):
        if type_value in _BY_ENUM:
            return _BY_ENUM[type_value]
    elif isinstance(type_value, type) and type_value.__module__ == "builtins":
        # TF1 maps only these Python types (`tf.as_dtype(int)` is a TypeError there too).
        if type_value in _PYTHON_TYPES:
            return _PYTHON_TYPES[type_value]
    elif hasattr(type_value, "as_numpy_dtype") and not isinstance(type_value, type):
        return as_dtype(type_value.as_numpy_dtype)
    elif type_value is not None:  # np.dtype(None) would be float64
        try:
            np_dtype = np.dtype(type_value)
        except TypeError:
            np_dtype = None
        if np_dtype is not None:
            if np_dtype.kind in "SUO":
                return string
            if np_dtype in _BY_NP:
                return _BY_NP[np_dtype]
    raise TypeError(f"Cannot convert {type_value!r} to a TensorFlow DType.")


def dtype_of_value(value):
    """The DType TF1's `convert_to_tensor` infers for a Python or NumPy value.

    Python floats become float32 and Python ints int32 (int64 when they do not fit), as in TF1.
    """
    if isinstance(value, (bytes, str)):
        return string
    if isinstance(value, np.generic):  # before the Python checks: np.float64 subclasses float
        return string if value.dtype.kind in "SUO" else as_dtype(value.dtype)
    if isinstance(value, type(True)):
        return bool
    if isinstance(value, int):
        return int32 if -2**31 <= value < 2**31 else int64
    if isinstance(value, float):
        return float32
    if isinstance(value, complex):
        return complex128
    arr = np.asarray(value)
    if arr.dtype.kind in "SUO":
        return string
    if arr.dtype == np.float64 and not isinstance(value,
                                                  np.ndarray) and not isinstance(value, np.generic):
        return float32  # nested Python lists of floats
    if arr.dtype == np.int64 and not isinstance(value, (np.ndarray, np.generic)):
        return int32 if arr.size == 0 or (arr.min() >= -2**31 and arr.max() < 2**31) else int64
    return as_dtype(arr.dtype)


def convert_value(value, dtype, target="a constant", copy=True):
    """`value` (Python or NumPy) as a NumPy array of DType `dtype`, the one conversion behind
    constants and fed values.

    Strings become UTF-8 bytes in an object array (bytes stay). Nothing is converted lossily:
    a number for a string, a string for a number, a complex number for a real dtype, a
    non-integral float or an out-of-range integer for an integer dtype raise TypeError (TF1
    raises for constants; for feeds TF1 truncates some of these silently, we do not).

    Args:
      value: the value.
      dtype: the DType to convert to.
      target: what the value is for, named in errors ("Tensor 'x:0'").
      copy: whether the result must not share memory with `value` (feeds need no copy).
    Returns:
      A NumPy array.
    Raises:
      TypeError: the value cannot be converted exactly.
    """
    def fail(reason):
        return TypeError(f"Cannot convert {value!r} to {dtype.name} for {target}: {reason}.")

    if dtype == string:
        arr = np.asarray(value, dtype=object)
        flat = arr.reshape(-1)
        for item in flat:
            if not isinstance(item, (str, bytes, np.str_, np.bytes_)):
                raise fail(f"{item!r} of type '{type(item).__name__}' is not a string")
        if arr.size:
            arr = np.vectorize(lambda s: s.encode() if isinstance(s, str) else bytes(s),
                               otypes=[object])(arr)
        return arr
    np_dtype = np.dtype(dtype.as_numpy_dtype)
    arr = np.asarray(value)
    if arr.dtype == np_dtype:
        return arr.copy() if copy else arr
    if arr.dtype.kind in "SUO":
        raise fail(f"it is of type '{type(value).__name__}'; pass numbers")
    if arr.dtype.kind == "c" and np_dtype.kind != "c":
        raise fail("a complex value for a real dtype; take .real first if you mean it")
    if arr.dtype.kind in "fc" and np_dtype.kind in "iub" and arr.size and not np.all(np.mod(arr.real, 1) == 0):
        raise fail("non-integer values would be truncated; round or cast them first")
    if np_dtype.kind in "iu" and arr.size and arr.dtype.kind in "iuf":
        info = np.iinfo(np_dtype)
        if arr.min() < info.min or arr.max() > info.max:
            raise fail(f"out of range [{info.min}, {info.max}]; use a wider dtype such as int64")
    return arr.astype(np_dtype)
