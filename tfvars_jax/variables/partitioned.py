"""Partitioned variables: TF1's partitioners, `PartitionedVariable` and the partitioned branch
of `get_variable` (`_VariableStore._get_partitioned_variable`).

A partitioned variable `v` of shape [10, 4] split in 3 along axis 0 is three ordinary Variables
`v/part_0` [4, 4], `v/part_1` [3, 4], `v/part_2` [3, 4] (the first `10 % 3` parts get one extra
row, as TF1). Each part carries a `_save_slice_info` (full name, full shape, offset, shape and
TF1's slice `spec` string, e.g. "10 4 4,3:0,4") for checkpoints, and its initializer is called
with a `partition_info` holding `full_shape` and `var_offset`. The `PartitionedVariable`
container is iterable over the parts and converts to one tensor, the concat of the parts.
"""
import math
from collections.abc import Sequence

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape
from tfvars_jax.ops import array_ops
from tfvars_jax.variables import variable_scope as vs  # a cycle within the layer: used at call time

__all__ = ["fixed_size_partitioner", "variable_axis_size_partitioner",
           "min_max_variable_partitioner", "PartitionedVariable", "SaveSliceInfo"]


# ----- partitioners ---------------------------------------------------------------------------
def fixed_size_partitioner(num_shards, axis=0):
    """TF1's `tf.fixed_size_partitioner`: `num_shards` parts along `axis` (at most one part per
    element of that axis)."""
    def _partitioner(shape, **unused_args):
        partitions_list = [1] * len(shape)
        partitions_list[axis] = min(num_shards, shape.dims[axis].value)
        return partitions_list
    return _partitioner


def variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16,
                                   max_shards=None):
    """TF1's `tf.variable_axis_size_partitioner`: shards along `axis` so that each shard stays
    below `max_shard_bytes` where possible (every slice of the axis is at least one shard's
    worth), capped at `max_shards`. String elements count `bytes_per_string_element` bytes.

    Raises:
      ValueError: a non-positive byte count or `max_shards`.
    """
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError("Both max_shard_bytes and bytes_per_string_element must be positive. "
                         f"Currently, max_shard_bytes is {max_shard_bytes} and "
                         f"bytes_per_string_element is {bytes_per_string_element}")
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        if not isinstance(shape, TensorShape):
            raise ValueError(f"shape is not a TensorShape: {shape}")
        if not shape.is_fully_defined():
            raise ValueError(f"shape is not fully defined: {shape}")
        dtype = dtypes.as_dtype(dtype)
        element_size = bytes_per_string_element if dtype.base_dtype == dtypes.string else dtype.size
        partitions = [1] * shape.ndims
        bytes_per_slice = 1.0 * (shape.num_elements() / shape.dims[axis].value) * element_size
        # How many slices fit on one shard of at most max_shard_bytes? At least one.
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        axis_shards = int(math.ceil(1.0 * shape.dims[axis].value / slices_per_shard))
        if max_shards:
            axis_shards = min(max_shards, axis_shards)
        partitions[axis] = axis_shards
        return partitions
    return _partitioner


def min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10,
                                 bytes_per_string_element=16):
    """TF1's `tf.min_max_variable_partitioner`: as many parts along `axis` as keep each part at
    least `min_slice_size` bytes, but at most `max_partitions` and at most the axis length.

    The returned partitioner raises ValueError when `axis` is not an axis of the shape.
    """
    def _partitioner(shape, dtype):
        if axis >= len(shape):
            raise ValueError(f"Cannot partition variable along axis {axis} when shape is only "
                             f"{shape}")
        dtype = dtypes.as_dtype(dtype)
        bytes_per_element = bytes_per_string_element if dtype.base_dtype == dtypes.string else dtype.size
        total_size_bytes = shape.num_elements() * bytes_per_element
        partitions = total_size_bytes / min_slice_size
        partitions_list = [1] * len(shape)
        # We can not partition the variable beyond what its shape or `max_partitions` allows.
        partitions_list[axis] = max(1, min(shape.dims[axis].value, max_partitions,
                                           int(math.ceil(partitions))))
        return partitions_list
    return _partitioner


# ----- slice bookkeeping ----------------------------------------------------------------------
class _PartitionInfo:
    """What an initializer learns about the partition it initializes (TF1's `_PartitionInfo`):
    `full_shape` of the whole variable and this part's `var_offset` in it."""

    __slots__ = ("_full_shape", "_var_offset")

    def __init__(self, full_shape, var_offset):
        if not isinstance(full_shape, (list, tuple)):
            raise TypeError("`full_shape` must be a sequence (like tuple or list) instead of " +
                            type(full_shape).__name__)
        if not isinstance(var_offset, (list, tuple)):
            raise TypeError("`var_offset` must be a sequence (like tuple or list) instead of " +
                            type(var_offset).__name__)
        if len(var_offset) != len(full_shape):
            raise ValueError("Expected equal length, but `var_offset` is of length "
                             f"{len(var_offset)} while full_shape is of length {len(full_shape)}.")
        for offset, dim in zip(var_offset, full_shape):
            if offset < 0 or offset >= dim:
                raise ValueError(f"Expected 0 <= offset < shape but found offset={offset}, shape={dim} for "
                                 f"var_offset={var_offset}, full_shape={full_shape}")
        self._full_shape = full_shape
        self._var_offset = var_offset

    @property
    def full_shape(self):
        return self._full_shape

    @property
    def var_offset(self):
        return self._var_offset

    def single_offset(self, shape):
        """The offset along the one partitioned dimension (0 if the variable is not split)."""
        dim = self.single_slice_dim(shape)
        return 0 if dim is None else self._var_offset[dim]

    def single_slice_dim(self, shape):
        """The dimension `shape` is a slice of, or None when it is the whole variable."""
        if not isinstance(shape, (tuple, list)):
            raise TypeError("`shape` must be a sequence (like tuple or list) instead of " + type(shape).__name__)
        if len(shape) != len(self._full_shape):
            raise ValueError(f"Expected equal length, but received shape={shape} of length "
                             f"{len(shape)} while self.full_shape={self._full_shape} is of length "
                             f"{len(self._full_shape)}.")
        for i in range(len(shape)):
            if self._var_offset[i] + shape[i] > self._full_shape[i]:
                raise ValueError(f"With self.var_offset={self._var_offset}, a partition of "
                                 f"shape={shape} would exceed self.full_shape={self._full_shape} "
                                 f"in dimension {i}.")
        slice_dim = None
        for i in range(len(shape)):
            if shape[i] == self._full_shape[i]:
                continue
            if slice_dim is not None:
                raise ValueError(f"Cannot use single_slice_dim() with shape={shape} and "
                                 f"self.full_shape={self._full_shape} since slice dim could be "
                                 f"either dimension {i} or {slice_dim}.")
            slice_dim = i
        return slice_dim


class SaveSliceInfo:
    """TF1's `Variable.SaveSliceInfo`: where a part lies in its full variable.

    `spec` is the slice string TF1's checkpoints store, e.g. "10 4 4,3:0,4" for rows 4..6 of a
    [10, 4] variable.
    """

    def __init__(self, full_name=None, full_shape=None, var_offset=None, var_shape=None):
        self.full_name = full_name
        self.full_shape = full_shape
        self.var_offset = var_offset
        self.var_shape = var_shape

    @property
    def spec(self):
        full_shape_str = " ".join("%d" % d for d in self.full_shape) + " "
        sl_spec = ":".join("%d,%d" % (o, s) for o, s in zip(self.var_offset, self.var_shape))
        return full_shape_str + sl_spec

    def __repr__(self):
        return f"SaveSliceInfo(full_name={self.full_name!r}, spec={self.spec!r})"


# ----- the container ---------------------------------------------------------------------------
class PartitionedVariable:
    """TF1's `tf.PartitionedVariable`: the parts of one variable split along one axis.

    Iterates over the part Variables (ordered by offset); `name` is the full name ("v"),
    `shape`/`get_shape()` the full shape, `dtype` the (non-ref) dtype. Used as a tensor (in
    ops, `convert_to_tensor`, `as_tensor()`) it is the concat of the parts: an op
    `v/ConcatPartitions/concat` and an Identity named `v` (`v_1`, ... on later conversions), as
    TF1 builds them, created without the surrounding control dependencies.
    """

    def __init__(self, name, shape, dtype, variable_list, partitions):
        if not isinstance(variable_list, (list, tuple)):
            raise TypeError(f"variable_list is not a list or tuple: {variable_list}")
        if not isinstance(partitions, (list, tuple)):
            raise TypeError(f"partitions is not a list or tuple: {partitions}")
        if not all(p >= 1 for p in partitions):
            raise ValueError(f"partition values must be positive: {partitions}")
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        if not all(getattr(v, "_save_slice_info", None) is not None for v in variable_list):
            raise ValueError(f"All variables must have a save_slice_info available: "
                             f"{[v.name for v in variable_list]}")
        shape = as_shape(shape)
        if len(shape) != len(partitions):
            raise ValueError(f"len(shape) != len(partitions): {shape} vs. {partitions}")
        for v in variable_list:
            if list(v._save_slice_info.full_shape) != shape.as_list():
                raise ValueError(f"All variables' full shapes must match shape: {shape}; but full "
                                 f"shapes were: {[v._save_slice_info.full_shape]}")
        self._variable_list = sorted(variable_list,
                                     key=lambda v: list(v._save_slice_info.var_offset))
        self._name = name
        self._shape = shape
        self._dtype = dtypes.as_dtype(dtype).base_dtype
        self._partitions = list(partitions)

    def __iter__(self):
        return iter(self._variable_list)

    def __len__(self):
        axes = self._partition_axes()
        if len(axes) > 1:
            raise ValueError(f"Cannot get a length for {len(axes)} > 1 partition axes")
        return len(self._variable_list)

    def __repr__(self):
        return (f"<tf.PartitionedVariable '{self._name}' shape={self._shape} "
                f"dtype={self._dtype.name} partitions={self._partitions}>")

    def _partition_axes(self):
        if all(p == 1 for p in self._partitions):
            return [0]
        return [i for i, p in enumerate(self._partitions) if p > 1]

    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self):
        return self.get_shape()

    @property
    def graph(self):
        return self._variable_list[0].graph

    def get_shape(self):
        return self._shape

    def _get_variable_list(self):
        return self._variable_list

    def _get_partitions(self):
        return self._partitions

    # ----- as a tensor -----------------------------------------------------------------------
    def _concat(self):
        """The concatenated value, keeping the surrounding control dependencies."""
        graph = self.graph
        with graph.as_default():
            if len(self._variable_list) == 1:
                with graph.name_scope(None):
                    return array_ops.identity(self._variable_list[0], name=self._name)
            axes = self._partition_axes()
            if len(axes) > 1:
                raise NotImplementedError("Cannot concatenate along more than one dimension: "
                                          f"{axes}.  Multi-axis partition concat is not supported")
            with graph.name_scope(self._name + "/ConcatPartitions/"):
                concatenated = array_ops.concat(self._variable_list, axes[0])
            with graph.name_scope(None):
                return array_ops.identity(concatenated, name=self._name)

    def as_tensor(self):
        """The concat of the parts, as one Tensor, without the surrounding control dependencies
        (like reading a Variable)."""
        with self.graph.control_dependencies(None):
            return self._concat()

    def _as_tensor(self, dtype=None):
        """Conversion hook used by `convert_to_tensor` and every op (TF1's conversion function)."""
        if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(self._dtype):
            raise ValueError("Incompatible type conversion requested to type "
                             f"'{dtypes.as_dtype(dtype).name}' for variable of type "
                             f"'{self._dtype.name}'")
        return self.as_tensor()

    # ----- assignment ------------------------------------------------------------------------
    def _apply_assign_fn(self, assign_fn, value):
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError("Cannot do assign action along more than one dimension: "
                                      f"{axes}.  Multi-axis partition assign action is not "
                                      "supported ")
        if isinstance(value, list):
            assert len(value) == len(self._variable_list)
            value_list = value
        elif isinstance(value, PartitionedVariable):
            value_list = list(value)
        else:
            with self.graph.as_default():
                sizes = [v.shape[axes[0]].value for v in self._variable_list]
                value_list = array_ops.split(value, sizes, axis=axes[0])
        return [assign_fn(var, value_list[i]) for i, var in enumerate(self._variable_list)]

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Assigns each part its slice of `value` (a list of per-part values also works)."""
        return self._apply_assign_fn(lambda var, v: var.assign(v, use_locking=use_locking,
                                                               name=name,
                                                               read_value=read_value), value)

    def assign_add(self, value, use_locking=False, name=None, read_value=True):
        return self._apply_assign_fn(lambda var, v: var.assign_add(v, use_locking=use_locking,
                                                                   name=name,
                                                                   read_value=read_value), value)

    def assign_sub(self, value, use_locking=False, name=None, read_value=True):
        return self._apply_assign_fn(lambda var, v: var.assign_sub(v, use_locking=use_locking,
                                                                   name=name,
                                                                   read_value=read_value), value)


# ----- get_variable's partitioned branch ----------------------------------------------------------
def _call_partitioner(partitioner, shape, dtype):
    """Calls `partitioner(shape=, dtype=)` and validates its answer, as TF1."""
    if not shape.is_fully_defined():
        raise ValueError("Shape of a new partitioned variable must be fully defined, but instead "
                         f"was {shape}.")
    if shape.ndims < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1, shape: {shape}")
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, Sequence):
        raise ValueError(f"Partitioner must return a sequence, but saw: {slicing}")
    if len(slicing) != shape.ndims:
        raise ValueError("Partitioner returned a partition list that does not match the Variable's "
                         f"rank: {slicing} vs. {shape}")
    if any(p < 1 for p in slicing):
        raise ValueError(f"Partitioner returned zero partitions for some axes: {slicing}")
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError(f"Can only slice a variable along one dimension: shape: {shape}, "
                         f"partitioning: {slicing}")
    return slicing


def _get_slice_dim_and_num_slices(slicing):
    for slice_dim, num_slices in enumerate(slicing):
        if num_slices > 1:
            return slice_dim, num_slices
    return 0, 1  # no partitioning at all


def _iter_slices(full_shape, num_slices, slice_dim):
    """(offset, shape) of each part; the first `dim % num_slices` parts are one larger."""
    num_slices_with_excess = full_shape[slice_dim] % num_slices
    offset = [0] * len(full_shape)
    min_slice_len = full_shape[slice_dim] // num_slices
    for i in range(num_slices):
        shape = full_shape[:]
        shape[slice_dim] = min_slice_len + bool(i < num_slices_with_excess)
        yield offset[:], shape
        offset[slice_dim] += shape[slice_dim]


def is_scalar_shape(shape):
    """TF1 ignores the partitioner of a scalar (`shape=[]`, `()` or a rank-0 TensorShape)."""
    if isinstance(shape, TensorShape):
        return shape.ndims == 0
    return shape is not None and isinstance(shape,
                                            Sequence) and not isinstance(shape, str) and not shape


def get_partitioned_variable(store, name, partitioner, shape=None, dtype=dtypes.float32,
                             initializer=None, regularizer=None, reuse=None, trainable=None,
                             collections=None, caching_device=None, validate_shape=True,
                             use_resource=None, constraint=None, synchronization=0, aggregation=0):
    """TF1's `_VariableStore._get_partitioned_variable`: gets or creates the PartitionedVariable
    `name` in `store` (the graph's VariableStore), with TF1's reuse rules and messages.

    A callable initializer is called once per part with the part's shape and a `partition_info`;
    a Tensor or value initializer covers the whole variable and is sliced per part (op
    `v/part_0/PartitionedInitializer/Slice`). `partitioner=None` is allowed only when reusing.
    """
    partitioned_vars = store.partitioned_vars
    dtype = dtypes.as_dtype(dtype)
    initializing_from_value = initializer is not None and isinstance(initializer, ops_lib.Tensor)
    if name in store.vars:
        raise ValueError("A partitioner was provided, but an unpartitioned version of the variable "
                         f"was found: {name}.  Perhaps a variable of the same name was already "
                         "created without partitioning?")
    shape = as_shape(shape)
    if initializing_from_value:
        shape = shape.merge_with(initializer.get_shape())

    partitions = None
    if not reuse or partitioner:
        partitions = _call_partitioner(partitioner, shape, dtype)

    if name in partitioned_vars:
        if reuse is False:
            raise ValueError(f"Partitioned variable with name {name} already exists. Did you mean "
                             "to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
        existing = partitioned_vars[name]
        if not shape.is_compatible_with(existing.get_shape()):
            raise ValueError(f"Trying to reuse partitioned variable {name}, but specified shape "
                             f"{shape} and found shape {existing.get_shape()}.")
        if not dtype.is_compatible_with(existing.dtype):
            raise ValueError(f"Trying to reuse partitioned variable {name}, but specified dtype "
                             f"{dtype.name} and found dtype {existing.dtype.name}.")
        if partitions is not None and list(existing._get_partitions()) != list(partitions):
            raise ValueError(f"Trying to reuse partitioned variable {name}, but specified "
                             f"partitions {list(partitions)} and found partitions "
                             f"{existing._get_partitions()}.")
        return existing

    if reuse is True:
        raise ValueError(f"PartitionedVariable {name} does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=False or "
                         "reuse=tf.AUTO_REUSE in VarScope?")

    slice_dim, num_slices = _get_slice_dim_and_num_slices(partitions)
    if f"{name}/part_0" in store.vars:
        if f"{name}/part_{num_slices - 1}" not in store.vars:
            raise ValueError("Partitioner returned a different partitioning than what was already "
                             f"found.  Partitioner returned {num_slices} shards, and shard "
                             f"{name}/part_0 was found, but {name}/part_{num_slices - 1} was not.")
        if f"{name}/part_{num_slices}" in store.vars:
            raise ValueError("Partitioner returned a different partitioning than what was already "
                             f"found.  Partitioner returned {num_slices} shards, and shard "
                             f"{name}/part_0 was found, but so was the extra shard "
                             f"{name}/part_{num_slices}.")

    graph = ops_lib.get_default_graph()
    full_shape = shape.as_list()
    parts = []
    for i, (var_offset, var_shape) in enumerate(_iter_slices(full_shape, num_slices, slice_dim)):
        partition_info = _PartitionInfo(full_shape=list(full_shape), var_offset=var_offset)
        var_full_name = f"{name}/part_{i}"
        with graph.name_scope(var_full_name + "/PartitionedInitializer"):
            if initializer is None:
                init, init_shape = vs._default_initializer(name, dtype), var_shape
            elif callable(initializer):
                init, init_shape = initializer, var_shape
            elif isinstance(initializer, ops_lib.Tensor):
                init = array_ops.slice(initializer, var_offset, var_shape)
                dtype = init.dtype.base_dtype  # the given tensor's dtype wins
                init_shape = None
            else:
                init = convert_to_tensor(initializer, dtype=dtype)
                init = array_ops.slice(init, var_offset, var_shape)
                init_shape = None
        with graph.name_scope(None):
            var = vs._create_variable(store, var_full_name, init_shape, dtype, init, regularizer,
                                      reuse, trainable, collections, caching_device, validate_shape,
                                      use_resource, constraint, synchronization, aggregation,
                                      partition_info=partition_info)
        var._save_slice_info = SaveSliceInfo(name, list(full_shape), var_offset, var_shape)
        parts.append(var)

    pv = PartitionedVariable(name=name, shape=shape, dtype=dtype, variable_list=parts,
                             partitions=partitions)
    partitioned_vars[name] = pv
    return pv
