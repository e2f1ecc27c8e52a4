"""tf.metrics without TensorFlow: names, collections and values on hand-computed data."""
import numpy as np
import pytest

import tfvars_jax as tf


def _local_names():
    return [v.name for v in tf.local_variables()]


def test_accuracy_variables_collections_and_values():
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.int64, [None])
        preds = tf.placeholder(tf.int64, [None])
        value, update = tf.metrics.accuracy(labels, preds)
        assert (value.name, update.name) == ("accuracy/value:0", "accuracy/update_op:0")
        assert _local_names() == ["accuracy/total:0", "accuracy/count:0"]
        assert tf.get_collection(tf.GraphKeys.METRIC_VARIABLES) == tf.local_variables()
        assert tf.global_variables() == [] and tf.trainable_variables() == []
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            assert sess.run(value) == 0.0  # nothing seen: 0, not NaN
            assert sess.run(update, {labels: [1, 0, 1, 1], preds: [1, 1, 1, 0]}) == pytest.approx(0.5)
            assert sess.run(update, {labels: [0, 0], preds: [0, 0]}) == pytest.approx(4 / 6)
            assert sess.run(value) == pytest.approx(4 / 6)
            sess.run(tf.local_variables_initializer())  # resets
            assert sess.run(value) == 0.0


def test_weighted_mean_and_named_scopes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        w = tf.placeholder(tf.float32, [None])
        value, update = tf.metrics.mean(x, weights=w, name="wm", metrics_collections=["vals"],
                                        updates_collections=["ups"])
        v2, _ = tf.metrics.mean(x)
        v3, _ = tf.metrics.mean(x)
        assert value.name == "wm/value:0" and v2.name == "mean/value:0" and v3.name == "mean_1/value:0"
        assert tf.get_collection("vals") == [value] and tf.get_collection("ups") == [update]
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run(update, {x: [1.0, 3.0], w: [1.0, 3.0]})
            sess.run(update, {x: [10.0], w: [0.0]})
            assert sess.run(value) == pytest.approx((1 + 9) / 4)


def test_precision_recall_and_counts():
    labels = [1, 1, 0, 0, 1, 0]
    preds = [1, 0, 1, 0, 1, 1]  # tp=2, fp=2, fn=1, tn=1
    with tf.Graph().as_default():
        lab = tf.constant(labels, tf.int64)
        pre = tf.constant(preds, tf.int64)
        metrics = {"precision": tf.metrics.precision(lab, pre), "recall": tf.metrics.recall(lab, pre),
                   "tp": tf.metrics.true_positives(lab, pre), "fp": tf.metrics.false_positives(lab, pre),
                   "fn": tf.metrics.false_negatives(lab, pre), "tn": tf.metrics.true_negatives(lab, pre)}
        assert _local_names() == ["precision/true_positives/count:0", "precision/false_positives/count:0",
                                  "recall/true_positives/count:0", "recall/false_negatives/count:0",
                                  "true_positives/count:0", "false_positives/count:0", "false_negatives/count:0",
                                  "true_negatives/count:0"]
        assert metrics["tp"][0].name == "true_positives/Identity:0"
        assert metrics["tp"][1].name == "true_positives/AssignAdd:0"
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run([u for _, u in metrics.values()])
            sess.run([u for _, u in metrics.values()])
            got = sess.run({k: v for k, (v, _) in metrics.items()})
    assert got == pytest.approx({"precision": 0.5, "recall": 2 / 3, "tp": 4, "fp": 4, "fn": 2, "tn": 2})


def test_errors_and_rmse():
    with tf.Graph().as_default():
        lab = tf.constant([1.0, 2.0, 3.0])
        value, update = tf.metrics.root_mean_squared_error(lab, tf.constant([1.0, 2.0, 5.0]))
        assert (value.name, update.name) == ("Sqrt:0", "Sqrt_1:0")
        assert _local_names() == ["root_mean_squared_error/total:0", "root_mean_squared_error/count:0"]
        mse, mse_up = tf.metrics.mean_squared_error(lab, tf.constant([2.0, 2.0, 2.0]))
        mae, mae_up = tf.metrics.mean_absolute_error(lab, tf.constant([2.0, 2.0, 2.0]), weights=[1.0, 0.0, 1.0])
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run([update, mse_up, mae_up])
            assert sess.run(value) == pytest.approx(np.sqrt(4 / 3))
            assert sess.run(mse) == pytest.approx(2 / 3)
            assert sess.run(mae) == pytest.approx(1.0)


def test_auc_perfect_and_random_rankings():
    with tf.Graph().as_default():
        lab = tf.placeholder(tf.int64, [None])
        score = tf.placeholder(tf.float32, [None])
        roc, roc_up = tf.metrics.auc(lab, score)
        pr, pr_up = tf.metrics.auc(lab, score, curve="PR")
        assert _local_names()[:4] == ["auc/true_positives:0", "auc/false_negatives:0", "auc/true_negatives:0",
                                      "auc/false_positives:0"]
        assert tf.local_variables()[0].shape.as_list() == [200]
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run([roc_up, pr_up], {lab: [0, 0, 1, 1], score: [0.1, 0.2, 0.8, 0.9]})
            assert sess.run(roc) == pytest.approx(1.0, abs=1e-5)
            assert sess.run(pr) == pytest.approx(1.0, abs=1e-3)
            sess.run(tf.local_variables_initializer())
            sess.run(roc_up, {lab: [0, 1, 0, 1], score: [0.5, 0.5, 0.5, 0.5]})
            assert sess.run(roc) == pytest.approx(0.5, abs=1e-5)
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(roc_up, {lab: [0, 1], score: [0.5, 1.5]})


def test_mean_iou_by_hand():
    # labels/preds: confusion matrix rows=labels [[1, 1], [0, 2]]; iou0 = 1/2, iou1 = 2/3.
    with tf.Graph().as_default():
        value, update = tf.metrics.mean_iou(tf.constant([0, 0, 1, 1]), tf.constant([0, 1, 1, 1]), num_classes=3)
        (cm,) = tf.local_variables()
        assert cm.name == "mean_iou/total_confusion_matrix:0" and cm.dtype.base_dtype == tf.float64
        assert update.name == "mean_iou/AssignAdd:0"
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            np.testing.assert_array_equal(sess.run(update), [[1, 1, 0], [0, 2, 0], [0, 0, 0]])
            assert sess.run(value) == pytest.approx((1 / 2 + 2 / 3) / 2)  # class 2 is never seen


def test_thresholds_metrics():
    with tf.Graph().as_default():
        lab = tf.constant([1, 0, 1, 0])
        score = tf.constant([0.9, 0.6, 0.4, 0.1])
        tp, tp_up = tf.metrics.true_positives_at_thresholds(lab, score, [0.5, 0.3])
        prec, prec_up = tf.metrics.precision_at_thresholds(lab, score, [0.5, 0.3])
        assert [v.name for v in tf.local_variables()] == [
            "true_positives/true_positives:0", "precision_at_thresholds/true_positives:0",
            "precision_at_thresholds/false_positives:0"]
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run([tp_up, prec_up])
            np.testing.assert_allclose(sess.run(tp), [1, 2])
            np.testing.assert_allclose(sess.run(prec), [0.5, 2 / 3], rtol=1e-6)


def test_unsupported_and_invalid_arguments():
    with tf.Graph().as_default():
        x = tf.constant([0.5])
        with pytest.raises(ValueError, match="Curve must be either ROC or PR"):
            tf.metrics.auc(tf.constant([1]), x, curve="XY")
        with pytest.raises(NotImplementedError, match="num_classes"):
            tf.metrics.mean_iou(tf.constant([1]), tf.constant([1]), num_classes=tf.constant(3))
        with pytest.raises(NotImplementedError, match="unknown rank"):
            tf.metrics.accuracy(tf.placeholder(tf.int64), tf.constant([1], tf.int64))
        with pytest.raises(ValueError, match="weights can not be broadcast"):
            tf.metrics.mean(tf.constant([[1.0, 2.0]]), weights=tf.constant([[1.0, 2.0, 3.0]]))
    with pytest.raises(AttributeError, match="tfvars_jax.metrics.sparse_precision_at_k is not supported"):
        tf.metrics.sparse_precision_at_k  # noqa: B018
