"""A GraphDef-shaped view of our graph, for TensorBoard's graph dashboard.

It shows every op with its name (so its scopes), type, inputs ("op", "op:1", "^control"),
device as recorded, and the attributes `_output_shapes` (static shapes, unknown dims as -1) and
`dtype` (of the first output), plus the op's simple attrs (numbers, strings, bools). It is a
picture of the graph, not an executable GraphDef: our kernels are JAX functions, not TF ops,
so TF cannot import it.
"""
from tfvars_jax.summary import _tensorboard


def _shape_proto(shape, proto):
    dims = shape.as_tuple() if hasattr(shape, "as_tuple") else None
    if dims is None:
        proto.unknown_rank = True
        return proto
    for d in dims:
        proto.dim.add(size=-1 if d is None else int(d))
    return proto


def _dtype_enum(dtype, types_pb2):
    return dtype.base_dtype.as_datatype_enum  # TF's DataType numbers


def graph_def(graph):
    """The TensorBoard `GraphDef` proto of `graph` (see the module docstring)."""
    _, _, graph_pb2, _, types_pb2 = _tensorboard.protos()
    attr_pb2 = _tensorboard.module("compat.proto.attr_value_pb2")
    gd = graph_pb2.GraphDef()
    for op in graph.get_operations():
        node = gd.node.add(name=op.name, op=op.type, device=op.device or "")
        node.input.extend(t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}"
                          for t in op.inputs)
        node.input.extend("^" + c.name for c in op.control_inputs)
        if op.outputs:
            shapes = node.attr["_output_shapes"].list
            for t in op.outputs:
                _shape_proto(t.shape, shapes.shape.add())
            node.attr["dtype"].type = _dtype_enum(op.outputs[0].dtype, types_pb2)
        for key, value in sorted((op.attrs or {}).items()):
            if key in node.attr or not isinstance(key, str):
                continue
            if isinstance(value, bool):
                node.attr[key].CopyFrom(attr_pb2.AttrValue(b=value))
            elif isinstance(value, int) and abs(value) < 2 ** 63:
                node.attr[key].CopyFrom(attr_pb2.AttrValue(i=value))
            elif isinstance(value, float):
                node.attr[key].CopyFrom(attr_pb2.AttrValue(f=value))
            elif isinstance(value, str):
                node.attr[key].CopyFrom(attr_pb2.AttrValue(s=value.encode()))
    gd.versions.producer = 134  # TF 1.15's GraphDef version
    return gd
