"""`tf.TensorArray` in graph mode: a fixed-size array of same-shaped tensors, held as one value.

TF1's TensorArray is a resource handle plus a `flow` tensor that orders its reads and writes.
Here it is a value: the elements stacked along a new first axis (created, zero-filled, when
the element shape is known), and `write`/`unstack`/`scatter` return a new TensorArray holding
the updated value, exactly as TF1's API is used (`ta = ta.write(i, x)`). So it is a loop
variable of `tf.while_loop` like any tensor. Indices out of range fail the run with TF1's
InvalidArgumentError (a run-time check), never clamped.

Where we differ: `dynamic_size=True` and `split` are not supported (NotImplementedError);
`clear_after_read` is not enforced (reading an element twice, which TF1 refuses by default,
returns it again); an element never written reads as zeros when the element shape is known,
as TF1's `stack`/`gather` fill it.
"""
import jax
import jax.numpy as jnp

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape, unknown_shape
from tfvars_jax.ops import array_ops


def _out_of_range(size, index):
    index = jnp.asarray(index)
    return jnp.any((index < 0) | (index >= size))


def _write_kernel(buf, index, value):
    return jax.lax.dynamic_update_index_in_dim(buf, jnp.asarray(value, buf.dtype), index, 0)


def _read_kernel(buf, index):
    return jax.lax.dynamic_index_in_dim(buf, index, 0, keepdims=False)


def _gather_kernel(buf, indices):
    return jnp.take(buf, indices, axis=0)


def _scatter_kernel(buf, indices, value):
    return buf.at[indices].set(jnp.asarray(value, buf.dtype))


class TensorArray:
    """TF1's `tf.TensorArray(dtype, size, ...)` (graph mode; see the module docstring).

    Args:
      dtype: the elements' dtype.
      size: the number of elements: an int, or a scalar int32 Tensor whose value is known
        when the run is compiled (e.g. `tf.shape(x)[0]` of a fed `x`).
      dynamic_size: only False (None) is supported.
      clear_after_read: accepted; not enforced (see the module docstring).
      tensor_array_name: the name of the TensorArray's ops.
      element_shape: the elements' shape; when fully defined the array exists (zeros) before
        the first write, which a TensorArray entering a `tf.while_loop` needs.
      infer_shape: whether writes must all have the first write's shape (TF1's default True).
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        if dynamic_size:
            raise NotImplementedError("tf.TensorArray argument dynamic_size=True is not "
                                      "supported: give the final size.")
        if handle is not None or flow is not None:
            raise NotImplementedError("tf.TensorArray arguments handle/flow are not supported.")
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        del clear_after_read, colocate_with_first_write_call
        self._dtype = dtypes.as_dtype(dtype).base_dtype
        self._name = tensor_array_name or name or "TensorArray"
        with ops_lib.name_scope(self._name) as scope:
            self._size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
            self._scope = scope
        self._infer_shape = infer_shape
        self._element_shape = unknown_shape() if element_shape is None else as_shape(element_shape)
        self._value = None
        if self._element_shape.is_fully_defined():
            self._value = self._zeros()

    # ----- construction ------------------------------------------------------------------
    def _zeros(self, like=None):
        with ops_lib.name_scope(self._scope):
            if like is None:
                dims = [self._static_size()] + self._element_shape.as_list()
                if None in dims:
                    dims = array_ops.concat([array_ops.reshape(self._size, [1]),
                                             self._element_shape.as_list()], 0)
            else:
                dims = array_ops.concat([array_ops.reshape(self._size, [1]),
                                         array_ops.shape(like)], 0)
            return array_ops.zeros(dims, self._dtype, name="TensorArray")

    def _static_size(self):
        v = self._size._static_value
        return None if v is None else int(v)

    def _with_value(self, value, element_shape=None):
        ta = object.__new__(TensorArray)
        ta.__dict__.update(self.__dict__)
        ta._value = value
        if element_shape is not None:
            ta._element_shape = element_shape
        return ta

    def _value_for_loop(self):
        """The stacked value, for a loop variable (raises if no element shape is known)."""
        if self._value is None:
            raise NotImplementedError(
                f"TensorArray '{self._name}' enters tf.while_loop before any write and without "
                "a fully defined element_shape: pass element_shape= to tf.TensorArray.")
        return self._value

    def _checked(self, op_type, kernel, inputs, index, name, out_spec, message):
        """An op of `kernel(value, *inputs)` that fails the run if `index` is out of range."""
        size = self._size
        return make_op(op_type, kernel, [self._value] + inputs, name=name, kind=CHECKED,
                       out_specs=[out_spec],
                       check=RunCheck(lambda buf, *args: _out_of_range(
                           jnp.shape(buf)[0], args[index]), errors.InvalidArgumentError,
                           message.format(size=_describe(size)))).outputs[0]

    def _check_element(self, element_shape):
        """The element shape after adding elements of `element_shape` (raises ValueError if it
        conflicts with the elements so far and `infer_shape` is set, as TF1)."""
        shape = self._element_shape
        if self._infer_shape and shape.ndims is not None and not shape.is_compatible_with(
                element_shape):
            raise ValueError(f"Inconsistent shapes: saw {element_shape} but expected {shape} "
                             f"(TensorArray '{self._name}')")
        return shape.merge_with(element_shape) if shape.is_compatible_with(element_shape) \
            else shape

    # ----- TF1's API ---------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self):
        return self._element_shape

    @property
    def flow(self):
        """The stacked value (TF1's flow tensor orders accesses; a value does that here)."""
        return self._value_for_loop()

    @property
    def handle(self):
        raise NotImplementedError("TensorArray.handle: a TensorArray is a value here, it has "
                                  "no resource handle.")

    def size(self, name=None):
        """The number of elements (an int32 scalar tensor)."""
        return array_ops.identity(self._size, name=name or "TensorArraySizeV3")

    def write(self, index, value, name=None):
        """A TensorArray whose element `index` is `value` (fails the run if out of range)."""
        with ops_lib.name_scope(name, "TensorArrayWrite", [index, value]):
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            index = convert_to_tensor(index, dtype=dtypes.int32, name="index")
            shape = self._check_element(value.shape)
            base = self if self._value is not None else self._with_value(self._zeros(value), shape)
            out = base._checked("TensorArrayWriteV3", _write_kernel, [index, value], 0,
                                "TensorArrayWriteV3", (self._dtype, base._value.shape),
                                "Tried to write to an index out of range; the TensorArray "
                                "is not resizeable and size is: {size}")
            return base._with_value(out, shape)

    def read(self, index, name=None):
        """Element `index` (fails the run if out of range)."""
        value = self._value_for_read("read")
        index = convert_to_tensor(index, dtype=dtypes.int32, name="index")
        return self._checked("TensorArrayReadV3", _read_kernel, [index], 0,
                             name or "TensorArrayReadV3", (self._dtype, TensorShape(
                                 value.shape.as_list()[1:]) if value.shape.ndims else
                                 self._element_shape),
                             "Tried to read from an index out of range of a TensorArray of "
                             "size {size}")

    def _value_for_read(self, what):
        if self._value is None:
            raise ValueError(f"TensorArray '{self._name}': {what} before any write, with an "
                             "unknown element shape; write first or pass element_shape=.")
        return self._value

    def gather(self, indices, name=None):
        """The elements at `indices`, stacked (fails the run if one is out of range)."""
        value = self._value_for_read("gather")
        indices = convert_to_tensor(indices, dtype=dtypes.int32, name="indices")
        shape = TensorShape(indices.shape.as_list() + value.shape.as_list()[1:]) \
            if indices.shape.ndims is not None and value.shape.ndims is not None else unknown_shape()
        return self._checked("TensorArrayGatherV3", _gather_kernel, [indices], 0,
                             name or "TensorArrayGatherV3", (self._dtype, shape),
                             "Tried to gather an index out of range of a TensorArray of size "
                             "{size}")

    def stack(self, name=None):
        """All elements stacked along a new first axis."""
        with ops_lib.name_scope(name, "TensorArrayStack", [self._value]):
            return array_ops.identity(self._value_for_read("stack"), name="TensorArrayGatherV3")

    def concat(self, name=None):
        """All elements concatenated along their first axis."""
        value = self._value_for_read("concat")
        dims = value.shape.as_list()
        if value.shape.ndims is None or len(dims) < 2:
            raise ValueError(f"TensorArray '{self._name}': concat needs elements of rank >= 1.")
        rest = dims[2:]
        return array_ops.reshape(value, [-1] + [-1 if d is None else d for d in rest]
                                 if None not in rest else array_ops.concat(
                                     [[-1], array_ops.shape(value)[2:]], 0),
                                 name=name or "TensorArrayConcatV3")

    def unstack(self, value, name=None):
        """A TensorArray whose elements are the slices of `value` along its first axis."""
        with ops_lib.name_scope(name, "TensorArrayUnstack", [value]):
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            if value.shape.ndims == 0:
                raise ValueError("Shape must be at least rank 1 but is rank 0 (TensorArray "
                                 "unstack)")
            n, size = value.shape.as_list()[0] if value.shape.ndims else None, self._static_size()
            if n is not None and size is not None and n != size:
                raise ValueError(f"TensorArray '{self._name}' has size {size} but unstack was "
                                 f"given {n} elements.")
            shape = self._check_element(TensorShape(value.shape.as_list()[1:])
                                        if value.shape.ndims else unknown_shape())
            stacked = array_ops.identity(value, name="TensorArrayScatter")
            return self._with_value(stacked, shape)

    def scatter(self, indices, value, name=None):
        """A TensorArray whose elements at `indices` are the slices of `value`."""
        with ops_lib.name_scope(name, "TensorArrayScatter", [indices, value]):
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            indices = convert_to_tensor(indices, dtype=dtypes.int32, name="indices")
            shape = self._check_element(TensorShape(value.shape.as_list()[1:])
                                        if value.shape.ndims else unknown_shape())
            base = self
            if self._value is None:
                if not shape.is_fully_defined():
                    raise NotImplementedError(f"TensorArray '{self._name}': scatter before any "
                                              "write needs a known element shape.")
                base = self._with_value(None, shape)
                base._value = base._zeros()
            out = base._checked("TensorArrayScatterV3", _scatter_kernel, [indices, value], 0,
                                "TensorArrayScatterV3", (self._dtype, base._value.shape),
                                "Tried to scatter to an index out of range of a TensorArray of "
                                "size {size}")
            return base._with_value(out, shape)

    def split(self, value, lengths, name=None):
        raise NotImplementedError("TensorArray.split is not supported.")

    def identity(self):
        """This TensorArray (TF1 adds an identity of the flow)."""
        return self

    def close(self, name=None):
        """An op that does nothing (there is no resource to release)."""
        from tfvars_jax.ops import control_flow_ops
        return control_flow_ops.no_op(name=name or "TensorArrayCloseV3")

    def grad(self, source, flow=None, name=None):
        raise NotImplementedError("TensorArray.grad is not supported: use tf.gradients.")


def _describe(size):
    v = size._static_value
    return str(int(v)) if v is not None else "(known at run time)"


__all__ = ["TensorArray"]

