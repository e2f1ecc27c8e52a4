"""TF1's summary ops: `tf.summary.scalar`, `histogram`, `image`, `audio`, `text`,
`tensor_summary`, `merge`, `merge_all`.

Each op's output is a `tf.string` scalar, a serialized `Summary` protocol buffer, with TF1's op
names, tags and collections (`tf.summary.scalar("loss", x)` under name scope "train" is the op
"train/loss" with tag "train/loss", in the SUMMARIES collection). The ops are host-side: the
compiled run computes their inputs like any other fetch, and the serialization (TF1's
kernels, in NumPy) happens on the host after that same run (the op kind's `after_run`; see
`Session.run`). So a summary can be fetched, merged by `merge`/`merge_all`, and fed; another op
consuming its string raises NotImplementedError (string ops run host-side before the device
ops, see ARCHITECTURE.md).
"""
import logging
import re

import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import constant
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.op_builder import make_op
from tfvars_jax.framework.op_kind import OpKind
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.summary import _histogram
from tfvars_jax.summary import _media
from tfvars_jax.summary import _tensorboard

_logger = logging.getLogger(__name__)
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")
_BAD_COLOR = (255, 0, 0, 255)  # TF1's ImageSummary default: red, opaque


class _SummaryKind(OpKind):
    """A summary op: serialized on the host after the compiled run that computes its inputs
    (`after_run`; `finish(op, input_values)` gives its outputs)."""
    name = "summary"
    differentiable = False
    after_run = True

    def check_plan(self, op, fed):
        raise NotImplementedError(
            f"Op '{op.name}' ({op.type}) is a summary: its serialized Summary can be fetched, fed, "
            "or merged with tf.summary.merge, but no other op can consume it in tfvars_jax.")

    def finish(self, op, values):
        return (op.kernel(*values),)


SUMMARY = _SummaryKind()


def _clean_tag(name):
    """TF1's `clean_tag`: characters outside [-/\\w.] become '_', leading slashes go."""
    if name is not None:
        new_name = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
        if new_name != name:
            _logger.info("Summary name %s is illegal; using %s instead.", name, new_name)
            name = new_name
    return name


class _SummaryScope:
    """TF1's `summary_scope(name, family)`: a name scope; yields (tag, scope)."""

    def __init__(self, name, family):
        self._name = _clean_tag(name)
        self._family = _clean_tag(family)
        base = self._name if self._family is None else f"{self._family}/{self._name}"
        self._scope = ops_lib.name_scope(base)

    def __enter__(self):
        scope = self._scope.__enter__()
        tag = scope.rstrip("/")
        if self._family is not None:
            tag = f"{self._family}/{tag}"
        return tag, scope

    def __exit__(self, *exc):
        return self._scope.__exit__(*exc)


def _collect(tensor, collections):
    """Adds `tensor` to `collections` (default: [SUMMARIES]), as TF1."""
    for key in ([ops_lib.GraphKeys.SUMMARIES] if collections is None else collections):
        ops_lib.add_to_collection(key, tensor)


def _summary_op(op_type, serialize, inputs, scope, attrs=None):
    op = make_op(op_type, serialize, inputs, name=scope, attrs=attrs, kind=SUMMARY,
                 out_specs=[(dtypes.string, TensorShape([]))])
    return op.outputs[0]


def _tag_input(tag, name="tag"):
    return constant(tag.encode(), name=name)


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _real(tensor, what):
    dt = tensor.dtype.base_dtype
    if not (dt.is_floating or dt.is_integer):
        raise TypeError(f"{what} takes a real-valued tensor, got '{tensor.name}' of type {dt.name}.")


# ----- kernels: NumPy values in, serialized Summary out (TF1's kernels) -------------------
def _scalar_kernel(tags, values):
    summary_pb2 = _tensorboard.protos()[0]
    tags, values = np.asarray(tags), np.asarray(values)
    if tags.shape != values.shape:
        raise errors.InvalidArgumentError(
            None, None, f"tags and values are not the same shape: {list(tags.shape)} != "
            f"{list(values.shape)}")
    summary = summary_pb2.Summary()
    for t, v in zip(tags.ravel(), values.ravel()):
        summary.value.add(tag=_text(t), simple_value=float(np.float32(v)))
    return summary.SerializeToString()


def _histogram_kernel(tag, values):
    summary_pb2 = _tensorboard.protos()[0]
    tag = _text(np.asarray(tag)[()])
    x = np.asarray(values, np.float64)
    if not np.all(np.isfinite(x)):
        raise errors.InvalidArgumentError(None, None, f"Nan in summary histogram for: {tag}")
    summary = summary_pb2.Summary()
    summary.value.add(tag=tag, histo=summary_pb2.HistogramProto(**_histogram.histogram_fields(x)))
    return summary.SerializeToString()


def _image_kernel(tag, tensor, max_images):
    summary_pb2 = _tensorboard.protos()[0]
    tag = _text(np.asarray(tag)[()])
    images = np.asarray(tensor)
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
        raise errors.InvalidArgumentError(None, None, "Tensor must be 4-D with last dim 1, 3, or "
                                          f"4, not {list(images.shape)}")
    n = min(max_images, images.shape[0])
    summary = summary_pb2.Summary()
    for i in range(n):
        img = _media.normalize_image(images[i], _BAD_COLOR)
        h, w, c = img.shape
        summary.value.add(tag=f"{tag}/image" if max_images == 1 else f"{tag}/image/{i}",
                          image=summary_pb2.Summary.Image(
                              height=h, width=w, colorspace=c,
                              encoded_image_string=_media.encode_png(img)))
    return summary.SerializeToString()


def _audio_kernel(tag, tensor, sample_rate, max_outputs):
    summary_pb2 = _tensorboard.protos()[0]
    tag = _text(np.asarray(tag)[()])
    audio = np.asarray(tensor, np.float32)
    if audio.ndim == 2:
        audio = audio[:, :, None]
    if audio.ndim != 3:
        raise errors.InvalidArgumentError(None, None, "Tensor must be 3-D or 2-D, got: "
                                          f"{list(np.shape(tensor))}")
    rate = float(np.asarray(sample_rate))
    if rate <= 0:
        raise errors.InvalidArgumentError(None, None, "sample_rate must be > 0")
    n = min(max_outputs, audio.shape[0])
    summary = summary_pb2.Summary()
    for i in range(n):
        summary.value.add(tag=f"{tag}/audio" if max_outputs == 1 else f"{tag}/audio/{i}",
                          audio=summary_pb2.Summary.Audio(
                              sample_rate=rate, num_channels=audio.shape[2],
                              length_frames=audio.shape[1], content_type="audio/wav",
                              encoded_audio_string=_media.encode_wav(audio[i], rate)))
    return summary.SerializeToString()


def tensor_proto(value):
    """A TensorBoard `TensorProto` of a NumPy value, as TF's `AsProtoTensorContent`
    (numbers in `tensor_content`, strings in `string_val`)."""
    _, _, _, tensor_pb2, types_pb2 = _tensorboard.protos()
    arr = np.asarray(value)
    if arr.dtype.kind in "SUO":
        dt = types_pb2.DT_STRING
    else:
        dt = dtypes.as_dtype(arr.dtype).as_datatype_enum  # TF's DataType numbers
    proto = tensor_pb2.TensorProto(dtype=dt)
    for d in arr.shape:
        proto.tensor_shape.dim.add(size=d)
    if dt == types_pb2.DT_STRING:
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in arr.ravel())
    else:
        little = arr.dtype.newbyteorder("<")
        proto.tensor_content = np.ascontiguousarray(arr).astype(little).tobytes()
    return proto


def _tensor_kernel(tag, tensor, serialized_metadata):
    summary_pb2 = _tensorboard.protos()[0]
    metadata = summary_pb2.SummaryMetadata.FromString(bytes(np.asarray(serialized_metadata)[()]))
    summary = summary_pb2.Summary()
    summary.value.add(tag=_text(np.asarray(tag)[()]), metadata=metadata,
                      tensor=tensor_proto(tensor))
    return summary.SerializeToString()


def _merge_kernel(*inputs):
    summary_pb2 = _tensorboard.protos()[0]
    merged = summary_pb2.Summary()
    tags = set()
    for value in inputs:
        for serialized in np.asarray(value, object).ravel():
            try:
                part = summary_pb2.Summary.FromString(bytes(serialized))
            except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
                raise errors.InvalidArgumentError(
                    None, None, "Could not parse one of the summary inputs") from None
            for v in part.value:
                if v.tag in tags:
                    raise errors.InvalidArgumentError(
                        None, None, f"Duplicate tag {v.tag} found in summary inputs")
                if v.tag:
                    tags.add(v.tag)
                merged.value.add().CopyFrom(v)
    return merged.SerializeToString()


# ----- the public functions -----------------------------------------------------------
def scalar(name, tensor, collections=None, family=None):
    """TF1's `tf.summary.scalar`: a `Summary` with one `simple_value` (the value as float32).

    The tag is the op's scope name (`"train/loss"` under name scope "train"), prefixed with
    `family` if given; the op joins `collections` (default [SUMMARIES]). As TF1 a non-scalar
    tensor fails when run (InvalidArgumentError).
    """
    with _SummaryScope(name, family) as (tag, scope):
        tensor = convert_to_tensor(tensor)
        _real(tensor, "tf.summary.scalar")
        val = _summary_op("ScalarSummary", _scalar_kernel, [_tag_input(tag, "tags"), tensor],
                          scope)
    _collect(val, collections)
    return val


def histogram(name, values, collections=None, family=None):
    """TF1's `tf.summary.histogram`: a `HistogramProto` with TF1's exponential buckets
    (limits 1e-12 * 1.1**k on both sides of 0, empty runs collapsed), min, max, num, sum and
    sum of squares. Non-finite values fail the run (InvalidArgumentError), as TF1."""
    with _SummaryScope(name, family) as (tag, scope):
        values = convert_to_tensor(values)
        _real(values, "tf.summary.histogram")
        val = _summary_op("HistogramSummary", _histogram_kernel, [_tag_input(tag), values], scope)
    _collect(val, collections)
    return val


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """TF1's `tf.summary.image`: up to `max_outputs` images of a [batch, height, width,
    channels] tensor (channels 1, 3 or 4; uint8, float16, float32 or float64), PNG-encoded, tags
    "<tag>/image/<i>" ("<tag>/image" when max_outputs is 1). Floats are scaled to uint8 per
    image as TF1 does; the PNG bytes may differ from TF's, the pixels do not."""
    with _SummaryScope(name, family) as (tag, scope):
        tensor = convert_to_tensor(tensor)
        if tensor.dtype.base_dtype not in (dtypes.uint8, dtypes.float16, dtypes.float32,
                                           dtypes.float64):
            raise TypeError(f"tf.summary.image: unsupported dtype {tensor.dtype.name}; use "
                            "uint8, float16, float32 or float64.")
        val = _summary_op("ImageSummary", _image_kernel, [_tag_input(tag), tensor], scope,
                          attrs={"max_images": int(max_outputs)})
    _collect(val, collections)
    return val


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """TF1's `tf.summary.audio`: up to `max_outputs` clips of a float [batch, frames,
    channels] (or [batch, frames]) tensor with values in [-1, 1], encoded as 16-bit WAV."""
    with _SummaryScope(name, family) as (tag, scope):
        sample_rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        tensor = convert_to_tensor(tensor)
        if tensor.dtype.base_dtype != dtypes.float32:
            raise TypeError(f"tf.summary.audio takes float32 audio, got {tensor.dtype.name}.")
        val = _summary_op("AudioSummaryV2", _audio_kernel,
                          [_tag_input(tag), tensor, sample_rate], scope,
                          attrs={"max_outputs": int(max_outputs)})
    _collect(val, collections)
    return val


def _metadata_bytes(plugin_name=None, summary_description=None, display_name=None):
    """A serialized SummaryMetadata, written by hand so that building the op needs no
    TensorBoard (its fields: 1 plugin_data {1 plugin_name}, 2 display_name, 3
    summary_description)."""
    def field(num, data):
        out, n = bytearray([num << 3 | 2]), len(data)
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out) + data
    plugin = field(1, plugin_name.encode()) if plugin_name else b""
    return ((field(1, plugin) if plugin_name else b"") +
            (field(2, display_name.encode()) if display_name is not None else b"") +
            (field(3, summary_description.encode()) if summary_description is not None else b""))


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """TF1's `tf.summary.tensor_summary`: the whole tensor as a `TensorProto` in the summary
    (TensorSummaryV2), with a `SummaryMetadata` (`summary_metadata`: a TensorBoard
    SummaryMetadata proto or its serialized bytes; `summary_description`, `display_name`)."""
    if summary_metadata is not None:
        meta = summary_metadata if isinstance(summary_metadata, bytes) else (
            _tensorboard.protos()[0].SummaryMetadata.FromString(
                summary_metadata.SerializeToString()).SerializeToString())
        if summary_description is not None or display_name is not None:
            proto = _tensorboard.protos()[0].SummaryMetadata.FromString(meta)
            if summary_description is not None:
                proto.summary_description = summary_description
            if display_name is not None:
                proto.display_name = display_name
            meta = proto.SerializeToString()
    else:
        meta = _metadata_bytes(None, summary_description, display_name)
    with _SummaryScope(name, family) as (tag, scope):
        tensor = convert_to_tensor(tensor)
        val = _summary_op("TensorSummaryV2", _tensor_kernel,
                          [_tag_input(tag), tensor,
                           constant(meta, name="serialized_summary_metadata")], scope)
    _collect(val, collections)
    return val


def text(name, tensor, collections=None):
    """TF1's `tf.summary.text`: a `tf.string` tensor as a tensor summary for TensorBoard's text
    plugin (metadata plugin_name "text")."""
    tensor = convert_to_tensor(tensor)
    if tensor.dtype.base_dtype != dtypes.string:
        raise ValueError("Expected tensor %s to have dtype string, got %s" % (
            tensor.name, tensor.dtype))
    with _SummaryScope(name, None) as (tag, scope):
        val = _summary_op("TensorSummaryV2", _tensor_kernel,
                          [_tag_input(tag), tensor,
                           constant(_metadata_bytes("text"), name="serialized_summary_metadata")],
                          scope)
    _collect(val, collections)
    return val


def merge(inputs, collections=None, name=None):
    """TF1's `tf.summary.merge`: one Summary holding every value of `inputs` (serialized
    Summary string tensors); a tag twice fails the run (InvalidArgumentError), as TF1. Op
    "Merge/MergeSummary" by default."""
    inputs = [convert_to_tensor(t) for t in inputs]
    for t in inputs:
        if t.dtype.base_dtype != dtypes.string:
            raise TypeError(f"tf.summary.merge takes string tensors, got '{t.name}' of type "
                            f"{t.dtype.name}.")
    with ops_lib.name_scope(name, "Merge", inputs):
        val = _summary_op("MergeSummary", _merge_kernel, inputs, name or "MergeSummary")
    _collect(val, [] if collections is None else collections)
    return val


def merge_all(key=ops_lib.GraphKeys.SUMMARIES, scope=None, name=None):
    """TF1's `tf.summary.merge_all`: `merge` of the collection `key` (optionally filtered by
    `scope`), or None when it is empty."""
    summaries = ops_lib.get_collection(key, scope=scope)
    if not summaries:
        return None
    return merge(summaries, name=name)
