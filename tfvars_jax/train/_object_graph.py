"""TensorFlow's `TrackableObjectGraph` message, hand-coded as `_proto.py` codes the index.

The object graph that `tf.train.Checkpoint` stores under the key `_CHECKPOINTABLE_OBJECT_GRAPH`
(field numbers from tensorflow/core/protobuf/trackable_object_graph.proto):

    TrackableObjectGraph { repeated TrackableObject nodes = 1; }
    TrackableObject      { repeated ObjectReference children = 1;
                           repeated SerializedTensor attributes = 2;
                           repeated SlotVariableReference slot_variables = 3;
                           RegisteredSaver registered_saver = 4;
                           google.protobuf.BoolValue has_checkpoint_values = 5; }
    ObjectReference      { int32 node_id = 1; string local_name = 2; }
    SerializedTensor     { string name = 1; string full_name = 2; string checkpoint_key = 3; }
    SlotVariableReference { int32 original_variable_node_id = 1; string slot_name = 2;
                            int32 slot_variable_node_id = 3; }
    BoolValue            { bool value = 1; }

Encoding is proto3 as TensorFlow's serializer writes it (fields in number order, zero scalars
omitted, `has_checkpoint_values` always present), so our object graphs are byte-identical to
TF's for the same objects. Decoding skips fields we do not use (registered savers, user protos).
"""
import dataclasses

from tfvars_jax.train._proto import _LEN, _VARINT, DecodeError, _expect, _fields, _int_field, \
    _len_field


@dataclasses.dataclass
class SerializedTensor:
    name: str
    full_name: str
    checkpoint_key: str


@dataclasses.dataclass
class SlotVariableReference:
    original_variable_node_id: int
    slot_name: str
    slot_variable_node_id: int


@dataclasses.dataclass
class TrackableObject:
    children: list = dataclasses.field(default_factory=list)  # [(node_id, local_name)]
    attributes: list = dataclasses.field(default_factory=list)  # [SerializedTensor]
    slot_variables: list = dataclasses.field(default_factory=list)  # [SlotVariableReference]
    has_checkpoint_values: bool = False


def _str_field(number, text):
    return _len_field(number, text.encode("utf-8")) if text else b""


def encode(nodes):
    """The serialized TrackableObjectGraph of `nodes` (a list of TrackableObject)."""
    out = bytearray()
    for node in nodes:
        body = bytearray()
        for node_id, local_name in node.children:
            body += _len_field(1, _int_field(1, node_id) + _str_field(2, local_name))
        for a in node.attributes:
            body += _len_field(2, _str_field(1, a.name) + _str_field(2, a.full_name) +
                               _str_field(3, a.checkpoint_key))
        for s in node.slot_variables:
            body += _len_field(3, _int_field(1, s.original_variable_node_id) +
                               _str_field(2, s.slot_name) +
                               _int_field(3, s.slot_variable_node_id))
        body += _len_field(5, _int_field(1, int(node.has_checkpoint_values)))
        out += _len_field(1, bytes(body))
    return bytes(out)


def _text(value):
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(f"a string field is not UTF-8: {e}") from None


def _message(value, layout, what):
    """{field: value} of a small message whose fields are ints or strings (`layout`)."""
    out = {}
    for number, wire, v in _fields(value):
        kind = layout.get(number)
        if kind is None:
            continue
        _expect(wire, _VARINT if kind is int else _LEN, f"{what}.{number}")
        out[number] = v if kind is int else _text(v)
    return out


def decode(buf):
    """The nodes of a serialized TrackableObjectGraph; DecodeError if it is malformed."""
    nodes = []
    for number, wire, value in _fields(buf):
        if number != 1:
            continue
        _expect(wire, _LEN, "TrackableObjectGraph.nodes")
        node = TrackableObject()
        for field, fwire, fvalue in _fields(value):
            if field == 1:
                _expect(fwire, _LEN, "TrackableObject.children")
                m = _message(fvalue, {1: int, 2: str}, "ObjectReference")
                node.children.append((m.get(1, 0), m.get(2, "")))
            elif field == 2:
                _expect(fwire, _LEN, "TrackableObject.attributes")
                m = _message(fvalue, {1: str, 2: str, 3: str}, "SerializedTensor")
                node.attributes.append(SerializedTensor(m.get(1, ""), m.get(2, ""),
                                                        m.get(3, "")))
            elif field == 3:
                _expect(fwire, _LEN, "TrackableObject.slot_variables")
                m = _message(fvalue, {1: int, 2: str, 3: int}, "SlotVariableReference")
                node.slot_variables.append(SlotVariableReference(m.get(1, 0), m.get(2, ""),
                                                                 m.get(3, 0)))
            elif field == 5:
                _expect(fwire, _LEN, "TrackableObject.has_checkpoint_values")
                node.has_checkpoint_values = bool(_message(fvalue, {1: int}, "BoolValue").get(1))
        nodes.append(node)
    for node in nodes:
        for node_id, _ in node.children:
            if not 0 <= node_id < len(nodes):
                raise DecodeError(f"a child refers to node {node_id} of {len(nodes)}")
        for s in node.slot_variables:
            if not (0 <= s.original_variable_node_id < len(nodes)
                    and 0 <= s.slot_variable_node_id < len(nodes)):
                raise DecodeError(f"a slot variable refers to a node out of {len(nodes)}")
    return nodes
