"""tf.summary: op names and tags as TF1, the serialized Summary a run returns (built in the same
compiled run as the rest), FileWriter's event files read back by TensorBoard's own
EventAccumulator and by tf.train.summary_iterator, FileWriterCache, and what we refuse."""
import logging
import os

import numpy as np
import pytest

import tfvars_jax as tf

summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")


def _parse(serialized):
    return summary_pb2.Summary.FromString(serialized)


def test_names_tags_families_and_collections():
    x = tf.constant(1.5)
    with tf.name_scope("train"):
        s1 = tf.summary.scalar("loss", x)
        s2 = tf.summary.scalar("loss", x)
        s3 = tf.summary.scalar("bad name!", x, family="fam")
    other = tf.summary.histogram("h", [1.0], collections=["mine"])
    assert (s1.op.name, s2.op.name, s3.op.name) == ("train/loss", "train/loss_1",
                                                    "train/fam/bad_name_")
    assert s1.dtype == tf.string and s1.shape.as_list() == []
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s1, s2, s3]
    assert tf.get_collection("mine") == [other]
    merged = tf.summary.merge_all()
    assert merged.op.name == "Merge/MergeSummary"
    with tf.Session() as sess:
        tags = [v.tag for v in _parse(sess.run(merged)).value]
        assert tags == ["train/loss", "train/loss_1", "fam/train/fam/bad_name_"]
        assert _parse(sess.run(s1)).value[0].simple_value == 1.5
    assert tf.summary.merge_all("empty") is None


def test_values_come_from_the_same_run_as_the_step():
    v = tf.Variable(0.0, name="v")
    inc = v.assign_add(1.0)
    with tf.control_dependencies([inc]):
        after = tf.identity(v)
    s = tf.summary.scalar("v", after)
    with tf.Session() as sess:
        sess.run(v.initializer)
        out = sess.run({"s": s, "inc": inc})
        assert _parse(out["s"]).value[0].simple_value == out["inc"] == 1.0
        assert sess.run(v) == 1.0   # one run, one increment
        f = sess.make_callable([s, v])
        ser, value = f()
        assert _parse(ser).value[0].simple_value == 2.0 and value == 1.0  # v read at its position
        assert sess.run(v) == 2.0


def test_histogram_buckets_and_errors():
    p = tf.placeholder(tf.float32, [None])
    h = tf.summary.histogram("h", p)
    with tf.Session() as sess:
        histo = _parse(sess.run(h, {p: [0.5, 0.5, -2.0, 3.0]})).value[0].histo
        assert (histo.min, histo.max, histo.num, histo.sum, histo.sum_squares) == (
            -2.0, 3.0, 4.0, 2.0, 13.5)
        assert sum(histo.bucket) == 4
        assert histo.bucket_limit[-1] > 3.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="Nan in summary histogram"):
            sess.run(h, {p: [np.nan]})


def test_merge_rejects_duplicate_tags_and_others_cannot_consume_a_summary():
    a = tf.summary.scalar("a", 1.0)
    dup = tf.summary.merge([a, a])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag a"):
            sess.run(dup)
        with pytest.raises(NotImplementedError, match="summary"):
            sess.run(tf.identity(a))
        fed = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="x", simple_value=2)])
        merged = tf.summary.merge([a, tf.summary.scalar("b", 3.0)])
        out = _parse(sess.run(merged, {a: fed.SerializeToString()}))  # a fed summary is merged
        assert [(v.tag, v.simple_value) for v in out.value] == [("x", 2.0), ("b", 3.0)]
    with pytest.raises(ValueError, match="dtype string"):
        tf.summary.text("t", tf.constant(1.0))


def test_image_audio_text_and_tensor_summaries():
    img = np.zeros((2, 3, 4, 3), np.float32)
    img[0, 0, 0] = [1.0, 0.5, 0.0]
    img[1, 1, 1, 0] = np.nan
    sound = np.linspace(-1, 1, 50, dtype=np.float32).reshape(1, 50)
    ops = [tf.summary.image("img", img, max_outputs=5),
           tf.summary.image("one", np.zeros((2, 3, 4, 3), np.uint8), max_outputs=1),
           tf.summary.audio("snd", sound, 8000),
           tf.summary.text("txt", tf.constant([b"hi", b"there"])),
           tf.summary.tensor_summary("t", np.arange(6, dtype=np.int32).reshape(2, 3),
                                     summary_description="six")]
    with tf.Session() as sess:
        vals = [_parse(v).value for v in sess.run(ops)]
    assert [v.tag for v in vals[0]] == ["img/image/0", "img/image/1"]
    assert [v.tag for v in vals[1]] == ["one/image"]
    first = vals[0][0].image
    assert (first.height, first.width, first.colorspace) == (3, 4, 3)
    assert first.encoded_image_string.startswith(b"\x89PNG")
    assert vals[2][0].tag == "snd/audio/0" and vals[2][0].audio.length_frames == 50
    assert vals[2][0].audio.encoded_audio_string[:4] == b"RIFF"
    assert vals[3][0].metadata.plugin_data.plugin_name == "text"
    assert list(vals[3][0].tensor.string_val) == [b"hi", b"there"]
    t = vals[4][0]
    assert t.metadata.summary_description == "six"
    assert np.frombuffer(t.tensor.tensor_content, np.int32).tolist() == list(range(6))


def test_file_writer_event_accumulator_reads_scalars_histograms_images(tmp_path):
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    x = tf.placeholder(tf.float32, [])
    with tf.name_scope("train"):
        tf.summary.scalar("loss", x)
        tf.summary.histogram("x", tf.stack([x, x * 2.0]))
        tf.summary.image("pic", tf.fill([1, 2, 2, 1], x))
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(str(tmp_path), graph=tf.get_default_graph())
    assert writer.get_logdir() == str(tmp_path)
    with tf.Session() as sess:
        for step in range(3):
            writer.add_summary(sess.run(merged, {x: float(step + 1)}), global_step=step * 10)
    writer.add_run_metadata(tf.RunMetadata(), "step1")  # warns, writes nothing
    writer.close()
    writer.add_summary(sess_summary(9.0), 99)  # after close: dropped, as TF1
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"images": 0})
    acc.Reload()
    tags = acc.Tags()
    assert tags["scalars"] == ["train/loss"]
    assert tags["histograms"] == ["train/x"]
    assert tags["images"] == ["train/pic/image/0"]
    assert tags["graph"]
    assert [(e.step, e.value) for e in acc.Scalars("train/loss")] == [(0, 1.0), (10, 2.0),
                                                                      (20, 3.0)]
    histo = acc.Histograms("train/x")[-1].histogram_value
    assert (histo.min, histo.max, histo.num) == (3.0, 6.0, 2.0)
    image = acc.Images("train/pic/image/0")[0]
    assert (image.step, image.width, image.height) == (0, 2, 2)
    graph = acc.Graph()
    assert "train/loss" in {n.name for n in graph.node}


def sess_summary(value):
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="late", simple_value=value)])


def test_reopen_cache_and_iterator(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path / "a"), filename_suffix=".x")
    writer.add_summary(sess_summary(1.0), 1)
    writer.close()
    writer.reopen()
    writer.add_summary(sess_summary(2.0).SerializeToString(), 2)
    writer.flush()
    writer.close()
    files = sorted(os.listdir(tmp_path / "a"))
    assert len(files) == 2 and all(f.startswith("events.out.tfevents.") and f.endswith(".x")
                                   for f in files)
    steps = []
    for f in files:
        for event in tf.train.summary_iterator(str(tmp_path / "a" / f)):
            if event.HasField("summary"):
                steps.append((event.step, event.summary.value[0].simple_value))
    assert sorted(steps) == [(1, 1.0), (2, 2.0)]
    cached = tf.summary.FileWriterCache.get(str(tmp_path / "b"))
    assert tf.summary.FileWriterCache.get(str(tmp_path / "b")) is cached
    tf.summary.FileWriterCache.clear()
    assert tf.summary.FileWriterCache.get(str(tmp_path / "b")) is not cached
    tf.summary.FileWriterCache.clear()
    with pytest.raises(NotImplementedError, match="session"):
        tf.summary.FileWriter(str(tmp_path), session=object())
    with pytest.raises(NotImplementedError, match="MetaGraph"):
        tf.summary.FileWriter(str(tmp_path / "c")).add_meta_graph(None)


def test_graph_view_shows_scopes_inputs_and_devices():
    from tfvars_jax.summary.graph_def import graph_def
    with tf.device("/cpu:0"):
        a = tf.placeholder(tf.float32, [None, 3], name="a")
    with tf.name_scope("layer"):
        b = tf.reduce_sum(a, axis=1, name="total")
        with tf.control_dependencies([b.op]):
            c = tf.identity(a, name="c")
    nodes = {n.name: n for n in graph_def(tf.get_default_graph()).node}
    assert nodes["a"].device.endswith("CPU:0") and nodes["a"].op == "Placeholder"
    assert nodes["layer/total"].input[0] == "a"
    assert list(nodes["layer/c"].input) == ["a", "^layer/total"]
    dims = [d.size for d in nodes["a"].attr["_output_shapes"].list.shape[0].dim]
    assert dims == [-1, 3]
    del c


def test_add_run_metadata_warns(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        w = tf.summary.FileWriter(str(tmp_path))
        w.add_run_metadata(tf.RunMetadata(), "tag")
        w.close()
    assert "nothing was written" in caplog.text
