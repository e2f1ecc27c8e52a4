"""Differential tests of `tf.image` against TensorFlow (compat.v1): the four resize kernels
with TF1's align_corners / half_pixel_centers grids, crops, pads, flips, rotations, dtype
conversion, colour spaces and adjustments, standardization, gradients, total variation, PSNR
and SSIM: values, static shapes, dtypes, op names where we build TF1's ops, and gradients."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(0)
IMG = rng.uniform(0, 1, (2, 6, 7, 3)).astype(np.float32)
IMG3 = IMG[0].copy()
U8 = rng.randint(0, 256, (2, 6, 7, 3)).astype(np.uint8)
BIG = rng.uniform(0, 1, (2, 16, 13, 3)).astype(np.float32)


def same(build, inputs, names=True, grads=True, static_shape=True, **tol):
    """Ours and TF's results agree; `names=False` compares shapes and dtypes but not op names
    and types (for functions TF1 builds from other ops, e.g. a `case`)."""
    ours = run_op(tfj, build, inputs, grads=grads, static_shape=static_shape)
    ref = run_op(tf1, build, inputs, grads=grads, static_shape=static_shape)
    if not names:
        ours["meta"] = [m[2:] for m in ours["meta"]]
        ref["meta"] = [m[2:] for m in ref["meta"]]
    assert_same(ours, ref, **tol)


KERNELS = ["resize_bilinear", "resize_nearest_neighbor", "resize_bicubic", "resize_area"]
GRIDS = [(False, False), (True, False), (False, True)]


@pytest.mark.parametrize("size", [(9, 4), (1, 1), (10, 14), (6, 7), (3, 2)])
@pytest.mark.parametrize("grid", GRIDS, ids=["legacy", "align_corners", "half_pixel"])
@pytest.mark.parametrize("kernel", KERNELS)
def test_resize_kernels_match_tf(kernel, grid, size):
    align, half = grid
    if kernel == "resize_area" and half:
        pytest.skip("TF1's resize_area has no half_pixel_centers")
    kw = {"align_corners": align}
    if half:
        kw["half_pixel_centers"] = True
    same(lambda tf, x: getattr(tf.image, kernel)(x * 255, size, **kw), [IMG],
         grads=kernel != "resize_area", rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("method", [0, 1, 2, 3, "bilinear", "nearest"])
@pytest.mark.parametrize("image", [IMG, IMG3, U8], ids=["4d", "3d", "uint8"])
def test_resize_images_matches_tf(image, method):
    grads = method not in (3, "area")
    tol = {"rtol": 1e-5, "atol": 1e-3}  # float32 sums of 0..255 values in another order
    same(lambda tf, x: tf.image.resize_images(x, [4, 9], method=method), [image], grads=grads,
         **tol)
    same(lambda tf, x: tf.image.resize(x, [12, 10], method=method, preserve_aspect_ratio=True),
         [image], grads=grads, **tol)
    # statically the same size: TF1 returns the input itself (its dtype kept)
    same(lambda tf, x: tf.image.resize_images(x, image.shape[-3:-1], method=method), [image],
         grads=grads)


def test_resize_with_sizes_known_only_when_fed():
    build = lambda tf, x: tf.image.resize_images(  # noqa: E731
        tf.placeholder_with_default(x, [None, None, None, 3]), [4, 9])
    same(build, [IMG])
    def build(tf, x):
        x = tf.placeholder_with_default(x, [None, None, None, 3])
        return tf.image.resize_bilinear(x, tf.shape(x)[1:3] * 2)
    same(build, [IMG])


@pytest.mark.parametrize("image", [IMG, IMG3, U8], ids=["4d", "3d", "uint8"])
def test_crops_pads_flips_match_tf(image):
    for build in (lambda tf, x: tf.image.crop_to_bounding_box(x, 1, 2, 3, 4),
                  lambda tf, x: tf.image.pad_to_bounding_box(x, 1, 2, 9, 10),
                  lambda tf, x: tf.image.central_crop(x, 0.5),
                  lambda tf, x: tf.image.central_crop(x, 0.33),
                  lambda tf, x: tf.image.flip_left_right(x),
                  lambda tf, x: tf.image.flip_up_down(x),
                  lambda tf, x: tf.image.transpose_image(x)):
        same(build, [image])
    for th, tw in [(4, 4), (8, 9), (3, 10), (6, 7)]:
        same(lambda tf, x, th=th, tw=tw: tf.image.resize_image_with_crop_or_pad(x, th, tw), [image],
             names=False)
    for k in range(-1, 5):
        same(lambda tf, x, k=k: tf.image.rot90(x, k), [image], names=False)


def test_crop_checks_sizes_statically_and_in_the_run():
    for tf in (tfj, tf1):
        with tf.Graph().as_default():
            with pytest.raises(ValueError, match="width must be >= target \\+ offset"):
                tf.image.crop_to_bounding_box(tf.zeros([5, 5, 3]), 0, 3, 2, 3)
            with pytest.raises(ValueError, match="offset_height must be >= 0"):
                tf.image.crop_to_bounding_box(tf.zeros([5, 5, 3]), -1, 0, 2, 3)
            with pytest.raises(ValueError, match="must be at least three-dimensional"):
                tf.image.flip_left_right(tf.zeros([5, 5]))
            x = tf.placeholder(tf.float32, [None, None, 3])
            crop = tf.image.crop_to_bounding_box(x, 0, 3, 2, 3)
            with tf.Session() as sess:
                assert sess.run(crop, {x: np.ones((4, 6, 3))}).shape == (2, 3, 3)
                with pytest.raises(tf.errors.InvalidArgumentError):
                    sess.run(crop, {x: np.ones((4, 5, 3))})


def test_align_corners_with_half_pixel_centers_is_rejected():
    with pytest.raises(tfj.errors.InvalidArgumentError, match="half_pixel_centers"):
        tfj.image.resize_bilinear(tfj.zeros([1, 2, 2, 1]), [3, 3], align_corners=True,
                                  half_pixel_centers=True)


SOURCES = {"float": IMG * 1.3 - 0.1, "uint8": U8,
           "uint16": rng.randint(0, 65535, (2, 3, 3)).astype(np.uint16),
           "int32": rng.randint(-100, 100, (2, 3, 3)).astype(np.int32)}


@pytest.mark.parametrize("saturate", [False, True])
@pytest.mark.parametrize("target", ["uint8", "uint16", "int8", "int32", "float32", "float64"])
@pytest.mark.parametrize("source", list(SOURCES))
def test_convert_image_dtype_matches_tf(source, target, saturate):
    if source == "float" and "int" in target and not saturate:
        pytest.skip("an out-of-range float cast to an integer is undefined in TF1")
    same(lambda tf, x: tf.image.convert_image_dtype(x, getattr(tf, target), saturate=saturate),
         [SOURCES[source]])


@pytest.mark.parametrize("image", [IMG, U8], ids=["float", "uint8"])
def test_colour_ops_match_tf(image):
    same(lambda tf, x: tf.image.rgb_to_grayscale(x), [image])
    same(lambda tf, x: tf.image.adjust_brightness(x, 0.2), [image])
    same(lambda tf, x: tf.image.adjust_gamma(x, 2.2, 1.1), [image])
    same(lambda tf, x: tf.image.per_image_standardization(x), [image])
    for build in (lambda tf, x: tf.image.adjust_contrast(x, 1.7),
                  lambda tf, x: tf.image.adjust_hue(x, 0.3),
                  lambda tf, x: tf.image.adjust_hue(x, -0.7),
                  lambda tf, x: tf.image.adjust_saturation(x, 1.5),
                  lambda tf, x: tf.image.adjust_saturation(x, 0.3)):
        same(build, [image], grads=False)  # TF1 registers no gradient for these kernels


def test_hsv_and_grayscale_match_tf():
    same(lambda tf, x: tf.image.rgb_to_hsv(x), [IMG])
    same(lambda tf, x: tf.image.hsv_to_rgb(x), [IMG])  # not differentiable in TF1: None
    same(lambda tf, x: tf.image.grayscale_to_rgb(x), [IMG[..., :1]])
    hsv = run_op(tfj, lambda tf, x: tf.image.rgb_to_hsv(x), [IMG], grads=False)["values"][0]
    back = run_op(tfj, lambda tf, x: tf.image.hsv_to_rgb(x), [hsv], grads=False)["values"][0]
    np.testing.assert_allclose(back, IMG, atol=1e-6)


def test_ops_without_a_tf1_gradient_raise_lookup_error():
    with tfj.Graph().as_default():
        x = tfj.placeholder(tfj.float32, [1, 4, 4, 3])
        for y in (tfj.image.resize_area(x, [2, 2]), tfj.image.adjust_hue(x, 0.1)):
            with pytest.raises(LookupError, match="No gradient defined"):
                tfj.gradients(tfj.reduce_sum(y), x)


def test_measures_match_tf():
    same(lambda tf, x: tf.image.total_variation(x), [IMG])
    same(lambda tf, x: tf.image.total_variation(x), [IMG3])
    same(lambda tf, x: tf.image.image_gradients(x), [IMG])
    same(lambda tf, x: tf.image.sobel_edges(x), [IMG])
    same(lambda tf, a, b: tf.image.psnr(a, b, 1.0), [IMG, IMG[::-1].copy()])
    same(lambda tf, a, b: tf.image.psnr(a, b, 255), [U8, U8[::-1].copy()])
    noisy = np.clip(BIG + rng.normal(0, .1, BIG.shape), 0, 1).astype(np.float32)
    same(lambda tf, a, b: tf.image.ssim(a, b, 1.0), [BIG, noisy], names=False)
    big8 = (BIG * 255).astype(np.uint8)
    same(lambda tf, a, b: tf.image.ssim(a, b, 255), [big8, big8[::-1].copy()], names=False)


@pytest.mark.parametrize("image", [IMG, IMG3], ids=["4d", "3d"])
def test_random_flips_flip_or_keep_and_follow_the_graph_seed(image):
    def draws(seed_graph):
        with tfj.Graph().as_default():
            tfj.set_random_seed(seed_graph)
            out = tfj.image.random_flip_left_right(image)
            up = tfj.image.random_flip_up_down(image, seed=3)
            assert out.shape.as_list() == list(image.shape) and out.dtype == tfj.float32
            with tfj.Session() as sess:
                return [sess.run([out, up]) for _ in range(12)]
    seen = set()
    for lr, ud in draws(7):
        for a, b in zip(lr.reshape((-1,) + image.shape[-3:]),
                        image.reshape((-1,) + image.shape[-3:])):
            flipped = np.array_equal(a, b[:, ::-1])
            assert flipped or np.array_equal(a, b)
            seen.add(flipped)
        assert ud.shape == image.shape
    assert seen == {True, False}
    for a, b in zip(draws(7), draws(7)):
        np.testing.assert_array_equal(a[0], b[0])


def test_random_adjustments_stay_in_their_ranges():
    with tfj.Graph().as_default():
        tfj.set_random_seed(1)
        x = tfj.constant(IMG)
        outs = [tfj.image.random_brightness(x, 0.2), tfj.image.random_contrast(x, 0.5, 1.5),
                tfj.image.random_hue(x, 0.2), tfj.image.random_saturation(x, 0.5, 1.5),
                tfj.image.random_crop(x, [2, 3, 4, 3])]
        with tfj.Session() as sess:
            b, c, h, s, crop = sess.run(outs)
    assert np.all(np.abs(b - IMG) <= 0.2 + 1e-6) and len(np.unique(np.round(b - IMG, 5))) == 1
    assert c.shape == h.shape == s.shape == IMG.shape and crop.shape == (2, 3, 4, 3)
    for tf in (tfj, tf1):
        with pytest.raises(ValueError, match="upper must be > lower"):
            tf.image.random_contrast(tf.zeros([2, 2, 3]), 1.0, 0.5)
        with pytest.raises(ValueError, match="max_delta must be <= 0.5"):
            tf.image.random_hue(tf.zeros([2, 2, 3]), 0.7)


def _boxes():
    r = np.random.RandomState(3)
    corner = r.uniform(0, 1, (12, 2)).astype(np.float32)
    boxes = np.concatenate([corner, corner + r.uniform(0.1, 0.5, (12, 2)).astype(np.float32)], 1)
    boxes[3] = boxes[3][[2, 3, 0, 1]]  # corners in the other order
    return boxes, r.uniform(0, 1, 12).astype(np.float32)


@pytest.mark.parametrize("args", [(5, 0.5, -np.inf), (12, 0.3, 0.2), (3, 0.7, 0.0),
                                  (0, 0.5, -np.inf)])
def test_non_max_suppression_matches_tf(args):
    boxes, scores = _boxes()
    same(lambda tf, b, s: tf.image.non_max_suppression(b, s, *args), [boxes, scores])


def test_non_max_suppression_sizes_change_between_runs():
    boxes, scores = _boxes()
    with tfj.Graph().as_default():
        b = tfj.placeholder(tfj.float32, [None, 4])
        s = tfj.placeholder(tfj.float32, [None])
        t = tfj.placeholder(tfj.float32, [])
        keep = tfj.image.non_max_suppression(b, s, 10, score_threshold=t)
        assert keep.shape.as_list() == [None] and keep.dtype == tfj.int32
        with tfj.Session() as sess:
            counts = [len(sess.run(keep, {b: boxes[:n], s: scores[:n], t: th}))
                      for n, th in [(12, 0.0), (5, 0.0), (12, 0.6), (12, 0.0)]]
    assert counts[0] == counts[3] and counts[1] <= 5 and counts[2] < counts[0]


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("crop", [(3, 4), (1, 1), (5, 2)])
def test_crop_and_resize_matches_tf(method, crop):
    boxes = np.array([[0.1, 0.2, 0.8, 0.9], [-0.2, 0.3, 0.5, 1.3], [0.5, 0.5, 0.5, 0.5],
                      [0.9, 0.8, 0.2, 0.1]], np.float32)
    ind = np.array([0, 1, 1, 0], np.int32)
    same(lambda tf, x, b, i: tf.image.crop_and_resize(x, b, i, crop, method=method,
                                                      extrapolation_value=-1.0),
         [IMG, boxes, ind], grads=method == "bilinear")
    for tf in (tfj, tf1):
        with tf.Graph().as_default():
            out = tf.image.crop_and_resize(tf.constant(IMG), boxes, [0, 1, 2, 0], crop)
            with tf.Session() as sess, pytest.raises(tf.errors.OutOfRangeError):
                sess.run(out)


def test_yiq_yuv_and_resize_with_pad_match_tf():
    for fn in ("rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"):
        same(lambda tf, x, fn=fn: getattr(tf.image, fn)(x), [IMG], names=False)
    for th, tw in [(10, 10), (3, 12), (6, 7), (12, 4)]:
        for method in (0, 1):
            for image in (IMG, U8[0]):
                same(lambda tf, x, th=th, tw=tw, m=method:
                     tf.image.resize_image_with_pad(x, th, tw, method=m), [image])
