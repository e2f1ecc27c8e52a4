"""tf.summary against real TensorFlow (tf.compat.v1, graph mode): the serialized Summary protos
of scalar, histogram (TF1's buckets), text, tensor_summary and merge equal TF's for the same
inputs, names and tags; image and audio summaries have TF's fields and decode to TF's pixels
and samples (the encoded bytes may differ)."""
import io
import wave

import numpy as np
import pytest

import tfvars_jax as tf

pytestmark = pytest.mark.tensorflow
summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")


@pytest.fixture(scope="module")
def tf1():
    pytest.importorskip("tensorflow")
    import tensorflow.compat.v1 as tf1
    return tf1


def build(lib, values):
    with lib.name_scope("train"):
        lib.summary.scalar("loss", values["loss"])
        lib.summary.scalar("count", values["count"], family="fam")
        lib.summary.histogram("normal", values["normal"])
        lib.summary.histogram("ints", values["ints"])
        lib.summary.histogram("spread", values["spread"])
        lib.summary.image("unit", values["unit"], max_outputs=2)
        lib.summary.image("signed", values["signed"], max_outputs=1)
        lib.summary.image("bytes", values["bytes"])
        lib.summary.image("half", values["half"])
        lib.summary.audio("sound", values["sound"], 16000, max_outputs=2)
        lib.summary.text("words", lib.constant(values["words"]))
        lib.summary.tensor_summary("matrix", values["matrix"], summary_description="m")
    return lib.summary.merge_all()


def values():
    rng = np.random.RandomState(0)
    signed = rng.randn(1, 4, 5, 3).astype(np.float32)
    signed[0, 1, 2, 1] = np.nan
    return {
        "loss": np.float32(0.123456789), "count": np.int64(7),
        "normal": rng.randn(1000).astype(np.float32),
        "ints": rng.randint(-50, 50, size=(20, 3)).astype(np.int32),
        "spread": np.array([0.0, 0.0, 1e-13, -1e-13, 1e15, -3e7, 2.5], np.float64),
        "unit": rng.rand(3, 6, 4, 1).astype(np.float32), "signed": signed,
        "bytes": rng.randint(0, 256, size=(2, 3, 3, 4)).astype(np.uint8),
        "half": (rng.rand(1, 3, 2, 3) * 7).astype(np.float16),
        "sound": np.clip(rng.randn(2, 100, 2) * 0.5, -1.2, 1.2).astype(np.float32),
        "words": np.array([[b"a", b"bc"], [b"", b"d e"]]),
        "matrix": rng.randn(2, 3).astype(np.float64),
    }


def serialized(lib, sess_cls, vals):
    g = lib.Graph()
    with g.as_default():
        merged = build(lib, vals)
        names = [t.op.name for t in merged.op.inputs]
        with sess_cls(graph=g) as sess:
            return summary_pb2.Summary.FromString(sess.run(merged)), names


def _pixels(png):
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)))


def _samples(wav):
    with wave.open(io.BytesIO(wav)) as w:
        return (w.getnchannels(), w.getframerate(), w.getsampwidth(),
                np.frombuffer(w.readframes(w.getnframes()), "<i2"))


def test_summary_protos_equal_tfs(tf1):
    vals = values()
    theirs, their_names = serialized(tf1, tf1.Session, vals)
    ours, our_names = serialized(tf, tf.Session, vals)
    assert our_names == their_names
    assert [v.tag for v in ours.value] == [v.tag for v in theirs.value]
    for mine, ref in zip(ours.value, theirs.value):
        kind = ref.WhichOneof("value")
        assert mine.WhichOneof("value") == kind, ref.tag
        if kind == "image":
            for field in ("height", "width", "colorspace"):
                assert getattr(mine.image, field) == getattr(ref.image, field), ref.tag
            np.testing.assert_array_equal(_pixels(mine.image.encoded_image_string),
                                          _pixels(ref.image.encoded_image_string), ref.tag)
        elif kind == "audio":
            for field in ("sample_rate", "num_channels", "length_frames", "content_type"):
                assert getattr(mine.audio, field) == getattr(ref.audio, field), ref.tag
            got, want = (_samples(mine.audio.encoded_audio_string),
                         _samples(ref.audio.encoded_audio_string))
            assert got[:3] == want[:3]
            np.testing.assert_array_equal(got[3], want[3])
        else:
            assert mine == ref, ref.tag
